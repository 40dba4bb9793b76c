// Requests and responses, as typed values carried by the simulated network
// (the wire format is librdkafka's business). Names and fields follow
// Kafka's protocol; only the fields the model uses are here.
//
// Every request carries a correlation id that its response echoes. A broker
// answers the requests of one connection in order, as Kafka does by muting
// a connection while a request is being handled.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker-model/metadata.h"
#include "broker-model/metadata_snapshot.h"
#include "broker-model/raft_log.h"
#include "broker-model/record_batch.h"
#include "broker-model/types.h"
#include "sim/network.h"

namespace kafkasim::kafka {

// Ports the model listens on.
constexpr int kBrokerPort = 9092;
constexpr int kControllerPort = 9093;

enum class ApiKey : uint8_t {
  kProduce,
  kFetch,
  kMetadata,
  kListOffsets,
  kOffsetsForLeaderEpoch,
  kInitProducerId,
  kBrokerRegistration,
  kBrokerHeartbeat,
  kAlterPartition,
  kFetchMetadata,
  kVote,              // KIP-595
  kBeginQuorumEpoch,  // KIP-595
  kQuorumFetch,       // KIP-595: Fetch of __cluster_metadata between voters
  kFetchSnapshot,     // KIP-630
  // Consumer groups (group_protocol.h).
  kFindCoordinator,
  kJoinGroup,
  kSyncGroup,
  kHeartbeat,
  kLeaveGroup,
  kOffsetCommit,
  kOffsetFetch,
  // Transactions (KIP-98, KIP-890): protocol_txn.h.
  kAddPartitionsToTxn,
  kEndTxn,
  kWriteTxnMarkers,
  // Exactly-once consume-transform-produce (KIP-98, KIP-447).
  kAddOffsetsToTxn,
  kTxnOffsetCommit,
};

const char* api_name(ApiKey api);

struct Request : sim::Message {
  explicit Request(ApiKey api) : api(api) {}
  ApiKey api;
  int64_t correlation_id = 0;
  std::string describe() const override { return api_name(api); }
};

struct Response : sim::Message {
  explicit Response(ApiKey api) : api(api) {}
  ApiKey api;
  int64_t correlation_id = 0;
  // The server closes the connection instead of sending this response (an
  // injected transport error, request_error_injection.h).
  bool close_connection = false;
  std::string describe() const override { return std::string(api_name(api)) + " response"; }
};

template <ApiKey K>
struct RequestOf : Request {
  static constexpr ApiKey kApi = K;
  RequestOf() : Request(K) {}
};
template <ApiKey K>
struct ResponseOf : Response {
  static constexpr ApiKey kApi = K;
  ResponseOf() : Response(K) {}
};

// ---- Produce (KIP-98 fields for idempotence) ----
struct ProduceRequest : RequestOf<ApiKey::kProduce> {
  int16_t acks = -1;  // -1 = all
  int32_t timeout_ms = 30000;
  struct PartitionData {
    TopicPartition tp;
    RecordBatch batch;  // offsets unassigned
  };
  std::vector<PartitionData> partitions;
  // KIP-890 part 1: a transactional produce names its transactional.id so
  // that the leader can verify the transaction with its coordinator.
  std::string transactional_id;
  std::string describe() const override;
};

struct ProduceResponse : ResponseOf<ApiKey::kProduce> {
  struct PartitionResult {
    TopicPartition tp;
    Errc error = Errc::kNone;
    int64_t base_offset = kNoOffset;
    int64_t log_start_offset = kNoOffset;
  };
  std::vector<PartitionResult> partitions;
};

// ---- Fetch (KIP-320: current leader epoch and last fetched epoch) ----
struct FetchRequest : RequestOf<ApiKey::kFetch> {
  int32_t replica_id = -1;  // a broker id for followers, -1 for consumers
  int64_t replica_epoch = -1;  // the follower's broker epoch (KIP-841)
  int32_t max_wait_ms = 500;
  int32_t min_bytes = 1;
  bool read_committed = false;
  struct PartitionData {
    TopicPartition tp;
    int64_t fetch_offset = 0;
    int32_t current_leader_epoch = kNoEpoch;
    int32_t last_fetched_epoch = kNoEpoch;
    int64_t max_bytes = 1 << 20;
  };
  std::vector<PartitionData> partitions;
};

struct FetchResponse : ResponseOf<ApiKey::kFetch> {
  struct PartitionData {
    TopicPartition tp;
    Errc error = Errc::kNone;
    int64_t high_watermark = kNoOffset;
    int64_t last_stable_offset = kNoOffset;
    int64_t log_start_offset = kNoOffset;
    // KIP-320: set when the fetcher's log diverges from the leader's.
    int32_t diverging_epoch = kNoEpoch;
    int64_t diverging_end_offset = kNoOffset;
    std::vector<BatchPtr> batches;
    // read_committed (KIP-98): the transactions aborted in the range
    // returned, for the client to filter.
    struct AbortedTransaction {
      int64_t producer_id = kNoProducerId;
      int64_t first_offset = kNoOffset;
    };
    std::vector<AbortedTransaction> aborted_transactions;
  };
  std::vector<PartitionData> partitions;
};

// ---- Metadata ----
struct MetadataRequest : RequestOf<ApiKey::kMetadata> {};

struct MetadataResponse : ResponseOf<ApiKey::kMetadata> {
  struct BrokerAddress {
    int32_t id;
    int32_t node;  // the simulated node: the broker's host:port
  };
  std::vector<BrokerAddress> brokers;  // unfenced brokers
  std::vector<PartitionState> partitions;
};

// ---- ListOffsets ----
struct ListOffsetsRequest : RequestOf<ApiKey::kListOffsets> {
  static constexpr int64_t kEarliest = -2;
  static constexpr int64_t kLatest = -1;
  TopicPartition tp;
  int64_t timestamp = kLatest;
  int32_t current_leader_epoch = kNoEpoch;
  bool read_committed = false;
};

struct ListOffsetsResponse : ResponseOf<ApiKey::kListOffsets> {
  Errc error = Errc::kNone;
  int64_t offset = kNoOffset;
  int32_t leader_epoch = kNoEpoch;
};

// ---- OffsetsForLeaderEpoch (KIP-101, KIP-279) ----
struct OffsetsForLeaderEpochRequest : RequestOf<ApiKey::kOffsetsForLeaderEpoch> {
  int32_t replica_id = -1;
  TopicPartition tp;
  int32_t current_leader_epoch = kNoEpoch;
  int32_t leader_epoch = kNoEpoch;  // the epoch whose end offset is asked
};

struct OffsetsForLeaderEpochResponse : ResponseOf<ApiKey::kOffsetsForLeaderEpoch> {
  Errc error = Errc::kNone;
  int32_t leader_epoch = kNoEpoch;  // KIP-279: the epoch the end offset belongs to
  int64_t end_offset = kNoOffset;
};

// ---- InitProducerId (KIP-98) ----
struct InitProducerIdRequest : RequestOf<ApiKey::kInitProducerId> {
  // Empty: an idempotent producer, answered by any broker. Otherwise sent
  // to the transaction coordinator of the id (KIP-98).
  std::string transactional_id;
  int32_t transaction_timeout_ms = 60000;
  // KIP-360: the producer's current id and epoch, to bump the epoch of
  // this producer (not to fence it as a zombie); -1 when it has none.
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
};

struct InitProducerIdResponse : ResponseOf<ApiKey::kInitProducerId> {
  Errc error = Errc::kNone;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
};

// ---- Controller RPCs (KIP-631, KIP-841) ----
struct BrokerRegistrationRequest : RequestOf<ApiKey::kBrokerRegistration> {
  int32_t broker_id = 0;
  uint64_t incarnation = 0;
};

struct BrokerRegistrationResponse : ResponseOf<ApiKey::kBrokerRegistration> {
  Errc error = Errc::kNone;
  int32_t leader_hint = -1;  // NOT_CONTROLLER: the node of the active controller, if known
  int64_t broker_epoch = -1;
};

// A replica's log end, for KIP-966's unclean recovery (GetReplicaLogInfo).
struct ReplicaLogInfo {
  TopicPartition tp;
  int32_t last_epoch = kNoEpoch;
  int64_t log_end_offset = 0;
};

struct BrokerHeartbeatRequest : RequestOf<ApiKey::kBrokerHeartbeat> {
  int32_t broker_id = 0;
  int64_t broker_epoch = -1;
  int64_t metadata_offset = -1;  // how far the broker has applied the metadata log
  bool want_fence = false;
  // The broker's replicas (carried here instead of a separate
  // GetReplicaLogInfo request).
  std::vector<ReplicaLogInfo> replicas;
};

struct BrokerHeartbeatResponse : ResponseOf<ApiKey::kBrokerHeartbeat> {
  Errc error = Errc::kNone;
  int32_t leader_hint = -1;
  bool fenced = true;
};

struct AlterPartitionRequest : RequestOf<ApiKey::kAlterPartition> {
  int32_t broker_id = 0;
  int64_t broker_epoch = -1;
  TopicPartition tp;
  int32_t leader_epoch = kNoEpoch;
  int32_t partition_epoch = 0;
  struct IsrMember {
    int32_t broker_id;
    int64_t broker_epoch;  // KIP-841: the epoch the leader saw in its fetches
  };
  std::vector<IsrMember> new_isr;
};

struct AlterPartitionResponse : ResponseOf<ApiKey::kAlterPartition> {
  Errc error = Errc::kNone;
  int32_t leader_hint = -1;
  PartitionState state;  // the state after the change (or the current one)
};

// KRaft brokers learn metadata by fetching the controller's metadata log.
struct FetchMetadataRequest : RequestOf<ApiKey::kFetchMetadata> {
  int32_t broker_id = 0;
  int64_t from_offset = 0;
  int32_t max_wait_ms = 500;
};

struct FetchMetadataResponse : ResponseOf<ApiKey::kFetchMetadata> {
  Errc error = Errc::kNone;
  int32_t leader_hint = -1;
  int64_t base_offset = 0;
  std::vector<MetadataRecord> records;  // committed records from base_offset
  // Set when from_offset is below the controller's log start (KIP-630):
  // the broker loads it, then fetches on from its end offset.
  std::shared_ptr<const MetadataSnapshot> snapshot;
};

// ---- KRaft quorum RPCs between controllers (KIP-595, KIP-630) ----
// Voters are named by controller id (controller-N is id N). Every response
// carries the responder's epoch and the leader it knows, so a stale voter
// catches up with the quorum from any answer.
struct VoteRequest : RequestOf<ApiKey::kVote> {
  int32_t candidate_id = 0;
  int32_t candidate_epoch = 0;
  int32_t last_offset_epoch = 0;  // the candidate's last log entry
  int64_t last_offset = 0;        // the candidate's log end offset
};

struct VoteResponse : ResponseOf<ApiKey::kVote> {
  int32_t leader_epoch = 0;
  int32_t leader_id = -1;
  bool vote_granted = false;
};

struct BeginQuorumEpochRequest : RequestOf<ApiKey::kBeginQuorumEpoch> {
  int32_t leader_id = 0;
  int32_t leader_epoch = 0;
};

struct BeginQuorumEpochResponse : ResponseOf<ApiKey::kBeginQuorumEpoch> {
  Errc error = Errc::kNone;
  int32_t leader_epoch = 0;
  int32_t leader_id = -1;
};

struct QuorumFetchRequest : RequestOf<ApiKey::kQuorumFetch> {
  int32_t replica_id = 0;
  int32_t current_leader_epoch = 0;
  int64_t fetch_offset = 0;
  int32_t last_fetched_epoch = 0;
  int32_t max_wait_ms = 500;
};

struct QuorumFetchResponse : ResponseOf<ApiKey::kQuorumFetch> {
  Errc error = Errc::kNone;
  int32_t leader_epoch = 0;
  int32_t leader_id = -1;
  int64_t high_watermark = kNoOffset;  // kNoOffset until the leader knows it
  std::optional<OffsetAndEpoch> diverging_epoch;  // truncate to this, then fetch again
  std::optional<OffsetAndEpoch> snapshot_id;      // fetch this snapshot first
  int64_t base_offset = 0;
  std::vector<RaftEntry> entries;
};

struct FetchSnapshotRequest : RequestOf<ApiKey::kFetchSnapshot> {
  int32_t replica_id = 0;
  int32_t current_leader_epoch = 0;
};

struct FetchSnapshotResponse : ResponseOf<ApiKey::kFetchSnapshot> {
  Errc error = Errc::kNone;
  int32_t leader_epoch = 0;
  int32_t leader_id = -1;
  std::shared_ptr<const MetadataSnapshot> snapshot;  // the leader's latest
};

}  // namespace kafkasim::kafka
