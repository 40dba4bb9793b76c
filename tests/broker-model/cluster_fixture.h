// A small simulated cluster for tests of replication rules: one topic
// "t" with one partition, a client node that speaks the raw protocol, and
// accessors for every broker's replica.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "broker-model/broker.h"
#include "broker-model/cluster.h"
#include "broker-model/metadata.h"
#include "broker-model/protocol.h"
#include "broker-model/rpc.h"
#include "sim/simulation.h"

namespace kafkasim::test {

using namespace kafkasim::kafka;

struct ClusterOptions {
  int brokers = 3;
  int replication_factor = 3;
  int min_insync_replicas = 2;
  bool unclean = false;
  int64_t lag_time_max_ms = 2000;
  uint64_t seed = 1;
};

class ClusterFixture {
 public:
  explicit ClusterFixture(ClusterOptions o = {}) : sim_(options(o.seed)), cluster_(sim_, spec(o)) {
    client_ = &sim_.add_node("client", nullptr);
    cluster_.start();
    sim_.start(*client_);
    // Until the topic exists and its leader has taken over.
    for (int i = 0; i < 100 && (state() == nullptr || leader_replica() == nullptr); ++i) run_for(sim::milliseconds(100));
  }

  sim::Simulation& sim() { return sim_; }
  Cluster& cluster() { return cluster_; }
  void run_for(sim::Duration d) { sim_.run_until(sim_.now() + d); }

  const TopicPartition tp{"t", 0};
  const PartitionState* state() const { return cluster_.committed_metadata().partition(tp); }
  int32_t leader() const { return state() ? state()->leader : kNoLeader; }
  Broker* broker(int id) { return cluster_.broker(id).state<Broker>(); }
  Partition* replica(int id) {
    Broker* b = broker(id);
    return b ? b->find_partition(tp) : nullptr;
  }
  Partition* leader_replica() {
    const int32_t l = leader();
    if (l == kNoLeader) return nullptr;
    Partition* p = replica(l);
    return p != nullptr && p->role() == Partition::Role::kLeader ? p : nullptr;
  }
  int32_t follower(int n = 0) const {
    int seen = 0;
    for (int32_t r : state()->replicas) {
      if (r != state()->leader && seen++ == n) return r;
    }
    return kNoLeader;
  }

  // Sends one Produce of `values` to broker `to` from the client node and
  // runs the world until the answer (or `timeout`). nullopt: no answer.
  std::optional<ProduceResponse::PartitionResult> produce(int32_t to, int16_t acks, std::vector<std::string> values,
                                                          sim::Duration timeout = sim::seconds(5)) {
    auto result = std::make_shared<std::optional<ProduceResponse::PartitionResult>>();
    auto done = std::make_shared<bool>(false);
    const int32_t node = cluster_.broker(to).id();
    sim::Node* client = client_;
    client_->spawn("produce", [=] {
      RpcClient rpc(*client, node, kBrokerPort);
      auto req = std::make_unique<ProduceRequest>();
      req->acks = acks;
      req->timeout_ms = static_cast<int32_t>(timeout / sim::milliseconds(1));
      ProduceRequest::PartitionData pd;
      pd.tp = TopicPartition{"t", 0};
      for (const std::string& v : values) pd.batch.records.push_back(Record{"", v, 0});
      req->partitions.push_back(pd);
      auto resp = rpc.call<ProduceResponse>(std::move(req), sim::now() + timeout + sim::seconds(1));
      if (resp && !resp->partitions.empty()) *result = resp->partitions.front();
      *done = true;
    });
    for (int i = 0; i < 1000 && !*done; ++i) run_for(sim::milliseconds(10));
    return *result;
  }

  // Offsets [0, LEO) of a replica, as record values.
  std::vector<std::string> values(int broker_id) {
    std::vector<std::string> out;
    Partition* p = replica(broker_id);
    if (p == nullptr) return out;
    Log& log = p->log();
    for (const BatchPtr& b : log.read(log.log_start_offset(), INT64_MAX, log.log_end_offset())) {
      for (const Record& r : b->records) out.push_back(r.value);
    }
    return out;
  }

 private:
  static sim::SimulationOptions options(uint64_t seed) {
    sim::SimulationOptions o;
    o.seed = seed;
    return o;
  }
  static ClusterSpec spec(const ClusterOptions& o) {
    ClusterSpec s;
    s.brokers = o.brokers;
    s.controllers = 1;
    s.broker_config = Config::resolve(Scope::broker,
                                      nlohmann::json{{"unclean.leader.election.enable", o.unclean},
                                                     {"replica.lag.time.max.ms", o.lag_time_max_ms}},
                                      "cluster.config");
    TopicSpec t;
    t.name = "t";
    t.partitions = 1;
    t.replication_factor = o.replication_factor;
    t.config = Config::resolve(Scope::topic, nlohmann::json{{"min.insync.replicas", o.min_insync_replicas}},
                               "topics[0].config", &s.broker_config);
    s.topics.push_back(t);
    return s;
  }

  sim::Simulation sim_;
  Cluster cluster_;
  sim::Node* client_ = nullptr;
};

}  // namespace kafkasim::test
