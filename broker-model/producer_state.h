// The broker's idempotent-producer state for one partition (KIP-98): per
// producer id, its epoch and the metadata of its last five batches, so that
// a retried batch is answered with its original offset instead of being
// appended twice.
//
// Rules (Kafka's ProducerStateManager):
//   - a batch whose (epoch, first sequence, last sequence) matches one of the
//     last five is a duplicate: answered with that batch's offset;
//   - otherwise, with the same epoch, its first sequence must follow the last
//     one (modulo 2^31); else OUT_OF_ORDER_SEQUENCE_NUMBER;
//   - a newer epoch must start at sequence 0; an older epoch is fenced
//     (INVALID_PRODUCER_EPOCH);
//   - an unknown producer id must start at sequence 0 (UNKNOWN_PRODUCER_ID
//     otherwise, as when its state was lost to retention);
//   - a batch without a sequence (-1) is a coordinator's write for the
//     producer (TxnOffsetCommit, KIP-98): only its epoch is checked.
// The state is rebuilt from the log at recovery and after truncation.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "broker-model/record_batch.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

class ProducerStateManager {
 public:
  static constexpr size_t kWindow = 5;

  struct Check {
    Errc error = Errc::kNone;
    bool duplicate = false;
    int64_t duplicate_base_offset = kNoOffset;
    int64_t duplicate_last_offset = kNoOffset;
  };

  // `window`: how many batches are remembered per producer (5; the
  // no-dedup-window bug remembers 1).
  explicit ProducerStateManager(size_t window = kWindow) : window_(window) {}

  // REQUIRES: batch.producer_id >= 0.
  Check check(const RecordBatch& batch) const;
  // Records a stored batch (leader or follower append). A transaction
  // marker (control batch) only moves the producer to its epoch: a newer
  // epoch forgets the batches, so the producer starts again at sequence 0.
  void update(const RecordBatch& batch);
  // The producer's current epoch here, or -1 when unknown.
  int16_t epoch_of(int64_t producer_id) const {
    auto it = producers_.find(producer_id);
    return it == producers_.end() ? int16_t{-1} : it->second.epoch;
  }
  void clear() { producers_.clear(); }

 private:
  struct BatchMeta {
    int32_t first_seq;
    int32_t last_seq;
    int64_t base_offset;
    int64_t last_offset;
  };
  struct Entry {
    int16_t epoch = -1;
    std::deque<BatchMeta> batches;  // oldest first, at most window_
  };
  size_t window_;
  std::map<int64_t, Entry> producers_;
};

}  // namespace kafkasim::kafka
