// The KRaft controller quorum (KIP-595, KIP-630) in a small simulated
// cluster: three controllers, three brokers, one topic. Votes are granted
// once per epoch and durably; a leader cut off from the majority commits
// nothing; the quorum fails over and brokers follow; a voter that missed
// the log below the leader's snapshot catches up from the snapshot.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "broker-model/cluster.h"
#include "broker-model/controller.h"
#include "broker-model/protocol.h"
#include "broker-model/raft_quorum_state.h"
#include "broker-model/rpc.h"
#include "sim/simulation.h"

using namespace kafkasim;
using namespace kafkasim::kafka;

namespace {

class QuorumFixture {
 public:
  explicit QuorumFixture(int64_t snapshot_bytes = 20971520) : sim_(options()), cluster_(sim_, spec(snapshot_bytes)) {
    client_ = &sim_.add_node("client", nullptr);
    cluster_.start();
    sim_.start(*client_);
    for (int i = 0; i < 100 && cluster_.committed_metadata().partition(TopicPartition{"t", 0}) == nullptr; ++i) {
      run_for(sim::milliseconds(100));
    }
  }

  sim::Simulation& sim() { return sim_; }
  Cluster& cluster() { return cluster_; }
  void run_for(sim::Duration d) { sim_.run_until(sim_.now() + d); }
  const Controller* controller(int id) { return cluster_.controller(id).state<Controller>(); }
  const RaftReplica& raft(int id) { return controller(id)->raft(); }
  // The controller id of the active controller, or 0.
  int active() {
    sim::Node* n = cluster_.active_controller();
    for (int id = 1; n != nullptr && id <= 3; ++id) {
      if (&cluster_.controller(id) == n) return id;
    }
    return 0;
  }
  int follower_of_active() { return active() == 1 ? 2 : 1; }

  // Sends one request to controller `id` from the client node and runs the
  // world until the answer.
  template <typename Resp, typename Req>
  std::unique_ptr<Resp> ask(int id, std::unique_ptr<Req> request) {
    auto out = std::make_shared<std::unique_ptr<Resp>>();
    auto done = std::make_shared<bool>(false);
    auto shared = std::make_shared<std::unique_ptr<Req>>(std::move(request));
    const int32_t node = cluster_.controller(id).id();
    sim::Node* client = client_;
    client_->spawn("ask", [=] {
      RpcClient rpc(*client, node, kControllerPort);
      *out = rpc.call<Resp>(std::move(*shared), sim::now() + sim::seconds(2));
      *done = true;
    });
    for (int i = 0; i < 300 && !*done; ++i) run_for(sim::milliseconds(10));
    return std::move(*out);
  }

 private:
  static sim::SimulationOptions options() {
    sim::SimulationOptions o;
    o.seed = 3;
    return o;
  }
  static ClusterSpec spec(int64_t snapshot_bytes) {
    ClusterSpec s;
    s.brokers = 3;
    s.controllers = 3;
    s.broker_config = Config::resolve(
        Scope::broker, nlohmann::json{{"metadata.log.max.record.bytes.between.snapshots", snapshot_bytes}},
        "cluster.config");
    TopicSpec t;
    t.name = "t";
    t.replication_factor = 3;
    t.config = Config::resolve(Scope::topic, nlohmann::json::object(), "topics[0].config", &s.broker_config);
    s.topics.push_back(t);
    return s;
  }

  sim::Simulation sim_;
  Cluster cluster_;
  sim::Node* client_ = nullptr;
};

std::unique_ptr<VoteRequest> vote(int32_t candidate, int32_t epoch, int32_t last_epoch, int64_t last_offset) {
  auto r = std::make_unique<VoteRequest>();
  r->candidate_id = candidate;
  r->candidate_epoch = epoch;
  r->last_offset_epoch = last_epoch;
  r->last_offset = last_offset;
  return r;
}

}  // namespace

TEST_CASE("the quorum elects one active controller and the brokers' topic is created through it") {
  QuorumFixture f;
  REQUIRE(f.active() != 0);
  const PartitionState* p = f.cluster().committed_metadata().partition(TopicPartition{"t", 0});
  REQUIRE(p != nullptr);
  REQUIRE(p->leader != kNoLeader);
  int leaders = 0;
  for (int id = 1; id <= 3; ++id) leaders += f.raft(id).is_leader() ? 1 : 0;
  REQUIRE(leaders == 1);
}

TEST_CASE("a voter grants one vote per epoch, durably, and only to a candidate whose log is up to date") {
  QuorumFixture f;
  const int voter = f.follower_of_active();
  const RaftReplica& r = f.raft(voter);
  const int32_t next = r.epoch() + 1;
  const int32_t last_epoch = r.log().last_epoch();
  const int64_t end = r.log().end_offset();

  SECTION("a candidate with a shorter log is refused, but the voter moves to its epoch") {
    auto resp = f.ask<VoteResponse>(voter, vote(3, next, last_epoch, end - 1));
    REQUIRE(resp);
    REQUIRE_FALSE(resp->vote_granted);
    REQUIRE(resp->leader_epoch >= next);
  }
  SECTION("the first up-to-date candidate gets the vote, a second one in that epoch does not") {
    const int other = voter == 1 ? 3 : (voter == 2 ? 3 : 2);
    auto first = f.ask<VoteResponse>(voter, vote(other, next + 5, last_epoch, end));
    REQUIRE(first);
    REQUIRE(first->vote_granted);
    // Stored and flushed before the answer.
    sim::Disk& disk = f.cluster().controller(voter).disk();
    REQUIRE(disk.unflushed_bytes(QuorumStateFile::kPath) == 0);
    REQUIRE(QuorumStateFile(disk).read().voted_for == other);
    REQUIRE(QuorumStateFile(disk).read().epoch == next + 5);

    auto again = f.ask<VoteResponse>(voter, vote(other, next + 5, last_epoch, end));
    REQUIRE(again->vote_granted);  // the same candidate asking again
    auto second = f.ask<VoteResponse>(voter, vote(voter, next + 5, last_epoch + 1, end + 10));
    REQUIRE_FALSE(second->vote_granted);
  }
  SECTION("a candidate of an older epoch is refused and told the current one") {
    auto resp = f.ask<VoteResponse>(voter, vote(3, r.epoch() - 1, last_epoch + 1, end + 10));
    REQUIRE_FALSE(resp->vote_granted);
    REQUIRE(resp->leader_epoch == r.epoch());
  }
}

TEST_CASE("a leader cut off from the majority commits nothing, the majority elects another and the old one follows it") {
  QuorumFixture f;
  const int old_leader = f.active();
  REQUIRE(old_leader != 0);
  const int64_t hw_before = f.raft(old_leader).high_watermark();
  const int32_t epoch_before = f.raft(old_leader).epoch();
  sim::Node& isolated = f.cluster().controller(old_leader);
  for (size_t n = 0; n < f.sim().node_count(); ++n) {
    if (static_cast<int32_t>(n) == isolated.id()) continue;
    f.sim().network().cut(isolated.id(), static_cast<int32_t>(n));
    f.sim().network().cut(static_cast<int32_t>(n), isolated.id());
  }
  // Brokers fail and come back meanwhile: the metadata keeps changing.
  f.sim().crash(f.cluster().broker(1));
  f.run_for(sim::seconds(3));
  f.sim().restart(f.cluster().broker(1));
  f.run_for(sim::seconds(12));
  REQUIRE(f.raft(old_leader).high_watermark() == hw_before);
  REQUIRE_FALSE(f.raft(old_leader).is_leader());  // resigned: no majority fetched from it
  const int new_leader = f.active();
  REQUIRE(new_leader != 0);
  REQUIRE(new_leader != old_leader);
  REQUIRE(f.raft(new_leader).epoch() > epoch_before);
  REQUIRE(f.raft(new_leader).high_watermark() > hw_before);
  // broker-1 re-registered with the new active controller.
  const BrokerRegistration* b1 = f.cluster().committed_metadata().broker(1);
  REQUIRE(b1 != nullptr);
  REQUIRE_FALSE(b1->fenced);

  f.sim().network().heal_all();
  f.run_for(sim::seconds(5));
  const RaftReplica& rejoined = f.raft(old_leader);
  REQUIRE(rejoined.role() == RaftReplica::Role::kFollower);
  const int leader_now = f.active();
  REQUIRE(rejoined.epoch() == f.raft(leader_now).epoch());
  REQUIRE(rejoined.high_watermark() > hw_before);
  for (int64_t o = rejoined.log().start_offset(); o < rejoined.high_watermark(); ++o) {
    if (o < f.raft(leader_now).log().start_offset()) continue;
    REQUIRE(rejoined.log().at(o).epoch == f.raft(leader_now).log().at(o).epoch);
  }
  REQUIRE(f.cluster().invariant_violations().empty());
}

TEST_CASE("a new leader exposes a high watermark only once an entry of its own epoch is committed") {
  QuorumFixture f;
  const int leader = f.active();
  const RaftReplica& r = f.raft(leader);
  // The LeaderChange entry of its epoch is below the high watermark.
  bool own_epoch_committed = false;
  for (int64_t o = std::max<int64_t>(r.log().start_offset(), 0); o < r.high_watermark(); ++o) {
    own_epoch_committed |= r.log().at(o).epoch == r.epoch();
  }
  REQUIRE(own_epoch_committed);
  // With both followers down, nothing the leader appends becomes committed.
  const int a = leader == 1 ? 2 : 1;
  const int b = leader == 3 ? 2 : 3;
  const int64_t hw = r.high_watermark();
  f.sim().crash(f.cluster().controller(a));
  f.sim().crash(f.cluster().controller(b));
  f.sim().crash(f.cluster().broker(2));
  f.run_for(sim::seconds(12));  // broker-2's session would expire: a fence record
  REQUIRE(f.raft(leader).high_watermark() == hw);
  f.sim().restart(f.cluster().controller(a));
  f.run_for(sim::seconds(5));
  REQUIRE(f.cluster().invariant_violations().empty());
  REQUIRE(f.active() != 0);
  REQUIRE(f.raft(f.active()).high_watermark() > hw);
}

TEST_CASE("a voter that was down while the leader snapshotted catches up by loading the leader's snapshot") {
  QuorumFixture f(/*snapshot_bytes=*/300);
  const int lagging = f.follower_of_active();
  f.sim().crash(f.cluster().controller(lagging));
  // Broker restarts make registration and fencing records.
  for (int round = 0; round < 4; ++round) {
    f.sim().crash(f.cluster().broker(1 + round % 3));
    f.run_for(sim::seconds(1));
    f.sim().restart(f.cluster().broker(1 + round % 3));
    f.run_for(sim::seconds(3));
  }
  const int leader = f.active();
  REQUIRE(leader != 0);
  const int64_t leader_start = f.raft(leader).log().start_offset();
  REQUIRE(leader_start > 0);
  f.sim().restart(f.cluster().controller(lagging));
  f.run_for(sim::seconds(3));
  const RaftReplica& caught_up = f.raft(lagging);
  REQUIRE(caught_up.log().snapshot().has_value());
  REQUIRE(caught_up.log().start_offset() >= leader_start);
  REQUIRE(caught_up.high_watermark() == f.raft(f.active()).high_watermark());
  REQUIRE(caught_up.committed().brokers() == f.raft(f.active()).committed().brokers());
  REQUIRE(caught_up.committed().partitions() == f.raft(f.active()).committed().partitions());
  REQUIRE(f.cluster().invariant_violations().empty());
}

TEST_CASE("the leader answers a fetch that does not match its log with where the logs agree, or with its snapshot") {
  QuorumFixture f(/*snapshot_bytes=*/300);
  // Broker restarts make enough records for a snapshot.
  for (int round = 0; round < 3; ++round) {
    f.sim().crash(f.cluster().broker(1 + round));
    f.run_for(sim::seconds(1));
    f.sim().restart(f.cluster().broker(1 + round));
    f.run_for(sim::seconds(3));
  }
  const int leader = f.active();
  REQUIRE(leader != 0);
  const RaftLog& log = f.raft(leader).log();
  REQUIRE(log.start_offset() > 0);
  REQUIRE(log.end_offset() > log.start_offset());
  const int follower = f.follower_of_active();
  auto fetch = [&](int64_t offset, int32_t last_epoch) {
    auto r = std::make_unique<QuorumFetchRequest>();
    r->replica_id = follower;
    r->current_leader_epoch = f.raft(leader).epoch();
    r->fetch_offset = offset;
    r->last_fetched_epoch = last_epoch;
    r->max_wait_ms = 1;
    return f.ask<QuorumFetchResponse>(leader, std::move(r));
  };

  SECTION("an entry of an epoch the leader never had: truncate to the end of the leader's epoch below it") {
    const int64_t end = log.end_offset();
    const int32_t last = log.last_epoch();
    auto resp = fetch(end + 3, last + 1);
    REQUIRE(resp);
    REQUIRE(resp->diverging_epoch.has_value());
    REQUIRE(*resp->diverging_epoch == OffsetAndEpoch{end, last});
    REQUIRE(resp->entries.empty());
  }
  SECTION("an offset beyond the leader's end of the follower's last epoch: truncate to that end") {
    const int32_t last = log.last_epoch();
    auto resp = fetch(log.end_offset() + 5, last);
    REQUIRE(resp->diverging_epoch.has_value());
    REQUIRE(resp->diverging_epoch->offset == log.end_offset());
  }
  SECTION("an offset below the log start offset: fetch the snapshot") {
    auto resp = fetch(log.start_offset() - 1, log.snapshot()->last_epoch);
    REQUIRE(resp->snapshot_id.has_value());
    REQUIRE(*resp->snapshot_id == OffsetAndEpoch{log.snapshot()->end_offset, log.snapshot()->last_epoch});
  }
  SECTION("a matching position gets the entries after it and the high watermark") {
    const int64_t from = log.end_offset() - 1;
    auto resp = fetch(from, from > log.start_offset() ? log.at(from - 1).epoch : log.snapshot()->last_epoch);
    REQUIRE_FALSE(resp->diverging_epoch.has_value());
    REQUIRE_FALSE(resp->snapshot_id.has_value());
    REQUIRE(resp->base_offset == from);
    REQUIRE(resp->entries.size() == 1);
    REQUIRE(resp->high_watermark == f.raft(leader).high_watermark());
  }
}
