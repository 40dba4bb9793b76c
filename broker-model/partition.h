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
  // partition's result.
  ProduceResponse::PartitionResult produce(const RecordBatch& batch, int16_t acks, sim::SimTime deadline);

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
  sim::WaitQueue data_waiters_;
  uint64_t fetcher_generation_ = 0;
};

}  // namespace kafkasim::kafka
