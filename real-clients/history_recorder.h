// A history (SPEC.md §4) recorded by many threads at once: each op's
// invocation and completion, stamped with wall-clock nanoseconds since the
// recorder was made. A process has at most one op pending; close()
// completes every pending op as `info` (indeterminate), as Jepsen does, and
// later calls record nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "checker/history.h"

namespace kafkasim::real {

class HistoryRecorder {
 public:
  HistoryRecorder();

  void invoke(int32_t process, checker::OpFn f, std::vector<checker::MicroOp> mops);
  // Completes `process`'s pending op; nothing when it has none.
  void complete(int32_t process, checker::OpType type, const std::vector<checker::MicroOp>& mops);
  // An assign (or subscribe) of `keys`, invoked and completed at once.
  void keys_op(int32_t process, checker::OpFn f, const std::vector<std::string>& keys);
  void close();
  // REQUIRES: close() was called.
  const checker::History& history() const { return history_; }
  // Nanoseconds since the recorder was made.
  int64_t now_ns() const;

 private:
  struct Pending {
    checker::OpFn f;
    std::vector<checker::MicroOp> mops;
  };
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  checker::History history_;
  std::map<int32_t, Pending> pending_;
  bool closed_ = false;
};

}  // namespace kafkasim::real
