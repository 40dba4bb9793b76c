// Transactions on the partition side (KIP-98): the last stable offset, the
// aborted-transaction index, the read_committed filter, fencing by epoch;
// and the coordinator's state machine and log record.
#include <catch2/catch.hpp>

#include "broker-model/aborted_txn_filter.h"
#include "broker-model/producer_state.h"
#include "broker-model/transaction_index.h"
#include "broker-model/txn_metadata.h"

using namespace kafkasim::kafka;

namespace {

RecordBatch data(int64_t pid, int16_t epoch, int32_t seq, int64_t base_offset, int records = 1) {
  RecordBatch b;
  b.producer_id = pid;
  b.producer_epoch = epoch;
  b.base_sequence = seq;
  b.base_offset = base_offset;
  b.transactional = true;
  for (int i = 0; i < records; ++i) b.records.push_back(Record{"", std::to_string(i), 0});
  return b;
}

RecordBatch marker(int64_t pid, int16_t epoch, bool commit, int64_t offset, int32_t coordinator_epoch = 0) {
  RecordBatch b = make_marker(pid, epoch, commit, coordinator_epoch);
  b.base_offset = offset;
  return b;
}

using Aborted = FetchResponse::PartitionData::AbortedTransaction;

}  // namespace

TEST_CASE("the last stable offset stays at the first offset of an open transaction") {
  TransactionIndex txns;
  txns.on_append(data(7, 0, 0, 10, 2));  // offsets 10, 11
  txns.on_append(data(7, 0, 2, 12));
  CHECK(txns.ongoing(7));
  CHECK(txns.last_stable_offset(13) == 10);
  CHECK(txns.last_stable_offset(5) == 5);  // never above the high watermark
}

TEST_CASE("the last stable offset passes a transaction once its marker is below the high watermark") {
  TransactionIndex txns;
  txns.on_append(data(7, 0, 0, 10));
  txns.on_append(marker(7, 0, /*commit=*/true, 11));
  CHECK_FALSE(txns.ongoing(7));
  // The marker is not replicated yet: the transaction is still undecided.
  CHECK(txns.last_stable_offset(11) == 10);
  CHECK(txns.last_stable_offset(12) == 12);
}

TEST_CASE("the last stable offset is the earliest of several producers' open transactions") {
  TransactionIndex txns;
  txns.on_append(data(7, 0, 0, 10));
  txns.on_append(data(8, 0, 0, 11));
  txns.on_append(marker(7, 0, /*commit=*/false, 12));
  CHECK(txns.last_stable_offset(20) == 11);
  txns.on_append(marker(8, 0, /*commit=*/true, 13));
  CHECK(txns.last_stable_offset(20) == 20);
}

TEST_CASE("an aborted transaction is indexed from its first offset to its marker, a committed one is not") {
  TransactionIndex txns;
  txns.on_append(data(7, 0, 0, 10));
  txns.on_append(data(7, 0, 1, 11));
  txns.on_append(marker(7, 0, /*commit=*/false, 12));
  txns.on_append(data(7, 0, 2, 13));
  txns.on_append(marker(7, 0, /*commit=*/true, 14));
  REQUIRE(txns.aborted_between(0, 100) == std::vector<AbortedTxn>{{7, 10, 12}});
  CHECK(txns.aborted_between(13, 100).empty());  // ends before the range
  CHECK(txns.aborted_between(0, 10).empty());    // starts after it
  CHECK(txns.aborted_between(12, 13).size() == 1);
}

TEST_CASE("read_committed drops the batches of an aborted transaction and every marker") {
  // Producer 7 aborts [10, 12), producer 8 commits [11, 14).
  AbortedTransactionFilter filter(true, {Aborted{7, 10}});
  CHECK(filter.skip(data(7, 0, 0, 10)));
  CHECK_FALSE(filter.skip(data(8, 0, 0, 11)));
  CHECK(filter.skip(marker(7, 0, false, 12)));
  CHECK(filter.skip(marker(8, 0, true, 13)));
  // After its abort marker, producer 7's next transaction is read.
  CHECK_FALSE(filter.skip(data(7, 0, 1, 14)));
}

TEST_CASE("an aborted transaction is dropped even when the fetch starts inside it") {
  AbortedTransactionFilter filter(true, {Aborted{7, 10}});
  CHECK(filter.skip(data(7, 0, 3, 15)));
  RecordBatch plain;  // not transactional
  plain.base_offset = 16;
  plain.records = {Record{}};
  CHECK_FALSE(filter.skip(plain));
}

TEST_CASE("read_uncommitted drops only the markers") {
  AbortedTransactionFilter filter(false, {Aborted{7, 10}});
  CHECK_FALSE(filter.skip(data(7, 0, 0, 10)));
  CHECK(filter.skip(marker(7, 0, false, 11)));
}

TEST_CASE("a marker with a bumped epoch fences the producer's older epoch") {
  ProducerStateManager state;
  state.update(data(7, 3, 0, 10));
  state.update(marker(7, 4, false, 11));
  CHECK(state.epoch_of(7) == 4);
  CHECK(state.check(data(7, 3, 1, -1)).error == Errc::kInvalidProducerEpoch);
  // The new epoch starts its sequences again at 0.
  CHECK(state.check(data(7, 4, 0, -1)).error == Errc::kNone);
  CHECK(state.check(data(7, 4, 5, -1)).error == Errc::kUnknownProducerId);
}

TEST_CASE("a marker of the same epoch keeps the producer's sequence") {
  ProducerStateManager state;
  state.update(data(7, 3, 0, 10));
  state.update(marker(7, 3, true, 11));
  CHECK(state.check(data(7, 3, 1, -1)).error == Errc::kNone);
  CHECK(state.check(data(7, 3, 0, -1)).duplicate);
}

TEST_CASE("markers carry the coordinator epoch and the index remembers the highest") {
  TransactionIndex txns;
  txns.on_append(data(7, 0, 0, 10));
  txns.on_append(marker(7, 0, true, 11, /*coordinator_epoch=*/3));
  CHECK(txns.coordinator_epoch(7) == 3);
  CHECK(txns.coordinator_epoch(8) == -1);
  CHECK(is_commit_marker(marker(7, 0, true, 11)));
  CHECK_FALSE(is_commit_marker(marker(7, 0, false, 11)));
}

TEST_CASE("the coordinator's state machine allows Kafka's transitions only") {
  using S = TxnState;
  CHECK(valid_transition(S::kEmpty, S::kOngoing));
  CHECK(valid_transition(S::kOngoing, S::kOngoing));
  CHECK(valid_transition(S::kOngoing, S::kPrepareCommit));
  CHECK(valid_transition(S::kOngoing, S::kPrepareAbort));
  CHECK(valid_transition(S::kOngoing, S::kPrepareEpochFence));
  CHECK(valid_transition(S::kPrepareEpochFence, S::kPrepareAbort));
  CHECK(valid_transition(S::kPrepareCommit, S::kCompleteCommit));
  CHECK(valid_transition(S::kPrepareAbort, S::kCompleteAbort));
  CHECK(valid_transition(S::kCompleteCommit, S::kOngoing));
  CHECK(valid_transition(S::kCompleteAbort, S::kEmpty));

  CHECK_FALSE(valid_transition(S::kEmpty, S::kPrepareCommit));  // nothing to commit
  CHECK_FALSE(valid_transition(S::kPrepareCommit, S::kPrepareAbort));  // a commit decided stays decided
  CHECK_FALSE(valid_transition(S::kPrepareAbort, S::kCompleteCommit));
  CHECK_FALSE(valid_transition(S::kPrepareCommit, S::kOngoing));  // markers first
  CHECK_FALSE(valid_transition(S::kCompleteAbort, S::kPrepareAbort));
  CHECK(is_preparing(S::kPrepareCommit));
  CHECK_FALSE(is_preparing(S::kOngoing));
}

TEST_CASE("a transaction's state survives its record in __transaction_state") {
  TxnMetadata m;
  m.transactional_id = "app";
  m.producer_id = (int64_t{2} << 40) | 5;
  m.producer_epoch = 17;
  m.timeout_ms = 10000;
  m.state = TxnState::kPrepareCommit;
  m.partitions = {TopicPartition{"orders", 0}, TopicPartition{"orders", 2}, TopicPartition{"t-x", 11}};
  m.txn_start_ms = 12345;
  const std::optional<TxnMetadata> back = TxnMetadata::decode("app", m.encode());
  REQUIRE(back);
  CHECK(*back == m);
  m.partitions.clear();
  CHECK(*TxnMetadata::decode("app", m.encode()) == m);
  CHECK_FALSE(TxnMetadata::decode("app", "garbage"));
  CHECK_FALSE(TxnMetadata::decode("app", "1 2 3 Bogus 4 "));
}

TEST_CASE("transactional ids map to __transaction_state partitions as Kafka's partitionFor does") {
  // abs(String.hashCode) % partitions, computed with Java's hashCode.
  CHECK(transaction_state_partition("producer-1", 50) == 30);
  CHECK(transaction_state_partition("app", 50) == 1);
  CHECK(transaction_state_partition("my-txn", 50) == 45);  // a negative hashCode
  CHECK(transaction_state_partition("my-txn", 1) == 0);
}
