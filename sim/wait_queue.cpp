#include "sim/wait_queue.h"

#include "sim/scheduler.h"

namespace kafkasim::sim {

WaitQueue::~WaitQueue() {
  while (head_ != nullptr) unlink(head_);
}

void WaitQueue::push_back(Fiber* f) {
  f->queue_ = this;
  f->prev_ = tail_;
  f->next_ = nullptr;
  if (tail_ != nullptr) {
    tail_->next_ = f;
  } else {
    head_ = f;
  }
  tail_ = f;
}

void WaitQueue::unlink(Fiber* f) {
  if (f->prev_ != nullptr) {
    f->prev_->next_ = f->next_;
  } else {
    head_ = f->next_;
  }
  if (f->next_ != nullptr) {
    f->next_->prev_ = f->prev_;
  } else {
    tail_ = f->prev_;
  }
  f->queue_ = nullptr;
  f->prev_ = f->next_ = nullptr;
}

bool WaitQueue::wait(SimTime deadline) {
  Scheduler* s = Scheduler::current();
  Fiber* f = s->current_fiber();
  if (f->killed()) throw FiberKilled{};
  push_back(f);
  WakeReason reason;
  try {
    reason = s->park(deadline);
  } catch (...) {
    if (f->queue_ == this) unlink(f);
    throw;
  }
  return reason == WakeReason::kNotified;
}

bool WaitQueue::notify_one() {
  if (head_ == nullptr) return false;
  Scheduler::current()->wake(head_, WakeReason::kNotified);
  return true;
}

void WaitQueue::notify_all() {
  while (head_ != nullptr) Scheduler::current()->wake(head_, WakeReason::kNotified);
}

}  // namespace kafkasim::sim
