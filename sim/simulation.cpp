#include "sim/simulation.h"

namespace kafkasim::sim {
namespace {
thread_local Simulation* g_simulation = nullptr;

// Makes `sim` (and its scheduler) current for a scope.
class Activate {
 public:
  explicit Activate(Simulation* sim) : previous_(g_simulation), scheduler_(&sim->scheduler()) {
    g_simulation = sim;
  }
  ~Activate() { g_simulation = previous_; }

 private:
  Simulation* previous_;
  Scheduler::Activation scheduler_;
};
}  // namespace

Simulation::Simulation(SimulationOptions options)
    : options_(options),
      scheduler_(options.seed, &trace_),
      harness_(std::make_shared<Incarnation>()),
      tear_rng_(derive_seed(options.seed, "disk-tear")) {
  trace_.set_record_level(options.record);
  trace_.set_record_window(options.record_from, options.record_to);
  scheduler_.set_event_budget(options.event_budget);
  network_ = std::make_unique<Network>(this, options.seed, options.network);
  harness_->node = kNoNode;
  harness_->number = 1;
  g_simulation = this;
}

Simulation::~Simulation() {
  {
    Activate active(this);
    scheduler_.shutdown();
    // Node states may close sockets as they go: drop them while the network
    // is still there.
    for (auto& node : nodes_) node->incarnation_.reset();
    scheduler_.shutdown();
    network_.reset();
  }
  if (g_simulation == this) g_simulation = nullptr;
}

Outcome Simulation::run_until(SimTime limit) {
  Activate active(this);
  return scheduler_.run_until(limit);
}

Simulation* Simulation::current() { return g_simulation; }

Node& Simulation::add_node(std::string name, NodeProgram program) {
  const auto id = static_cast<int32_t>(nodes_.size());
  nodes_.push_back(std::unique_ptr<Node>(new Node(this, id, std::move(name), std::move(program), options_.seed)));
  network_->resize(nodes_.size());
  return *nodes_.back();
}

Node* Simulation::find_node(const std::string& name) {
  for (auto& node : nodes_) {
    if (node->name() == name) return node.get();
  }
  return nullptr;
}

void Simulation::start(Node& node) {
  if (node.up()) return;
  Activate active(this);
  node.incarnation_ = std::make_shared<Incarnation>();
  node.incarnation_->node = node.id();
  node.incarnation_->number = ++node.last_incarnation_;
  node.status_ = Node::Status::kUp;
  trace_.add(now(), EventKind::kRestart, node.id(), static_cast<int64_t>(node.last_incarnation_), 0);
  if (node.program_) node.program_(node);
}

void Simulation::end_incarnation(Node& node, EventKind kind) {
  if (!node.up()) return;
  Activate active(this);
  trace_.add(now(), kind, node.id(), static_cast<int64_t>(node.incarnation()), 0);
  std::shared_ptr<Incarnation> ending = std::move(node.incarnation_);
  node.status_ = Node::Status::kDown;
  scheduler_.set_node_paused(node.id(), false);
  scheduler_.kill_incarnation(ending);
  network_->node_down(node.id(), kind == EventKind::kCrash);
  Fiber* self = scheduler_.in_fiber() ? scheduler_.current_fiber() : nullptr;
  if (self != nullptr && self->incarnation() == ending) throw FiberKilled{};
}

void Simulation::crash(Node& node) { end_incarnation(node, EventKind::kCrash); }

void Simulation::power_loss(Node& node, bool torn) {
  end_incarnation(node, EventKind::kPowerLoss);
  node.disk().lose_unflushed(torn ? &tear_rng_ : nullptr);
}

void Simulation::pause(Node& node) {
  if (node.status_ != Node::Status::kUp) return;
  node.status_ = Node::Status::kPaused;
  scheduler_.set_node_paused(node.id(), true);
  trace_.add(now(), EventKind::kPause, node.id(), 0, 0);
}

void Simulation::resume(Node& node) {
  if (node.status_ != Node::Status::kPaused) return;
  node.status_ = Node::Status::kUp;
  scheduler_.set_node_paused(node.id(), false);
  trace_.add(now(), EventKind::kResume, node.id(), 0, 0);
}

void Simulation::skew_clock(Node& node, Duration offset, int64_t drift_ppm) {
  node.clock().skew(now(), offset, drift_ppm);
  trace_.add(now(), EventKind::kClockSkew, node.id(), offset, drift_ppm);
}

uint64_t Simulation::spawn_harness(std::string name, std::function<void()> body, bool daemon) {
  return scheduler_.spawn(harness_, std::move(name), std::move(body), daemon);
}

void Simulation::record(int32_t node, std::string_view text, int64_t a, int64_t b) {
  trace_.add(now(), EventKind::kModel, node, a, b, text);
}

}  // namespace kafkasim::sim
