// G0 and G1c.
#include <catch2/catch.hpp>

#include "history_dsl.h"

using namespace kafkasim::checker;
using namespace kafkasim::checker::test;
using nlohmann::json;

TEST_CASE("Two transactions each reading the other's send form a G1c cycle", "[checker]") {
  Hist t;
  auto t1 = t.txn(0, {send("x", 1, 0), poll({{"y", {{0, 2}}}})});
  auto t2 = t.txn(1, {send("y", 2, 0), poll({{"x", {{0, 1}}}})});
  Verdict v = t.check();
  CHECK_FALSE(v.valid);
  CHECK(names(v) == std::vector<std::string>{"G1c"});
  CHECK(found(v, "G1c") ==
        std::vector<json>{{{"cycle", {t1, t2}},
                           {"steps",
                            {{{"type", "wr"}, {"from", t1}, {"to", t2}, {"key", "x"}, {"value", 1}},
                             {{"type", "wr"}, {"from", t2}, {"to", t1}, {"key", "y"}, {"value", 2}}}}}});
}

TEST_CASE("A G1c cycle is reported once, by its shortest cycle", "[checker]") {
  // t1 -> t2 -> t3 -> t1 and t1 <-> t3, all by wr edges.
  Hist t;
  auto t1 = t.txn(0, {send("a", 1, 0), send("d", 4, 0), poll({{"c", {{0, 3}}}})});
  t.txn(1, {send("b", 2, 0), poll({{"a", {{0, 1}}}})});
  auto t3 = t.txn(2, {send("c", 3, 0), poll({{"b", {{0, 2}}}, {"d", {{0, 4}}}})});
  Verdict v = t.check();
  REQUIRE(found(v, "G1c").size() == 1);
  CHECK(found(v, "G1c")[0]["cycle"] == json{t1, t3});
}

TEST_CASE("A three-transaction wr cycle is G1c with three steps", "[checker]") {
  Hist t;
  auto t1 = t.txn(0, {send("a", 1, 0), poll({{"c", {{0, 3}}}})});
  auto t2 = t.txn(1, {send("b", 2, 0), poll({{"a", {{0, 1}}}})});
  auto t3 = t.txn(2, {send("c", 3, 0), poll({{"b", {{0, 2}}}})});
  Verdict v = t.check();
  REQUIRE(found(v, "G1c").size() == 1);
  CHECK(found(v, "G1c")[0]["cycle"] == json{t1, t2, t3});
  CHECK(found(v, "G1c")[0]["steps"].size() == 3);
}

TEST_CASE("Transactions whose sends interleave in opposite orders form a G0 cycle with ww deps",
          "[checker]") {
  Hist t;
  auto t1 = t.txn(0, {send("x", 1, 0), send("y", 2, 1)});
  auto t2 = t.txn(1, {send("x", 3, 1), send("y", 4, 0)});
  CHECK(t.check().anomalies.count("G0") == 0);

  Options o;
  o.ww_deps = true;
  Verdict v = t.check(o);
  CHECK(v.valid);  // G0 is allowed by default
  CHECK(found(v, "G1c").empty());
  CHECK(found(v, "G0") ==
        std::vector<json>{{{"cycle", {t1, t2}},
                           {"steps",
                            {{{"type", "ww"}, {"from", t1}, {"to", t2}, {"key", "x"}, {"values", {1, 3}}},
                             {{"type", "ww"}, {"from", t2}, {"to", t1}, {"key", "y"}, {"values", {4, 2}}}}}}});
}

TEST_CASE("A cycle through a ww and a wr edge is G1c only with ww deps, and then allowed",
          "[checker]") {
  Hist t;
  auto t1 = t.txn(0, {send("x", 1, 0), poll({{"y", {{0, 5}}}})});
  auto t2 = t.txn(1, {send("x", 2, 1), send("y", 5, 0)});
  CHECK(found(t.check(), "G1c").empty());

  Options o;
  o.ww_deps = true;
  Verdict v = t.check(o);
  CHECK(v.valid);
  CHECK(found(v, "G1c") ==
        std::vector<json>{{{"cycle", {t1, t2}},
                           {"steps",
                            {{{"type", "ww"}, {"from", t1}, {"to", t2}, {"key", "x"}, {"values", {1, 2}}},
                             {{"type", "wr"}, {"from", t2}, {"to", t1}, {"key", "y"}, {"value", 5}}}}}});

  o.allow = std::set<std::string>{};
  CHECK_FALSE(t.check(o).valid);
}

TEST_CASE("Reads that follow the order of completion form no cycle", "[checker]") {
  Hist t;
  t.txn(0, {send("x", 1, 0)});
  t.txn(1, {poll({{"x", {{0, 1}}}}), send("y", 2, 0)});
  t.txn(2, {poll({{"y", {{0, 2}}}}), send("x", 3, 1)});
  Options o;
  o.ww_deps = true;
  Verdict v = t.check(o);
  CHECK(found(v, "G0").empty());
  CHECK(found(v, "G1c").empty());
}
