// The transactional queue workload (docs/transactions.md): its scenario
// keys, the coordinator:txn/ID target, and what a run records.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check.h"
#include "checker/history_reader.h"
#include "harness/run.h"
#include "harness/scenario.h"
#include "harness/scenario_file_json.h"

using namespace kafkasim::harness;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "txn.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

Scenario shipped(const std::string& path) {
  return load_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/" + path);
}

RunResult run(const Scenario& s, std::uint64_t seed) {
  RunOptions options;
  options.seed = seed;
  options.keep_history = true;
  return run_scenario(s, options);
}

}  // namespace

TEST_CASE("abort_ratio without transactions is an error naming the key") {
  const std::string text = R"({"name": "t", "duration_ms": 1000, "cluster": {"brokers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
    "workload": {"kind": "queue", "abort_ratio": 0.5}})";
  const std::string error = error_of(text);
  CHECK_THAT(error, Catch::Contains("txn.json"));
  CHECK_THAT(error, Catch::Contains("workload.abort_ratio"));
  CHECK_THAT(error, Catch::Contains("txn"));
}

TEST_CASE("abort_ratio outside 0 to 1 is rejected by the schema") {
  const std::string text = R"({"name": "t", "duration_ms": 1000, "cluster": {"brokers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
    "workload": {"kind": "queue", "txn": true, "abort_ratio": 1.5}})";
  CHECK_THAT(error_of(text), Catch::Contains("abort_ratio"));
}

TEST_CASE("the transaction coordinator target resolves to the leader of the id's __transaction_state partition") {
  const RunResult r = run(shipped("transactions/txn-coordinator-failover.json"), 3);
  REQUIRE_FALSE(r.harness_error);
  int crashes = 0;
  for (const FaultLogEntry& e : r.fault_log) {
    if (e.target != "coordinator:txn/producer-1") continue;
    INFO(e.note);
    CHECK_FALSE(e.skipped);
    CHECK_THAT(e.node, Catch::StartsWith("broker-"));
    ++crashes;
  }
  CHECK(crashes == 3);
  CHECK(r.valid);
}

TEST_CASE("a transactional run records txn ops: committed ones ok with offsets, aborted ones failed") {
  const RunResult r = run(shipped("transactions/read-uncommitted-sees-aborts.json"), 1);
  REQUIRE_FALSE(r.harness_error);
  CHECK(r.history_jsonl.find("\"f\":\"txn\",\"value\":[[\"send\"") != std::string::npos);
  CHECK(r.history_jsonl.find("\"type\":\"ok\",\"f\":\"txn\"") != std::string::npos);
  CHECK(r.history_jsonl.find("\"type\":\"fail\",\"f\":\"txn\"") != std::string::npos);
  // The consumers read_uncommitted: the aborted sends are read.
  CHECK(r.anomalies.count("G1a") == 1);
}

// Polls inside transactions (workload.txn_poll_ratio, Jepsen's mixed txn ops).

TEST_CASE("txn_poll_ratio without transactions is an error naming the key") {
  const std::string text = R"({"name": "t", "duration_ms": 1000, "cluster": {"brokers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
    "workload": {"kind": "queue", "txn_poll_ratio": 0.5}})";
  const std::string error = error_of(text);
  CHECK_THAT(error, Catch::Contains("txn.json"));
  CHECK_THAT(error, Catch::Contains("workload.txn_poll_ratio"));
}

TEST_CASE("txn_poll_ratio outside 0 to 1 is rejected by the schema") {
  const std::string text = R"({"name": "t", "duration_ms": 1000, "cluster": {"brokers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
    "workload": {"kind": "queue", "txn": true, "txn_poll_ratio": -0.1}})";
  CHECK_THAT(error_of(text), Catch::Contains("txn_poll_ratio"));
}

TEST_CASE("a transactional queue polls in half its micro-ops unless the file says otherwise, as Jepsen's") {
  const std::string base = R"({"name": "t", "duration_ms": 1000, "cluster": {"brokers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
    "workload": {"kind": "queue", "txn": true)";
  const Scenario by_default = parse_scenario(base + "}}", "t.json");
  CHECK(by_default.workload.txn_poll_ratio == 0.5);
  const Scenario sends_only = parse_scenario(base + R"(, "txn_poll_ratio": 0}})", "t.json");
  CHECK(sends_only.workload.txn_poll_ratio == 0);
  // The file form keeps the setting, whose default depends on txn.
  CHECK(parse_scenario(scenario_file_json(sends_only).dump(), "t.json").workload.txn_poll_ratio == 0);
  const Scenario plain = parse_scenario(R"({"name": "t", "duration_ms": 1000, "cluster": {"brokers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}], "workload": {"kind": "queue"}})",
                                        "t.json");
  CHECK(plain.workload.txn_poll_ratio == 0);
}

namespace {

using nlohmann::json;

std::vector<json> history_ops(const std::string& jsonl) {
  std::vector<json> ops;
  std::size_t start = 0;
  while (start < jsonl.size()) {
    std::size_t end = jsonl.find('\n', start);
    if (end == std::string::npos) end = jsonl.size();
    if (end > start) ops.push_back(json::parse(jsonl.substr(start, end - start)));
    start = end + 1;
  }
  return ops;
}

// The first offset a completed op's polls read of each key.
std::map<std::string, std::int64_t> first_reads(const json& op) {
  std::map<std::string, std::int64_t> first;
  for (const json& mop : op["value"]) {
    if (mop[0] != "poll" || mop.size() < 2) continue;
    for (const auto& [key, records] : mop[1].items()) {
      if (!records.empty() && !first.count(key)) first[key] = records[0][0].get<std::int64_t>();
    }
  }
  return first;
}

}  // namespace

TEST_CASE("a committed transaction that polled records its polls' records, and one that did not commit is read again") {
  const RunResult r = run(shipped("transactions/txn-queue-polls.json"), 1);
  REQUIRE_FALSE(r.harness_error);
  CHECK(r.valid);
  const std::vector<json> ops = history_ops(r.history_jsonl);
  int ok_with_records = 0, reread = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const json& op = ops[i];
    if (op["f"] != "txn" || op["type"] == "invoke") continue;
    const auto first = first_reads(op);
    if (first.empty()) continue;
    if (op["type"] == "ok") {
      ++ok_with_records;
      continue;
    }
    // The next transaction of the process that polls one of these keys
    // starts where this one did (the consumer was sought back).
    for (std::size_t j = i + 1; j < ops.size(); ++j) {
      const json& next = ops[j];
      if (next["process"] != op["process"] || next["type"] == "invoke") continue;
      const auto again = first_reads(next);
      bool compared = false;
      for (const auto& [key, offset] : again) {
        if (!first.count(key)) continue;
        INFO("op " << op["index"] << " then op " << next["index"] << " on " << key);
        CHECK(offset == first.at(key));
        compared = true;
      }
      if (compared) {
        ++reread;
        break;
      }
    }
  }
  CHECK(ok_with_records > 10);
  CHECK(reread > 0);
}

TEST_CASE("read_uncommitted polls inside committed transactions are aborted reads") {
  const RunResult r = run(shipped("transactions/read-uncommitted-txn-polls.json"), 1);
  REQUIRE_FALSE(r.harness_error);
  CHECK(r.anomalies.count("G1a") == 1);
  CHECK(r.anomalies.count("precommitted-read") == 1);
  // Some committed transaction read an aborted send: judge the history again
  // and find a G1a witness whose reader is a txn op.
  const std::vector<json> ops = history_ops(r.history_jsonl);
  const kafkasim::checker::Verdict v = kafkasim::checker::check(kafkasim::checker::read_history_string(r.history_jsonl));
  int txn_readers = 0;
  for (const json& w : v.anomalies.at("G1a")) {
    const json& reader = ops.at(w["reader"].get<std::size_t>());
    REQUIRE(reader["index"] == w["reader"]);
    if (reader["f"] == "txn" && reader["type"] == "ok") ++txn_readers;
  }
  CHECK(txn_readers > 0);
}

TEST_CASE("transactions that poll in a consumer group give the same trace and history for the same seed") {
  const Scenario s = shipped("transactions/txn-group-polls.json");
  const RunResult a = run(s, 5);
  const RunResult b = run(s, 5);
  REQUIRE_FALSE(a.harness_error);
  CHECK(a.trace_hash == b.trace_hash);
  CHECK(a.history_jsonl == b.history_jsonl);
  CHECK(a.history_jsonl.find("\"rebalance-log\"") != std::string::npos);
  CHECK(run(s, 6).trace_hash != a.trace_hash);
}
