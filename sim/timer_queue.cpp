#include "sim/timer_queue.h"

namespace kafkasim::sim {

void TimerQueue::schedule(Timer* timer, SimTime when) {
  timer->when_ = when;
  timer->seq_ = next_seq_++;
  heap_.push_back(timer);
  timer->heap_index_ = heap_.size() - 1;
  sift_up(heap_.size() - 1);
}

void TimerQueue::cancel(Timer* timer) {
  if (!timer->queued()) return;
  const size_t index = timer->heap_index_;
  Timer* last = heap_.back();
  heap_.pop_back();
  timer->heap_index_ = Timer::kNotQueued;
  if (last == timer) return;
  place(index, last);
  sift_up(index);
  sift_down(last->heap_index_);
}

Timer* TimerQueue::pop() {
  Timer* top = heap_.front();
  cancel(top);
  return top;
}

void TimerQueue::clear() {
  for (Timer* timer : heap_) timer->heap_index_ = Timer::kNotQueued;
  heap_.clear();
}

void TimerQueue::sift_up(size_t index) {
  Timer* timer = heap_[index];
  while (index > 0) {
    const size_t parent = (index - 1) / 2;
    if (!before(timer, heap_[parent])) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, timer);
}

void TimerQueue::sift_down(size_t index) {
  Timer* timer = heap_[index];
  const size_t n = heap_.size();
  for (;;) {
    size_t child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], timer)) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, timer);
}

}  // namespace kafkasim::sim
