// The group coordinator of one broker (classic protocol).
//
// The coordinator of group G is the leader of partition
// offsets_partition_for(G, offsets.topic.num.partitions) of
// `__consumer_offsets`, a topic replicated like any other. Each such
// partition this broker leads is a shard: when the broker becomes its
// leader (a new leader epoch) the shard loads in a fiber of its own,
// replaying the partition's log to its end, committed or not (as Kafka's
// doLoadGroupsAndOffsets: a leader's log is never truncated under it);
// until then requests get COORDINATOR_LOAD_IN_PROGRESS. When the broker stops leading it, the
// shard's groups are dropped (Dead) and requests get NOT_COORDINATOR.
//
// Group metadata (after each completed rebalance) and offset commits are
// appended to the shard's partition with acks=all and answered only once
// replicated; an append that fails is answered with NOT_COORDINATOR or
// COORDINATOR_NOT_AVAILABLE, as Kafka maps produce errors.
//
// JoinGroup parks until the join phase ends (every member rejoined, or the
// rebalance timeout); a follower's SyncGroup parks until the leader's
// assignment is stored. A periodic sweep expires sessions, ends join
// phases whose time is up, and starts loading newly led shards.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker-model/group_metadata.h"
#include "broker-model/group_protocol.h"
#include "broker-model/offset_store.h"
#include "broker-model/protocol_txn.h"
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

class Broker;

class GroupCoordinator {
 public:
  explicit GroupCoordinator(Broker& broker);

  // Starts the sweep fiber on the broker's node.
  void start();

  // Answers a group request (FindCoordinator of type group, JoinGroup,
  // SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch); may park.
  // nullptr for any other request.
  std::unique_ptr<Response> handle(Request& request);

  // For tests and reports: the state of a group this broker coordinates.
  const GroupMetadata* group(const std::string& group_id) const;
  std::optional<CommittedOffset> committed(const std::string& group_id, const TopicPartition& tp) const;

  // A transaction marker of `producer_id` was written (and replicated) to
  // partition `p` of __consumer_offsets, which this broker leads: the
  // pending transactional offsets of that producer in the partition's
  // groups are applied (commit) or dropped (abort), as Kafka's
  // GroupCoordinator.onTransactionCompleted.
  void on_txn_marker(int32_t p, int64_t producer_id, bool commit);

 private:
  struct Group {
    explicit Group(std::string id) : meta(std::move(id)) {}
    GroupMetadata meta;
    OffsetStore offsets;
    sim::WaitQueue changed;  // join phase ended, sync done, unloaded
    bool sync_in_progress = false;
    std::map<std::string, int32_t> joined_generation;  // member -> generation its join ended in
  };
  struct Shard {
    int32_t leader_epoch = kNoEpoch;
    bool loaded = false;
    std::map<std::string, std::shared_ptr<Group>> groups;
  };

  int32_t partition_count() const;
  TopicPartition partition_of(const std::string& group_id) const;
  // The loaded shard that holds `group_id`, or nullptr with *error set.
  Shard* shard_for(const std::string& group_id, Errc* error);
  // Checks leadership of shard `p`; starts a load on a new leader epoch,
  // drops the shard when the broker no longer leads it.
  void refresh_shard(int32_t p);
  void load(int32_t p, int32_t leader_epoch);
  void unload(Shard& shard);
  std::shared_ptr<Group> find_group(Shard& shard, const std::string& group_id, bool create);
  // The group `group_id` in its shard (created if `create` and absent).
  // nullptr with *error set when this broker is not its loaded coordinator
  // (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS); nullptr with *error
  // untouched when the group does not exist.
  std::shared_ptr<Group> group_for(const std::string& group_id, bool create, Errc* error);
  // The group `group_id` if this coordinator has it and `member_id` is one
  // of its members; else nullptr with *error set: the shard's error
  // (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS) or UNKNOWN_MEMBER_ID.
  // The check SyncGroup and LeaveGroup begin with.
  std::shared_ptr<Group> member_group(const std::string& group_id, const std::string& member_id, Errc* error);
  // Appends `records` as one batch to the group's partition, acks=all.
  // Errors as the coordinator answers them. *base_offset: where the first
  // record was stored.
  Errc append(const std::string& group_id, std::vector<Record> records, int64_t* base_offset);
  // The same with the batch's header (producer id, epoch, transactional
  // flag) from `header`, verified against `transactional_id`'s coordinator
  // as any transactional write (KIP-890).
  Errc append(const std::string& group_id, RecordBatch header, std::vector<Record> records,
              const std::string& transactional_id, int64_t* base_offset);
  // Ends the join phase if it may end now; persists an emptied group.
  void maybe_complete_join(Group& g);
  void sweep();
  int64_t now_ms() const;

  std::unique_ptr<Response> find_coordinator(const FindCoordinatorRequest& r);
  std::unique_ptr<Response> join_group(const JoinGroupRequest& r);
  std::unique_ptr<Response> sync_group(const SyncGroupRequest& r);
  std::unique_ptr<Response> heartbeat(const HeartbeatRequest& r);
  std::unique_ptr<Response> leave_group(const LeaveGroupRequest& r);
  std::unique_ptr<Response> offset_commit(const OffsetCommitRequest& r);
  std::unique_ptr<Response> offset_fetch(const OffsetFetchRequest& r);
  std::unique_ptr<Response> txn_offset_commit(const TxnOffsetCommitRequest& r);

  Broker& broker_;
  std::map<int32_t, Shard> shards_;
  uint64_t next_member_ = 0;
};

}  // namespace kafkasim::kafka
