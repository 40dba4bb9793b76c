// One run of a scenario for one seed: the simulator, the Kafka cluster, the
// workload and the faults, then the checker (DESIGN.md "From scenario to
// verdict").
//
//   time 0            cluster.start(), workload.start()
//   0 .. duration_ms  the fault phase: explicit faults at their at_ms and the
//                     nemesis' schedule (drawn before the run from the
//                     "nemesis" stream); faults with duration_ms revert
//                     themselves
//   duration_ms       recovery: every link healed, every paused node
//                     resumed, every down node restarted, every clock reset;
//                     workload.begin_final_reads()
//   .. +recovery_ms   the run ends as soon as the workload has finished its
//                     final reads (looked at every kSliceMs of simulated
//                     time); not finished by the end is a liveness failure
//   then              checker::check(history) with Jepsen's default allowed
//                     anomalies plus the scenario's expect.allow, and the
//                     cluster's invariant violations
//
// A model invariant violation ends the run where it is noticed. The
// simulator failing (deadlock, event budget, an exception in a fiber or in
// the harness) is a harness failure: RunResult::harness_error, exit 3.
//
// Deterministic: the result (wall_ms aside, which run_scenario leaves 0) is
// a function of the scenario, the seed and the bug switches.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/result.h"
#include "harness/scenario.h"
#include "sim/trace.h"

namespace kafkasim::harness {

struct RunOptions {
  std::uint64_t seed = 1;
  // Bugs switched on besides the scenario's own (`--bug NAME`).
  // REQUIRES: every name is a known bug (find_bug).
  std::vector<std::string> extra_bugs;
  // Which trace events are kept in RunResult::trace_events.
  sim::RecordLevel record = sim::RecordLevel::kNone;
  // Only the trace events numbered record_from up to, not including,
  // record_to are kept (replay's window where two runs part).
  std::uint64_t record_from = 0;
  std::uint64_t record_to = UINT64_MAX;
  // Scheduler events (fiber steps and timer fires) the run may take;
  // exceeding it is a harness failure.
  std::uint64_t event_budget = kDefaultEventBudget;
  // The scenario file as the user named it, for the repro line.
  std::string scenario_path;
  // Keep the history in RunResult::history_jsonl (for output folders).
  bool keep_history = true;
  // Called with RunResult::parameters once they are drawn, before the
  // simulated world runs (print them first, so that a run that hangs or
  // crashes has already said what it was doing).
  std::function<void(const nlohmann::ordered_json&)> on_parameters;

  static constexpr std::uint64_t kDefaultEventBudget = 2'000'000'000;
};

// How often, in simulated time, the run loop looks at the workload and the
// invariants.
inline constexpr std::int64_t kSliceMs = 100;

// Runs `scenario` for `options.seed`. Never throws for a failure of the
// run: the harness failing is reported in the result.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

// The repro line: "kafkasim run PATH --seed N" plus " --bug X" per extra bug.
std::string repro_line(const std::string& scenario_path, std::uint64_t seed,
                       const std::vector<std::string>& extra_bugs);

// The scenario's bugs followed by the extra ones not already named.
std::vector<std::string> effective_bugs(const Scenario& scenario, const std::vector<std::string>& extra_bugs);

// A fingerprint of the scenario's canonical form, so that a replay can tell
// a changed scenario file from nondeterminism.
std::string scenario_fingerprint(const Scenario& scenario);

}  // namespace kafkasim::harness
