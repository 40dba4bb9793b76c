// The nemesis: a random fault schedule drawn from the run's seed
// (SPEC.md §3 "nemesis"), in the manner of Jepsen's nemesis and
// FoundationDB's fault workloads.
//
// The schedule is a pure function of (nemesis settings, node pool,
// duration, the stream's state): it is drawn in full before the run starts
// and recorded in the result's parameters, so a reader sees every fault
// the seed chose before anything happened (TigerBeetle's habit).
//
// Rules of the draw:
//   - the first fault starts one interval after time 0; each next start is
//     the previous start plus an interval drawn from interval_ms;
//   - a start at or after duration_ms ends the schedule;
//   - when max_concurrent faults are active at a start, the start waits for
//     the earliest of them to end (a fault is active on [at, at+duration));
//   - each fault draws a kind from `kinds`, a node kind from `targets`, then
//     a node of that kind that no active nemesis fault holds; when every
//     node of that kind is held, the slot is skipped;
//   - every fault carries a duration_ms drawn from duration_ms, so it
//     reverts itself; kind-specific values are drawn from the ranges in
//     NemesisRanges (always the same number of draws per kind).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/scenario.h"
#include "sim/random.h"

namespace kafkasim::harness {

// The nodes a nemesis may hit, by kind.
struct NemesisPool {
  int brokers = 0;
  int controllers = 0;
  std::vector<std::string> clients;  // workload client names (producer-1, ...)

  static NemesisPool of(const Scenario& scenario);
};

// Ranges of the values a nemesis fault draws besides its target and
// duration. Units last in names.
struct NemesisRanges {
  MsRange clog_latency_ms{10, 1000};         // clog: extra latency per message
  MsRange clock_offset_ms{-30000, 30000};    // clock-skew: local clock offset
  MsRange clock_drift_ppm{-1000, 1000};      // clock-skew: drift, parts per million
  std::uint64_t torn_one_in = 2;             // power-loss: torn last write, 1 in N
  std::uint64_t one_way_one_in = 4;          // partition, clog: one way only, 1 in N
};

// Draws the schedule. Faults come out in start order; each has at_ms <
// duration_ms, a target (broker-N, controller-N or client:NAME), and
// duration_ms set. REQUIRES: nemesis.kinds holds only kinds that revert
// themselves (crash, power-loss, pause, partition, clog, clock-skew).
std::vector<Fault> draw_nemesis_schedule(const Nemesis& nemesis, const NemesisPool& pool,
                                         std::int64_t duration_ms, sim::Prng& rng,
                                         const NemesisRanges& ranges = {});

// One fault as JSON for parameters and reports: {"at_ms", "kind", "target"
// or "isolate" or "groups", "duration_ms", and the kind's own values}.
nlohmann::ordered_json fault_to_json(const Fault& fault);

// The nemesis settings and the ranges above as JSON (for "parameters").
nlohmann::ordered_json nemesis_to_json(const Nemesis& nemesis, const NemesisRanges& ranges);

}  // namespace kafkasim::harness
