// The planted bugs of the replication layer and the controller quorum (shared/BUGS.md), each through
// its scenario in scenarios/bugs/: with the switch on, the run shows the
// historical damage (an anomaly the checker finds, or a model invariant
// broken); with the switch off, the same scenario and seeds are valid.
// docs/bugs.md describes each bug, its scenario and a 200-seed sweep.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {

// A few seeds per bug; the CI sweep runs every shipped scenario on 1..200.
constexpr std::uint64_t kSeeds[] = {1, 57, 200};

Scenario bug_scenario(const std::string& name) {
  return load_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/bugs/" + name + ".json");
}

RunResult run(const Scenario& scenario, std::uint64_t seed) {
  RunOptions options;
  options.seed = seed;
  options.scenario_path = "scenarios/bugs/" + scenario.name + ".json";
  options.keep_history = false;
  return run_scenario(scenario, options);
}

// What a run with the bug must show: a model invariant broken, or an
// anomaly the checker found.
struct Damage {
  bool invariant;
  std::string name;
  bool shown_by(const RunResult& r) const {
    if (invariant) {
      return std::find(r.invariant_violations.begin(), r.invariant_violations.end(), name) !=
             r.invariant_violations.end();
    }
    auto it = r.anomalies.find(name);
    return it != r.anomalies.end() && it->second > 0;
  }
};
Damage invariant(std::string name) { return Damage{true, std::move(name)}; }
Damage anomaly(std::string name) { return Damage{false, std::move(name)}; }

// The scenario with its bug switched off, expected valid (its own expect
// block is for the broken model).
Scenario without_bug(Scenario scenario) {
  scenario.bugs.clear();
  scenario.expect = Expect{};
  return scenario;
}

// Runs the scenario of bug `name` on kSeeds with and without the bug.
void check_bug(const std::string& name, const Damage& damage) {
  const Scenario broken = bug_scenario(name);
  REQUIRE(broken.bugs == std::vector<std::string>{name});
  const Scenario fixed = without_bug(broken);
  for (std::uint64_t seed : kSeeds) {
    const RunResult with = run(broken, seed);
    INFO(name << " seed " << seed << " with the bug: " << describe_outcome(with));
    REQUIRE_FALSE(with.harness_error);
    CHECK(with.expected);
    CHECK_FALSE(with.valid);
    CHECK(damage.shown_by(with));

    const RunResult without = run(fixed, seed);
    INFO(name << " seed " << seed << " without the bug: " << describe_outcome(without));
    REQUIRE_FALSE(without.harness_error);
    CHECK(without.valid);
    CHECK(without.invariant_violations.empty());
  }
}

}  // namespace

TEST_CASE("hw-truncation: a follower truncated to its own high watermark leads without acknowledged writes", "[bugs]") {
  check_bug("hw-truncation", invariant("acked-write-on-leader"));
}

TEST_CASE("no-epoch-end-offset-check: after quick leader changes a follower keeps records the leader does not have", "[bugs]") {
  check_bug("no-epoch-end-offset-check", anomaly("inconsistent-offsets"));
}

TEST_CASE("missed-epoch-no-truncate: a follower that missed two leader changes leads without acknowledged writes", "[bugs]") {
  check_bug("missed-epoch-no-truncate", invariant("acked-write-on-leader"));
}

TEST_CASE("isr-join-unchecked: a follower let into the ISR on a stale high watermark leads without acknowledged writes", "[bugs]") {
  check_bug("isr-join-unchecked", invariant("acked-write-on-leader"));
}

TEST_CASE("hw-ignores-min-isr: records committed by the last replica standing are lost when it loses power", "[bugs]") {
  check_bug("hw-ignores-min-isr", anomaly("inconsistent-offsets"));
}

TEST_CASE("uncommitted-fetch: a consumer that does not validate its position re-reads the partition after an unclean election", "[bugs]") {
  check_bug("uncommitted-fetch", anomaly("nonmonotonic-poll"));
}

TEST_CASE("no-dedup-window: retried in-flight batches of an idempotent producer are appended twice", "[bugs]") {
  check_bug("no-dedup-window", anomaly("duplicate"));
}

TEST_CASE("vote-not-persisted: a controller that forgets its vote in a restart lets two voters lead one quorum epoch", "[bugs]") {
  check_bug("vote-not-persisted", invariant("single-leader-per-epoch"));
}

TEST_CASE("every replication, quorum and transaction bug has a scenario in scenarios/bugs that switches it on", "[bugs]") {
  for (const char* name : {"hw-truncation", "no-epoch-end-offset-check", "missed-epoch-no-truncate", "isr-join-unchecked",
                           "hw-ignores-min-isr", "uncommitted-fetch", "no-dedup-window", "vote-not-persisted",
                           "txn-late-produce", "txn-timeout-no-fence", "read-committed-ignores-lso"}) {
    const Scenario s = bug_scenario(name);
    INFO(name);
    CHECK(s.name == name);
    CHECK(s.bugs == std::vector<std::string>{name});
    CHECK_FALSE(s.expect.valid);
    CHECK_FALSE(s.description.empty());
  }
}

TEST_CASE("txn-late-produce: a delayed produce of an aborted transaction is committed by the next one", "[bugs]") {
  check_bug("txn-late-produce", anomaly("G1a"));
}

TEST_CASE("txn-timeout-no-fence: a producer paused past its transaction timeout commits half an aborted transaction", "[bugs]") {
  check_bug("txn-timeout-no-fence", anomaly("lost-write"));
}

TEST_CASE("read-committed-ignores-lso: read_committed consumers read aborted transactions", "[bugs]") {
  check_bug("read-committed-ignores-lso", anomaly("G1a"));
}
