// The consumer group requests of the classic protocol (KIP-62, KIP-429),
// as typed values (FindCoordinator is in protocol_coordinator.h): JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup, OffsetCommit, OffsetFetch. Protocol metadata (the
// "consumer" protocol's subscription and assignment) is typed here too,
// where Kafka carries it as opaque bytes the coordinator never reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker-model/protocol.h"
#include "broker-model/protocol_coordinator.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

// The "consumer" protocol's member metadata (ConsumerProtocolSubscription):
// the topics it subscribes to and, for the cooperative protocol (KIP-429),
// the partitions it owns and the generation it owned them in.
struct Subscription {
  std::vector<std::string> topics;
  std::vector<TopicPartition> owned_partitions;
  int32_t generation = -1;
  bool operator==(const Subscription&) const = default;
};

// ---- JoinGroup ----
struct JoinGroupRequest : RequestOf<ApiKey::kJoinGroup> {
  std::string group_id;
  int32_t session_timeout_ms = 45000;
  int32_t rebalance_timeout_ms = 300000;  // the consumer's max.poll.interval.ms (KIP-62)
  std::string member_id;                  // "" for a new member
  std::string client_id;
  std::string protocol_type = "consumer";
  struct Protocol {
    std::string name;  // the assignor: range, roundrobin, cooperative-sticky
    Subscription metadata;
    bool operator==(const Protocol&) const = default;
  };
  std::vector<Protocol> protocols;  // in the member's order of preference
};

struct JoinGroupResponse : ResponseOf<ApiKey::kJoinGroup> {
  Errc error = Errc::kNone;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  struct Member {
    std::string member_id;
    Subscription metadata;  // for the selected protocol
  };
  std::vector<Member> members;  // only for the leader
};

// ---- SyncGroup ----
struct SyncGroupRequest : RequestOf<ApiKey::kSyncGroup> {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  struct Assignment {
    std::string member_id;
    std::vector<TopicPartition> partitions;
  };
  std::vector<Assignment> assignments;  // only from the leader
};

struct SyncGroupResponse : ResponseOf<ApiKey::kSyncGroup> {
  Errc error = Errc::kNone;
  std::vector<TopicPartition> assignment;
};

// ---- Heartbeat ----
struct HeartbeatRequest : RequestOf<ApiKey::kHeartbeat> {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
};

struct HeartbeatResponse : ResponseOf<ApiKey::kHeartbeat> {
  Errc error = Errc::kNone;
};

// ---- LeaveGroup ----
struct LeaveGroupRequest : RequestOf<ApiKey::kLeaveGroup> {
  std::string group_id;
  std::string member_id;
};

struct LeaveGroupResponse : ResponseOf<ApiKey::kLeaveGroup> {
  Errc error = Errc::kNone;
};

// ---- OffsetCommit ----
struct OffsetCommitRequest : RequestOf<ApiKey::kOffsetCommit> {
  std::string group_id;
  int32_t generation_id = -1;  // -1 with member "": a commit outside group management
  std::string member_id;
  struct PartitionOffset {
    TopicPartition tp;
    int64_t offset = kNoOffset;
    int32_t leader_epoch = kNoEpoch;  // KIP-320: the epoch of the last consumed record
  };
  std::vector<PartitionOffset> offsets;
};

struct OffsetCommitResponse : ResponseOf<ApiKey::kOffsetCommit> {
  struct PartitionResult {
    TopicPartition tp;
    Errc error = Errc::kNone;
  };
  std::vector<PartitionResult> partitions;
  // The first partition error, or kNone (every partition of one request
  // gets the same answer in this model).
  Errc error() const { return partitions.empty() ? Errc::kNone : partitions.front().error; }
};

// ---- OffsetFetch ----
struct OffsetFetchRequest : RequestOf<ApiKey::kOffsetFetch> {
  std::string group_id;
  std::vector<TopicPartition> partitions;
  // KIP-447: a partition with a pending transactional commit is answered
  // UNSTABLE_OFFSET_COMMIT instead of its last committed offset.
  bool require_stable = false;
};

struct OffsetFetchResponse : ResponseOf<ApiKey::kOffsetFetch> {
  Errc error = Errc::kNone;  // group-level: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS
  struct PartitionData {
    TopicPartition tp;
    int64_t offset = kNoOffset;  // kNoOffset: nothing committed
    int32_t leader_epoch = kNoEpoch;
    Errc error = Errc::kNone;  // UNSTABLE_OFFSET_COMMIT (require_stable)
  };
  std::vector<PartitionData> partitions;
};

}  // namespace kafkasim::kafka
