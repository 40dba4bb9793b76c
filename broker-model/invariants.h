// Model invariants, checked as the run goes (after Kafka's
// RaftEventSimulationTest and the TLA+ specification of Kafka's replication
// protocol). The model reports facts to the monitor; the monitor never
// reads the bug switches: it judges only what it observes.
//
//   single-leader-per-epoch   no two brokers lead one partition in one epoch
//   leader-in-isr             a cleanly elected leader is in the ISR
//   committed-data-consistent every ISR member holds, at each offset below
//                             the true high watermark, the record committed
//                             there (a replica out of the ISR, such as a
//                             deposed leader that does not know it yet, may
//                             diverge: it truncates before it rejoins, KIP-841)
//   acked-write-on-leader     a cleanly elected leader holds every write
//                             acknowledged with acks=all
//   hw-monotonic              a leader's HW never moves back once it has
//                             committed in its epoch
//
// Kafka's guarantees assume clean elections and replicas that keep what they
// wrote. A partition leaves the scope of the data invariants (the last three)
// when it has an unclean election, or when a replica comes back from a power
// loss without records below the true high watermark: Kafka relies on
// replication, not fsync, and documents those losses. The report says why.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "broker-model/metadata.h"
#include "broker-model/record_batch.h"
#include "broker-model/types.h"
#include "sim/time.h"

namespace kafkasim::kafka {

class Log;

struct InvariantViolation {
  std::string name;
  sim::SimTime time = 0;
  std::string detail;
};

class InvariantMonitor {
 public:
  // The controller committed this partition state.
  void on_partition_change(sim::SimTime t, const PartitionState& state, bool unclean);
  // A broker starts acting as leader of `tp` in `epoch` with `log`.
  void on_become_leader(sim::SimTime t, const TopicPartition& tp, int32_t broker, int32_t epoch, const Log& log);
  // A leader advanced its HW to `hw`; records below it are committed.
  void on_high_watermark(sim::SimTime t, const TopicPartition& tp, int32_t broker, uint64_t incarnation,
                         int32_t epoch, int64_t hw, const Log& log);
  // A replica stored `batch` (as leader or follower).
  void on_append(sim::SimTime t, const TopicPartition& tp, int32_t broker, const RecordBatch& batch);
  // A produce with acks=all was acknowledged for `batch`.
  void on_acked_all(const TopicPartition& tp, const RecordBatch& batch);
  // A broker opened `log` at start. Only a power loss can make a restarted
  // replica miss records it had written; if they were committed, the
  // partition leaves the data invariants' scope.
  void on_log_recovered(sim::SimTime t, const TopicPartition& tp, int32_t broker, const Log& log);

  const std::vector<InvariantViolation>& violations() const { return violations_; }
  // Partitions outside the data invariants' scope, with the reason.
  const std::map<TopicPartition, std::string>& exempt() const { return exempt_; }

  // A content fingerprint of a batch: equal for copies of one batch. The
  // log cleaner rewrites a batch's records but never its header, so a
  // compacted copy matches its original by header alone (same_batch).
  struct BatchPrint {
    uint64_t header = 0;   // offsets, producer id and sequence, leader epoch
    uint64_t records = 0;  // keys and values
    bool compacted = false;
    bool operator==(const BatchPrint&) const = default;
  };
  static BatchPrint fingerprint(const RecordBatch& batch);
  static bool same_batch(const BatchPrint& a, const BatchPrint& b) {
    return a.header == b.header && (a.compacted || b.compacted || a.records == b.records);
  }

 private:
  void violate(const std::string& name, sim::SimTime t, std::string detail);
  void exempt(const TopicPartition& tp, std::string why);
  bool in_scope(const TopicPartition& tp) const { return exempt_.count(tp) == 0; }

  struct Committed {
    int64_t true_hw = 0;
    std::map<int64_t, BatchPrint> batches;  // base offset -> fingerprint, below true_hw
  };
  std::map<std::pair<TopicPartition, int32_t>, int32_t> leader_of_epoch_;
  std::map<TopicPartition, std::vector<int32_t>> isr_;  // as last committed
  std::map<TopicPartition, Committed> committed_;
  std::map<TopicPartition, std::map<int64_t, BatchPrint>> acked_;  // base offset -> fingerprint
  struct HwMark {
    uint64_t incarnation;
    int32_t epoch;
    int64_t hw;
  };
  std::map<std::pair<TopicPartition, int32_t>, HwMark> leader_hw_;  // (tp, broker)
  std::map<TopicPartition, std::string> exempt_;
  std::vector<InvariantViolation> violations_;
  std::set<std::string> seen_;
};

}  // namespace kafkasim::kafka
