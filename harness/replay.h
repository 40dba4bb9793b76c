// Replaying a recorded run (`kafkasim replay RESULT.json`, SPEC.md §1): the
// same scenario, seed, bug switches and event budget run again, and the
// trace hashes compared. Equal: reproduced. Different: nondeterminism, and
// where the traces part:
//
//   1. the checkpoints (the hash every 4096·2^k events, result.json
//      "checkpoints") give the window of events where they part;
//   2. the run is made again recording every event in that window;
//   3. when the recorded run kept its events (trace.jsonl beside the
//      result: `run --trace events|all --out DIR`), they are compared with
//      the replay's one by one, by event number: the first event that
//      differs is named exactly, both versions side by side. Otherwise the
//      window and the replay's first events in it are what is known.
//
// The trace hash does not depend on the record level (sim/trace.h), so a
// run recorded with --trace replays without it and the other way round.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/result.h"
#include "harness/run.h"
#include "harness/scenario.h"

namespace kafkasim::harness {

struct ReplayReport {
  bool reproduced = false;
  RunResult again;  // the replay's result (trace events not kept)
  // Not reproduced: the events (after first, up to and including second)
  // where the checkpoints part; second is UINT64_MAX past the last one.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> window;
  // The number of the first event that differs, when the recorded events
  // tell it; with the recorded and replayed event there (JSON objects of
  // trace_event_json; null when that trace has no such event).
  std::optional<std::uint64_t> first_event;
  nlohmann::ordered_json recorded_event;
  nlohmann::ordered_json replayed_event;
  // The replay's events at the start of the window (when no exact event).
  std::vector<nlohmann::ordered_json> replayed_window;
  // Where the traces part, in one paragraph for people.
  std::string where;
};

// Replays `recorded` on `scenario`. `options` carries the seed, bugs,
// budget and scenario path of the recorded run (record settings are
// overwritten). `recorded_trace`: path of the recorded run's trace.jsonl,
// "" or a missing file when it has none. Throws ResultError when
// trace.jsonl exists but cannot be read.
ReplayReport replay_run(const Scenario& scenario, const RunResult& recorded, RunOptions options,
                        const std::string& recorded_trace);

}  // namespace kafkasim::harness
