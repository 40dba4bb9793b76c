// The transaction coordinator in a running cluster (KIP-98, KIP-890 part
// 1): fencing by epoch, markers, the LSO, and verification of a
// transaction's first write. A client node speaks the raw protocol.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>

#include "broker-model/broker.h"
#include "broker-model/cluster.h"
#include "broker-model/protocol_txn.h"
#include "broker-model/rpc.h"
#include "broker-model/transaction_state_topic.h"
#include "sim/simulation.h"

using namespace kafkasim;
using namespace kafkasim::kafka;

namespace {

class TxnCluster {
 public:
  explicit TxnCluster(Bugs bugs = {}) : sim_(options()), cluster_(sim_, spec(bugs)) {
    client_ = &sim_.add_node("client", nullptr);
    cluster_.start();
    sim_.start(*client_);
    for (int i = 0; i < 100 && !ready(); ++i) run_for(sim::milliseconds(100));
  }

  void run_for(sim::Duration d) { sim_.run_until(sim_.now() + d); }

  // Sends `request` to the broker on `node` and runs the world until the
  // answer. nullptr: no answer within 10 s.
  template <typename Resp, typename Req>
  std::unique_ptr<Resp> call(int32_t node, Req request) {
    auto result = std::make_shared<std::unique_ptr<Resp>>();
    auto done = std::make_shared<bool>(false);
    sim::Node* client = client_;
    client_->spawn("call", [=] {
      RpcClient rpc(*client, node, kBrokerPort);
      *result = rpc.call<Resp>(std::make_unique<Req>(request), sim::now() + sim::seconds(10));
      *done = true;
    });
    for (int i = 0; i < 1100 && !*done; ++i) run_for(sim::milliseconds(10));
    return std::move(*result);
  }

  int32_t coordinator_node() {
    sim::Node* n = transaction_coordinator(cluster_, "app");
    return n == nullptr ? -1 : n->id();
  }
  int32_t leader_node() { return cluster_.leader_of("t", 0)->id(); }
  Partition* leader_replica() {
    return cluster_.leader_of("t", 0)->state<Broker>()->find_partition(TopicPartition{"t", 0});
  }

  // InitProducerId, retried while the coordinator is busy.
  InitProducerIdResponse init(const std::string& id = "app") {
    InitProducerIdRequest r;
    r.transactional_id = id;
    r.transaction_timeout_ms = 10000;
    for (int i = 0; i < 50; ++i) {
      auto resp = call<InitProducerIdResponse>(coordinator_node(), r);
      if (resp && resp->error != Errc::kConcurrentTransactions) return *resp;
      run_for(sim::milliseconds(100));
    }
    return InitProducerIdResponse{};
  }
  Errc add_partition(const InitProducerIdResponse& p) {
    AddPartitionsToTxnRequest r;
    r.transactional_id = "app";
    r.producer_id = p.producer_id;
    r.producer_epoch = p.producer_epoch;
    r.partitions.push_back(TopicPartition{"t", 0});
    auto resp = call<AddPartitionsToTxnResponse>(coordinator_node(), r);
    return resp ? resp->error : Errc::kRequestTimedOut;
  }
  Errc produce(const InitProducerIdResponse& p, int32_t seq, const std::string& value) {
    ProduceRequest r;
    r.transactional_id = "app";
    ProduceRequest::PartitionData pd;
    pd.tp = TopicPartition{"t", 0};
    pd.batch.producer_id = p.producer_id;
    pd.batch.producer_epoch = p.producer_epoch;
    pd.batch.base_sequence = seq;
    pd.batch.transactional = true;
    pd.batch.records.push_back(Record{"", value, 0});
    r.partitions.push_back(pd);
    auto resp = call<ProduceResponse>(leader_node(), r);
    return resp && !resp->partitions.empty() ? resp->partitions.front().error : Errc::kRequestTimedOut;
  }
  Errc end(const InitProducerIdResponse& p, bool commit) {
    EndTxnRequest r;
    r.transactional_id = "app";
    r.producer_id = p.producer_id;
    r.producer_epoch = p.producer_epoch;
    r.commit = commit;
    auto resp = call<EndTxnResponse>(coordinator_node(), r);
    return resp ? resp->error : Errc::kRequestTimedOut;
  }
  const TxnMetadata* state() {
    return sim_.node(coordinator_node()).state<Broker>()->txn_coordinator().find("app");
  }

 private:
  bool ready() {
    return cluster_.leader_of("t", 0) != nullptr && leader_replica() != nullptr &&
           leader_replica()->role() == Partition::Role::kLeader && coordinator_node() >= 0 &&
           sim_.node(coordinator_node()).state<Broker>() != nullptr &&
           sim_.node(coordinator_node())
                   .state<Broker>()
                   ->find_partition(TopicPartition{kTransactionStateTopic, 0}) != nullptr &&
           sim_.node(coordinator_node())
                   .state<Broker>()
                   ->find_partition(TopicPartition{kTransactionStateTopic, 0})
                   ->role() == Partition::Role::kLeader;
  }
  static sim::SimulationOptions options() {
    sim::SimulationOptions o;
    o.seed = 1;
    return o;
  }
  static ClusterSpec spec(Bugs bugs) {
    ClusterSpec s;
    s.brokers = 3;
    s.broker_config = Config::resolve(Scope::broker,
                                      nlohmann::json{{"transaction.state.log.num.partitions", 1},
                                                     {"replica.lag.time.max.ms", 2000}},
                                      "cluster.config");
    TopicSpec t;
    t.name = "t";
    t.replication_factor = 3;
    t.config = Config::resolve(Scope::topic, nlohmann::json{{"min.insync.replicas", 2}}, "topics[0].config",
                               &s.broker_config);
    s.topics.push_back(t);
    s.topics.push_back(transaction_state_topic(s.broker_config, s.brokers));
    s.bugs = bugs;
    return s;
  }

  sim::Simulation sim_;
  Cluster cluster_;
  sim::Node* client_ = nullptr;
};

}  // namespace

TEST_CASE("a new instance's InitProducerId bumps the epoch and fences the older instance") {
  TxnCluster c;
  const InitProducerIdResponse first = c.init();
  REQUIRE(first.error == Errc::kNone);
  CHECK(first.producer_epoch == 0);
  const InitProducerIdResponse second = c.init();
  REQUIRE(second.error == Errc::kNone);
  CHECK(second.producer_id == first.producer_id);
  CHECK(second.producer_epoch == 1);
  CHECK(c.add_partition(first) == Errc::kProducerFenced);
  CHECK(c.end(first, true) == Errc::kProducerFenced);
  CHECK(c.add_partition(second) == Errc::kNone);
}

TEST_CASE("a committed transaction holds the LSO until its marker is replicated") {
  TxnCluster c;
  const InitProducerIdResponse p = c.init();
  REQUIRE(c.add_partition(p) == Errc::kNone);
  REQUIRE(c.produce(p, 0, "a") == Errc::kNone);
  Partition* leader = c.leader_replica();
  CHECK(leader->last_stable_offset() == 0);
  CHECK(leader->log().high_watermark() == 1);
  REQUIRE(c.end(p, true) == Errc::kNone);
  c.run_for(sim::seconds(1));
  CHECK(leader->log().log_end_offset() == 2);  // the record and its marker
  CHECK(leader->last_stable_offset() == 2);
  CHECK(leader->transactions().aborted_between(0, 2).empty());
  REQUIRE(c.state() != nullptr);
  CHECK(c.state()->state == TxnState::kCompleteCommit);
}

TEST_CASE("fencing an ongoing transaction aborts it with the bumped epoch, which rejects the old producer's writes") {
  TxnCluster c;
  const InitProducerIdResponse old = c.init();
  REQUIRE(c.add_partition(old) == Errc::kNone);
  REQUIRE(c.produce(old, 0, "zombie") == Errc::kNone);
  const InitProducerIdResponse fresh = c.init();  // CONCURRENT_TRANSACTIONS until the abort completes
  REQUIRE(fresh.error == Errc::kNone);
  CHECK(fresh.producer_epoch == 2);  // one bump to fence, one for the new instance
  Partition* leader = c.leader_replica();
  CHECK(leader->transactions().aborted_between(0, 10).size() == 1);
  CHECK(leader->last_stable_offset() == leader->log().high_watermark());
  CHECK(c.produce(old, 1, "late") == Errc::kInvalidProducerEpoch);
}

TEST_CASE("KIP-890: a transactional write to a partition outside the transaction is rejected") {
  TxnCluster c;
  const InitProducerIdResponse p = c.init();
  CHECK(c.produce(p, 0, "unverified") == Errc::kInvalidTxnState);
  CHECK(c.leader_replica()->log().log_end_offset() == 0);
}

TEST_CASE("without KIP-890 verification the same write opens a transaction nobody will end") {
  Bugs bugs;
  bugs.txn_late_produce = true;
  TxnCluster c(bugs);
  const InitProducerIdResponse p = c.init();
  CHECK(c.produce(p, 0, "unverified") == Errc::kNone);
  c.run_for(sim::seconds(1));
  Partition* leader = c.leader_replica();
  CHECK(leader->log().high_watermark() == 1);
  CHECK(leader->last_stable_offset() == 0);  // a hanging transaction
}
