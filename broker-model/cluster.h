// A simulated Kafka cluster: controller and broker nodes on one Simulation.
// The harness builds one per run, resolves fault targets through it, and
// reads the model invariants from it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "broker-model/bugs.h"
#include "broker-model/config_catalog.h"
#include "broker-model/request_error_injection.h"
#include "sim/simulation.h"

namespace kafkasim::kafka {

class InvariantMonitor;
class ClusterState;
class MetadataImage;

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  Config config = Config::defaults(Scope::topic);
};

struct ClusterSpec {
  int brokers = 3;
  int controllers = 1;
  Config broker_config = Config::defaults(Scope::broker);
  std::vector<TopicSpec> topics;
  Bugs bugs;
};

class Cluster {
 public:
  // Adds the nodes controller-1..C and broker-1..B to `sim`, down.
  Cluster(sim::Simulation& sim, ClusterSpec spec);
  ~Cluster();

  // Starts every node; the controller creates the spec's topics at its
  // first start, with replicas placed round-robin across brokers.
  void start();

  const ClusterSpec& spec() const { return spec_; }
  sim::Simulation& simulation() { return sim_; }
  // 1-based, as in the scenario's broker-N and controller-N targets.
  sim::Node& broker(int id) { return *brokers_.at(static_cast<size_t>(id - 1)); }
  sim::Node& controller(int id) { return *controllers_.at(static_cast<size_t>(id - 1)); }
  const std::vector<sim::Node*>& broker_nodes() const { return brokers_; }
  const std::vector<sim::Node*>& controller_nodes() const { return controllers_; }
  // The broker id of a node, or 0 when it is not a broker.
  int broker_id(const sim::Node& node) const;

  // Roles, from the active controller's current partition state (the ground
  // truth, not any broker's possibly stale view). nullptr when none.
  sim::Node* leader_of(const std::string& topic, int partition);
  // A replica of the partition that is not its leader, drawn from `rng`.
  sim::Node* follower_of(const std::string& topic, int partition, sim::Prng& rng);
  sim::Node* active_controller();

  // Bootstrap addresses for clients: every broker node id.
  std::vector<int32_t> bootstrap() const;

  InvariantMonitor& invariants();
  // Errors the brokers answer requests with (scenario key request_errors).
  RequestErrorInjection& request_errors();
  // The committed metadata as the controller applied it (ground truth).
  const MetadataImage& committed_metadata() const;
  // Names of the model invariants broken so far, each once, in the order
  // they were first broken.
  std::vector<std::string> invariant_violations() const;

 private:
  sim::Simulation& sim_;
  ClusterSpec spec_;
  std::vector<sim::Node*> brokers_;
  std::vector<sim::Node*> controllers_;
  std::shared_ptr<ClusterState> shared_;
};

}  // namespace kafkasim::kafka
