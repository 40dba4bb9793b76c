#include "real-clients/history_recorder.h"

namespace kafkasim::real {

HistoryRecorder::HistoryRecorder() : start_(std::chrono::steady_clock::now()) {}

int64_t HistoryRecorder::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
}

void HistoryRecorder::invoke(int32_t process, checker::OpFn f, std::vector<checker::MicroOp> mops) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  history_.add_op(process, checker::OpType::invoke, f, mops, now_ns());
  pending_[process] = Pending{f, std::move(mops)};
}

void HistoryRecorder::complete(int32_t process, checker::OpType type, const std::vector<checker::MicroOp>& mops) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  auto it = pending_.find(process);
  if (it == pending_.end()) return;
  history_.add_op(process, type, it->second.f, mops, now_ns());
  pending_.erase(it);
}

void HistoryRecorder::keys_op(int32_t process, checker::OpFn f, const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  const int64_t t = now_ns();
  history_.add_keys_op(process, checker::OpType::invoke, f, keys, t);
  history_.add_keys_op(process, checker::OpType::ok, f, keys, t);
}

void HistoryRecorder::close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  for (auto& [process, op] : pending_) history_.add_op(process, checker::OpType::info, op.f, op.mops, now_ns());
  pending_.clear();
  closed_ = true;
}

}  // namespace kafkasim::real
