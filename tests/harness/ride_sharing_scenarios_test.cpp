// The shipped ride-sharing scenarios (docs/ride-sharing.md), run in-process:
// one per verdict direction, and the scenario reader's checks of the
// system's topics.
#include <catch2/catch.hpp>

#include <string>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {
std::string rides_file(const std::string& name) {
  return std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/ride-sharing/" + name + ".json";
}

RunResult run_rides(const Scenario& s, uint64_t seed) {
  RunOptions options;
  options.seed = seed;
  options.scenario_path = "rides.json";
  return run_scenario(s, options);
}
}  // namespace

TEST_CASE("exactly-once ride-sharing services under broker and instance crashes keep every business invariant") {
  const RunResult r = run_rides(load_scenario_file(rides_file("ride-sharing-eos")), 2);
  REQUIRE(r.expected);
  REQUIRE(r.valid);
  REQUIRE(r.anomalies.empty());
  REQUIRE(r.liveness_detail.final_reads_finished);
  REQUIRE(r.figures["matched"].get<int64_t>() > 10);
  REQUIRE(r.figures["charges_booked"].get<int64_t>() > 5);
  REQUIRE(r.figures["request_to_match_p50_ms"].get<double>() <= r.figures["request_to_match_p99_ms"].get<double>());
}

TEST_CASE("at-least-once billing without idempotency keys charges some trips twice, with the ledger entries as witness") {
  const RunResult r = run_rides(load_scenario_file(rides_file("ride-sharing-at-least-once")), 2);
  REQUIRE(r.expected);
  REQUIRE(r.anomalies.count("double-charge"));
  REQUIRE(r.liveness_detail.final_reads_finished);
}

TEST_CASE("the same faults with idempotency keys charge every trip once even at least once") {
  Scenario s = load_scenario_file(rides_file("ride-sharing-at-least-once"));
  s.workload.rides.idempotency = true;
  s.expect = Expect{};
  const RunResult r = run_rides(s, 2);
  REQUIRE_FALSE(r.anomalies.count("double-charge"));
  REQUIRE_FALSE(r.anomalies.count("missing-charge"));
}

TEST_CASE("acks=1 rider apps behind an isolated leader lose requests the riders were told were taken") {
  const RunResult r = run_rides(load_scenario_file(rides_file("ride-sharing-acks1")), 2);
  REQUIRE(r.expected);
  REQUIRE(r.anomalies.count("lost-request"));
}

TEST_CASE("a ride-sharing scenario whose topics are not co-partitioned is refused, naming the topic") {
  nlohmann::json j = load_scenario_file(rides_file("ride-sharing-eos")).to_json();
  for (auto& t : j["topics"]) {
    if (t["name"] == "trip-events") t["partitions"] = 3;
  }
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("\"trip-events\" has 3 partitions"));
}

TEST_CASE("a ride-sharing scenario needs its changelog topic compacted") {
  nlohmann::json j = load_scenario_file(rides_file("ride-sharing-eos")).to_json();
  for (auto& t : j["topics"]) {
    if (t["name"] == "dispatcher-availability-changelog") t["config"]["cleanup.policy"] = "delete";
  }
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("must be compacted"));
}

TEST_CASE("only a ride-sharing workload has a rides block") {
  nlohmann::json j = load_scenario_file(rides_file("ride-sharing-eos")).to_json();
  j["workload"]["kind"] = "queue";
  j["workload"].erase("streams");
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("workload.rides"));
}

TEST_CASE("the ride-sharing services' processing.guarantee is workload.streams'") {
  REQUIRE(load_scenario_file(rides_file("ride-sharing-at-least-once")).workload.rides.processing_guarantee ==
          "at_least_once");
  REQUIRE(load_scenario_file(rides_file("ride-sharing-eos")).workload.rides.processing_guarantee == "exactly_once_v2");
  nlohmann::json j = load_scenario_file(rides_file("ride-sharing-eos")).to_json();
  j["workload"]["rides"]["processing_guarantee"] = "exactly_once_v2";
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("workload.rides"));
}
