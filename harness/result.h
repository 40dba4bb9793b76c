// The result of one run (SPEC.md §2) and its files.
//
// to_json() gives the object `run --json` prints, one per line: SPEC §2's
// keys, plus
//   "version"            kafkasim's version
//   "scenario_path"      the scenario file as named on the command line
//   "extra_bugs"         the bugs given by --bug (repro and replay use them)
//   "allowed"            anomaly kinds that did not make the run invalid
//   "expect"             the scenario's expect block
//   "liveness_detail"    {"final_reads_finished", "final_reads_ms", "recovery_ms", "stopped_at_ms"}
//   "harness_error"      null, or {"outcome", "message"} when the harness failed (exit 3)
//   "unseed"             a draw from the scheduler stream after the run (FoundationDB's habit)
//   "checkpoints"        {"every": E, "hashes": [...]}: the trace hash after E, 2E, ... events
//   "parameters"         the seed and every value derived from it, recorded before the run
//   "fault_log"          every fault injected, reverted or skipped, in order
//   "figures"            what the workload measured (ml-pipeline, word-count), when it did
// result_from_json() reads it back.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check.h"
#include "checker/history.h"
#include "harness/faults.h"
#include "harness/scenario.h"
#include "reports/report_input.h"
#include "sim/trace.h"

namespace kafkasim::harness {

struct RunStats {
  std::int64_t events = 0;        // scheduler events (fiber steps, timer fires)
  std::int64_t trace_events = 0;  // every event folded into the trace hash
  std::int64_t sim_time_ms = 0;   // simulated time at the end of the run
  std::int64_t wall_ms = 0;       // measured by the caller (cli), 0 inside the harness
  std::int64_t sent = 0;          // send micro-ops invoked
  std::int64_t acked = 0;         // sends acknowledged
  std::int64_t polled = 0;        // records returned by polls
  std::int64_t redelivered = 0;   // subscribe: records the group delivered again (WorkloadStats)
  bool operator==(const RunStats&) const = default;
};

// Why the harness itself failed (exit status 3).
struct HarnessError {
  std::string outcome;  // "deadlock", "budget-exhausted", "fiber-error", "internal-error", ...
  std::string message;
  bool operator==(const HarnessError&) const = default;
};

// The trace hash at regular points, for replay to find where two runs part.
struct TraceCheckpoints {
  std::uint64_t every = 0;            // events between two entries (0: none)
  std::vector<std::uint64_t> hashes;  // hashes[i]: the hash after (i+1)*every events
  bool operator==(const TraceCheckpoints&) const = default;
};

// Thins sim::Trace::checkpoints() (one per 4096 events) to at most
// `max_entries` by keeping every 2^k-th one.
TraceCheckpoints compact_checkpoints(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& checkpoints,
                                     std::size_t max_entries = 128);

// The event window (after `from`, up to and including `to` events) where
// two traces first differ, judged from their checkpoints; nullopt when
// every checkpoint both have agrees.
std::optional<std::pair<std::uint64_t, std::uint64_t>> first_divergence(const TraceCheckpoints& a,
                                                                          const TraceCheckpoints& b);

struct LivenessDetail {
  bool final_reads_finished = false;
  std::optional<std::int64_t> final_reads_ms;  // simulated time they finished
  std::int64_t recovery_ms = 0;
  std::optional<std::int64_t> stopped_at_ms;   // the run ended early (invariant violation)
  bool operator==(const LivenessDetail&) const = default;
};

struct RunResult {
  std::string scenario;                  // the scenario's name
  std::string scenario_path;             // as given on the command line
  std::uint64_t seed = 0;
  std::vector<std::string> bugs;         // every bug switched on
  std::vector<std::string> extra_bugs;   // those given by --bug
  bool valid = false;
  bool expected = false;
  std::map<std::string, std::int64_t> anomalies;  // name -> count; allowed ones included
  std::vector<std::string> allowed;
  std::vector<std::string> invariant_violations;
  std::string liveness = "ok";           // "ok" or "failed: <why>"
  LivenessDetail liveness_detail;
  Expect expect;
  RunStats stats;
  std::string trace_hash;
  std::string unseed;
  std::string repro;
  std::string version;
  std::optional<HarnessError> harness_error;
  TraceCheckpoints checkpoints;
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
  std::vector<FaultLogEntry> fault_log;
  // What the workload measured (ml-pipeline: latency, accuracy, lag;
  // word-count: sentences, restores), or null.
  nlohmann::ordered_json figures;

  // Not serialized: what the files of an output folder are made of.
  std::string history_jsonl;  // the history (SPEC §4), when RunOptions::keep_history
  std::shared_ptr<const checker::Verdict> verdict;
  std::vector<sim::TraceEvent> trace_events;
  std::vector<std::string> node_names;                     // simulated node names by id
  std::vector<reports::TimeSeries> series;                 // sampled cluster state (harness/run.h)
  std::vector<reports::InvariantDetail> invariant_details;  // what the monitor saw
  // A scenario without nemesis that reproduces the failure (shrinking):
  // the report shows its schedule beside the original one.
  std::optional<nlohmann::ordered_json> minimal_scenario;

  // SPEC.md §1: 3 harness failure, 0 expectations met, 1 not.
  int exit_code() const { return harness_error ? 3 : expected ? 0 : 1; }
};

// A result file that cannot be read: exit status 2.
class ResultError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Keys in the order of SPEC §2, then the extra ones.
nlohmann::ordered_json to_json(const RunResult& r);
// Throws ResultError naming the first missing or ill-typed key.
RunResult result_from_json(const nlohmann::ordered_json& j);
// Reads a result.json (or the first line of `run --json` output).
// Throws ResultError naming the file.
RunResult read_result_file(const std::string& path);

// One line for people: "seed 42: expected (invalid: lost-write x3) ...".
std::string describe_outcome(const RunResult& r);

// Why a run did not meet expectations, as short names: each disallowed
// anomaly ("lost-write"), "invariant:NAME", "liveness", "missing:NAME" (an
// expected anomaly not found), "valid" (an invalid run was expected), or
// "harness:OUTCOME" for a harness failure. Empty when the run met them.
std::vector<std::string> failure_kinds(const RunResult& r);

// The tally of a sweep, for the summary `kafkasim run` prints at the end.
class SweepSummary {
 public:
  void add(const RunResult& r);

  std::size_t runs() const { return runs_; }
  std::size_t not_expected() const { return not_expected_; }
  std::size_t harness_failures() const { return harness_failures_; }
  // SPEC.md §1: the largest code wins, 3 > 1 > 0.
  int exit_code() const { return exit_code_; }

  // A few lines for people: seeds run, failed seeds by kind, the slowest
  // seed, total simulated and wall time. `elapsed_ms`: the sweep's wall time.
  std::string text(const std::string& scenario, std::int64_t elapsed_ms) const;

 private:
  std::size_t runs_ = 0;
  std::size_t not_expected_ = 0;
  std::size_t harness_failures_ = 0;
  int exit_code_ = 0;
  std::map<std::string, std::vector<std::uint64_t>> failed_by_kind_;
  std::optional<std::pair<std::uint64_t, RunStats>> slowest_;  // seed, stats
  std::int64_t sim_time_ms_ = 0;
  std::int64_t wall_ms_ = 0;
  std::int64_t events_ = 0;
};

// One line of trace.jsonl: {"index", "time_ns", "kind", "node", "a", "b",
// "text" when there is one}.
nlohmann::ordered_json trace_event_json(const sim::TraceEvent& e);

// Writes the output folder of a run: DIR/<scenario>/seed-<N>/ with
// result.json, history.jsonl (empty when the history was not kept), report.txt,
// scenario.json (canonical, when `scenario` is given), trace.jsonl (when
// events were recorded, or recorded again for the report) and the report
// files of reports/report.h (report.html, summary.md, junit.xml, *.dot,
// *.svg; see harness/run_report.h). The files go to a temporary folder beside it that
// is renamed into place, so a folder is never seen half-written; an older
// folder of the same seed is replaced. Returns the folder's path. Throws
// std::runtime_error (std::filesystem::filesystem_error) on I/O errors.
std::string write_run_folder(const std::string& out_dir, const RunResult& r, const Scenario* scenario);

}  // namespace kafkasim::harness
