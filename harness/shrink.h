// Shrinking a failing run (docs/shrinking.md): the smallest fault schedule
// and the shortest workload that still fail the same way with the same
// seed, written as a scenario without nemesis (minimal.json).
//
//   1. The failure's signature: the kinds the run must keep showing
//      (failure_signature below).
//   2. The faults made explicit: the scenario's own faults, plus the faults
//      the nemesis drew for this seed (drawn again from the "nemesis"
//      stream, as run_scenario does). A fault whose target was drawn when
//      it fired (random-broker, follower:T/P) gets the node it hit in the
//      original run, because without the nemesis' draws the stream that
//      chose it is at another position. This scenario is run once: when it
//      does not reproduce the signature, shrinking stops there.
//   3. Delta debugging (Zeller and Hildebrandt's ddmin) over the fault list:
//      a subset is kept when a run with only those faults, same seed, still
//      shows every kind of the signature. The result is 1-minimal: removing
//      any single remaining fault loses the failure (within the budget).
//   4. The fault phase (duration_ms) is shortened by bisection between the
//      last fault's start and the original length, in steps of kSliceMs; the
//      workload runs at the same rate, so fewer operations.
//
// Every run counts against the budget; when it runs out the best scenario
// found so far is the result. Deterministic, like the runs it makes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/result.h"
#include "harness/run.h"
#include "harness/scenario.h"

namespace kafkasim::harness {

// What a shrunk run must keep showing, as short names: an anomaly kind
// ("lost-write"), "invariant:NAME", "liveness", or "harness:OUTCOME".
//   - a harness failure: {"harness:OUTCOME"};
//   - a run that met expectations naming anomalies (expect.anomalies):
//     those anomalies (what the scenario demonstrates);
//   - otherwise every disallowed anomaly kind found, every invariant
//     violation and a failed liveness check.
// Empty when there is nothing to keep (a valid run, or one that failed only
// by not finding an expected anomaly).
std::vector<std::string> failure_signature(const RunResult& r);

// True when `r` shows every kind of `signature`. A harness failure matches
// only a "harness:" signature of the same outcome.
bool shows_signature(const RunResult& r, const std::vector<std::string>& signature);

struct ShrinkOptions {
  std::uint64_t seed = 1;
  std::vector<std::string> extra_bugs;  // --bug switches of the failing run
  std::uint64_t event_budget = RunOptions::kDefaultEventBudget;
  std::size_t max_runs = 100;           // the budget of reruns
  // Called after each rerun with its result and whether it reproduced.
  std::function<void(const RunResult&, bool reproduced)> on_run;
};

struct ShrinkResult {
  std::vector<std::string> signature;
  // The original's faults made explicit (step 2) and the minimal scenario.
  Scenario explicit_scenario;
  Scenario minimal;
  std::size_t original_faults = 0;  // explicit faults + nemesis faults drawn
  std::size_t runs = 0;             // reruns made
  bool budget_exhausted = false;
  // False when the explicit scenario did not reproduce the signature; then
  // `minimal` is not a reproduction and must not be written.
  bool reproduced = false;
  std::string note;                 // why not reproduced, for people
  RunResult minimal_result;         // the last run of `minimal` (when reproduced)
};

// Shrinks `scenario`'s failure for `options.seed`. `failing` is its result
// for that seed. nullopt when failure_signature(failing) is empty.
std::optional<ShrinkResult> shrink(const Scenario& scenario, const RunResult& failing,
                                   const ShrinkOptions& options);

// The faults of `scenario` and those its nemesis draws for `seed`, as one
// explicit list (step 2 above), in run_scenario's order: the scenario's
// own first. `fault_log`: the original run's log, for drawn targets.
std::vector<Fault> explicit_faults(const Scenario& scenario, std::uint64_t seed,
                                   const std::vector<FaultLogEntry>& fault_log);

// The minimal scenario as the file minimal.json holds it (the report shows
// it beside the original schedule). REQUIRES: result.reproduced.
nlohmann::ordered_json minimal_scenario_json(const ShrinkResult& result);

// A few lines for people: signature, faults and length before and after,
// runs used.
std::string describe_shrink(const ShrinkResult& result);

// Writes FOLDER/minimal.json (through a temporary file renamed into place).
// Returns its path. Throws std::runtime_error on I/O errors.
std::string write_minimal_scenario(const std::string& folder, const ShrinkResult& result);

}  // namespace kafkasim::harness
