// Turning a recorded history into a run's verdict: the checker with the
// scenario's allowed anomalies, then valid and expected from the verdict,
// the invariants and liveness. Shared by the simulator's runs and by
// `kafkasim real` (real-clients/), so both judge a history the same way.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "checker/check.h"
#include "checker/history.h"
#include "harness/result.h"
#include "harness/scenario.h"

namespace kafkasim::harness {

// A workload's own checker (an application workload judges its topics'
// final contents, not the queue history): the verdict given the allowed
// anomaly kinds, or null to use the history checkers.
using OwnVerdict = std::function<std::shared_ptr<checker::Verdict>(const std::set<std::string>& allow)>;

// Checks `history` (Jepsen's allowed kinds plus the scenario's expect.allow;
// an anomaly named in expect.anomalies is never allowed) with `own`, else
// the compaction checker for compacted-kv, else the queue checker; fills
// r.anomalies, r.allowed, r.verdict and, with keep_history,
// r.history_jsonl; then judge(r, scenario) unless r has a harness error.
void judge_history(RunResult& r, const checker::History& history, const Scenario& scenario, bool keep_history,
                   const OwnVerdict& own = nullptr);

// Decides r.valid and r.expected from r.anomalies, r.allowed,
// r.invariant_violations and r.liveness.
void judge(RunResult& r, const Scenario& scenario);

}  // namespace kafkasim::harness
