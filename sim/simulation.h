// One simulated world: the scheduler, the trace, the network and the nodes,
// all driven by one seed. This is the kernel's facade; the Kafka model and
// the harness are written against it and know nothing of Boost.Fiber.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/network.h"
#include "sim/node.h"
#include "sim/random.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace kafkasim::sim {

struct SimulationOptions {
  uint64_t seed = 1;
  uint64_t event_budget = UINT64_MAX;
  RecordLevel record = RecordLevel::kNone;
  // Record only the events numbered record_from up to, not including,
  // record_to (Trace::set_record_window).
  uint64_t record_from = 0;
  uint64_t record_to = UINT64_MAX;
  NetworkOptions network;
};

class Simulation {
 public:
  explicit Simulation(SimulationOptions options);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // The simulation being driven on this thread (inside run_until, start and
  // the other lifecycle calls), or the one created last; nullptr if none.
  static Simulation* current();

  uint64_t seed() const { return options_.seed; }
  SimTime now() const { return scheduler_.now(); }
  Scheduler& scheduler() { return scheduler_; }
  Trace& trace() { return trace_; }
  Network& network() { return *network_; }

  // A named sub-stream of the run's seed (see sim/random.h).
  Prng stream(std::string_view name) const { return Prng::stream(options_.seed, name); }

  // Adds a node, down. Ids are dense, in the order nodes are added.
  Node& add_node(std::string name, NodeProgram program);
  Node& node(int32_t id) { return *nodes_.at(static_cast<size_t>(id)); }
  Node* find_node(const std::string& name);
  size_t node_count() const { return nodes_.size(); }

  // Faults and lifecycle. Each is traced.
  void start(Node& node);                 // no-op when up
  void crash(Node& node);                 // the page cache survives
  void power_loss(Node& node, bool torn); // unflushed writes are lost
  void restart(Node& node) { start(node); }
  void pause(Node& node);
  void resume(Node& node);
  void skew_clock(Node& node, Duration offset, int64_t drift_ppm);

  // Fibers of the harness itself (nemesis, workload driver): no fault reaches
  // them; they end with the run.
  uint64_t spawn_harness(std::string name, std::function<void()> body, bool daemon = false);

  // Runs the world until simulated time `limit` (see Scheduler::run_until).
  Outcome run_until(SimTime limit);

  // Records a model-level event in the trace ("broker-1 became leader of
  // orders/0 in epoch 3"). `node` may be kNoNode.
  void record(int32_t node, std::string_view text, int64_t a = 0, int64_t b = 0);
  // A frequent model event whose text costs more than the event: the text
  // (`text()`, a string) is built only when events are kept, and stays out
  // of the trace hash, which is the same at every RecordLevel; `a` and `b`
  // are hashed.
  template <typename TextFn>
  void record_detail(int32_t node, int64_t a, int64_t b, TextFn&& text) {
    if (trace_.record_level() == RecordLevel::kNone) {
      trace_.add_described(now(), EventKind::kModel, node, a, b, {});
    } else {
      trace_.add_described(now(), EventKind::kModel, node, a, b, text());
    }
  }

 private:
  void end_incarnation(Node& node, EventKind kind);

  SimulationOptions options_;
  Trace trace_;
  Scheduler scheduler_;
  std::unique_ptr<Network> network_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::shared_ptr<Incarnation> harness_;
  Prng tear_rng_;
};

}  // namespace kafkasim::sim
