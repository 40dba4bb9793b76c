// Options, the allowed set, the verdict's JSON and text forms.
#include <catch2/catch.hpp>

#include "checker/history_reader.h"
#include "history_dsl.h"

using namespace kafkasim::checker;
using namespace kafkasim::checker::test;
using nlohmann::json;

namespace {

Hist lost_write_history() {
  Hist t;
  t.send(0, "orders/0", 17, 42);
  t.send(0, "orders/0", 18, 43);
  t.poll(1, {{"orders/0", {{43, 18}}}});
  return t;
}

}  // namespace

TEST_CASE("An empty history is valid", "[checker]") {
  History h;
  Verdict v = check(h);
  CHECK(v.valid);
  CHECK(to_json(v) == json{{"valid", true},
                           {"anomalies", json::object()},
                           {"stats", {{"ops", 0}, {"keys", 0}, {"values", 0}}}});
}

TEST_CASE("The verdict's JSON has the shape of SPEC section 4", "[checker]") {
  History h = read_history_string(
      R"({"index": 0, "time": 1000, "process": 0, "type": "invoke", "f": "send", "value": [["send", "orders/0", 17]]}
{"index": 1, "time": 5200, "process": 0, "type": "ok", "f": "send", "value": [["send", "orders/0", [42, 17]]]}
{"index": 2, "time": 6000, "process": 1, "type": "invoke", "f": "poll", "value": [["poll"]]}
{"index": 3, "time": 7100, "process": 1, "type": "ok", "f": "poll", "value": [["poll", {"orders/0": [[43, 18]]}]]}
)");
  json j = to_json(check(h));
  CHECK(j["valid"] == false);
  CHECK(j["stats"]["ops"] == 4);
  REQUIRE(j["anomalies"]["lost-write"].size() == 1);
  json w = j["anomalies"]["lost-write"][0];
  CHECK(w["key"] == "orders/0");
  CHECK(w["value"] == 17);
  CHECK(w["writer"] == 1);
  CHECK(w["max_read"] == 3);
}

TEST_CASE("Default allowed anomalies follow Jepsen", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  CHECK(default_allowed(t.h, {}) == std::set<std::string>{"G0", "int-send-skip"});
  Options ww;
  ww.ww_deps = true;
  CHECK(default_allowed(t.h, ww) == std::set<std::string>{"G0", "G1c", "int-send-skip"});
  t.assign(1, {"x"}, OpFn::subscribe);
  CHECK(default_allowed(t.h, {}) ==
        std::set<std::string>{"G0", "int-send-skip", "nonmonotonic-poll", "poll-skip"});
}

TEST_CASE("An allow list replaces the defaults", "[checker]") {
  Hist t = lost_write_history();
  Options o;
  o.allow = std::set<std::string>{"lost-write"};
  Verdict v = t.check(o);
  CHECK(v.valid);
  CHECK(found(v, "lost-write").size() == 1);
}

TEST_CASE("An unknown anomaly name in the allow list is rejected", "[checker]") {
  Hist t;
  Options o;
  o.allow = std::set<std::string>{"lost-writes"};
  CHECK_THROWS_AS(t.check(o), std::invalid_argument);
}

TEST_CASE("Unseen values never make a history invalid", "[checker]") {
  Hist t;
  t.send(0, "x", 1, 0);
  Options o;
  o.allow = std::set<std::string>{};
  Verdict v = t.check(o);
  CHECK(v.valid);
  CHECK(found(v, "unseen").size() == 1);
}

TEST_CASE("The summary names the verdict and each anomaly", "[checker]") {
  Verdict v = lost_write_history().check();
  std::string s = summary(v);
  CHECK(s.rfind("INVALID: 6 ops, 1 keys, 2 values\n", 0) == 0);
  CHECK(s.find("  lost-write: 1 (INVALID)") != std::string::npos);
  CHECK(s.find("  unseen: 1 (information)") != std::string::npos);
  CHECK(s.find("\"value\":17") != std::string::npos);
}

TEST_CASE("Every anomaly name has a description", "[checker]") {
  for (const std::string& n : anomaly_names()) CHECK_FALSE(describe_anomaly(n).empty());
  CHECK(anomaly_names().size() == 29);  // 15 queue, 3 compaction, 5 ride-sharing, 4 ML pipeline, 2 word-count
}

TEST_CASE("Witnesses are sorted by key, then op", "[checker]") {
  Hist t;
  for (std::string k : {"10", "9", "b", "a"}) {
    t.send(0, k, 1, 0, OpType::fail);
    t.poll(1, {{k, {{0, 1}}}});
  }
  std::vector<std::string> keys;
  for (const json& w : found(t.check(), "G1a")) keys.push_back(w["key"]);
  CHECK(keys == std::vector<std::string>{"9", "10", "a", "b"});
}
