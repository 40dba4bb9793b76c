// One transactional.id's state at its transaction coordinator (KIP-98's
// TransactionMetadata), the record that persists it in __transaction_state,
// and the state machine it follows.
//
// States and the transitions Kafka allows (TransactionState.validPreviousStates):
//   Empty              <- Empty, CompleteCommit, CompleteAbort   (InitProducerId)
//   Ongoing            <- Empty, Ongoing, CompleteCommit, CompleteAbort
//                                                      (AddPartitionsToTxn)
//   PrepareCommit      <- Ongoing                               (EndTxn commit)
//   PrepareAbort       <- Ongoing, PrepareEpochFence   (EndTxn abort, timeout)
//   PrepareEpochFence  <- Ongoing  (InitProducerId of a newer instance, or a
//                                   timeout: the epoch is bumped first)
//   CompleteCommit     <- PrepareCommit   (after every marker is written)
//   CompleteAbort      <- PrepareAbort
// PrepareEpochFence is never written to the log: the coordinator goes on to
// write PrepareAbort with the bumped epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "broker-model/types.h"

namespace kafkasim::kafka {

enum class TxnState : uint8_t {
  kEmpty,
  kOngoing,
  kPrepareCommit,
  kPrepareAbort,
  kCompleteCommit,
  kCompleteAbort,
  kPrepareEpochFence,
};

const char* to_string(TxnState s);
std::optional<TxnState> parse_txn_state(const std::string& s);
// True when Kafka allows `from` -> `to`.
bool valid_transition(TxnState from, TxnState to);
// Prepare* states: markers are (to be) written; the coordinator answers
// CONCURRENT_TRANSACTIONS until the transaction completes.
bool is_preparing(TxnState s);

struct TxnMetadata {
  std::string transactional_id;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
  int32_t timeout_ms = 60000;
  TxnState state = TxnState::kEmpty;
  std::set<TopicPartition> partitions;  // of the ongoing or completing transaction
  int64_t txn_start_ms = -1;            // coordinator-local time the transaction began

  bool operator==(const TxnMetadata&) const = default;

  // The record value in __transaction_state (the key is the id):
  // "pid epoch timeout_ms state start_ms topic/p,topic/p...".
  std::string encode() const;
  // nullopt when `value` is not an encode() result.
  static std::optional<TxnMetadata> decode(const std::string& transactional_id, const std::string& value);
};

// Kafka's partitionFor: abs(String.hashCode) % partitions, with Java's
// String.hashCode over the id's bytes (UTF-16 units equal bytes for ASCII).
int32_t transaction_state_partition(const std::string& transactional_id, int32_t partitions);

inline constexpr const char* kTransactionStateTopic = "__transaction_state";

}  // namespace kafkasim::kafka
