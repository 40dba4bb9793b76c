// Fault targets of the KRaft controller quorum in a run: controller-leader
// names the voter that leads the quorum when the fault fires, and the
// nemesis hits voters when its targets include controllers. The quorum
// fails over and the run stays valid.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "harness/run.h"

using namespace kafkasim;
using namespace kafkasim::harness;

namespace {

Scenario quorum(const std::string& faults, const std::string& extra = "") {
  return parse_scenario(R"({
    "name": "quorum-test",
    "seed": 5,
    "duration_ms": 15000,
    "cluster": {"brokers": 3, "controllers": 3},
    "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3, "config": {"min.insync.replicas": 2}}],
    "workload": {"kind": "queue", "producers": 1, "consumers": 1, "rate_per_s": 40,
                 "producer": {"acks": "all", "enable.idempotence": true}},
    "faults": )" + faults + R"(,
    "recovery_ms": 20000)" + extra + R"(
  })", "quorum-test.json");
}

RunOptions options(std::uint64_t seed) {
  RunOptions o;
  o.seed = seed;
  o.scenario_path = "scenarios/quorum-test.json";
  o.keep_history = false;
  return o;
}

}  // namespace

TEST_CASE("controller-leader crashes the voter leading the quorum, and another voter takes over", "[model]") {
  const Scenario s = quorum(R"([{"at_ms": 5000, "kind": "crash", "target": "controller-leader", "duration_ms": 4000},
                                {"at_ms": 8500, "kind": "crash", "target": "controller-leader", "duration_ms": 4000}])");
  for (std::uint64_t seed : {1, 2}) {
    const RunResult r = run_scenario(s, options(seed));
    INFO(describe_outcome(r));
    REQUIRE_FALSE(r.harness_error);
    REQUIRE(r.fault_log.size() >= 2);
    const FaultLogEntry& first = r.fault_log[0];
    const FaultLogEntry& second = r.fault_log[1];
    CHECK_FALSE(first.skipped);
    CHECK(first.node.rfind("controller-", 0) == 0);
    // 3.5 s later (fetch timeout 2 s, then an election) another voter leads.
    CHECK_FALSE(second.skipped);
    CHECK(second.node.rfind("controller-", 0) == 0);
    CHECK(second.node != first.node);
    CHECK(r.valid);
  }
}

TEST_CASE("with two of three voters down there is no controller-leader, and the quorum recovers afterwards", "[model]") {
  const Scenario s = quorum(R"([{"at_ms": 5000, "kind": "crash", "target": "controller-1", "duration_ms": 6000},
                                {"at_ms": 5000, "kind": "crash", "target": "controller-2", "duration_ms": 6000},
                                {"at_ms": 9000, "kind": "pause", "target": "controller-leader", "duration_ms": 100}])");
  const RunResult r = run_scenario(s, options(3));
  INFO(describe_outcome(r));
  REQUIRE_FALSE(r.harness_error);
  const auto pause = std::find_if(r.fault_log.begin(), r.fault_log.end(),
                                  [](const FaultLogEntry& e) { return e.kind == "pause"; });
  REQUIRE(pause != r.fault_log.end());
  CHECK(pause->skipped);
  CHECK(pause->note == "no active controller right now");
  CHECK(r.valid);
}

TEST_CASE("a nemesis aimed at controllers hits voters, and the run stays valid", "[model]") {
  const Scenario s = quorum("[]", R"(, "nemesis": {"kinds": ["crash", "power-loss", "partition"],
                                        "interval_ms": {"min": 1000, "max": 3000},
                                        "duration_ms": {"min": 500, "max": 2500},
                                        "targets": ["controllers"]})");
  const RunResult r = run_scenario(s, options(4));
  INFO(describe_outcome(r));
  REQUIRE_FALSE(r.harness_error);
  int hits = 0;
  for (const FaultLogEntry& e : r.fault_log) {
    if (e.action == "inject") {
      CHECK(e.node.rfind("controller-", 0) == 0);
      ++hits;
    }
  }
  CHECK(hits >= 3);
  CHECK(r.valid);
  CHECK(r.invariant_violations.empty());
}
