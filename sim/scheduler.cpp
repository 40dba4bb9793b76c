#include "sim/scheduler.h"

#include <algorithm>
#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/all.hpp>
#include <boost/fiber/context.hpp>

#include "sim/wait_queue.h"

namespace kafkasim::sim {
namespace {

namespace bf = boost::fibers;

thread_local Scheduler* g_current = nullptr;
thread_local bool g_algorithm_installed = false;
// A simulated fiber has finished since Boost's dispatcher last ran: the
// dispatcher has a stack to release.
thread_local bool g_release_pending = false;

class FiberProps : public bf::fiber_properties {
 public:
  explicit FiberProps(bf::context* ctx) : fiber_properties(ctx) {}
  bf::context* context() const { return ctx_; }
  Fiber* fiber = nullptr;  // null for the main and dispatcher contexts
};

// Ready queue policy: simulated fibers first, in an order drawn from the
// scheduler's stream; then the main context, which advances simulated time.
// Boost's dispatcher (which frees finished fibers, and whose other duties,
// remote wake-ups and Boost's own timed waits, the kernel never uses) runs
// only when a fiber has finished since it last ran, or when nothing else can:
// passing through it on every return to the main context costs a second
// context switch and a clock read per scheduler event.
class SimAlgorithm final : public bf::algo::algorithm_with_properties<FiberProps> {
 public:
  void awakened(bf::context* ctx, FiberProps& props) noexcept override {
    if (ctx->is_context(bf::type::main_context)) {
      main_ = ctx;
    } else if (ctx->is_context(bf::type::dispatcher_context)) {
      dispatcher_ = ctx;
    } else {
      g_current->on_ready(ctx, props.fiber);
    }
  }

  bf::context* pick_next() noexcept override {
    Scheduler* s = g_current;
    if (s != nullptr && s->has_ready() && !s->budget_exhausted()) {
      return s->pick_ready();
    }
    if (s != nullptr) s->on_main_context();
    bf::context* next = nullptr;
    if (dispatcher_ != nullptr && (g_release_pending || main_ == nullptr)) {
      g_release_pending = false;
      std::swap(next, dispatcher_);
    } else if (main_ != nullptr) {
      std::swap(next, main_);
    }
    return next;
  }

  bool has_ready_fibers() const noexcept override {
    return main_ != nullptr || dispatcher_ != nullptr || (g_current != nullptr && g_current->has_ready());
  }

  // Only reached when nothing at all is ready, which the main context's
  // loop never allows: it yields only while simulated fibers are ready.
  void suspend_until(std::chrono::steady_clock::time_point const&) noexcept override {}
  void notify() noexcept override {}

  bf::fiber_properties* new_properties(bf::context* ctx) override { return new FiberProps(ctx); }

 private:
  bf::context* main_ = nullptr;
  bf::context* dispatcher_ = nullptr;
};

bf::pooled_fixedsize_stack& stack_allocator() {
  static thread_local bf::pooled_fixedsize_stack pool(256 * 1024);
  return pool;
}

}  // namespace

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kReachedLimit: return "reached-limit";
    case Outcome::kQuiescent: return "quiescent";
    case Outcome::kStopped: return "stopped";
    case Outcome::kDeadlock: return "deadlock";
    case Outcome::kBudgetExhausted: return "budget-exhausted";
    case Outcome::kFiberError: return "fiber-error";
  }
  return "?";
}

void Fiber::TimeoutTimer::fire() { g_current->wake(fiber, WakeReason::kTimeout); }

Scheduler::Scheduler(uint64_t seed, Trace* trace) : trace_(trace), rng_(derive_seed(seed, "scheduler")) {
  if (!g_algorithm_installed) {
    bf::use_scheduling_algorithm<SimAlgorithm>();
    g_algorithm_installed = true;
  }
  g_current = this;
}

Scheduler::~Scheduler() {
  shutdown();
  if (g_current == this) g_current = nullptr;
}

Scheduler::Activation::Activation(Scheduler* s) : previous_(g_current) { g_current = s; }
Scheduler::Activation::~Activation() { g_current = previous_; }

Scheduler* Scheduler::current() { return g_current; }

uint64_t Scheduler::spawn(std::shared_ptr<Incarnation> incarnation, std::string name,
                          std::function<void()> body, bool daemon) {
  if (shutting_down_ || incarnation->dead) return 0;
  auto record = std::make_unique<Fiber>();
  Fiber* f = record.get();
  f->id_ = next_fiber_id_++;
  f->name_ = std::move(name);
  f->incarnation_ = std::move(incarnation);
  f->daemon_ = daemon;
  f->timeout_.fiber = f;
  fibers_.emplace(f->id_, std::move(record));
  trace_->add(now_, EventKind::kSpawn, f->node(), static_cast<int64_t>(f->id_), 0, f->name_);

  bf::fiber fiber(std::allocator_arg, stack_allocator(), [this, f, body = std::move(body)]() {
    try {
      if (!f->killed()) body();
    } catch (const FiberKilled&) {
    } catch (const boost::context::detail::forced_unwind&) {
      throw;
    } catch (const std::exception& e) {
      record_error("fiber '" + f->name_ + "' threw: " + e.what());
    } catch (...) {
      record_error("fiber '" + f->name_ + "' threw a non-standard exception");
    }
    finish_fiber(f);
  });
  auto& props = fiber.properties<FiberProps>();
  props.fiber = f;
  f->ctx_ = props.context();
  // The new fiber was made ready while it was being constructed, before its
  // record was attached: it is the newest ready entry.
  if (!ready_.empty() && ready_.back().ctx == f->ctx_) ready_.back().fiber = f;
  fiber.detach();
  return f->id_;
}

void Scheduler::finish_fiber(Fiber* f) {
  current_ = nullptr;
  fibers_.erase(f->id_);
  g_release_pending = true;
}

void Scheduler::record_error(const std::string& what) {
  if (!error_) failure_ = what;
  error_ = true;
}

void Scheduler::on_ready(bf::context* ctx, Fiber* f) {
  if (f != nullptr && std::binary_search(paused_nodes_.begin(), paused_nodes_.end(), f->node()) &&
      !f->killed()) {
    held_[f->node()].push_back(Ready{ctx, f});
    return;
  }
  ready_.push_back(Ready{ctx, f});
}

void Scheduler::on_main_context() { current_ = nullptr; }

bf::context* Scheduler::pick_ready() {
  const size_t n = ready_.size();
  const size_t i = n == 1 ? 0 : static_cast<size_t>(rng_.below(n));
  const Ready entry = ready_[i];
  ready_[i] = ready_.back();
  ready_.pop_back();
  bf::context* ctx = entry.ctx;
  Fiber* f = entry.fiber;
  current_ = f;
  ++events_;
  trace_->add(now_, EventKind::kFiberStep, f ? f->node() : kNoNode, f ? static_cast<int64_t>(f->id_) : 0, 0);
  return ctx;
}

WakeReason Scheduler::park(SimTime deadline) {
  Fiber* f = current_;
  if (f->killed() || shutting_down_) throw FiberKilled{};
  f->parked_ = true;
  f->reason_ = WakeReason::kNone;
  if (deadline != kNever) timers_.schedule(&f->timeout_, std::max(deadline, now_));
  f->ctx_->suspend();
  if (f->reason_ == WakeReason::kKilled || f->killed()) throw FiberKilled{};
  return f->reason_;
}

void Scheduler::wake(Fiber* f, WakeReason reason) {
  if (!f->parked_) return;
  f->parked_ = false;
  f->reason_ = reason;
  timers_.cancel(&f->timeout_);
  if (f->queue_ != nullptr) f->queue_->unlink(f);
  // What context::schedule() would reach through Boost's scheduler and the
  // algorithm's awakened(): the fiber is suspended in park(), in no queue of
  // Boost's, on this thread.
  on_ready(f->ctx_, f);
}

void Scheduler::yield() {
  Fiber* f = current_;
  boost::this_fiber::yield();
  if (f != nullptr && (f->killed() || shutting_down_)) throw FiberKilled{};
}

void Scheduler::kill_incarnation(const std::shared_ptr<Incarnation>& incarnation) {
  incarnation->dead = true;
  std::vector<Fiber*> victims;
  for (auto& [id, fiber] : fibers_) {
    if (fiber->incarnation_ == incarnation) victims.push_back(fiber.get());
  }
  for (Fiber* f : victims) wake(f, WakeReason::kKilled);
  auto held = held_.find(incarnation->node);
  if (held != held_.end()) {
    for (const Ready& entry : held->second) ready_.push_back(entry);
    held_.erase(held);
  }
}

void Scheduler::set_node_paused(int32_t node, bool paused) {
  auto it = std::lower_bound(paused_nodes_.begin(), paused_nodes_.end(), node);
  const bool is_paused = it != paused_nodes_.end() && *it == node;
  if (paused && !is_paused) {
    paused_nodes_.insert(it, node);
  } else if (!paused && is_paused) {
    paused_nodes_.erase(it);
    auto held = held_.find(node);
    if (held != held_.end()) {
      for (const Ready& entry : held->second) ready_.push_back(entry);
      held_.erase(held);
    }
  }
}

void Scheduler::schedule_timer(Timer* timer, SimTime when) { timers_.schedule(timer, std::max(when, now_)); }

size_t Scheduler::pending_fibers() const {
  size_t pending = 0;
  for (const auto& [id, fiber] : fibers_) {
    if (fiber->parked_ && !fiber->daemon_) ++pending;
  }
  return pending;
}

Outcome Scheduler::run_until(SimTime limit) {
  Activation active(this);
  for (;;) {
    if (error_) return Outcome::kFiberError;
    if (budget_exhausted()) {
      failure_ = "event budget of " + std::to_string(budget_) + " events exhausted";
      return Outcome::kBudgetExhausted;
    }
    if (stop_requested_) {
      stop_requested_ = false;
      return Outcome::kStopped;
    }
    if (!ready_.empty()) {
      boost::this_fiber::yield();
      continue;
    }
    if (timers_.empty()) {
      if (pending_fibers() == 0) return Outcome::kQuiescent;
      failure_ = "deadlock at " + std::to_string(to_ms(now_)) + " ms: nothing ready, no timer, parked:";
      int shown = 0;
      for (const auto& [id, fiber] : fibers_) {
        if (!fiber->parked_ || fiber->daemon_) continue;
        if (++shown > 8) {
          failure_ += " ...";
          break;
        }
        failure_ += " '" + fiber->name_ + "'";
      }
      return Outcome::kDeadlock;
    }
    const SimTime t = timers_.next_time();
    if (t > limit) {
      now_ = std::max(now_, limit);
      return Outcome::kReachedLimit;
    }
    now_ = t;
    while (!timers_.empty() && timers_.next_time() == t) {
      Timer* timer = timers_.pop();
      ++events_;
      trace_->add(now_, EventKind::kTimerFire, kNoNode, static_cast<int64_t>(timer->seq()), 0);
      timer->fire();
    }
  }
}

void Scheduler::shutdown() {
  Activation active(this);
  if (fibers_.empty() && ready_.empty()) {
    timers_.clear();
    return;
  }
  shutting_down_ = true;
  std::vector<Fiber*> all;
  for (auto& [id, fiber] : fibers_) {
    fiber->incarnation_->dead = true;
    all.push_back(fiber.get());
  }
  for (Fiber* f : all) wake(f, WakeReason::kKilled);
  for (auto& [node, held] : held_) {
    for (const Ready& entry : held) ready_.push_back(entry);
  }
  held_.clear();
  paused_nodes_.clear();
  while (!ready_.empty()) boost::this_fiber::yield();
  // Let Boost's dispatcher release the finished fibers' stacks.
  boost::this_fiber::yield();
  timers_.clear();
  shutting_down_ = false;
}

void sleep_until(SimTime t) {
  Scheduler* s = Scheduler::current();
  while (s->now() < t) s->park(t);
}

void sleep_for(Duration d) { sleep_until(Scheduler::current()->now() + std::max<Duration>(d, 0)); }

}  // namespace kafkasim::sim
