// Invariants of the KRaft controller quorum, checked as the run goes, after
// Kafka's RaftEventSimulationTest (raft/src/test/.../RaftEventSimulationTest
// .java: SingleLeader, MonotonicEpoch, MonotonicHighWatermark,
// ConsistentCommittedData, MajorityReachedHighWatermark). Voters report
// what they write and what their logs hold; the monitor never reads the
// bug switches.
//
//   single-leader-per-epoch        no two voters are leader of one quorum
//                                  epoch, across every election state any
//                                  voter has written
//   monotonic-epoch                a voter's stored epoch never goes back
//                                  (what it writes, and what it reads back at
//                                  a restart)
//   quorum-hw-monotonic            a voter's high watermark never decreases
//                                  within one incarnation
//   committed-metadata-consistent  every voter holds, at each offset below
//                                  its high watermark, the entry (epoch and
//                                  record) committed there
//   committed-on-majority          a majority of voters hold (in their log or
//                                  a snapshot) the last committed entry
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "broker-model/invariants.h"
#include "broker-model/raft_log.h"
#include "broker-model/raft_quorum_state.h"
#include "sim/time.h"

namespace kafkasim::kafka {

class QuorumInvariants {
 public:
  void set_voters(int voters) { voters_ = voters; }

  // A voter wrote its election state, or (`loaded`) read it at a start.
  void on_election_state(sim::SimTime t, int32_t voter, const ElectionState& state, bool loaded);
  // A voter's log changed: an entry appended, a truncation, a load from the
  // disk, a snapshot taken or installed.
  void on_append(sim::SimTime t, int32_t voter, int64_t offset, const RaftEntry& entry);
  void on_truncate(sim::SimTime t, int32_t voter, int64_t end);
  void on_log_reset(sim::SimTime t, int32_t voter, const RaftLog& log);
  // A voter's high watermark is now `hw` (entries below are committed).
  void on_high_watermark(sim::SimTime t, int32_t voter, uint64_t incarnation, int64_t hw, const RaftLog& log);

  const std::vector<InvariantViolation>& violations() const { return violations_; }

  static uint64_t fingerprint(const RaftEntry& entry);

 private:
  using Fingerprint = std::pair<int32_t, uint64_t>;  // epoch, record
  struct Mirror {
    int64_t start = 0;
    std::vector<Fingerprint> entries;
  };
  void violate(const std::string& name, sim::SimTime t, std::string detail);
  void check_majority(sim::SimTime t);

  int voters_ = 1;
  std::map<int32_t, int32_t> leader_of_epoch_;
  std::map<int32_t, int32_t> epoch_of_voter_;
  std::map<int32_t, Mirror> logs_;
  std::map<int64_t, Fingerprint> committed_;
  int64_t quorum_hw_ = 0;  // the highest high watermark any voter reached
  std::map<int32_t, std::pair<uint64_t, int64_t>> hw_of_voter_;  // incarnation, hw
  std::vector<InvariantViolation> violations_;
};

}  // namespace kafkasim::kafka
