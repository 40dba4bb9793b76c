// The transaction requests of KIP-98 (with KIP-890 part 1's verification),
// as typed values. Only the fields the model uses are here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker-model/protocol.h"
#include "broker-model/group_protocol.h"
#include "broker-model/protocol_coordinator.h"

namespace kafkasim::kafka {

// ---- AddPartitionsToTxn ----
// From the producer: adds partitions to its ongoing transaction (and makes
// it Ongoing). With verify_only (KIP-890 part 1, sent by a partition
// leader): only checks that the transaction is ongoing with this producer
// id and epoch and already holds the partitions.
struct AddPartitionsToTxnRequest : RequestOf<ApiKey::kAddPartitionsToTxn> {
  std::string transactional_id;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
  std::vector<TopicPartition> partitions;
  bool verify_only = false;
};

struct AddPartitionsToTxnResponse : ResponseOf<ApiKey::kAddPartitionsToTxn> {
  Errc error = Errc::kNone;  // one error for all partitions
};

// ---- EndTxn ----
struct EndTxnRequest : RequestOf<ApiKey::kEndTxn> {
  std::string transactional_id;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
  bool commit = true;
};

struct EndTxnResponse : ResponseOf<ApiKey::kEndTxn> {
  Errc error = Errc::kNone;
};

// ---- WriteTxnMarkers (coordinator to partition leaders) ----
struct WriteTxnMarkersRequest : RequestOf<ApiKey::kWriteTxnMarkers> {
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
  bool commit = true;
  // The leader epoch of the coordinator's __transaction_state partition:
  // a partition rejects markers from an older coordinator.
  int32_t coordinator_epoch = kNoEpoch;
  std::vector<TopicPartition> partitions;
};

struct WriteTxnMarkersResponse : ResponseOf<ApiKey::kWriteTxnMarkers> {
  struct PartitionResult {
    TopicPartition tp;
    Errc error = Errc::kNone;
  };
  std::vector<PartitionResult> partitions;
};

// ---- AddOffsetsToTxn (producer to its transaction coordinator) ----
// Adds the partition of __consumer_offsets that holds `group_id` to the
// ongoing transaction, so its commit marker reaches the group coordinator.
struct AddOffsetsToTxnRequest : RequestOf<ApiKey::kAddOffsetsToTxn> {
  std::string transactional_id;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
  std::string group_id;
};

struct AddOffsetsToTxnResponse : ResponseOf<ApiKey::kAddOffsetsToTxn> {
  Errc error = Errc::kNone;
};

// ---- TxnOffsetCommit (producer to the group coordinator) ----
// Offsets consumed in the transaction, committed only when its marker
// commits (KIP-98). The consumer's group metadata (member id, generation)
// fences a zombie that lost its partitions (KIP-447).
struct TxnOffsetCommitRequest : RequestOf<ApiKey::kTxnOffsetCommit> {
  std::string transactional_id;
  std::string group_id;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
  int32_t generation_id = -1;
  std::string member_id;
  std::vector<OffsetCommitRequest::PartitionOffset> offsets;
};

struct TxnOffsetCommitResponse : ResponseOf<ApiKey::kTxnOffsetCommit> {
  Errc error = Errc::kNone;  // one error for all partitions
};

}  // namespace kafkasim::kafka
