// A FIFO queue of parked fibers in simulated time: the building block of
// every blocking primitive (mutex, condition variable, channel, network
// receive). Intrusive: waiting allocates nothing.
#pragma once

#include "sim/fiber.h"
#include "sim/time.h"

namespace kafkasim::sim {

class WaitQueue {
 public:
  WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  // Fibers still waiting are forgotten (they stay parked until killed).
  ~WaitQueue();

  // Parks the running fiber until notified or until `deadline`.
  // Returns true when notified, false on timeout. Throws FiberKilled.
  bool wait(SimTime deadline = kNever);

  // Wakes the fiber that has waited longest. Returns false if none waited.
  bool notify_one();
  void notify_all();
  bool empty() const { return head_ == nullptr; }

 private:
  friend class Scheduler;
  void push_back(Fiber* f);
  void unlink(Fiber* f);

  Fiber* head_ = nullptr;
  Fiber* tail_ = nullptr;
};

}  // namespace kafkasim::sim
