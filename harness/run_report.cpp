#include "harness/run_report.h"

#include "checker/history_reader.h"
#include "harness/run.h"

namespace kafkasim::harness {

std::string trace_jsonl(const std::vector<sim::TraceEvent>& events) {
  std::string out;
  for (const sim::TraceEvent& e : events) {
    out += trace_event_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

void prepare_report(const RunResult& r, const Scenario* scenario, RunReport& out) {
  reports::ReportInput& in = out.input;
  in.result = to_json(r);
  in.outcome = describe_outcome(r);
  in.failure_kinds = failure_kinds(r);
  in.node_names = r.node_names;
  in.series = r.series;
  in.invariants = r.invariant_details;
  in.minimal_scenario = r.minimal_scenario;
  if (scenario != nullptr) in.scenario = scenario->to_json();
  out.verdict = r.verdict;

  std::string history_jsonl = r.history_jsonl;
  if (!r.trace_events.empty()) {
    in.trace = &r.trace_events;
  } else if (scenario != nullptr && (r.exit_code() != 0 || !r.valid)) {
    RunOptions o;
    o.seed = r.seed;
    o.extra_bugs = r.extra_bugs;
    o.record = sim::RecordLevel::kEvents;
    o.scenario_path = r.scenario_path;
    o.keep_history = history_jsonl.empty();
    if (r.parameters.contains("event_budget") && r.parameters["event_budget"].is_number_unsigned()) {
      o.event_budget = r.parameters["event_budget"].get<std::uint64_t>();
    }
    RunResult again = run_scenario(*scenario, o);
    out.reran = true;
    if (again.trace_hash == r.trace_hash) {
      out.rerun_trace = std::move(again.trace_events);
      in.trace = &out.rerun_trace;
      in.trace_note = "The run kept no trace events, so the report ran the seed again with events recorded; "
                      "the rerun's trace hash matched.";
      if (in.node_names.empty()) in.node_names = again.node_names;
      if (history_jsonl.empty()) history_jsonl = std::move(again.history_jsonl);
      if (!out.verdict) out.verdict = again.verdict;
    } else {
      in.trace_note = "NONDETERMINISM: the rerun with events recorded ended with trace hash " + again.trace_hash +
                      ", not " + r.trace_hash + "; the report goes without the trace.";
    }
  } else if (r.exit_code() != 0 || !r.valid) {
    in.trace_note = "No trace events were recorded (run with --trace events to keep them).";
  }
  if (!history_jsonl.empty()) {
    try {
      out.history = checker::read_history_string(history_jsonl, "history.jsonl");
      in.history = &out.history;
    } catch (const std::exception& e) {
      in.trace_note += std::string(" The history could not be read back: ") + e.what();
    }
  }
  in.verdict = out.verdict.get();
}

}  // namespace kafkasim::harness
