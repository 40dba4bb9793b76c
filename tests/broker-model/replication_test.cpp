#include <catch2/catch.hpp>

#include "cluster_fixture.h"

#include "broker-model/invariants.h"

using namespace kafkasim;
using namespace kafkasim::test;

namespace {
bool in_isr(const PartitionState* s, int32_t broker) { return s != nullptr && s->in_isr(broker); }
}  // namespace

TEST_CASE("acks=all is acknowledged once every ISR member has the batch, and the HW covers it") {
  ClusterFixture f;
  const int32_t leader = f.leader();
  REQUIRE(leader != kNoLeader);
  auto r = f.produce(leader, -1, {"a", "b"});
  REQUIRE(r);
  REQUIRE(r->error == Errc::kNone);
  REQUIRE(r->base_offset == 0);
  REQUIRE(f.leader_replica()->log().high_watermark() >= 2);
  for (int32_t b : f.state()->replicas) REQUIRE(f.values(b).size() >= 2);
}

TEST_CASE("a paused follower stalls acks=all until it leaves the ISR after replica.lag.time.max.ms") {
  ClusterFixture f;
  const int32_t leader = f.leader();
  const int32_t slow = f.follower(0);
  f.sim().pause(f.cluster().broker(slow));
  const sim::SimTime before = f.sim().now();
  auto r = f.produce(leader, -1, {"a"}, sim::seconds(10));
  REQUIRE(r);
  REQUIRE(r->error == Errc::kNone);
  REQUIRE(f.sim().now() - before >= sim::milliseconds(2000));
  REQUIRE_FALSE(in_isr(f.state(), slow));
  REQUIRE(in_isr(f.state(), leader));
}

TEST_CASE("a follower rejoins the ISR only once it has caught up with the high watermark") {
  ClusterFixture f;
  const int32_t leader = f.leader();
  const int32_t slow = f.follower(0);
  f.sim().pause(f.cluster().broker(slow));
  REQUIRE(f.produce(leader, -1, {"a"}, sim::seconds(10))->error == Errc::kNone);
  REQUIRE(f.produce(leader, -1, {"b", "c"})->error == Errc::kNone);
  REQUIRE_FALSE(in_isr(f.state(), slow));
  f.sim().resume(f.cluster().broker(slow));
  f.run_for(sim::seconds(2));
  REQUIRE(in_isr(f.state(), slow));
  REQUIRE(f.values(slow) == f.values(leader));
}

TEST_CASE("acks=all is refused with NOT_ENOUGH_REPLICAS below min.insync.replicas, and the HW stays put") {
  ClusterFixture f;
  const int32_t leader = f.leader();
  REQUIRE(f.produce(leader, -1, {"a"})->error == Errc::kNone);
  f.sim().crash(f.cluster().broker(f.follower(0)));
  f.sim().crash(f.cluster().broker(f.follower(1)));
  f.run_for(sim::seconds(12));  // broker.session.timeout.ms: fenced, out of the ISR
  REQUIRE(f.state()->isr == std::vector<int32_t>{leader});
  auto refused = f.produce(leader, -1, {"b"});
  REQUIRE(refused);
  REQUIRE(refused->error == Errc::kNotEnoughReplicas);
  const int64_t hw = f.leader_replica()->log().high_watermark();
  auto acks1 = f.produce(leader, 1, {"c"});
  REQUIRE(acks1->error == Errc::kNone);
  // KIP-966: with one ISR member of the two required, nothing new commits.
  REQUIRE(f.leader_replica()->log().high_watermark() == hw);
  REQUIRE(f.leader_replica()->log().log_end_offset() == hw + 1);
}

TEST_CASE("a leader that wrote alone truncates to the new leader's log when it comes back") {
  ClusterOptions o;
  o.lag_time_max_ms = 60000;  // the followers stay in the ISR while paused
  o.min_insync_replicas = 1;
  ClusterFixture f(o);
  const int32_t old_leader = f.leader();
  REQUIRE(f.produce(old_leader, -1, {"a"})->error == Errc::kNone);
  // Cut the leader off from its followers (a paused process would still
  // receive what was in flight to it).
  const int32_t leader_node = f.cluster().broker(old_leader).id();
  for (int i = 0; i < 2; ++i) {
    const int32_t follower_node = f.cluster().broker(f.follower(i)).id();
    f.sim().network().cut(leader_node, follower_node);
    f.sim().network().cut(follower_node, leader_node);
  }
  REQUIRE(f.produce(old_leader, 1, {"only-on-old-leader-1", "only-on-old-leader-2"})->error == Errc::kNone);
  f.sim().crash(f.cluster().broker(old_leader));
  f.sim().network().heal_all();
  f.run_for(sim::seconds(12));
  const int32_t new_leader = f.leader();
  REQUIRE(new_leader != kNoLeader);
  REQUIRE(new_leader != old_leader);
  REQUIRE(f.produce(new_leader, -1, {"x", "y", "z"})->error == Errc::kNone);
  f.sim().restart(f.cluster().broker(old_leader));
  f.run_for(sim::seconds(3));
  REQUIRE(f.values(new_leader) == std::vector<std::string>{"a", "x", "y", "z"});
  REQUIRE(f.values(old_leader) == f.values(new_leader));
  REQUIRE(f.cluster().invariant_violations().empty());
}

TEST_CASE("an unclean election happens only when unclean.leader.election.enable is true") {
  for (bool unclean : {false, true}) {
    ClusterOptions o;
    o.unclean = unclean;
    o.min_insync_replicas = 1;
    ClusterFixture f(o);
    const int32_t leader = f.leader();
    const int32_t a = f.follower(0), b = f.follower(1);
    f.sim().crash(f.cluster().broker(a));
    f.sim().crash(f.cluster().broker(b));
    f.run_for(sim::seconds(12));
    REQUIRE(f.state()->isr == std::vector<int32_t>{leader});
    f.sim().crash(f.cluster().broker(leader));
    f.run_for(sim::seconds(1));
    f.sim().restart(f.cluster().broker(a));
    f.sim().restart(f.cluster().broker(b));
    f.run_for(sim::seconds(15));
    if (unclean) {
      REQUIRE(f.leader() != kNoLeader);
      REQUIRE(f.leader() != leader);
      REQUIRE(f.state()->in_isr(f.leader()));
      REQUIRE(f.cluster().invariants().exempt().count(f.tp) == 1);
    } else {
      REQUIRE(f.leader() == kNoLeader);
      REQUIRE(f.cluster().invariants().exempt().empty());
    }
  }
}

TEST_CASE("the last ISR member comes back from a crash without leading until every replica has reported") {
  // KIP-966: it may have lost its page cache; the longest log wins.
  ClusterOptions o;
  o.min_insync_replicas = 1;
  ClusterFixture f(o);
  const int32_t leader = f.leader();
  const int32_t a = f.follower(0), b = f.follower(1);
  REQUIRE(f.produce(leader, -1, {"a"})->error == Errc::kNone);
  f.sim().crash(f.cluster().broker(a));
  f.sim().crash(f.cluster().broker(b));
  f.run_for(sim::seconds(12));
  REQUIRE(f.produce(leader, -1, {"b", "c"})->error == Errc::kNone);
  f.sim().power_loss(f.cluster().broker(leader), /*torn=*/false);
  f.run_for(sim::seconds(1));
  f.sim().restart(f.cluster().broker(leader));
  f.run_for(sim::seconds(5));
  REQUIRE(f.leader() == kNoLeader);  // a and b have not reported yet
  f.sim().restart(f.cluster().broker(a));
  f.sim().restart(f.cluster().broker(b));
  f.run_for(sim::seconds(5));
  REQUIRE(f.leader() != kNoLeader);
  REQUIRE(f.values(f.leader()).size() >= 1);
}

TEST_CASE("the idempotent producer's retry is answered with the original offset") {
  ClusterFixture f;
  const int32_t leader = f.leader();
  // The same batch twice: producer id 5, epoch 0, sequence 0.
  auto send = [&] {
    auto result = std::make_shared<std::optional<ProduceResponse::PartitionResult>>();
    sim::Node* client = f.sim().find_node("client");
    const int32_t node = f.cluster().broker(leader).id();
    client->spawn("idempotent", [=] {
      RpcClient rpc(*client, node, kBrokerPort);
      auto req = std::make_unique<ProduceRequest>();
      ProduceRequest::PartitionData pd;
      pd.tp = TopicPartition{"t", 0};
      pd.batch.producer_id = 5;
      pd.batch.producer_epoch = 0;
      pd.batch.base_sequence = 0;
      pd.batch.records = {Record{"", "once", 0}};
      req->partitions.push_back(pd);
      auto resp = rpc.call<ProduceResponse>(std::move(req), sim::now() + sim::seconds(5));
      if (resp) *result = resp->partitions.front();
    });
    f.run_for(sim::seconds(1));
    return *result;
  };
  auto first = send();
  auto retry = send();
  REQUIRE(first);
  REQUIRE(retry);
  REQUIRE(first->error == Errc::kNone);
  REQUIRE(retry->error == Errc::kNone);
  REQUIRE(retry->base_offset == first->base_offset);
  REQUIRE(f.values(leader) == std::vector<std::string>{"once"});
}
