#include "broker-model/types.h"

namespace kafkasim::kafka {

const char* errc_name(Errc e) {
  switch (e) {
    case Errc::kNone: return "NONE";
    case Errc::kOffsetOutOfRange: return "OFFSET_OUT_OF_RANGE";
    case Errc::kCorruptMessage: return "CORRUPT_MESSAGE";
    case Errc::kUnknownTopicOrPartition: return "UNKNOWN_TOPIC_OR_PARTITION";
    case Errc::kLeaderNotAvailable: return "LEADER_NOT_AVAILABLE";
    case Errc::kNotLeaderOrFollower: return "NOT_LEADER_OR_FOLLOWER";
    case Errc::kRequestTimedOut: return "REQUEST_TIMED_OUT";
    case Errc::kBrokerNotAvailable: return "BROKER_NOT_AVAILABLE";
    case Errc::kMessageTooLarge: return "MESSAGE_TOO_LARGE";
    case Errc::kNetworkException: return "NETWORK_EXCEPTION";
    case Errc::kCoordinatorLoadInProgress: return "COORDINATOR_LOAD_IN_PROGRESS";
    case Errc::kCoordinatorNotAvailable: return "COORDINATOR_NOT_AVAILABLE";
    case Errc::kNotCoordinator: return "NOT_COORDINATOR";
    case Errc::kNotEnoughReplicas: return "NOT_ENOUGH_REPLICAS";
    case Errc::kNotEnoughReplicasAfterAppend: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
    case Errc::kNotController: return "NOT_CONTROLLER";
    case Errc::kIllegalGeneration: return "ILLEGAL_GENERATION";
    case Errc::kInconsistentGroupProtocol: return "INCONSISTENT_GROUP_PROTOCOL";
    case Errc::kUnknownMemberId: return "UNKNOWN_MEMBER_ID";
    case Errc::kInvalidSessionTimeout: return "INVALID_SESSION_TIMEOUT";
    case Errc::kRebalanceInProgress: return "REBALANCE_IN_PROGRESS";
    case Errc::kTopicAuthorizationFailed: return "TOPIC_AUTHORIZATION_FAILED";
    case Errc::kOutOfOrderSequenceNumber: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case Errc::kDuplicateSequenceNumber: return "DUPLICATE_SEQUENCE_NUMBER";
    case Errc::kInvalidProducerEpoch: return "INVALID_PRODUCER_EPOCH";
    case Errc::kUnknownProducerId: return "UNKNOWN_PRODUCER_ID";
    case Errc::kFencedLeaderEpoch: return "FENCED_LEADER_EPOCH";
    case Errc::kUnknownLeaderEpoch: return "UNKNOWN_LEADER_EPOCH";
    case Errc::kStaleBrokerEpoch: return "STALE_BROKER_EPOCH";
    case Errc::kInvalidUpdateVersion: return "INVALID_UPDATE_VERSION";
    case Errc::kIneligibleReplica: return "INELIGIBLE_REPLICA";
    case Errc::kInvalidTxnState: return "INVALID_TXN_STATE";
    case Errc::kUnstableOffsetCommit: return "UNSTABLE_OFFSET_COMMIT";
    case Errc::kInvalidProducerIdMapping: return "INVALID_PRODUCER_ID_MAPPING";
    case Errc::kInvalidTransactionTimeout: return "INVALID_TRANSACTION_TIMEOUT";
    case Errc::kConcurrentTransactions: return "CONCURRENT_TRANSACTIONS";
    case Errc::kTransactionCoordinatorFenced: return "TRANSACTION_COORDINATOR_FENCED";
    case Errc::kProducerFenced: return "PRODUCER_FENCED";
  }
  return "UNKNOWN";
}

bool is_retriable(Errc e) {
  switch (e) {
    case Errc::kLeaderNotAvailable:
    case Errc::kNotLeaderOrFollower:
    case Errc::kRequestTimedOut:
    case Errc::kBrokerNotAvailable:
    case Errc::kNetworkException:
    case Errc::kNotEnoughReplicas:
    case Errc::kNotEnoughReplicasAfterAppend:
    case Errc::kNotController:
    case Errc::kFencedLeaderEpoch:
    case Errc::kUnknownLeaderEpoch:
    case Errc::kUnknownTopicOrPartition:
    case Errc::kCorruptMessage:
    case Errc::kCoordinatorLoadInProgress:
    case Errc::kCoordinatorNotAvailable:
    case Errc::kNotCoordinator:
    case Errc::kConcurrentTransactions:
    case Errc::kUnstableOffsetCommit:
      return true;
    default:
      return false;
  }
}

}  // namespace kafkasim::kafka
