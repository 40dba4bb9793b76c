// The report of a run (reports/report.h) from its result and scenario.
//
// A report explains a failure from the trace, so a run that failed or found
// anomalies and kept no trace events is run once more with events recorded (RecordLevel::kEvents).
// The run is deterministic: the rerun must end with the same trace hash.
// When it does not, the report says so and goes without the trace (and the
// rerun's events are not written).
#pragma once

#include <string>
#include <vector>

#include "checker/check.h"
#include "checker/history.h"
#include "harness/result.h"
#include "harness/scenario.h"
#include "reports/report.h"

namespace kafkasim::harness {

struct RunReport {
  reports::ReportInput input;
  // The trace events the report used: the run's own, or the rerun's.
  std::vector<sim::TraceEvent> rerun_trace;
  bool reran = false;
  // Owned here; `input` points at them.
  checker::History history;
  std::shared_ptr<const checker::Verdict> verdict;
};

// Fills `out` for `r` (run of `scenario`, may be null: then no rerun and
// no scenario section). `out` must stay where it is while its input is used.
void prepare_report(const RunResult& r, const Scenario* scenario, RunReport& out);

// The trace as JSON Lines (trace.jsonl).
std::string trace_jsonl(const std::vector<sim::TraceEvent>& events);

}  // namespace kafkasim::harness
