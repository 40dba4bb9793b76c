#include "broker-model/producer_state.h"

namespace kafkasim::kafka {
namespace {
int32_t next_seq(int32_t seq) { return seq == INT32_MAX ? 0 : seq + 1; }
}  // namespace

ProducerStateManager::Check ProducerStateManager::check(const RecordBatch& batch) const {
  Check result;
  auto it = producers_.find(batch.producer_id);
  if (batch.base_sequence < 0) {
    // A coordinator's write for the producer (TxnOffsetCommit): no
    // sequence, only its epoch is checked.
    if (it != producers_.end() && batch.producer_epoch < it->second.epoch) result.error = Errc::kInvalidProducerEpoch;
    return result;
  }
  if (it == producers_.end() || it->second.batches.empty()) {
    if (it != producers_.end() && batch.producer_epoch < it->second.epoch) {
      result.error = Errc::kInvalidProducerEpoch;
    } else if (batch.base_sequence != 0) {
      result.error = Errc::kUnknownProducerId;
    }
    return result;
  }
  const Entry& e = it->second;
  if (batch.producer_epoch < e.epoch) {
    result.error = Errc::kInvalidProducerEpoch;
    return result;
  }
  if (batch.producer_epoch > e.epoch) {
    if (batch.base_sequence != 0) result.error = Errc::kOutOfOrderSequenceNumber;
    return result;
  }
  for (const BatchMeta& m : e.batches) {
    if (m.first_seq == batch.base_sequence && m.last_seq == batch.last_sequence()) {
      result.duplicate = true;
      result.duplicate_base_offset = m.base_offset;
      result.duplicate_last_offset = m.last_offset;
      return result;
    }
  }
  if (batch.base_sequence != next_seq(e.batches.back().last_seq)) result.error = Errc::kOutOfOrderSequenceNumber;
  return result;
}

void ProducerStateManager::update(const RecordBatch& batch) {
  if (batch.producer_id < 0) return;
  Entry& e = producers_[batch.producer_id];
  if (batch.control) {
    if (batch.producer_epoch > e.epoch) {
      e.epoch = batch.producer_epoch;
      e.batches.clear();
    }
    return;
  }
  if (batch.producer_epoch != e.epoch) {
    e.epoch = batch.producer_epoch;
    e.batches.clear();
  }
  if (batch.base_sequence < 0) return;  // a coordinator's write: no sequence
  e.batches.push_back(BatchMeta{batch.base_sequence, batch.last_sequence(), batch.base_offset, batch.last_offset()});
  while (e.batches.size() > window_) e.batches.pop_front();
}

}  // namespace kafkasim::kafka
