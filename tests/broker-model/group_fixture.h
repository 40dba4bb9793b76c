// A simulated cluster for consumer group tests: three brokers, a topic
// "t" of two partitions and a one-partition `__consumer_offsets` (so every
// group has the same coordinator), a client node that speaks the raw group
// protocol, and helpers to send requests and run the world.
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "broker-model/broker.h"
#include "broker-model/cluster.h"
#include "broker-model/group_protocol.h"
#include "broker-model/offset_store.h"
#include "broker-model/rpc.h"
#include "broker-model/transaction_state_topic.h"
#include "sim/simulation.h"

namespace kafkasim::test {

using namespace kafkasim::kafka;

inline const std::string kGroup = "g";

class GroupFixture {
 public:
  explicit GroupFixture(int64_t initial_delay_ms = 0) : sim_(options()), cluster_(sim_, spec(initial_delay_ms)) {
    client_ = &sim_.add_node("client", nullptr);
    app_ = &sim_.add_node("app", nullptr);
    cluster_.start();
    sim_.start(*client_);
    sim_.start(*app_);
    for (int i = 0; i < 100 && coordinator() == kNoLeader; ++i) run_for(sim::milliseconds(100));
    run_for(sim::milliseconds(500));  // the shard loads
  }

  void run_for(sim::Duration d) { sim_.run_until(sim_.now() + d); }
  sim::Simulation& sim() { return sim_; }
  Cluster& cluster() { return cluster_; }

  // The broker id leading the group's partition of __consumer_offsets.
  int32_t coordinator() const {
    const PartitionState* s = cluster_.committed_metadata().partition(TopicPartition{kOffsetsTopic, 0});
    return s ? s->leader : kNoLeader;
  }
  GroupCoordinator& coordinator_of(int32_t broker) { return cluster_.broker(broker).state<Broker>()->group_coordinator(); }

  // Sends `req` to broker `to` from a fiber of the client node; the answer
  // (or nullptr) lands in the returned holder once the world has run.
  template <typename Resp, typename Req>
  std::shared_ptr<std::unique_ptr<Resp>> send(int32_t to, std::unique_ptr<Req> req) {
    auto out = std::make_shared<std::unique_ptr<Resp>>();
    const int32_t node = cluster_.broker(to).id();
    sim::Node* client = client_;
    auto shared_req = std::make_shared<std::unique_ptr<Req>>(std::move(req));
    client_->spawn("request", [=] {
      RpcClient rpc(*client, node, kBrokerPort);
      *out = rpc.call<Resp>(std::move(*shared_req), sim::now() + sim::seconds(30));
    });
    return out;
  }
  // Sends and runs until answered.
  template <typename Resp, typename Req>
  std::unique_ptr<Resp> call(int32_t to, std::unique_ptr<Req> req) {
    auto out = send<Resp>(to, std::move(req));
    for (int i = 0; i < 3000 && !*out; ++i) run_for(sim::milliseconds(10));
    return std::move(*out);
  }

  static std::unique_ptr<JoinGroupRequest> join(std::string member_id = "") {
    auto r = std::make_unique<JoinGroupRequest>();
    r->group_id = kGroup;
    r->session_timeout_ms = 6000;
    r->rebalance_timeout_ms = 10000;
    r->member_id = std::move(member_id);
    r->client_id = "c";
    r->protocols.push_back(JoinGroupRequest::Protocol{"range", Subscription{{"t"}, {}, -1}});
    return r;
  }
  static std::unique_ptr<SyncGroupRequest> sync(const JoinGroupResponse& j) {
    auto r = std::make_unique<SyncGroupRequest>();
    r->group_id = kGroup;
    r->generation_id = j.generation_id;
    r->member_id = j.member_id;
    if (j.leader == j.member_id) {
      int32_t p = 0;
      for (const auto& m : j.members) r->assignments.push_back({m.member_id, {TopicPartition{"t", p++}}});
    }
    return r;
  }
  static std::unique_ptr<HeartbeatRequest> heartbeat(const JoinGroupResponse& j) {
    auto r = std::make_unique<HeartbeatRequest>();
    r->group_id = kGroup;
    r->generation_id = j.generation_id;
    r->member_id = j.member_id;
    return r;
  }
  static std::unique_ptr<OffsetCommitRequest> commit(const std::string& member, int32_t generation, int64_t offset) {
    auto r = std::make_unique<OffsetCommitRequest>();
    r->group_id = kGroup;
    r->generation_id = generation;
    r->member_id = member;
    r->offsets.push_back(OffsetCommitRequest::PartitionOffset{TopicPartition{"t", 0}, offset, kNoEpoch});
    return r;
  }
  static std::unique_ptr<OffsetFetchRequest> fetch() {
    auto r = std::make_unique<OffsetFetchRequest>();
    r->group_id = kGroup;
    r->partitions = {TopicPartition{"t", 0}};
    return r;
  }

  // One member joins alone and syncs: generation N, Stable.
  JoinGroupResponse join_alone() {
    auto j = call<JoinGroupResponse>(coordinator(), join());
    REQUIRE(j);
    REQUIRE(j->error == Errc::kNone);
    auto s = call<SyncGroupResponse>(coordinator(), sync(*j));
    REQUIRE(s);
    REQUIRE(s->error == Errc::kNone);
    return *j;
  }

 private:
  static sim::SimulationOptions options() {
    sim::SimulationOptions o;
    o.seed = 7;
    return o;
  }
  static ClusterSpec spec(int64_t initial_delay_ms) {
    ClusterSpec s;
    s.brokers = 3;
    s.controllers = 1;
    s.broker_config = Config::resolve(Scope::broker,
                                      nlohmann::json{{"broker.session.timeout.ms", 3000},
                                                     {"broker.heartbeat.interval.ms", 500},
                                                     {"replica.lag.time.max.ms", 2000},
                                                     {"offsets.topic.num.partitions", 1},
                                                     {"transaction.state.log.num.partitions", 1},
                                                     {"group.initial.rebalance.delay.ms", initial_delay_ms}},
                                      "cluster.config");
    TopicSpec t;
    t.name = "t";
    t.partitions = 2;
    t.replication_factor = 3;
    t.config = Config::defaults(Scope::topic, &s.broker_config);
    s.topics.push_back(t);
    TopicSpec offsets;
    offsets.name = kOffsetsTopic;
    offsets.partitions = 1;
    offsets.replication_factor = 3;
    offsets.config = Config::defaults(Scope::topic, &s.broker_config);
    s.topics.push_back(offsets);
    s.topics.push_back(transaction_state_topic(s.broker_config, s.brokers));  // for TxnOffsetCommit tests
    TopicSpec out;  // the output of consume-transform-produce tests
    out.name = "out";
    out.replication_factor = 3;
    out.config = Config::defaults(Scope::topic, &s.broker_config);
    s.topics.push_back(out);
    return s;
  }

  sim::Simulation sim_;
  Cluster cluster_;
  sim::Node* client_ = nullptr;
  sim::Node* app_ = nullptr;

 public:
  // A second client node, for consumer clients under test.
  sim::Node& app() { return *app_; }
  // The node that sends raw requests (for a client in a test's last step).
  sim::Node& client_node() { return *client_; }
  std::vector<int32_t> bootstrap() const { return cluster_.bootstrap(); }
};

}  // namespace kafkasim::test
