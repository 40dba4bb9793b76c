// One partition's transactions, as its replica's log shows them (KIP-98):
// which producers have a transaction open here and where it began, and the
// aborted-transaction index that read_committed fetches return.
//
// A transactional data batch of a producer with nothing open here opens a
// transaction at its base offset; a control batch (commit or abort marker)
// closes it. An aborted transaction is indexed as (producer id, first
// offset, last offset = the marker's offset).
//
// Last stable offset (LSO): min(HW, the first offset of every transaction
// not yet decided below the HW), i.e. open here, or closed by a marker at
// or above the HW (Kafka's unreplicated transactions). read_committed
// consumers read only below it.
//
// Rebuilt from the log at recovery and after truncation, like the producer
// state; not persisted on its own (Kafka keeps a .txnindex per segment).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "broker-model/record_batch.h"

namespace kafkasim::kafka {

struct AbortedTxn {
  int64_t producer_id;
  int64_t first_offset;
  int64_t last_offset;  // the abort marker
  bool operator==(const AbortedTxn&) const = default;
};

// The marker record of a control batch: key "COMMIT" or "ABORT", value the
// coordinator epoch (Kafka's EndTransactionMarker).
bool is_commit_marker(const RecordBatch& control_batch);
int32_t marker_coordinator_epoch(const RecordBatch& control_batch);
RecordBatch make_marker(int64_t producer_id, int16_t producer_epoch, bool commit, int32_t coordinator_epoch);

class TransactionIndex {
 public:
  // Records a batch stored at its offsets (leader or follower append, or
  // recovery). Non-transactional batches are ignored.
  void on_append(const RecordBatch& batch);
  void clear();

  // True when `producer_id` has a transaction open in this partition.
  bool ongoing(int64_t producer_id) const { return ongoing_.count(producer_id) > 0; }
  // The LSO for high watermark `hw` (drops what the HW has passed).
  int64_t last_stable_offset(int64_t hw);
  // Aborted transactions overlapping [from, to): last >= from, first < to,
  // in marker order.
  std::vector<AbortedTxn> aborted_between(int64_t from, int64_t to) const;
  // The highest coordinator epoch of the markers seen for `producer_id`
  // (kNoEpoch = -1 when none).
  int32_t coordinator_epoch(int64_t producer_id) const;

 private:
  struct Decided {
    int64_t first_offset;
    int64_t marker_offset;
  };
  std::map<int64_t, int64_t> ongoing_;   // producer id -> first offset
  std::deque<Decided> undecided_below_hw_;  // closed, marker not yet below the HW
  std::vector<AbortedTxn> aborted_;      // by marker offset
  std::map<int64_t, int32_t> coordinator_epochs_;
};

}  // namespace kafkasim::kafka
