// Timers in simulated time: an intrusive binary min-heap ordered by
// (when, seq). `seq` is assigned at scheduling, so timers due at the same
// instant fire in the order they were set: never by address.
//
// A Timer is owned by whoever embeds it; it must be cancelled (or have fired)
// before it is destroyed. Scheduling and cancelling are O(log n) and allocate
// nothing beyond the heap's vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace kafkasim::sim {

class Timer {
 public:
  static constexpr size_t kNotQueued = SIZE_MAX;

  virtual ~Timer() = default;
  // Runs on the scheduler's main context when simulated time reaches when().
  // Must not block.
  virtual void fire() = 0;

  bool queued() const { return heap_index_ != kNotQueued; }
  SimTime when() const { return when_; }
  uint64_t seq() const { return seq_; }

 private:
  friend class TimerQueue;
  SimTime when_ = 0;
  uint64_t seq_ = 0;
  size_t heap_index_ = kNotQueued;
};

class TimerQueue {
 public:
  // REQUIRES: !timer->queued().
  void schedule(Timer* timer, SimTime when);
  // No-op when the timer is not queued.
  void cancel(Timer* timer);

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  SimTime next_time() const { return heap_.front()->when_; }
  // REQUIRES: !empty().
  Timer* pop();
  // Forgets every timer (each becomes not queued).
  void clear();

 private:
  static bool before(const Timer* a, const Timer* b) {
    return a->when_ < b->when_ || (a->when_ == b->when_ && a->seq_ < b->seq_);
  }
  void place(size_t index, Timer* timer) {
    heap_[index] = timer;
    timer->heap_index_ = index;
  }
  void sift_up(size_t index);
  void sift_down(size_t index);

  std::vector<Timer*> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace kafkasim::sim
