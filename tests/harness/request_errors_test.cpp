#include <catch2/catch.hpp>

#include <string>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {
Scenario with_errors(const std::string& errors) {
  return parse_scenario(R"({"name": "t", "duration_ms": 3000, "cluster": {"brokers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
    "workload": {"kind": "queue", "producer": {"acks": "all", "enable.idempotence": true}},
    "request_errors": [{"at_ms": 1000, "errors": )" + errors + "}]}",
                        "t.json");
}
}  // namespace

TEST_CASE("request errors that cannot be retried fail sends in the simulator, and the log says when") {
  RunOptions options;
  const RunResult r = run_scenario(with_errors(R"(["MESSAGE_TOO_LARGE", "MESSAGE_TOO_LARGE"])"), options);
  INFO(to_json(r).dump());
  CHECK(r.expected);
  CHECK(r.stats.sent - r.stats.acked >= 2);
  CHECK(r.history_jsonl.find(R"("type":"fail","f":"send")") != std::string::npos);
  REQUIRE_FALSE(r.fault_log.empty());
  CHECK(r.fault_log.front().source == "request_errors[0]");
  CHECK(r.fault_log.front().time_ms == 1000);
  CHECK(r.fault_log.front().note == "MESSAGE_TOO_LARGE, MESSAGE_TOO_LARGE");
}

TEST_CASE("retriable request errors and closed connections lose nothing, deterministically") {
  RunOptions options;
  options.seed = 3;
  const Scenario s = with_errors(R"(["TRANSPORT", "NOT_LEADER_OR_FOLLOWER", "REQUEST_TIMED_OUT"])");
  const RunResult a = run_scenario(s, options);
  const RunResult b = run_scenario(s, options);
  INFO(to_json(a).dump());
  CHECK(a.valid);
  CHECK(a.stats.sent == a.stats.acked);
  CHECK(a.trace_hash == b.trace_hash);
}
