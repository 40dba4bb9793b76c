// lost-write and unseen.
#include <catch2/catch.hpp>

#include "history_dsl.h"

using namespace kafkasim::checker;
using namespace kafkasim::checker::test;
using nlohmann::json;

namespace {

// The lost-write witness of value v at offset 42 (position 1), below the
// read of offset 43 (position 2).
json lost_17(std::int64_t writer, std::int64_t max_read, const std::string& key) {
  return {{"key", key},
          {"value", 17},
          {"offset", 42},
          {"position", 1},
          {"max_read_position", 2},
          {"max_read_offset", 43},
          {"writer", writer},
          {"max_read", max_read}};
}

}  // namespace

TEST_CASE("An acknowledged send below the highest read and never read is a lost write",
          "[checker]") {
  Hist t;
  t.send(0, "orders/0", 16, 41);
  auto w = t.send(0, "orders/0", 17, 42);
  t.send(0, "orders/0", 18, 43);
  t.poll(1, {{"orders/0", {{41, 16}}}});
  auto r = t.poll(2, {{"orders/0", {{43, 18}}}});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(v.invalidating() == std::vector<std::string>{"lost-write"});
  CHECK(found(v, "lost-write") == std::vector<json>{lost_17(w, r, "orders/0")});
  CHECK(found(v, "unseen") == std::vector<json>{{{"key", "orders/0"}, {"count", 1}, {"values", {17}}}});
}

TEST_CASE("A send above the highest read is unseen, not lost", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  t.send(0, "x", 2, 1);
  t.poll(1, {{"x", {{0, 1}}}});
  Verdict v = t.check();
  CHECK(v.valid);
  CHECK(names(v) == std::vector<std::string>{"unseen"});
}

TEST_CASE("An info send that nothing proves happened is not lost", "[checker]") {
  Hist t;
  t.send(0, "x", 16, 41);
  t.send(0, "x", 17, 42, OpType::info);
  t.send(0, "x", 18, 43);
  t.poll(1, {{"x", {{41, 16}, {43, 18}}}});
  Verdict v = t.check();
  CHECK(v.valid);
  CHECK(v.anomalies.empty());
}

TEST_CASE("An info txn proven by a read of another of its sends can lose a write", "[checker]") {
  Hist t;
  t.send(0, "x", 16, 41);
  auto w = t.txn(0, {send("x", 17, 42), send("y", 100, 0)}, OpType::info);
  t.send(0, "x", 18, 43);
  t.poll(1, {{"y", {{0, 100}}}});
  auto r = t.poll(2, {{"x", {{41, 16}, {43, 18}}}});
  Verdict v = t.check();
  CHECK(found(v, "lost-write") == std::vector<json>{lost_17(w, r, "x")});
}

TEST_CASE("A value read only by a failed poll can still be lost, as in Jepsen", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  t.send(0, "x", 2, 1);
  t.poll(1, {{"x", {{0, 1}}}}, OpType::fail);
  t.poll(2, {{"x", {{1, 2}}}});
  CHECK(found(t.check(), "lost-write").size() == 1);
}
