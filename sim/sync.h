// Blocking primitives for simulated fibers: a mutex, a condition variable and
// an unbounded channel, all in simulated time and all deterministic (waiters
// are served in FIFO order). A fiber killed while waiting gets FiberKilled
// and holds no lock afterwards.
#pragma once

#include <deque>
#include <optional>
#include <utility>

#include "sim/scheduler.h"
#include "sim/wait_queue.h"

namespace kafkasim::sim {

class Mutex {
 public:
  void lock() {
    Fiber* self = Scheduler::current()->current_fiber();
    while (owner_ != nullptr) waiters_.wait();
    owner_ = self;
  }
  bool try_lock() {
    if (owner_ != nullptr) return false;
    owner_ = Scheduler::current()->current_fiber();
    return true;
  }
  // No-op unless the running fiber holds the lock.
  void unlock() {
    if (owner_ != Scheduler::current()->current_fiber()) return;
    owner_ = nullptr;
    waiters_.notify_one();
  }
  bool locked() const { return owner_ != nullptr; }

 private:
  Fiber* owner_ = nullptr;
  WaitQueue waiters_;
};

class LockGuard {
 public:
  explicit LockGuard(Mutex& m) : m_(m) { m_.lock(); }
  ~LockGuard() { m_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Mutex& m_;
};

class ConditionVariable {
 public:
  // REQUIRES: the running fiber holds `m`. Returns false on timeout.
  bool wait_until(Mutex& m, SimTime deadline = kNever) {
    m.unlock();
    const bool notified = waiters_.wait(deadline);
    m.lock();
    return notified;
  }
  template <typename Predicate>
  bool wait_until(Mutex& m, SimTime deadline, Predicate ready) {
    while (!ready()) {
      if (!wait_until(m, deadline) && !ready()) return false;
    }
    return true;
  }
  void notify_one() { waiters_.notify_one(); }
  void notify_all() { waiters_.notify_all(); }

 private:
  WaitQueue waiters_;
};

// Unbounded FIFO channel. send() never blocks; receive() parks until an item,
// a close or the deadline.
template <typename T>
class Channel {
 public:
  void send(T item) {
    if (closed_) return;
    items_.push_back(std::move(item));
    receivers_.notify_one();
  }

  // nullopt on timeout or when closed and drained.
  std::optional<T> receive(SimTime deadline = kNever) {
    while (items_.empty()) {
      if (closed_) return std::nullopt;
      if (!receivers_.wait(deadline) && items_.empty()) return std::nullopt;
    }
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  std::optional<T> try_receive() {
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  void close() {
    closed_ = true;
    receivers_.notify_all();
  }
  bool closed() const { return closed_; }
  size_t size() const { return items_.size(); }

 private:
  std::deque<T> items_;
  WaitQueue receivers_;
  bool closed_ = false;
};

}  // namespace kafkasim::sim
