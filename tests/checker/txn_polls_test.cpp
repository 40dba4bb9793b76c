// Polls inside transactions (Jepsen's txn ops mixing [:send] and [:poll]),
// in the shape the queue workload records them with txn_poll_ratio: the
// reads of a transaction are judged as those of a poll op.
#include <catch2/catch.hpp>

#include "history_dsl.h"

using namespace kafkasim::checker;
using namespace kafkasim::checker::test;
using nlohmann::json;

TEST_CASE("A committed transaction whose poll read an aborted transaction's send is an aborted read (G1a)",
          "[checker]") {
  Hist t;
  auto aborted = t.txn(0, {send("x", 1, std::nullopt), send("y", 1, std::nullopt)}, OpType::fail);
  auto reader = t.txn(1, {send("y", 2, 3), poll({{"x", {{0, 1}}}})});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(found(v, "G1a") ==
        std::vector<json>{{{"key", "x"}, {"value", 1}, {"offset", 0}, {"writer", aborted}, {"reader", reader}}});
}

TEST_CASE("An aborted transaction's poll of an aborted send is no aborted read", "[checker]") {
  Hist t;
  t.txn(0, {send("x", 1, std::nullopt)}, OpType::fail);
  t.txn(1, {poll({{"x", {{0, 1}}}}), send("y", 1, std::nullopt)}, OpType::fail);
  CHECK(found(t.check(), "G1a").empty());
}

TEST_CASE("A transaction that failed and the next one reading the same records again is valid", "[checker]") {
  // The workload seeks its consumer back after a transaction that did not
  // commit, so the next one reads the same offsets again.
  Hist t;
  t.send(0, "x", 1, 0);
  t.send(0, "x", 2, 1);
  t.send(0, "x", 3, 2);
  t.assign(1, {"x"});
  t.txn(1, {poll({{"x", {{0, 1}}}}), send("y", 1, std::nullopt)});
  t.txn(1, {poll({{"x", {{1, 2}, {2, 3}}}}), send("y", 2, std::nullopt)}, OpType::fail);
  t.txn(1, {poll({{"x", {{1, 2}}}}), poll({{"x", {{2, 3}}}}), send("y", 3, 0)});
  Verdict v = t.check();
  INFO(json(names(v)).dump());
  CHECK(v.valid);
}

TEST_CASE("Transactions of one process whose polls jump over a record show a poll-skip", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  t.send(0, "x", 2, 1);
  t.send(0, "x", 3, 2);
  t.poll(2, {{"x", {{0, 1}, {1, 2}, {2, 3}}}});
  t.assign(1, {"x"});
  auto first = t.txn(1, {poll({{"x", {{0, 1}}}}), send("y", 1, 0)});
  auto second = t.txn(1, {send("y", 2, 1), poll({{"x", {{2, 3}}}})});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  auto skips = found(v, "poll-skip");
  REQUIRE(skips.size() == 1);
  CHECK(skips[0]["key"] == "x");
  CHECK(skips[0]["ops"] == json::array({first, second}));
}

TEST_CASE("Two polls of one transaction that jump over a record show an int-poll-skip", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  t.send(0, "x", 2, 1);
  t.send(0, "x", 3, 2);
  t.poll(2, {{"x", {{0, 1}, {1, 2}, {2, 3}}}});
  auto op = t.txn(1, {poll({{"x", {{0, 1}}}}), send("y", 1, 0), poll({{"x", {{2, 3}}}})});
  Verdict v = t.check();
  auto skips = found(v, "int-poll-skip");
  REQUIRE(skips.size() == 1);
  CHECK(skips[0]["op"] == op);
}

TEST_CASE("A committed transaction's send that only a later transaction's read passed over is a lost write",
          "[checker]") {
  Hist t;
  auto writer = t.txn(0, {send("x", 1, 0), send("x", 2, 1)});
  t.txn(1, {poll({{"x", {{1, 2}}}})});
  Verdict v = t.check();
  auto lost = found(v, "lost-write");
  REQUIRE(lost.size() == 1);
  CHECK(lost[0]["value"] == 1);
  CHECK(lost[0]["writer"] == writer);
}

TEST_CASE("Transactions that each poll the other's send form a G1c cycle", "[checker]") {
  Hist t;
  t.txn(0, {send("x", 1, 0), poll({{"y", {{0, 1}}}})});
  t.txn(1, {send("y", 1, 0), poll({{"x", {{0, 1}}}})});
  Verdict v = t.check();
  CHECK(found(v, "G1c").size() == 1);
}
