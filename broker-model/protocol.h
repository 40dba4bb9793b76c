// Requests and responses, as typed values carried by the simulated network
// (the wire format is librdkafka's business). Names and fields follow
// Kafka's protocol; only the fields the model uses are here.
//
// Every request carries a correlation id that its response echoes. A broker
// answers the requests of one connection in order, as Kafka does by muting
// a connection while a request is being handled.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker-model/metadata.h"
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
struct InitProducerIdRequest : RequestOf<ApiKey::kInitProducerId> {};

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
  int64_t base_offset = 0;
  std::vector<MetadataRecord> records;
};

}  // namespace kafkasim::kafka
