// The deterministic scheduler, on Boost.Fiber with a custom algorithm.
//
// Contract:
//   - Exactly one Scheduler is active per thread at a time; it is driven from
//     the thread's main context by run_until().
//   - Ready fibers run one at a time, in an order drawn from the scheduler's
//     PRNG stream. Each resumption is one event (trace kFiberStep).
//   - When no fiber is ready, the clock jumps to the earliest timer; every
//     timer due at that instant fires (one event each), then ready fibers run.
//   - Nothing ready and no timer left while a non-daemon fiber is parked is a
//     deadlock; the run ends with Outcome::kDeadlock, never a hang.
//   - The event budget and the simulated-time limit bound every run.
//   - Fibers block only through park(); a parked fiber wakes on notify,
//     timeout or the death of its incarnation, and in the last case park()
//     throws FiberKilled so that the fiber unwinds and nothing of the old
//     incarnation runs again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/fiber.h"
#include "sim/random.h"
#include "sim/time.h"
#include "sim/timer_queue.h"
#include "sim/trace.h"

namespace kafkasim::sim {

enum class Outcome : uint8_t {
  kReachedLimit,     // simulated time reached the limit given to run_until
  kQuiescent,        // no fiber and no timer left
  kStopped,          // request_stop() was called
  kDeadlock,         // parked work, nothing ready, no timer
  kBudgetExhausted,  // more events than the budget allows
  kFiberError,       // a fiber threw something other than FiberKilled
};

const char* outcome_name(Outcome outcome);

class Scheduler {
 public:
  Scheduler(uint64_t seed, Trace* trace);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // The scheduler of this thread's running simulation, or nullptr.
  static Scheduler* current();

  // Makes a scheduler the thread's current one for a scope. Several
  // simulations may exist in one thread; the one being driven is current.
  class Activation {
   public:
    explicit Activation(Scheduler* s);
    ~Activation();
    Activation(const Activation&) = delete;
    Activation& operator=(const Activation&) = delete;

   private:
    Scheduler* previous_;
  };

  SimTime now() const { return now_; }
  uint64_t events() const { return events_; }
  void set_event_budget(uint64_t budget) { budget_ = budget; }

  // Creates a fiber of `incarnation`, ready to run. Returns its id.
  uint64_t spawn(std::shared_ptr<Incarnation> incarnation, std::string name,
                 std::function<void()> body, bool daemon = false);

  // Runs until `limit` (simulated), a stop request, quiescence, deadlock, the
  // event budget or a fiber error. REQUIRES: called from the main context.
  Outcome run_until(SimTime limit);
  void request_stop() { stop_requested_ = true; }
  // What went wrong for kFiberError / kDeadlock, in words.
  const std::string& failure() const { return failure_; }

  // The running fiber. REQUIRES: called from a simulated fiber.
  Fiber* current_fiber() const { return current_; }
  bool in_fiber() const { return current_ != nullptr; }

  // Parks the running fiber until wake() or `deadline` (kNever: no timeout).
  // Throws FiberKilled when woken because its incarnation died, and at entry
  // if it is already dead.
  WakeReason park(SimTime deadline);
  // Makes a parked fiber ready with `reason`. No-op if it is not parked.
  void wake(Fiber* fiber, WakeReason reason);
  // Lets every other ready fiber run before the caller continues.
  void yield();

  // Wakes every parked fiber of a dead incarnation so that it unwinds.
  void kill_incarnation(const std::shared_ptr<Incarnation>& incarnation);
  // Fibers of `node` stay off the CPU while paused; timers still expire.
  void set_node_paused(int32_t node, bool paused);

  // Timers that run code on the main context.
  void schedule_timer(Timer* timer, SimTime when);
  void cancel_timer(Timer* timer) { timers_.cancel(timer); }

  // Kills every fiber and lets them unwind; leaves no fiber behind.
  void shutdown();

  size_t live_fibers() const { return fibers_.size(); }
  size_t pending_fibers() const;
  Prng& rng() { return rng_; }
  Trace& trace() { return *trace_; }

  // Hooks for the Boost.Fiber algorithm (scheduler.cpp). `fiber` is null
  // for a fiber that is being created.
  void on_ready(boost::fibers::context* ctx, Fiber* fiber);
  boost::fibers::context* pick_ready();
  void on_main_context();
  bool has_ready() const { return !ready_.empty(); }
  bool budget_exhausted() const { return !shutting_down_ && events_ > budget_; }

 private:
  void finish_fiber(Fiber* fiber);
  void record_error(const std::string& what);

  Trace* trace_;
  Prng rng_;
  SimTime now_ = 0;
  uint64_t events_ = 0;
  uint64_t budget_ = UINT64_MAX;
  uint64_t next_fiber_id_ = 1;
  bool stop_requested_ = false;
  bool shutting_down_ = false;
  bool error_ = false;
  std::string failure_;
  Fiber* current_ = nullptr;
  struct Ready {
    boost::fibers::context* ctx;
    Fiber* fiber;
  };
  std::vector<Ready> ready_;
  std::map<int32_t, std::vector<Ready>> held_;  // ready fibers of paused nodes
  std::vector<int32_t> paused_nodes_;
  std::map<uint64_t, std::unique_ptr<Fiber>> fibers_;  // by id: deterministic order
  TimerQueue timers_;
};

// Conveniences for code running in a simulated fiber.
inline Scheduler& scheduler() { return *Scheduler::current(); }
inline SimTime now() { return Scheduler::current()->now(); }
void sleep_for(Duration d);
void sleep_until(SimTime t);
inline void yield() { Scheduler::current()->yield(); }

}  // namespace kafkasim::sim
