// The transactional queue workload (docs/transactions.md): its scenario
// keys, the coordinator:txn/ID target, and what a run records.
#include <catch2/catch.hpp>

#include <string>

#include "harness/run.h"
#include "harness/scenario.h"

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
