// The group coordinator in a simulated cluster, spoken to with raw
// requests: join/sync/heartbeat/leave, session expiry, generation fencing
// of offset commits, and failover with the leadership of __consumer_offsets.
#include <catch2/catch.hpp>

#include "group_fixture.h"

using namespace kafkasim;
using namespace kafkasim::kafka;
using namespace kafkasim::test;


TEST_CASE("FindCoordinator names the leader of the group's partition of __consumer_offsets") {
  GroupFixture f;
  for (int b = 1; b <= 3; ++b) {
    auto req = std::make_unique<FindCoordinatorRequest>();
    req->key = kGroup;
    auto r = f.call<FindCoordinatorResponse>(b, std::move(req));
    REQUIRE(r);
    REQUIRE(r->error == Errc::kNone);
    REQUIRE(r->node_id == f.coordinator());
  }
  const int32_t other = f.coordinator() % 3 + 1;
  auto j = f.call<JoinGroupResponse>(other, GroupFixture::join());
  REQUIRE(j->error == Errc::kNotCoordinator);
}

TEST_CASE("two members join one generation: the leader gets the subscriptions, both get its assignment") {
  GroupFixture f(/*initial_delay_ms=*/1000);
  auto a = f.send<JoinGroupResponse>(f.coordinator(), GroupFixture::join());
  auto b = f.send<JoinGroupResponse>(f.coordinator(), GroupFixture::join());
  f.run_for(sim::milliseconds(500));
  REQUIRE_FALSE(*a);  // KIP-134: the join phase waits for more members
  f.run_for(sim::seconds(2));
  REQUIRE(*a);
  REQUIRE(*b);
  const JoinGroupResponse ja = **a;
  const JoinGroupResponse jb = **b;
  REQUIRE(ja.error == Errc::kNone);
  REQUIRE(jb.error == Errc::kNone);
  REQUIRE(ja.generation_id == 1);
  REQUIRE(jb.generation_id == 1);
  REQUIRE(ja.leader == jb.leader);
  REQUIRE(ja.member_id != jb.member_id);
  const JoinGroupResponse& leader = ja.leader == ja.member_id ? ja : jb;
  const JoinGroupResponse& follower = ja.leader == ja.member_id ? jb : ja;
  REQUIRE(leader.members.size() == 2);
  REQUIRE(follower.members.empty());

  // The follower's SyncGroup waits for the leader's.
  auto fs = f.send<SyncGroupResponse>(f.coordinator(), GroupFixture::sync(follower));
  f.run_for(sim::milliseconds(200));
  REQUIRE_FALSE(*fs);
  REQUIRE(f.coordinator_of(f.coordinator()).group(kGroup)->state() == GroupState::kCompletingRebalance);
  auto ls = f.call<SyncGroupResponse>(f.coordinator(), GroupFixture::sync(leader));
  f.run_for(sim::milliseconds(100));
  REQUIRE(ls->error == Errc::kNone);
  REQUIRE(*fs);
  REQUIRE((*fs)->error == Errc::kNone);
  REQUIRE(ls->assignment.size() == 1);
  REQUIRE((*fs)->assignment.size() == 1);
  REQUIRE(ls->assignment != (*fs)->assignment);
  REQUIRE(f.coordinator_of(f.coordinator()).group(kGroup)->state() == GroupState::kStable);
  REQUIRE(f.call<HeartbeatResponse>(f.coordinator(), GroupFixture::heartbeat(leader))->error == Errc::kNone);
}

TEST_CASE("a member that stops heartbeating is removed after session.timeout.ms and the others are told to rejoin") {
  GroupFixture f(/*initial_delay_ms=*/300);
  auto a = f.send<JoinGroupResponse>(f.coordinator(), GroupFixture::join());
  auto b = f.send<JoinGroupResponse>(f.coordinator(), GroupFixture::join());
  f.run_for(sim::milliseconds(1000));
  REQUIRE(*a);
  REQUIRE(*b);
  const JoinGroupResponse ja = **a;
  const JoinGroupResponse jb = **b;
  auto sa = f.send<SyncGroupResponse>(f.coordinator(), GroupFixture::sync(ja));
  auto sb = f.send<SyncGroupResponse>(f.coordinator(), GroupFixture::sync(jb));
  f.run_for(sim::milliseconds(200));
  REQUIRE((*sa)->error == Errc::kNone);
  // Only a heartbeats, every second, for 8 s.
  Errc last = Errc::kNone;
  for (int i = 0; i < 8; ++i) {
    f.run_for(sim::seconds(1));
    last = f.call<HeartbeatResponse>(f.coordinator(), GroupFixture::heartbeat(ja))->error;
  }
  REQUIRE(last == Errc::kRebalanceInProgress);
  const GroupMetadata* g = f.coordinator_of(f.coordinator()).group(kGroup);
  REQUIRE_FALSE(g->has(jb.member_id));
  // b's heartbeat now: it is gone.
  REQUIRE(f.call<HeartbeatResponse>(f.coordinator(), GroupFixture::heartbeat(jb))->error == Errc::kUnknownMemberId);
  // a rejoins alone: generation 2.
  auto again = f.call<JoinGroupResponse>(f.coordinator(), GroupFixture::join(ja.member_id));
  REQUIRE(again->error == Errc::kNone);
  REQUIRE(again->generation_id == 2);
  REQUIRE(again->leader == ja.member_id);
}

TEST_CASE("LeaveGroup removes the member at once and the group rebalances without it") {
  GroupFixture f;
  const JoinGroupResponse j = f.join_alone();
  auto leave = std::make_unique<LeaveGroupRequest>();
  leave->group_id = kGroup;
  leave->member_id = j.member_id;
  REQUIRE(f.call<LeaveGroupResponse>(f.coordinator(), std::move(leave))->error == Errc::kNone);
  f.run_for(sim::milliseconds(200));
  const GroupMetadata* g = f.coordinator_of(f.coordinator()).group(kGroup);
  REQUIRE(g->state() == GroupState::kEmpty);
  REQUIRE(g->generation() == 2);
}

TEST_CASE("an offset commit from a member of an older generation is rejected and the committed offset stays") {
  GroupFixture f;
  const JoinGroupResponse first = f.join_alone();
  REQUIRE(f.call<OffsetCommitResponse>(f.coordinator(), GroupFixture::commit(first.member_id, 1, 10))->error() ==
          Errc::kNone);
  // The member rejoins: generation 2. A commit still carrying generation 1:
  auto j2 = f.call<JoinGroupResponse>(f.coordinator(), GroupFixture::join(first.member_id));
  REQUIRE(j2->generation_id == 2);
  REQUIRE(f.call<SyncGroupResponse>(f.coordinator(), GroupFixture::sync(*j2))->error == Errc::kNone);
  REQUIRE(f.call<OffsetCommitResponse>(f.coordinator(), GroupFixture::commit(first.member_id, 1, 5))->error() ==
          Errc::kIllegalGeneration);
  REQUIRE(f.call<OffsetCommitResponse>(f.coordinator(), GroupFixture::commit("stranger", 2, 5))->error() ==
          Errc::kUnknownMemberId);
  auto fetched = f.call<OffsetFetchResponse>(f.coordinator(), GroupFixture::fetch());
  REQUIRE(fetched->error == Errc::kNone);
  REQUIRE(fetched->partitions.at(0).offset == 10);
}

TEST_CASE("committed offsets and the group survive a coordinator failover: the new leader of the offsets partition loads them") {
  GroupFixture f;
  const JoinGroupResponse j = f.join_alone();
  REQUIRE(f.call<OffsetCommitResponse>(f.coordinator(), GroupFixture::commit(j.member_id, j.generation_id, 42))
              ->error() == Errc::kNone);
  const int32_t old = f.coordinator();
  f.sim().crash(f.cluster().broker(old));
  for (int i = 0; i < 100 && (f.coordinator() == old || f.coordinator() == kNoLeader); ++i) {
    f.run_for(sim::milliseconds(100));
  }
  const int32_t now = f.coordinator();
  REQUIRE(now != old);
  REQUIRE(now != kNoLeader);
  // Until loaded: COORDINATOR_LOAD_IN_PROGRESS, then the offset.
  std::unique_ptr<OffsetFetchResponse> fetched;
  for (int i = 0; i < 50; ++i) {
    fetched = f.call<OffsetFetchResponse>(now, GroupFixture::fetch());
    if (fetched && fetched->error == Errc::kNone) break;
    REQUIRE((!fetched || fetched->error == Errc::kCoordinatorLoadInProgress || fetched->error == Errc::kNotCoordinator));
    f.run_for(sim::milliseconds(100));
  }
  REQUIRE(fetched->error == Errc::kNone);
  REQUIRE(fetched->partitions.at(0).offset == 42);
  // The member's generation is still valid at the new coordinator.
  const GroupMetadata* g = f.coordinator_of(now).group(kGroup);
  REQUIRE(g->state() == GroupState::kStable);
  REQUIRE(g->generation() == j.generation_id);
  REQUIRE(f.call<HeartbeatResponse>(now, GroupFixture::heartbeat(j))->error == Errc::kNone);
  REQUIRE(f.call<OffsetCommitResponse>(now, GroupFixture::commit(j.member_id, j.generation_id, 50))->error() ==
          Errc::kNone);
  // The old coordinator comes back as a follower: NOT_COORDINATOR.
  f.sim().restart(f.cluster().broker(old));
  f.run_for(sim::seconds(3));
  REQUIRE(f.call<OffsetFetchResponse>(old, GroupFixture::fetch())->error == Errc::kNotCoordinator);
  REQUIRE(f.call<OffsetFetchResponse>(now, GroupFixture::fetch())->partitions.at(0).offset == 50);
}
