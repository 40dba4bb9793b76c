// The consumer group scenarios (scenarios/groups, and
// scenarios/bugs/stale-generation-commit.json) through the harness: what
// each shows, on a few seeds (the CI sweep runs 1..200).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {

constexpr std::uint64_t kSeeds[] = {1, 57, 200};

Scenario scenario(const std::string& path) {
  return load_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/" + path + ".json");
}

RunResult run(const Scenario& s, std::uint64_t seed, const std::string& path) {
  RunOptions options;
  options.seed = seed;
  options.scenario_path = "scenarios/" + path + ".json";
  options.keep_history = false;
  return run_scenario(s, options);
}

std::int64_t count(const RunResult& r, const std::string& anomaly) {
  auto it = r.anomalies.find(anomaly);
  return it == r.anomalies.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("stale-generation-commit: a commit from an expired member regresses the offsets and a consumer re-reads records", "[bugs]") {
  const Scenario broken = scenario("bugs/stale-generation-commit");
  REQUIRE(broken.bugs == std::vector<std::string>{"stale-generation-commit"});
  Scenario fixed = broken;
  fixed.bugs.clear();
  fixed.expect = Expect{};
  for (std::uint64_t seed : kSeeds) {
    const RunResult with = run(broken, seed, "bugs/stale-generation-commit");
    INFO("seed " << seed << " with the bug: " << describe_outcome(with));
    REQUIRE_FALSE(with.harness_error);
    CHECK(with.expected);
    CHECK_FALSE(with.valid);
    CHECK(count(with, "nonmonotonic-poll") > 0);

    // Fixed: the coordinator fences the stale commit, and no consumer ever
    // polls backwards (not merely allowed: none at all).
    const RunResult without = run(fixed, seed, "bugs/stale-generation-commit");
    INFO("seed " << seed << " without the bug: " << describe_outcome(without));
    REQUIRE_FALSE(without.harness_error);
    CHECK(without.valid);
    CHECK(count(without, "nonmonotonic-poll") == 0);
  }
}

TEST_CASE("auto-commit-crash is valid and shows the at-least-once redelivery of auto-commit in stats.redelivered") {
  const Scenario s = scenario("groups/auto-commit-crash");
  for (std::uint64_t seed : kSeeds) {
    const RunResult r = run(s, seed, "groups/auto-commit-crash");
    INFO("seed " << seed << ": " << describe_outcome(r));
    REQUIRE_FALSE(r.harness_error);
    CHECK(r.expected);
    CHECK(r.valid);
    CHECK(r.stats.redelivered > 0);
  }
}

TEST_CASE("with manual commits after every poll and no crash, the group delivers nothing twice") {
  Scenario s = scenario("groups/auto-commit-crash");
  s.faults.clear();
  s.workload.consumer = kafkasim::kafka::Config::resolve(
      kafkasim::kafka::Scope::consumer,
      [&] {
        nlohmann::json j = s.workload.consumer.non_default();
        j["enable.auto.commit"] = false;
        return j;
      }(),
      "workload.consumer");
  const RunResult r = run(s, 1, "groups/auto-commit-crash");
  INFO(describe_outcome(r));
  REQUIRE_FALSE(r.harness_error);
  CHECK(r.valid);
  CHECK(r.stats.redelivered == 0);
  CHECK(r.stats.polled > 0);
}

TEST_CASE("group-rebalance is valid and its coordinator:group target hits the group's coordinator") {
  const Scenario s = scenario("groups/group-rebalance");
  const RunResult r = run(s, 1, "groups/group-rebalance");
  INFO(describe_outcome(r));
  REQUIRE_FALSE(r.harness_error);
  CHECK(r.expected);
  bool hit = false;
  for (const auto& e : r.fault_log) {
    if (e.target == "coordinator:group/orders-group" && e.action == "inject") {
      CHECK_FALSE(e.skipped);
      CHECK(e.node.rfind("broker-", 0) == 0);
      hit = true;
    }
  }
  CHECK(hit);
}

TEST_CASE("group-rebalance is valid with each assignor of partition.assignment.strategy") {
  for (const char* strategy : {"roundrobin", "cooperative-sticky"}) {
    Scenario s = scenario("groups/group-rebalance");
    nlohmann::json consumer = s.workload.consumer.non_default();
    consumer["partition.assignment.strategy"] = strategy;
    s.workload.consumer = kafkasim::kafka::Config::resolve(kafkasim::kafka::Scope::consumer, consumer, "workload.consumer");
    const RunResult r = run(s, 2, "groups/group-rebalance");
    INFO(strategy << ": " << describe_outcome(r));
    REQUIRE_FALSE(r.harness_error);
    CHECK(r.valid);
    CHECK(r.stats.polled > 0);
  }
}
