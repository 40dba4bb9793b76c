// One partition's replica on one broker, and its role in replication.
//
// As leader (KIP-101, KIP-320, KIP-841, KIP-966):
//   - appends produce batches stamped with its leader epoch; acks=all waits
//     until the high watermark passes the batch;
//   - tracks each follower's log end offset (the offset it fetches from) and
//     the last time it was caught up;
//   - HW = min LEO over the maximal ISR (the ISR plus any addition in flight,
//     the ISR before any removal in flight), and advances only while the ISR
//     has at least min.insync.replicas members (KIP-966);
//   - shrinks the ISR when a follower has not caught up for
//     replica.lag.time.max.ms, and adds a follower back only when it has
//     reached the HW and the start offset of this leader epoch, fetching in
//     the current epoch with its current broker epoch (KIP-841);
//   - answers a follower whose last fetched epoch diverges with that epoch's
//     end offset (KIP-320), so the follower truncates before it fetches.
// As follower: fetches from the leader and truncates on divergence.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "broker-model/cluster_state.h"
#include "broker-model/log.h"
#include "broker-model/metadata.h"
#include "broker-model/producer_state.h"
#include "broker-model/protocol.h"
#include "broker-model/protocol_txn.h"
#include "broker-model/transaction_index.h"
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

class Broker;

class Partition {
 public:
  enum class Role : uint8_t { kNone, kLeader, kFollower };

  Partition(Broker& broker, TopicPartition tp, std::unique_ptr<Log> log);

  const TopicPartition& tp() const { return tp_; }
  Role role() const { return role_; }
  int32_t leader_epoch() const { return leader_epoch_; }
  int32_t leader_id() const { return leader_id_; }
  Log& log() { return *log_; }
  const std::vector<int32_t>& isr() const { return isr_; }

  // Applies a committed partition state from the metadata log.
  void apply(const PartitionState& state);

  // Leader: appends one produce batch. Parks for acks=all. Returns the
  // partition's result. A transactional batch that opens a transaction
  // here is first verified with the coordinator of `transactional_id`
  // (KIP-890 part 1).
  ProduceResponse::PartitionResult produce(const RecordBatch& batch, int16_t acks, sim::SimTime deadline,
                                           const std::string& transactional_id = {});
  // Leader: appends a transaction marker (KIP-98) and waits, as acks=all,
  // until the high watermark passes it.
  Errc write_marker(const WriteTxnMarkersRequest& r, sim::SimTime deadline);
  // The last stable offset (transaction_index.h).
  int64_t last_stable_offset() { return txns_.last_stable_offset(log_->high_watermark()); }
  const TransactionIndex& transactions() const { return txns_; }

  // Leader: serves a fetch of one partition (consumer or follower). Does not
  // park; the broker parks for max_wait over all partitions.
  FetchResponse::PartitionData fetch(const FetchRequest& request, const FetchRequest::PartitionData& p);

  // KIP-279: the end offset of `epoch` in this replica's log.
  OffsetsForLeaderEpochResponse end_offset_for(int32_t current_leader_epoch, int32_t epoch);
  ListOffsetsResponse list_offsets(const ListOffsetsRequest& r);

  // Leader: shrinks the ISR of lagging followers (called periodically).
  void maybe_shrink_isr();
  // Wakes fetchers parked for new data and produce requests parked for HW.
  sim::WaitQueue& data_waiters() { return data_waiters_; }

 private:
  struct FollowerState {
    int64_t log_end_offset = kNoOffset;  // unknown until it fetches in this epoch
    sim::SimTime last_caught_up = 0;
    sim::SimTime last_fetch = 0;
    int64_t leader_end_offset_at_last_fetch = kNoOffset;
    int64_t broker_epoch = -1;
  };

  void become_leader(const PartitionState& state);
  void become_follower(const PartitionState& state);
  void maybe_advance_hw();
  void maybe_expand_isr(int32_t follower);
  void send_alter_partition(std::vector<int32_t> new_isr);
  std::vector<int32_t> maximal_isr() const;
  int32_t min_insync_replicas() const;
  // `check_divergence` false: fetch without the last fetched epoch, so the
  // leader never answers with a diverging epoch (the pre-KIP-320 fetcher).
  void follower_fetch_loop(int32_t epoch, bool check_divergence = true);
  void truncate_on_divergence(int32_t leader_diverging_epoch, int64_t leader_end_offset);
  void appended(const RecordBatch& batch);
  // Trace records of what this replica stored (reports' replica logs).
  void record_leader_append(const RecordBatch& batch);
  void record_replicated(int64_t from_offset);
  void rebuild_producer_state();
  // acks=all: parks until the HW passes `last_offset` in leader epoch
  // `epoch`; the error says why not.
  Errc await_high_watermark(int64_t last_offset, int32_t epoch, sim::SimTime deadline);
  // KIP-890 part 1: asks the coordinator whether the batch's transaction
  // is ongoing and holds this partition.
  Errc verify_transaction(const RecordBatch& batch, const std::string& transactional_id);

  Broker& broker_;
  TopicPartition tp_;
  std::unique_ptr<Log> log_;
  Role role_ = Role::kNone;
  int32_t leader_id_ = kNoLeader;
  int32_t leader_epoch_ = kNoEpoch;
  int32_t partition_epoch_ = -1;
  std::vector<int32_t> replicas_;
  std::vector<int32_t> isr_;
  std::optional<std::vector<int32_t>> pending_isr_;  // AlterPartition in flight
  int64_t leader_epoch_start_offset_ = 0;
  std::map<int32_t, FollowerState> followers_;
  ProducerStateManager producers_;
  TransactionIndex txns_;
  // KIP-890's verification guards: a marker for the producer between the
  // verification and the append voids it.
  std::map<int64_t, uint64_t> verification_guards_;
  uint64_t next_verification_guard_ = 0;
  sim::WaitQueue data_waiters_;
  uint64_t fetcher_generation_ = 0;
};

}  // namespace kafkasim::kafka
