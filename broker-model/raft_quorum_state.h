// A KRaft voter's election state (KIP-595's quorum-state file): the latest
// epoch it knows, whom it voted for in that epoch, and the leader of that
// epoch if known. A voter writes it and flushes it before it acts on a new
// epoch or answers a Vote (Raft's "persist currentTerm and votedFor before
// responding"); a restart reads it back.
#pragma once

#include <cstdint>
#include <string>

#include "sim/disk.h"

namespace kafkasim::kafka {

constexpr int32_t kNoVoter = -1;

struct ElectionState {
  int32_t epoch = 0;
  int32_t voted_for = kNoVoter;  // controller id
  int32_t leader = kNoVoter;     // controller id
  bool operator==(const ElectionState&) const = default;
  std::string describe() const;
};

class QuorumStateFile {
 public:
  explicit QuorumStateFile(sim::Disk& disk) : disk_(disk) {}
  // The stored state; epoch 0 and no vote when there is none (a new voter)
  // or when its contents are torn.
  ElectionState read() const;
  // Writes `state`; durable only with `flush` (KIP-595 requires it).
  void write(const ElectionState& state, bool flush);

  static constexpr const char* kPath = "__cluster_metadata-0/quorum-state";

 private:
  sim::Disk& disk_;
};

}  // namespace kafkasim::kafka
