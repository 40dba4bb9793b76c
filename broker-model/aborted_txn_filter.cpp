#include "broker-model/aborted_txn_filter.h"

#include <algorithm>

#include "broker-model/transaction_index.h"

namespace kafkasim::kafka {

AbortedTransactionFilter::AbortedTransactionFilter(
    bool read_committed, std::vector<FetchResponse::PartitionData::AbortedTransaction> aborted)
    : read_committed_(read_committed), aborted_(std::move(aborted)) {
  std::stable_sort(aborted_.begin(), aborted_.end(),
                   [](const auto& a, const auto& b) { return a.first_offset < b.first_offset; });
}

bool AbortedTransactionFilter::skip(const RecordBatch& batch) {
  if (!read_committed_) return batch.control;
  while (next_ < aborted_.size() && aborted_[next_].first_offset <= batch.last_offset()) {
    aborting_.insert(aborted_[next_].producer_id);
    ++next_;
  }
  if (batch.control) {
    if (!is_commit_marker(batch)) aborting_.erase(batch.producer_id);
    return true;
  }
  return batch.transactional && aborting_.count(batch.producer_id) > 0;
}

}  // namespace kafkasim::kafka
