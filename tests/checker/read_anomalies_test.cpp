// G1a and precommitted-read.
#include <catch2/catch.hpp>

#include "history_dsl.h"

using namespace kafkasim::checker;
using namespace kafkasim::checker::test;
using nlohmann::json;

TEST_CASE("An ok poll of a failed send is an aborted read (G1a)", "[checker]") {
  Hist t;
  auto w = t.send(0, "x", 1, std::nullopt, OpType::fail);
  auto r = t.poll(1, {{"x", {{0, 1}}}});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(found(v, "G1a") ==
        std::vector<json>{{{"key", "x"}, {"value", 1}, {"offset", 0}, {"writer", w}, {"reader", r}}});
}

TEST_CASE("Reads of info sends, or failed sends read by unfinished polls, are not G1a",
          "[checker]") {
  Hist t;
  t.send(0, "x", 1, std::nullopt, OpType::info);
  t.send(0, "x", 2, std::nullopt, OpType::fail);
  t.poll(1, {{"x", {{0, 1}}}});
  t.poll(2, {{"x", {{1, 2}}}}, OpType::info);
  CHECK(found(t.check(), "G1a").empty());
}

TEST_CASE("A transaction reading its own send is a precommitted read", "[checker]") {
  Hist t;
  auto op = t.txn(0, {send("x", 1, 0), poll({{"x", {{0, 1}}}})});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(found(v, "precommitted-read") ==
        std::vector<json>{{{"key", "x"}, {"value", 1}, {"offset", 0}, {"op", op}}});
}

TEST_CASE("A transaction reading another's send is no precommitted read", "[checker]") {
  Hist t;
  t.send(1, "x", 1, 0);
  t.txn(0, {send("x", 2, 1), poll({{"x", {{0, 1}}}})});
  CHECK(found(t.check(), "precommitted-read").empty());
}
