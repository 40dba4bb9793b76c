// Kafka's basic identifiers and error codes, named as in Kafka.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace kafkasim::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
  // "orders/0": the key of SPEC.md §4's histories.
  std::string str() const { return topic + "/" + std::to_string(partition); }
};

constexpr int32_t kNoLeader = -1;
constexpr int32_t kNoEpoch = -1;
constexpr int64_t kNoOffset = -1;
constexpr int64_t kNoProducerId = -1;

// The subset of Kafka's error codes the model uses.
enum class Errc : int16_t {
  kNone = 0,
  kOffsetOutOfRange = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kLeaderNotAvailable = 5,
  kNotLeaderOrFollower = 6,
  kRequestTimedOut = 7,
  kBrokerNotAvailable = 8,
  kMessageTooLarge = 10,
  kNetworkException = 13,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kNotEnoughReplicas = 19,
  kNotEnoughReplicasAfterAppend = 20,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kTopicAuthorizationFailed = 29,
  kNotController = 41,
  kOutOfOrderSequenceNumber = 45,
  kDuplicateSequenceNumber = 46,
  kInvalidProducerEpoch = 47,
  kUnknownProducerId = 59,
  kFencedLeaderEpoch = 74,
  kUnknownLeaderEpoch = 75,
  kStaleBrokerEpoch = 77,
  kInvalidUpdateVersion = 95,
  kIneligibleReplica = 107,
  // Transactions (KIP-98, KIP-360, KIP-890).
  kInvalidTxnState = 48,
  kInvalidProducerIdMapping = 49,
  kInvalidTransactionTimeout = 50,
  kConcurrentTransactions = 51,
  kTransactionCoordinatorFenced = 52,
  kProducerFenced = 90,
  // KIP-447: OffsetFetch with require_stable while a transactional commit
  // of the partition is pending.
  kUnstableOffsetCommit = 88,
};

const char* errc_name(Errc e);

// True for errors after which a client should refresh metadata and retry.
bool is_retriable(Errc e);

}  // namespace kafkasim::kafka
