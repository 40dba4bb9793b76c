// Planted bugs (shared/BUGS.md): each switch puts back one historical Kafka
// correctness bug in the broker or client model. The checkers and the
// invariant monitor never read these switches: they must find the damage
// from what they observe, as on a real cluster.
#pragma once

#include <string>
#include <vector>

namespace kafkasim::kafka {

struct Bugs {
  bool hw_truncation = false;              // KAFKA-1211, KIP-101
  bool no_epoch_end_offset_check = false;  // KIP-279, KAFKA-6361, KAFKA-7415
  bool missed_epoch_no_truncate = false;   // KAFKA-7164
  bool isr_join_unchecked = false;         // KIP-841
  bool hw_ignores_min_isr = false;         // KIP-966
  bool uncommitted_fetch = false;          // KIP-320 consumer side
  bool no_dedup_window = false;            // redpanda#3038
  bool txn_late_produce = false;           // KIP-890, KAFKA-14402
  bool txn_timeout_no_fence = false;       // KAFKA-6119, KIP-588
  bool read_committed_ignores_lso = false; // KIP-98
  bool stale_generation_commit = false;    // KIP-447
  bool vote_not_persisted = false;         // KIP-595

  // REQUIRES: every name is a BUGS.md name (the scenario loader checks).
  static Bugs from_names(const std::vector<std::string>& names);
};

}  // namespace kafkasim::kafka
