#include <catch2/catch.hpp>

#include <stdexcept>

#include "harness/seed_range.h"

using namespace kafkasim::harness;

TEST_CASE("a seed range A..B names the seeds A to B inclusive") {
  std::string error;
  auto r = parse_seed_range("1..1000", &error);
  REQUIRE(r);
  CHECK(r->first == 1);
  CHECK(r->last == 1000);
  CHECK(r->size() == 1000);
  auto one = parse_seed_range("7..7");
  REQUIRE(one);
  CHECK(one->size() == 1);
  CHECK(shard_seeds(*one, Shard{1, 1}) == std::vector<std::uint64_t>{7});
}

TEST_CASE("a seed range accepts the full 64-bit range of seeds") {
  auto r = parse_seed_range("0..18446744073709551615");
  REQUIRE(r);
  CHECK(r->first == 0);
  CHECK(r->last == UINT64_MAX);
  CHECK(r->size() == UINT64_MAX);
}

TEST_CASE("a seed range that is empty, not numeric or overflows is refused with a reason") {
  std::string error;
  CHECK_FALSE(parse_seed_range("10..1", &error));
  CHECK(error.find("10 is greater than 1") != std::string::npos);
  CHECK_FALSE(parse_seed_range("1-10", &error));
  CHECK(error.find("A..B") != std::string::npos);
  CHECK_FALSE(parse_seed_range("a..10", &error));
  CHECK(error.find("\"a\"") != std::string::npos);
  CHECK_FALSE(parse_seed_range("1..", &error));
  CHECK(error.find("got nothing") != std::string::npos);
  CHECK_FALSE(parse_seed_range("..5", &error));
  CHECK_FALSE(parse_seed_range("-1..5", &error));
  CHECK_FALSE(parse_seed_range("1..+5", &error));
  CHECK_FALSE(parse_seed_range(" 1..5", &error));
  CHECK_FALSE(parse_seed_range("1..18446744073709551616", &error));
  CHECK(error.find("larger than 2^64-1") != std::string::npos);
  CHECK_FALSE(parse_seed_range("1...5", &error));
}

TEST_CASE("a single seed is a decimal number from 0 to 2^64-1") {
  CHECK(parse_seed("0") == 0u);
  CHECK(parse_seed("42") == 42u);
  CHECK(parse_seed("18446744073709551615") == UINT64_MAX);
  std::string error;
  CHECK_FALSE(parse_seed("18446744073709551616", &error));
  CHECK(error.find("larger") != std::string::npos);
  CHECK_FALSE(parse_seed("0x10"));
  CHECK_FALSE(parse_seed("4.2"));
  CHECK_FALSE(parse_seed(""));
}

TEST_CASE("a shard K/N needs 1 <= K <= N") {
  CHECK(parse_shard("1/1") == Shard{1, 1});
  CHECK(parse_shard("3/8") == Shard{3, 8});
  std::string error;
  CHECK_FALSE(parse_shard("0/4", &error));
  CHECK(error.find("K must be from 1 to N = 4") != std::string::npos);
  CHECK_FALSE(parse_shard("5/4", &error));
  CHECK_FALSE(parse_shard("1/0", &error));
  CHECK(error.find("N must be at least 1") != std::string::npos);
  CHECK_FALSE(parse_shard("2", &error));
  CHECK(error.find("K/N") != std::string::npos);
  CHECK_FALSE(parse_shard("a/b", &error));
  CHECK_FALSE(parse_shard("1/2/3", &error));
}

TEST_CASE("shards keep the seeds whose index in the range mod N is K-1") {
  const SeedRange range{10, 19};
  CHECK(shard_seeds(range, Shard{1, 3}) == std::vector<std::uint64_t>{10, 13, 16, 19});
  CHECK(shard_seeds(range, Shard{2, 3}) == std::vector<std::uint64_t>{11, 14, 17});
  CHECK(shard_seeds(range, Shard{3, 3}) == std::vector<std::uint64_t>{12, 15, 18});
  CHECK(shard_seeds(range, Shard{1, 1}).size() == 10);
}

TEST_CASE("the shards of a sweep cover every seed exactly once") {
  const SeedRange range{1, 1000};
  for (std::uint64_t n : {1u, 2u, 3u, 7u, 1000u, 1001u}) {
    std::vector<int> seen(1001, 0);
    for (std::uint64_t k = 1; k <= n; ++k) {
      for (std::uint64_t s : shard_seeds(range, Shard{k, n})) ++seen[s];
    }
    for (std::uint64_t s = 1; s <= 1000; ++s) REQUIRE(seen[s] == 1);
  }
}

TEST_CASE("a shard beyond the end of a short range is empty") {
  CHECK(shard_seeds(SeedRange{5, 6}, Shard{3, 4}).empty());
}

TEST_CASE("a sweep too large to hold is refused rather than allocated") {
  CHECK_THROWS_AS(shard_seeds(SeedRange{0, UINT64_MAX}, Shard{1, 1}), std::length_error);
  CHECK(shard_seeds(SeedRange{0, UINT64_MAX}, Shard{1, UINT64_MAX}) == std::vector<std::uint64_t>{0, UINT64_MAX});
  CHECK(shard_seeds(SeedRange{0, UINT64_MAX}, Shard{2, UINT64_MAX}) == std::vector<std::uint64_t>{1});
  CHECK(shard_seeds(SeedRange{UINT64_MAX - 2, UINT64_MAX}, Shard{1, 2}) ==
        std::vector<std::uint64_t>{UINT64_MAX - 2, UINT64_MAX});
}
