// run_scenario on small scenarios with the Kafka model: determinism, the
// parameters recorded first, faults, liveness and harness failures.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness/run.h"

using namespace kafkasim;
using namespace kafkasim::harness;

namespace {

Scenario small(const std::string& faults = "[]", const std::string& extra = "") {
  return parse_scenario(R"({
    "name": "run-test",
    "seed": 3,
    "duration_ms": 3000,
    "cluster": {"brokers": 3, "controllers": 1},
    "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3}],
    "workload": {"kind": "queue", "producers": 1, "consumers": 1, "rate_per_s": 40,
                 "producer": {"acks": "all"}},
    "faults": )" + faults + R"(,
    "recovery_ms": 10000)" + extra + R"(
  })", "run-test.json");
}

RunOptions options(std::uint64_t seed) {
  RunOptions o;
  o.seed = seed;
  o.scenario_path = "scenarios/run-test.json";
  return o;
}

}  // namespace

TEST_CASE("a run is a function of the scenario and the seed", "[model]") {
  const Scenario s = small(R"([{"at_ms": 1000, "kind": "crash", "target": "leader:orders/0", "duration_ms": 800}])",
                           R"(, "nemesis": {"kinds": ["crash", "partition", "clog", "pause", "clock-skew"],
                                 "interval_ms": {"min": 200, "max": 600}, "duration_ms": {"min": 100, "max": 500}})");
  const RunResult a = run_scenario(s, options(7));
  const RunResult b = run_scenario(s, options(7));
  INFO(describe_outcome(a));
  REQUIRE_FALSE(a.harness_error);
  CHECK(a.trace_hash == b.trace_hash);
  CHECK(a.unseed == b.unseed);
  CHECK(to_json(a) == to_json(b));
  CHECK(a.history_jsonl == b.history_jsonl);
  CHECK(a.stats.wall_ms == 0);  // measured by the cli, never inside
  const RunResult c = run_scenario(s, options(8));
  CHECK(c.trace_hash != a.trace_hash);
}

TEST_CASE("the seed and every drawn parameter are recorded before the world runs", "[model]") {
  const Scenario s = small("[]", R"(, "nemesis": {"kinds": ["crash"], "interval_ms": {"min": 500, "max": 900},
                                        "duration_ms": {"min": 100, "max": 200}})");
  RunOptions o = options(21);
  nlohmann::ordered_json seen;
  o.on_parameters = [&](const nlohmann::ordered_json& p) { seen = p; };
  const RunResult r = run_scenario(s, o);
  REQUIRE(seen.is_object());
  CHECK(seen == r.parameters);
  CHECK(seen.at("seed") == 21);
  CHECK(seen.at("network").at("latency_ms").at("max") == 5);
  const auto& schedule = seen.at("nemesis").at("schedule");
  REQUIRE(!schedule.empty());
  // Every nemesis fault of the schedule shows up in the fault log.
  const auto injected = std::count_if(r.fault_log.begin(), r.fault_log.end(), [](const FaultLogEntry& e) {
    return e.action == "inject" && e.source.rfind("nemesis[", 0) == 0;
  });
  CHECK(static_cast<std::size_t>(injected) == schedule.size());
  CHECK(r.repro == "kafkasim run scenarios/run-test.json --seed 21");
}

TEST_CASE("a run heals, restarts and reads everything back in the recovery phase", "[model]") {
  const Scenario s = small(R"([{"at_ms": 500, "kind": "crash", "target": "broker-1"},
                               {"at_ms": 600, "kind": "partition", "isolate": "broker-2"},
                               {"at_ms": 700, "kind": "pause", "target": "broker-3"}])");
  const RunResult r = run_scenario(s, options(1));
  INFO(describe_outcome(r));
  REQUIRE_FALSE(r.harness_error);
  REQUIRE(!r.fault_log.empty());
  const FaultLogEntry& last = r.fault_log.back();
  CHECK(last.action == "recover");
  CHECK(last.time_ms == 3000);
  CHECK_THAT(last.note, Catch::Contains("restarted broker-1"));
  CHECK_THAT(last.note, Catch::Contains("resumed broker-3"));
  CHECK(r.liveness == "ok");
  CHECK(r.liveness_detail.final_reads_finished);
  CHECK(r.stats.sim_time_ms >= 3000);
  CHECK(r.stats.sim_time_ms <= 13000);
}

TEST_CASE("a fault whose target names nothing right now is skipped and logged", "[model]") {
  // With its only controller down, the cluster has no active controller.
  const Scenario s = small(R"([{"at_ms": 500, "kind": "crash", "target": "controller-1"},
                               {"at_ms": 600, "kind": "pause", "target": "controller-leader", "duration_ms": 100}])");
  const RunResult r = run_scenario(s, options(2));
  REQUIRE(r.fault_log.size() >= 2);
  CHECK_FALSE(r.fault_log[0].skipped);
  CHECK(r.fault_log[0].node == "controller-1");
  CHECK(r.fault_log[1].skipped);
  CHECK(r.fault_log[1].target == "controller-leader");
  CHECK(r.fault_log[1].note == "no active controller right now");
  // Skipped faults have nothing to revert.
  CHECK(r.fault_log[2].action == "recover");
}

TEST_CASE("final reads that cannot finish in recovery_ms are a liveness failure", "[model]") {
  const Scenario s = small("[]", R"(, "expect": {"valid": true})");
  Scenario none = s;
  none.recovery_ms = 0;
  const RunResult r = run_scenario(none, options(4));
  REQUIRE_FALSE(r.harness_error);
  CHECK_THAT(r.liveness, Catch::StartsWith("failed: the final reads did not finish within recovery_ms (0 ms)"));
  CHECK_FALSE(r.valid);
  CHECK_FALSE(r.expected);
  CHECK(r.exit_code() == 1);
  CHECK(failure_kinds(r) == std::vector<std::string>{"liveness"});
}

TEST_CASE("an exhausted event budget ends the run as a harness failure", "[model]") {
  RunOptions o = options(5);
  o.event_budget = 1000;
  const RunResult r = run_scenario(small(), o);
  REQUIRE(r.harness_error);
  CHECK(r.harness_error->outcome == "budget-exhausted");
  CHECK_THAT(r.harness_error->message, Catch::Contains("event budget of 1000 events exhausted"));
  CHECK(r.exit_code() == 3);
  CHECK_FALSE(r.trace_hash.empty());
}

TEST_CASE("bugs from --bug join the scenario's, once each", "[model]") {
  Scenario s = small();
  s.bugs = {"no-dedup-window"};
  RunOptions o = options(6);
  o.extra_bugs = {"no-dedup-window", "hw-truncation"};
  const RunResult r = run_scenario(s, o);
  CHECK(r.bugs == std::vector<std::string>{"no-dedup-window", "hw-truncation"});
  CHECK(r.repro == "kafkasim run scenarios/run-test.json --seed 6 --bug no-dedup-window --bug hw-truncation");
}
