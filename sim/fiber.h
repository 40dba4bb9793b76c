// A simulated activity: one Boost.Fiber plus the record the scheduler keeps
// for it. Every fiber belongs to a node incarnation (or to the harness, which
// no fault reaches) and parks only through the scheduler, never on a real
// clock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sim/time.h"
#include "sim/timer_queue.h"

namespace boost::fibers {
class context;
}

namespace kafkasim::sim {

class Scheduler;
class WaitQueue;

// One life of a node, from start to crash. Fibers hold it; the node's
// volatile state lives as long as the last fiber of the incarnation.
struct Incarnation {
  int32_t node = -1;          // kNoNode for harness fibers
  uint64_t number = 0;
  bool dead = false;
  std::shared_ptr<void> state;  // the node program's volatile state
};

// Thrown out of every park point of a fiber whose incarnation died (crash,
// power loss, end of run). Model code must let it propagate.
struct FiberKilled {};

enum class WakeReason : uint8_t { kNone, kNotified, kTimeout, kKilled };

class Fiber {
 public:
  uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }
  int32_t node() const { return incarnation_->node; }
  const std::shared_ptr<Incarnation>& incarnation() const { return incarnation_; }
  bool killed() const { return incarnation_->dead; }

 private:
  friend class Scheduler;
  friend class WaitQueue;

  struct TimeoutTimer final : Timer {
    Fiber* fiber = nullptr;
    void fire() override;
  };

  uint64_t id_ = 0;
  std::string name_;
  std::shared_ptr<Incarnation> incarnation_;
  boost::fibers::context* ctx_ = nullptr;
  bool daemon_ = false;     // parked forever is not pending work (a server loop)
  bool parked_ = false;
  WakeReason reason_ = WakeReason::kNone;
  TimeoutTimer timeout_;
  // Intrusive FIFO membership of a WaitQueue.
  WaitQueue* queue_ = nullptr;
  Fiber* prev_ = nullptr;
  Fiber* next_ = nullptr;
};

}  // namespace kafkasim::sim
