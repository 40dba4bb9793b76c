// The dispatcher's store and the trip book (harness/ride_dispatch.h):
// matching, declines, rejections, and a restore from the changelog giving
// the store that wrote it.
#include <catch2/catch.hpp>

#include "harness/ride_dispatch.h"

using namespace kafkasim::harness;

namespace {
std::vector<std::string> matches(const std::vector<RideOutput>& out) {
  std::vector<std::string> m;
  for (const RideOutput& o : out) {
    if (o.to == RideOutput::To::kMatches) m.push_back(o.value);
  }
  return m;
}
}  // namespace

TEST_CASE("a request is offered to the nearest free driver, then to the next when that one is busy") {
  DispatchStore s(3, 10000);
  s.location("d1", 0, 0);
  s.location("d2", 5, 5);
  std::vector<RideOutput> out;
  s.request("r1-1", "r1", 100, 4, 4, 100, out);
  REQUIRE(matches(out) == std::vector<std::string>{"match r1-1 d2 100"});
  out.clear();
  s.request("r2-1", "r2", 110, 5, 5, 110, out);
  REQUIRE(matches(out) == std::vector<std::string>{"match r2-1 d1 110"});
  REQUIRE(s.driver_state("d1") == "offered r2-1");
}

TEST_CASE("a request waits for a free driver and is offered when a trip completes") {
  DispatchStore s(3, 10000);
  s.location("d1", 0, 0);
  std::vector<RideOutput> out;
  s.request("r1-1", "r1", 100, 0, 0, 100, out);
  s.accept("r1-1", "d1", out);
  out.clear();
  s.request("r2-1", "r2", 200, 1, 1, 200, out);
  REQUIRE(matches(out).empty());
  REQUIRE(s.request_state("r2-1").rfind("waiting r2 200", 0) == 0);
  s.completed("r1-1", "d1", 3000, out);
  REQUIRE(matches(out) == std::vector<std::string>{"match r2-1 d1 3000"});
}

TEST_CASE("a declined request goes to another driver, and is rejected after max_offers declines") {
  DispatchStore s(2, 10000);
  s.location("d1", 0, 0);
  s.location("d2", 1, 0);
  s.location("d3", 9, 9);
  std::vector<RideOutput> out;
  s.request("r1-1", "r1", 0, 0, 0, 0, out);
  s.decline("r1-1", "d1", 10, out);
  out.clear();
  s.decline("r1-1", "d1", 11, out);  // a redelivered decline changes nothing
  REQUIRE(out.empty());
  REQUIRE(s.driver_state("d2") == "offered r1-1");
  s.decline("r1-1", "d2", 20, out);
  REQUIRE(matches(out) == std::vector<std::string>{"reject r1-1 20"});
  REQUIRE(s.request_state("r1-1") == "done");
  REQUIRE(s.driver_state("d3") == "free");
}

TEST_CASE("a request no driver is free for is rejected after max_wait_ms") {
  DispatchStore s(3, 5000);
  std::vector<RideOutput> out;
  s.request("r1-1", "r1", 0, 0, 0, 0, out);
  s.dispatch(4999, out);
  REQUIRE(matches(out).empty());
  s.dispatch(5000, out);
  REQUIRE(matches(out) == std::vector<std::string>{"reject r1-1 5000"});
}

TEST_CASE("a cancel before any offer drops the request, and once offered it is too late") {
  DispatchStore s(3, 10000);
  std::vector<RideOutput> out;
  s.request("r1-1", "r1", 0, 0, 0, 0, out);
  s.cancel("r1-1", out);
  REQUIRE(s.request_state("r1-1") == "done");
  s.location("d1", 0, 0);
  s.request("r2-1", "r2", 0, 0, 0, 0, out);
  s.cancel("r2-1", out);
  REQUIRE(s.driver_state("d1") == "offered r2-1");
}

TEST_CASE("a redelivered request is not offered twice") {
  DispatchStore s(3, 10000);
  s.location("d1", 0, 0);
  s.location("d2", 0, 1);
  std::vector<RideOutput> out;
  s.request("r1-1", "r1", 0, 0, 0, 0, out);
  out.clear();
  s.request("r1-1", "r1", 0, 0, 0, 5, out);
  REQUIRE(out.empty());
}

TEST_CASE("a store restored from its changelog records is the store that wrote them") {
  DispatchStore s(3, 10000);
  s.location("d1", 0, 0);
  s.location("d2", 3, 3);
  std::vector<RideOutput> out;
  s.request("r1-1", "r1", 0, 0, 0, 0, out);
  s.request("r2-1", "r2", 1, 3, 3, 1, out);
  s.request("r3-1", "r3", 2, 1, 1, 2, out);
  s.accept("r1-1", "d1", out);
  s.decline("r2-1", "d2", 5, out);
  DispatchStore restored(3, 10000);
  for (const RideOutput& o : out) {
    if (o.to == RideOutput::To::kChangelog) restored.restore(o.key, o.value);
  }
  for (const char* d : {"d1", "d2"}) REQUIRE(restored.driver_state(d) == s.driver_state(d));
  for (const char* r : {"r1-1", "r2-1", "r3-1"}) REQUIRE(restored.request_state(r) == s.request_state(r));
  // The restored store carries on as the original would.
  restored.location("d1", 0, 0);
  restored.location("d2", 3, 3);
  std::vector<RideOutput> a, b;
  s.completed("r1-1", "d1", 9, a);
  restored.completed("r1-1", "d1", 9, b);
  REQUIRE(a == b);
}

TEST_CASE("the trip book starts a trip once and completes it at the first location update after its duration") {
  TripBook book(3000);
  std::vector<std::string> out;
  book.accept("r1-1", "d1", 1000, out);
  book.accept("r1-1", "d1", 1100, out);  // redelivered
  REQUIRE(out == std::vector<std::string>{"started r1-1 d1 1000"});
  out.clear();
  book.tick("d1", 3999, out);
  REQUIRE(out.empty());
  book.tick("d1", 4000, out);
  REQUIRE(out == std::vector<std::string>{"completed r1-1 d1 4000 " + std::to_string(ride_fare("r1-1"))});
}

TEST_CASE("a trip book restored from trip-events knows the trips under way and those done") {
  TripBook book(3000);
  book.restore("started r1-1 d1 1000");
  book.restore("completed r1-1 d1 4000 900");
  book.restore("started r2-1 d2 5000");
  REQUIRE(book.under_way() == 1);
  std::vector<std::string> out;
  book.accept("r1-1", "d1", 6000, out);  // done already
  REQUIRE(out.empty());
  book.tick("d2", 8000, out);
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].rfind("completed r2-1 d2 8000", 0) == 0);
}
