// inconsistent-offsets and duplicate.
#include <catch2/catch.hpp>

#include "history_dsl.h"

using namespace kafkasim::checker;
using namespace kafkasim::checker::test;
using nlohmann::json;

TEST_CASE("Two acknowledged sends at one offset are inconsistent offsets", "[checker]") {
  Hist t;
  auto a = t.send(0, "x", 1, 0);
  auto b = t.send(1, "x", 2, 0);
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(found(v, "inconsistent-offsets") ==
        std::vector<json>{{{"key", "x"}, {"offset", 0}, {"position", 0}, {"values", {1, 2}}, {"ops", {a, b}}}});
}

TEST_CASE("An info send at a taken offset is no inconsistency until a read proves it happened",
          "[checker]") {
  Hist t;
  auto a = t.send(0, "x", 1, 0);
  auto b = t.send(1, "x", 2, 0, OpType::info);
  CHECK(found(t.check(), "inconsistent-offsets").empty());

  t.poll(2, {{"x", {{0, 2}}}});
  CHECK(found(t.check(), "inconsistent-offsets") ==
        std::vector<json>{{{"key", "x"}, {"offset", 0}, {"position", 0}, {"values", {1, 2}}, {"ops", {a, b}}}});
}

TEST_CASE("Polls that disagree about an offset are inconsistent offsets", "[checker]") {
  Hist t;
  auto a = t.poll(0, {{"x", {{5, 10}}}});
  auto b = t.poll(1, {{"x", {{5, 11}}}}, OpType::fail);
  CHECK(found(t.check(), "inconsistent-offsets") ==
        std::vector<json>{{{"key", "x"}, {"offset", 5}, {"position", 0}, {"values", {10, 11}}, {"ops", {a, b}}}});
}

TEST_CASE("One value at two offsets is a duplicate, and not also a nonmonotonic poll",
          "[checker]") {
  Hist t;
  auto s = t.send(0, "x", 1, 0);
  t.send(0, "x", 2, 1);
  auto p = t.poll(1, {{"x", {{0, 1}, {1, 2}, {2, 1}}}});
  Verdict v = t.check();
  CHECK(names(v) == std::vector<std::string>{"duplicate"});
  CHECK(found(v, "duplicate") == std::vector<json>{{{"key", "x"},
                                                   {"value", 1},
                                                   {"count", 2},
                                                   {"offsets", {0, 2}},
                                                   {"ops", {s, p}}}});
}

TEST_CASE("Reading one value at one offset many times is no duplicate", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  t.poll(1, {{"x", {{0, 1}}}});
  t.poll(2, {{"x", {{0, 1}}}});
  Verdict v = t.check();
  CHECK(v.valid);
  CHECK(v.anomalies.empty());
}
