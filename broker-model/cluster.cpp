#include "broker-model/cluster.h"

#include "broker-model/broker.h"
#include "broker-model/cluster_state.h"
#include "broker-model/controller.h"

namespace kafkasim::kafka {

Cluster::Cluster(sim::Simulation& sim, ClusterSpec spec)
    : sim_(sim), spec_(spec), shared_(std::make_shared<ClusterState>(std::move(spec))) {
  std::shared_ptr<ClusterState> shared = shared_;
  shared_->quorum_invariants.set_voters(spec_.controllers);
  for (int c = 1; c <= spec_.controllers; ++c) {
    sim::Node& node = sim.add_node("controller-" + std::to_string(c), [shared, c](sim::Node& n) {
      auto controller = std::make_shared<Controller>(n, c, shared);
      n.set_state(controller);
      controller->start();
    });
    controllers_.push_back(&node);
    shared_->controller_nodes.push_back(node.id());
  }
  for (int b = 1; b <= spec_.brokers; ++b) {
    sim::Node& node = sim.add_node("broker-" + std::to_string(b), [shared, b](sim::Node& n) {
      auto broker = std::make_shared<Broker>(n, b, shared);
      n.set_state(broker);
      broker->start();
    });
    brokers_.push_back(&node);
    shared_->broker_node[b] = node.id();
    shared_->node_broker[node.id()] = b;
  }
}

Cluster::~Cluster() = default;

void Cluster::start() {
  for (sim::Node* n : controllers_) sim_.start(*n);
  for (sim::Node* n : brokers_) sim_.start(*n);
}

int Cluster::broker_id(const sim::Node& node) const {
  auto it = shared_->node_broker.find(node.id());
  return it == shared_->node_broker.end() ? 0 : it->second;
}

sim::Node* Cluster::leader_of(const std::string& topic, int partition) {
  const PartitionState* state = shared_->truth.partition(TopicPartition{topic, partition});
  if (state == nullptr || state->leader == kNoLeader) return nullptr;
  return &broker(state->leader);
}

sim::Node* Cluster::follower_of(const std::string& topic, int partition, sim::Prng& rng) {
  const PartitionState* state = shared_->truth.partition(TopicPartition{topic, partition});
  if (state == nullptr) return nullptr;
  std::vector<int32_t> followers;
  for (int32_t r : state->replicas) {
    if (r != state->leader) followers.push_back(r);
  }
  if (followers.empty()) return nullptr;
  return &broker(followers[rng.below(followers.size())]);
}

sim::Node* Cluster::active_controller() {
  // The up voter that leads the highest epoch (a deposed leader may not
  // know yet that it is one).
  sim::Node* active = nullptr;
  int32_t epoch = -1;
  for (sim::Node* n : controllers_) {
    const Controller* c = n->up() ? n->state<Controller>() : nullptr;
    if (c != nullptr && c->raft().is_leader() && c->raft().epoch() > epoch) {
      active = n;
      epoch = c->raft().epoch();
    }
  }
  return active;
}

std::vector<int32_t> Cluster::bootstrap() const {
  std::vector<int32_t> ids;
  for (const sim::Node* n : brokers_) ids.push_back(n->id());
  return ids;
}

InvariantMonitor& Cluster::invariants() { return shared_->invariants; }
RequestErrorInjection& Cluster::request_errors() { return shared_->request_errors; }

const MetadataImage& Cluster::committed_metadata() const { return shared_->truth; }

std::vector<std::string> Cluster::invariant_violations() const {
  // Both monitors, merged in the order the violations happened.
  std::vector<InvariantViolation> all = shared_->invariants.violations();
  const auto& quorum = shared_->quorum_invariants.violations();
  all.insert(all.end(), quorum.begin(), quorum.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const InvariantViolation& a, const InvariantViolation& b) { return a.time < b.time; });
  std::vector<std::string> names;
  for (const InvariantViolation& v : all) {
    if (std::find(names.begin(), names.end(), v.name) == names.end()) names.push_back(v.name);
  }
  return names;
}

}  // namespace kafkasim::kafka
