// What a report is made of: plain data from one run (DESIGN.md: reports <-
// harness). The harness fills a ReportInput; reports/ turns it into
// report.html, summary.md, junit.xml and Graphviz diagrams. Nothing here
// knows the Kafka model: the trace is read through its "model" events'
// text (reports/trace_facts.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check.h"
#include "checker/history.h"
#include "sim/trace.h"

namespace kafkasim::reports {

// One series of a chart: (simulated time in ms, value) points in time order.
struct TimeSeries {
  std::string name;  // "isr-size orders/0", "under-replicated-partitions", ...
  std::string unit;  // "replicas", "partitions", ...
  std::vector<std::pair<std::int64_t, double>> points;
  bool operator==(const TimeSeries&) const = default;
};

// A model invariant broken during the run, with what the monitor saw.
struct InvariantDetail {
  std::string name;
  std::int64_t time_ms = 0;
  std::string detail;
  bool operator==(const InvariantDetail&) const = default;
};

struct ReportInput {
  // The scenario as run (harness Scenario::to_json), or null.
  nlohmann::ordered_json scenario;
  // The run's result.json (harness to_json(RunResult)): verdict, repro,
  // parameters (configuration that differs from Kafka's defaults), fault_log.
  nlohmann::ordered_json result;
  // One line for people ("seed 42: NOT AS EXPECTED, invalid: lost-write x3").
  std::string outcome;
  // Why the run did not meet its expectations (harness failure_kinds); empty
  // when it did.
  std::vector<std::string> failure_kinds;
  // The history and the checker's verdict on it; either may be null.
  const checker::History* history = nullptr;
  const checker::Verdict* verdict = nullptr;
  // Trace events recorded at RecordLevel::kEvents or kAll (may be empty),
  // and the name of every simulated node by id.
  const std::vector<sim::TraceEvent>* trace = nullptr;
  std::vector<std::string> node_names;
  // Where the trace came from, when that needs saying (a rerun, or why
  // there is none).
  std::string trace_note;
  std::vector<InvariantDetail> invariants;
  // Sampled cluster state over simulated time (ISR sizes, under-replicated
  // partitions); charts derived from the history are added by reports/.
  std::vector<TimeSeries> series;
  // A scenario that reproduces the failure with fewer faults (shrinking),
  // shown beside the original schedule.
  std::optional<nlohmann::ordered_json> minimal_scenario;
};

}  // namespace kafkasim::reports
