// What a seed sweep (`kafkasim run --seeds A..B --out DIR`) leaves for CI:
// DIR/junit.xml (reports/sweep_junit.h) and DIR/summary.md
// (reports/sweep_summary.h), built from one record per scenario and shard.
//
// Records are kept in DIR/.kafkasim/sweeps/<scenario>.shard-K-of-N.json, so
// that several scenarios (or shards) swept into one DIR give one junit.xml
// and one summary.md covering them all; sweeping a scenario and shard again
// replaces its record. docs/ci.md shows how CI reads the two files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/result.h"

namespace kafkasim::reports {

// One seed of a sweep: what junit.xml and summary.md say about it.
struct SweepCase {
  std::uint64_t seed = 0;
  int exit_code = 0;                           // SPEC.md §1: 0, 1 or 3
  std::string outcome;                         // harness::describe_outcome
  std::vector<std::string> kinds;              // harness::failure_kinds
  std::map<std::string, std::int64_t> anomalies;
  std::vector<std::string> invariant_violations;
  std::string liveness;
  std::string repro;
  std::int64_t wall_ms = 0;
  std::int64_t sim_time_ms = 0;
  std::int64_t events = 0;
  std::string folder;   // its output folder, "" when none was written
  std::string minimal;  // its minimal.json, "" when none was written
  bool operator==(const SweepCase&) const = default;
};

SweepCase sweep_case(const harness::RunResult& r, std::string folder = "", std::string minimal = "");

// One scenario's sweep on one shard.
struct SweepRecord {
  std::string scenario;
  std::string scenario_path;
  std::string seeds;          // "A..B"
  std::string shard = "1/1";  // "K/N"
  std::int64_t elapsed_ms = 0;
  std::vector<SweepCase> cases;  // in the order the seeds finished
  bool operator==(const SweepRecord&) const = default;
};

nlohmann::ordered_json to_json(const SweepRecord& record);
// Throws std::runtime_error naming the first missing or ill-typed key.
SweepRecord sweep_record_from_json(const nlohmann::ordered_json& j);

// The tally of a record (failed seeds by kind, slowest seed, totals).
struct SweepTally {
  std::size_t as_expected = 0;
  std::size_t not_expected = 0;
  std::size_t harness_failures = 0;
  std::map<std::string, std::vector<std::uint64_t>> failed_by_kind;
  const SweepCase* slowest = nullptr;  // by wall time; points into the record
  std::int64_t sim_time_ms = 0;
  std::int64_t wall_ms = 0;            // summed over seeds
  std::int64_t events = 0;
};
SweepTally tally(const SweepRecord& record);

// Saves `record` under out_dir, then writes out_dir/junit.xml and
// out_dir/summary.md from every record there (each file through a temporary
// file renamed into place). Returns the paths of the two files. Records
// that cannot be read are left out and named in *skipped. Throws
// std::runtime_error (std::filesystem::filesystem_error) on I/O errors.
std::vector<std::string> write_sweep_files(const std::string& out_dir, const SweepRecord& record,
                                           std::vector<std::string>* skipped = nullptr);

}  // namespace kafkasim::reports
