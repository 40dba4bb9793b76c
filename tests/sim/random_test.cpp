#include <catch2/catch.hpp>

#include <set>

#include "sim/random.h"

using kafkasim::sim::Prng;

TEST_CASE("the PRNG gives the documented xoshiro256** sequence for a seed") {
  // SplitMix64 of 0 is the published first output 0xe220a8397b1dcdaf.
  uint64_t state = 0;
  REQUIRE(kafkasim::sim::splitmix64(&state) == 0xe220a8397b1dcdafULL);
  Prng a(42), b(42);
  for (int i = 0; i < 100; ++i) REQUIRE(a.next_u64() == b.next_u64());
}

TEST_CASE("sub-streams of one seed are independent of each other's draws") {
  Prng net = Prng::stream(7, "network");
  Prng nemesis = Prng::stream(7, "nemesis");
  Prng net_again = Prng::stream(7, "network");
  for (int i = 0; i < 10; ++i) nemesis.next_u64();
  for (int i = 0; i < 10; ++i) REQUIRE(net.next_u64() == net_again.next_u64());
  REQUIRE(Prng::stream(7, "network").next_u64() != Prng::stream(8, "network").next_u64());
}

TEST_CASE("bounded draws stay in range and cover it") {
  Prng rng(1);
  std::set<int64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = rng.between(-3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
    seen.insert(v);
  }
  REQUIRE(seen.size() == 7);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.unit();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
  }
  REQUIRE(rng.between(5, 5) == 5);
}
