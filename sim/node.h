// A simulated process on its own machine: a disk that outlives it, a local
// clock, and an incarnation that ends at every crash.
//
// The node's program runs at every start: it builds the incarnation's
// volatile state from the disk and spawns the incarnation's fibers. A crash
// unwinds every fiber of the incarnation; its state is destroyed when the
// last of them is gone; nothing of it runs again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sim/disk.h"
#include "sim/fiber.h"
#include "sim/local_clock.h"
#include "sim/random.h"

namespace kafkasim::sim {

class Node;
class Simulation;

// Runs at each start of the node, on the caller's context. Must not block.
using NodeProgram = std::function<void(Node&)>;

class Node {
 public:
  enum class Status : uint8_t { kDown, kUp, kPaused };

  int32_t id() const { return id_; }
  const std::string& name() const { return name_; }
  Status status() const { return status_; }
  bool up() const { return status_ != Status::kDown; }
  uint64_t incarnation() const { return incarnation_ ? incarnation_->number : last_incarnation_; }
  uint64_t restarts() const { return last_incarnation_ > 0 ? last_incarnation_ - 1 : 0; }

  Disk& disk() { return disk_; }
  LocalClock& clock() { return clock_; }
  // This node's own random stream (a sub-stream of the run's seed).
  Prng& rng() { return rng_; }
  // Local time now (simulated time seen through this node's clock).
  SimTime local_now() const;
  // Parks the running fiber for `local` ns of this node's clock.
  void sleep_local(Duration local);

  // Spawns a fiber of the current incarnation. REQUIRES: up().
  // `daemon`: parked forever is not pending work (a server loop).
  uint64_t spawn(std::string name, std::function<void()> body, bool daemon = false);

  // The incarnation's volatile state, set by the program at start.
  template <typename T>
  void set_state(std::shared_ptr<T> state) {
    incarnation_->state = std::move(state);
  }
  template <typename T>
  T* state() const {
    return incarnation_ ? static_cast<T*>(incarnation_->state.get()) : nullptr;
  }

 private:
  friend class Simulation;
  Node(Simulation* sim, int32_t id, std::string name, NodeProgram program, uint64_t seed);

  Simulation* sim_;
  int32_t id_;
  std::string name_;
  NodeProgram program_;
  Status status_ = Status::kDown;
  std::shared_ptr<Incarnation> incarnation_;
  uint64_t last_incarnation_ = 0;
  Disk disk_;
  LocalClock clock_;
  Prng rng_;
};

}  // namespace kafkasim::sim
