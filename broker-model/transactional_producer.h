// The transactional producer (KIP-98), after librdkafka's transaction
// manager: init_transactions, begin_transaction, send, commit_transaction,
// abort_transaction, each answered with librdkafka's error classes:
//   retriable  the call may be repeated (a timeout: the outcome of a commit
//              is then unknown until a retry answers);
//   abortable  the transaction cannot commit (a message failed: timed out,
//              out of order...): abort it and go on;
//   fatal      the producer is unusable (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH,
//              INVALID_TXN_STATE from a leader or the coordinator,
//              INVALID_PRODUCER_ID_MAPPING from the coordinator): a newer
//              instance with the same transactional.id took over, or the state
//              is lost. Make a new producer.
//
// send_offsets_to_transaction (KIP-98, KIP-447) adds the group's offsets
// partition to the transaction (AddOffsetsToTxn to the transaction
// coordinator), then sends the consumed offsets with the consumer's group
// metadata to the group coordinator (TxnOffsetCommit); they commit with the
// transaction. A consumer that lost its partitions gets ILLEGAL_GENERATION
// or UNKNOWN_MEMBER_ID there: abortable, as librdkafka's.
//
// Coordinator requests (FindCoordinator, InitProducerId, AddPartitionsToTxn,
// EndTxn) retry COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR (after finding the
// coordinator again), CONCURRENT_TRANSACTIONS and timeouts until the call's
// timeout. A partition is added to the transaction before the first message
// to it is queued (librdkafka adds it asynchronously before producing; here
// send() waits for it). commit_transaction first waits for every message's
// delivery report; a failed one makes the transaction abortable.
// abort_transaction purges the queued messages, waits for those in flight,
// ends the transaction, and, when an idempotence error asked for it, bumps
// the epoch (KIP-360: InitProducerId with the current id and epoch).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "broker-model/producer.h"
#include "broker-model/protocol_txn.h"

namespace kafkasim::kafka {

// The consumer's group metadata for send_offsets_to_transaction (the Java
// client's ConsumerGroupMetadata).
struct ConsumerGroupMetadata {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
};

enum class TxnErrorClass : uint8_t { kNone, kRetriable, kAbortable, kFatal };
const char* to_string(TxnErrorClass c);

struct TxnError {
  TxnErrorClass kind = TxnErrorClass::kNone;
  Errc code = Errc::kNone;
  bool ok() const { return kind == TxnErrorClass::kNone; }
};

class TransactionalProducer {
 public:
  // REQUIRES: config has transactional.id set.
  TransactionalProducer(sim::Node& node, std::vector<int32_t> bootstrap, Config config);

  const std::string& transactional_id() const { return transactional_id_; }
  TxnError init_transactions(sim::Duration timeout);
  TxnError begin_transaction();
  // Queues a message of the current transaction. On an error the message
  // is not queued and `*error` says why (abortable or fatal).
  std::shared_ptr<Delivery> send(const TopicPartition& tp, std::string key, std::string value, TxnError* error);
  // Commits `offsets` (the next offset to consume per partition) with the
  // current transaction.
  TxnError send_offsets_to_transaction(const std::vector<OffsetCommitRequest::PartitionOffset>& offsets,
                                       const ConsumerGroupMetadata& group, sim::Duration timeout);
  TxnError commit_transaction(sim::Duration timeout);
  TxnError abort_transaction(sim::Duration timeout);

  bool fatal() const { return state_ == State::kFatal; }
  // True once commit_transaction has sent EndTxn(commit) for the current
  // transaction: from then on the transaction may have committed.
  bool commit_requested() const { return commit_requested_; }
  int64_t producer_id() const { return producer_.producer_id(); }
  int16_t producer_epoch() const { return producer_.producer_epoch(); }

 private:
  enum class State : uint8_t { kUninitialized, kReady, kInTransaction, kAbortable, kFatal };

  // Sends a coordinator request until it gets a non-retriable answer or
  // `deadline`. nullptr on timeout.
  template <typename Resp, typename Req>
  std::unique_ptr<Resp> coordinator_call(const Req& request, sim::SimTime deadline);
  bool find_coordinator(sim::SimTime deadline);
  // The coordinator of `group_id` (FindCoordinator of type group), kept in
  // group_coordinator_.
  bool find_group_coordinator(const std::string& group_id, sim::SimTime deadline);
  TxnError set_error(Errc code, bool coordinator);
  TxnError init_producer_id(sim::SimTime deadline, bool bump);
  // Waits for the delivery reports of the transaction; the first failure.
  Errc flush(sim::SimTime deadline);

  sim::Node& node_;
  Config config_;
  std::string transactional_id_;
  int32_t transaction_timeout_ms_;
  sim::Duration retry_backoff_;
  Producer producer_;
  std::vector<int32_t> bootstrap_;
  size_t next_bootstrap_ = 0;
  std::unique_ptr<RpcClient> coordinator_;  // its own connection, as librdkafka's coordinator broker
  std::unique_ptr<RpcClient> group_coordinator_;  // for TxnOffsetCommit
  State state_ = State::kUninitialized;
  TxnError last_error_;
  int64_t pid_ = kNoProducerId;  // from the coordinator
  int16_t epoch_ = -1;
  std::set<TopicPartition> partitions_;  // added to the current transaction
  std::vector<std::shared_ptr<Delivery>> deliveries_;
  bool commit_requested_ = false;
};

}  // namespace kafkasim::kafka
