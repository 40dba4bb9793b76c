#include "broker-model/transaction_index.h"

#include <algorithm>
#include <string>

namespace kafkasim::kafka {

bool is_commit_marker(const RecordBatch& b) { return !b.records.empty() && b.records.front().key == "COMMIT"; }

int32_t marker_coordinator_epoch(const RecordBatch& b) {
  if (b.records.empty()) return -1;
  try {
    return std::stoi(b.records.front().value);
  } catch (const std::exception&) {
    return -1;
  }
}

RecordBatch make_marker(int64_t producer_id, int16_t producer_epoch, bool commit, int32_t coordinator_epoch) {
  RecordBatch b;
  b.producer_id = producer_id;
  b.producer_epoch = producer_epoch;
  b.transactional = true;
  b.control = true;
  b.records.push_back(Record{commit ? "COMMIT" : "ABORT", std::to_string(coordinator_epoch), 0});
  return b;
}

void TransactionIndex::on_append(const RecordBatch& batch) {
  if (!batch.transactional || batch.producer_id < 0) return;
  if (!batch.control) {
    ongoing_.emplace(batch.producer_id, batch.base_offset);
    return;
  }
  int32_t& epoch = coordinator_epochs_[batch.producer_id];
  epoch = std::max(epoch, marker_coordinator_epoch(batch));
  auto it = ongoing_.find(batch.producer_id);
  if (it == ongoing_.end()) return;
  const int64_t first = it->second;
  ongoing_.erase(it);
  undecided_below_hw_.push_back(Decided{first, batch.base_offset});
  if (!is_commit_marker(batch)) aborted_.push_back(AbortedTxn{batch.producer_id, first, batch.base_offset});
}

void TransactionIndex::clear() {
  ongoing_.clear();
  undecided_below_hw_.clear();
  aborted_.clear();
  coordinator_epochs_.clear();
}

int64_t TransactionIndex::last_stable_offset(int64_t hw) {
  while (!undecided_below_hw_.empty() && undecided_below_hw_.front().marker_offset < hw) {
    undecided_below_hw_.pop_front();
  }
  int64_t lso = hw;
  for (const auto& [pid, first] : ongoing_) lso = std::min(lso, first);
  for (const Decided& d : undecided_below_hw_) lso = std::min(lso, d.first_offset);
  return lso;
}

std::vector<AbortedTxn> TransactionIndex::aborted_between(int64_t from, int64_t to) const {
  std::vector<AbortedTxn> out;
  auto it = std::lower_bound(aborted_.begin(), aborted_.end(), from,
                             [](const AbortedTxn& a, int64_t offset) { return a.last_offset < offset; });
  for (; it != aborted_.end(); ++it) {
    if (it->first_offset < to) out.push_back(*it);
  }
  return out;
}

int32_t TransactionIndex::coordinator_epoch(int64_t producer_id) const {
  auto it = coordinator_epochs_.find(producer_id);
  return it == coordinator_epochs_.end() ? -1 : it->second;
}

}  // namespace kafkasim::kafka
