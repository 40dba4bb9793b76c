// poll-skip, nonmonotonic-poll, nonmonotonic-send and their within-op
// (int-) variants.
#include <catch2/catch.hpp>

#include "checker/history_reader.h"
#include "history_dsl.h"

using namespace kafkasim::checker;
using namespace kafkasim::checker::test;
using nlohmann::json;

namespace {

// x = [1, 2, 3] at offsets 0, 1, 2, sent by process 0; a reader (process
// 9) reads all of it, so no value is lost.
Hist three_values() {
  Hist t;
  t.send(0, "x", 1, 0);
  t.send(0, "x", 2, 1);
  t.send(0, "x", 3, 2);
  t.poll(9, {{"x", {{0, 1}, {1, 2}, {2, 3}}}});
  return t;
}

}  // namespace

TEST_CASE("A process whose next poll starts past the next value has a poll skip", "[checker]") {
  Hist t = three_values();
  t.assign(1, {"x"});
  auto a = t.poll(1, {{"x", {{0, 1}}}});
  auto b = t.poll(1, {{"x", {{2, 3}}}});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(names(v) == std::vector<std::string>{"poll-skip"});
  CHECK(found(v, "poll-skip") == std::vector<json>{{{"key", "x"},
                                                   {"values", {1, 3}},
                                                   {"offsets", {0, 2}},
                                                   {"delta", 2},
                                                   {"skipped", {2}},
                                                   {"ops", {a, b}}}});
}

TEST_CASE("Offset gaps from transaction markers are not poll skips", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  t.send(0, "x", 3, 2);  // offset 1 holds a commit marker
  t.poll(1, {{"x", {{0, 1}}}});
  t.poll(1, {{"x", {{2, 3}}}});
  t.poll(2, {{"x", {{0, 1}, {2, 3}}}});
  Verdict v = t.check();
  CHECK(v.valid);
  CHECK(v.anomalies.empty());
}

TEST_CASE("An assign that drops a key forgets where the process was in it", "[checker]") {
  Hist t = three_values();
  t.poll(1, {{"x", {{0, 1}}}});
  t.assign(1, {"y"});
  t.assign(1, {"x", "y"});
  t.poll(1, {{"x", {{2, 3}}}});
  CHECK(t.check().anomalies.empty());
}

TEST_CASE("Poll skips are allowed by default when the history subscribes", "[checker]") {
  Hist t = three_values();
  t.assign(1, {"x"}, OpFn::subscribe);
  t.poll(1, {{"x", {{0, 1}}}});
  t.poll(1, {{"x", {{2, 3}}}});
  Verdict v = t.check();
  CHECK(found(v, "poll-skip").size() == 1);
  CHECK(v.valid);
}

TEST_CASE("A process whose next poll starts at or before where it left off is nonmonotonic",
          "[checker]") {
  Hist t = three_values();
  auto a = t.poll(1, {{"x", {{0, 1}, {1, 2}}}});
  auto b = t.poll(1, {{"x", {{1, 2}, {2, 3}}}});
  CHECK(found(t.check(), "nonmonotonic-poll") == std::vector<json>{{{"key", "x"},
                                                                   {"values", {2, 2}},
                                                                   {"offsets", {1, 1}},
                                                                   {"delta", 0},
                                                                   {"ops", {a, b}}}});
}

TEST_CASE("Only ok polls move a process's position", "[checker]") {
  Hist t = three_values();
  t.poll(1, {{"x", {{0, 1}}}});
  t.poll(1, {{"x", {{1, 2}}}}, OpType::info);
  t.poll(1, {{"x", {{1, 2}, {2, 3}}}});
  CHECK(t.check().anomalies.empty());
}

TEST_CASE("An empty poll of a key does not reset the process's position in it", "[checker]") {
  Hist t = three_values();
  t.poll(1, {{"x", {{0, 1}}}});
  t.poll(1, {{"x", {}}});
  t.poll(1, {{"x", {{2, 3}}}});
  CHECK(found(t.check(), "poll-skip").size() == 1);
}

TEST_CASE("Reads within one poll that skip a value are an internal poll skip", "[checker]") {
  Hist t = three_values();
  auto op = t.poll(1, {{"x", {{0, 1}, {2, 3}}}});
  Verdict v = t.check();
  CHECK(names(v) == std::vector<std::string>{"int-poll-skip"});
  CHECK(found(v, "int-poll-skip") == std::vector<json>{{{"key", "x"},
                                                       {"values", {1, 3}},
                                                       {"offsets", {0, 2}},
                                                       {"delta", 2},
                                                       {"skipped", {2}},
                                                       {"op", op}}});
}

TEST_CASE("Reads within one poll that go backwards are an internal nonmonotonic poll",
          "[checker]") {
  Hist t = three_values();
  auto op = t.poll(1, {{"x", {{1, 2}, {0, 1}}}});
  CHECK(found(t.check(), "int-nonmonotonic-poll") == std::vector<json>{{{"key", "x"},
                                                                       {"values", {2, 1}},
                                                                       {"offsets", {1, 0}},
                                                                       {"delta", -1},
                                                                       {"op", op}}});
}

TEST_CASE("Keys in an op's rebalance log are exempt from internal poll checks", "[checker]") {
  History h = read_history_string(
      R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send","x",[0,1]]]}
{"index":1,"process":0,"type":"ok","f":"send","value":[["send","x",[1,2]]]}
{"index":2,"process":1,"type":"ok","f":"poll","value":[["poll",{"x":[[1,2],[0,1]]}]],"rebalance-log":[{"keys":["x"]}]}
{"index":3,"process":2,"type":"ok","f":"poll","value":[["poll",{"x":[[1,2],[0,1]]}]]}
)");
  Verdict v = check(h);
  REQUIRE(found(v, "int-nonmonotonic-poll").size() == 1);
  CHECK(found(v, "int-nonmonotonic-poll")[0]["op"] == 3);
}

TEST_CASE("Sends within one txn with other values between them are an allowed internal skip",
          "[checker]") {
  Hist t;
  t.send(1, "x", 2, 1);
  auto op = t.txn(0, {send("x", 1, 0), send("x", 3, 2)});
  Verdict v = t.check();
  CHECK(v.valid);
  CHECK(found(v, "int-send-skip") == std::vector<json>{{{"key", "x"},
                                                       {"values", {1, 3}},
                                                       {"offsets", {0, 2}},
                                                       {"delta", 2},
                                                       {"skipped", {2}},
                                                       {"op", op}}});
}

TEST_CASE("Sends within one txn landing out of order are an internal nonmonotonic send",
          "[checker]") {
  Hist t;
  auto op = t.txn(0, {send("x", 2, 1), send("x", 1, 0)});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(found(v, "int-nonmonotonic-send") == std::vector<json>{{{"key", "x"},
                                                               {"values", {2, 1}},
                                                               {"offsets", {1, 0}},
                                                               {"delta", -1},
                                                               {"op", op}}});
}

TEST_CASE("A process whose next send lands before its previous one is a nonmonotonic send",
          "[checker]") {
  Hist t;
  auto a = t.send(0, "x", 2, 1);
  auto b = t.send(0, "x", 1, 0);
  CHECK(found(t.check(), "nonmonotonic-send") == std::vector<json>{{{"key", "x"},
                                                                   {"values", {2, 1}},
                                                                   {"offsets", {1, 0}},
                                                                   {"delta", -1},
                                                                   {"ops", {a, b}}}});
}

TEST_CASE("Sends of different processes may land in any order", "[checker]") {
  Hist t;
  t.send(0, "x", 2, 1);
  t.send(1, "x", 1, 0);
  CHECK(found(t.check(), "nonmonotonic-send").empty());
}
