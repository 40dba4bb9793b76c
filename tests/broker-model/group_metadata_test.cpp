// The group state machine and generation fencing of the classic protocol
// (group_metadata.h), without a cluster.
#include <catch2/catch.hpp>

#include "broker-model/group_metadata.h"
#include "broker-model/offset_store.h"

using namespace kafkasim::kafka;

namespace {

MemberMetadata member(std::string id, std::vector<std::string> protocols = {"range"}) {
  MemberMetadata m;
  m.member_id = std::move(id);
  m.client_id = "client";
  m.session_timeout_ms = 6000;
  m.rebalance_timeout_ms = 10000;
  for (auto& p : protocols) m.protocols.push_back(JoinGroupRequest::Protocol{p, Subscription{{"t"}, {}, -1}});
  return m;
}

// A Stable group of generation 1 with members a and b.
GroupMetadata stable_group() {
  GroupMetadata g("g");
  g.join(member("a"), 0, 0);
  g.join(member("b"), 1, 0);
  REQUIRE(g.join_complete(1));
  g.complete_join(1);
  g.complete_sync({{"a", {TopicPartition{"t", 0}}}, {"b", {TopicPartition{"t", 1}}}});
  REQUIRE(g.state() == GroupState::kStable);
  REQUIRE(g.generation() == 1);
  return g;
}

}  // namespace

TEST_CASE("a group goes Empty, PreparingRebalance, CompletingRebalance, Stable as members join and sync") {
  GroupMetadata g("g");
  REQUIRE(g.state() == GroupState::kEmpty);
  g.join(member("a"), 0, /*initial_delay_ms=*/3000);
  REQUIRE(g.state() == GroupState::kPreparingRebalance);
  // KIP-134: an empty group waits for more members.
  REQUIRE_FALSE(g.join_complete(100));
  g.join(member("b"), 500, 3000);
  REQUIRE_FALSE(g.join_complete(3000));
  REQUIRE(g.join_complete(6000));
  g.complete_join(6000);
  REQUIRE(g.state() == GroupState::kCompletingRebalance);
  REQUIRE(g.generation() == 1);
  REQUIRE(g.has(g.leader()));
  REQUIRE(g.protocol() == "range");
  g.complete_sync({{"a", {TopicPartition{"t", 0}}}});
  REQUIRE(g.state() == GroupState::kStable);
  REQUIRE(g.member("a")->assignment == std::vector<TopicPartition>{TopicPartition{"t", 0}});
  REQUIRE(g.member("b")->assignment.empty());
}

TEST_CASE("a join phase ends once every member has rejoined, and drops the members that did not by the rebalance timeout") {
  GroupMetadata g = stable_group();
  g.join(member("a"), 100, 0);  // a rejoins: a rebalance starts
  REQUIRE(g.state() == GroupState::kPreparingRebalance);
  REQUIRE_FALSE(g.join_complete(200));
  REQUIRE(g.join_complete(100 + 10000));  // rebalance timeout: b never rejoined
  g.complete_join(100 + 10000);
  REQUIRE(g.generation() == 2);
  REQUIRE(g.has("a"));
  REQUIRE_FALSE(g.has("b"));
  REQUIRE(g.leader() == "a");
}

TEST_CASE("a member whose session expires is removed and the group rebalances") {
  GroupMetadata g = stable_group();
  g.renew("a", 5000);
  REQUIRE(g.expired_members(5999).empty());
  REQUIRE(g.expired_members(7000) == std::vector<std::string>{"b"});
  g.remove("b", 7000);
  REQUIRE(g.state() == GroupState::kPreparingRebalance);
  g.join(member("a"), 7100, 0);
  REQUIRE(g.join_complete(7100));
  g.complete_join(7100);
  REQUIRE(g.generation() == 2);
  REQUIRE(g.members().size() == 1);
}

TEST_CASE("a member awaiting the join phase does not expire") {
  GroupMetadata g = stable_group();
  g.join(member("a"), 100, 0);
  REQUIRE(g.expired_members(100 + 6000) == std::vector<std::string>{"b"});
}

TEST_CASE("the last member leaving empties the group in a new generation") {
  GroupMetadata g = stable_group();
  g.remove("a", 10);
  g.remove("b", 10);
  REQUIRE(g.state() == GroupState::kPreparingRebalance);
  REQUIRE(g.join_complete(10));
  g.complete_join(10);
  REQUIRE(g.state() == GroupState::kEmpty);
  REQUIRE(g.generation() == 2);
  REQUIRE(g.leader().empty());
}

TEST_CASE("the protocol every member supports and most prefer is selected, and an incompatible member is refused") {
  GroupMetadata g("g");
  g.join(member("a", {"roundrobin", "range"}), 0, 0);
  g.join(member("b", {"range", "roundrobin"}), 0, 0);
  g.join(member("c", {"range"}), 0, 0);
  g.complete_join(0);
  REQUIRE(g.protocol() == "range");
  REQUIRE_FALSE(g.supports({JoinGroupRequest::Protocol{"cooperative-sticky", {}}}));
  REQUIRE(g.supports({JoinGroupRequest::Protocol{"range", {}}}));
}

TEST_CASE("heartbeats of unknown members, older generations and during a rebalance are answered with the error that makes the member rejoin") {
  GroupMetadata g = stable_group();
  REQUIRE(g.validate_heartbeat("a", 1) == Errc::kNone);
  REQUIRE(g.validate_heartbeat("zombie", 1) == Errc::kUnknownMemberId);
  REQUIRE(g.validate_heartbeat("a", 0) == Errc::kIllegalGeneration);
  g.join(member("b"), 10, 0);
  REQUIRE(g.validate_heartbeat("a", 1) == Errc::kRebalanceInProgress);
}

TEST_CASE("an offset commit from a stale generation or an unknown member is rejected") {
  GroupMetadata g = stable_group();
  REQUIRE(g.validate_offset_commit("a", 1, false, false) == Errc::kNone);
  REQUIRE(g.validate_offset_commit("a", 0, false, false) == Errc::kIllegalGeneration);
  REQUIRE(g.validate_offset_commit("gone", 1, false, false) == Errc::kUnknownMemberId);
  // Outside group management (no member, no generation): only while Empty.
  REQUIRE(g.validate_offset_commit("", -1, false, false) == Errc::kUnknownMemberId);
  GroupMetadata empty("e");
  REQUIRE(empty.validate_offset_commit("", -1, false, false) == Errc::kNone);
}

TEST_CASE("a member commits its offsets while the group prepares a rebalance, not before it has its new assignment") {
  GroupMetadata g = stable_group();
  g.join(member("b"), 10, 0);  // PreparingRebalance, still generation 1
  REQUIRE(g.validate_offset_commit("a", 1, false, false) == Errc::kNone);
  g.join(member("a"), 20, 0);
  g.complete_join(20);  // generation 2, CompletingRebalance
  REQUIRE(g.validate_offset_commit("a", 2, false, false) == Errc::kRebalanceInProgress);
  REQUIRE(g.validate_offset_commit("a", 1, false, false) == Errc::kRebalanceInProgress);
  // KIP-447: a transactional commit of the current generation is fine.
  REQUIRE(g.validate_offset_commit("a", 2, /*transactional=*/true, false) == Errc::kNone);
  REQUIRE(g.validate_offset_commit("a", 1, /*transactional=*/true, false) == Errc::kIllegalGeneration);
}

TEST_CASE("with stale-generation-commit the coordinator accepts a commit from an old generation or a removed member") {
  GroupMetadata g = stable_group();
  REQUIRE(g.validate_offset_commit("a", 0, false, /*accept_stale=*/true) == Errc::kNone);
  REQUIRE(g.validate_offset_commit("gone", 1, false, /*accept_stale=*/true) == Errc::kNone);
  g.mark_dead();
  REQUIRE(g.validate_offset_commit("a", 1, false, true) == Errc::kCoordinatorNotAvailable);
}

TEST_CASE("a group restored from the offsets topic is Stable with its members, whose sessions start anew") {
  GroupMetadata g = stable_group();
  const Record rec = encode_group(g);
  const auto decoded = std::get<GroupMetadataRecord>(decode(rec));
  GroupMetadata loaded("g");
  loaded.restore(decoded.generation, decoded.protocol, decoded.leader, decoded.members, 50000);
  REQUIRE(loaded.state() == GroupState::kStable);
  REQUIRE(loaded.generation() == 1);
  REQUIRE(loaded.leader() == g.leader());
  REQUIRE(loaded.member("b")->assignment == std::vector<TopicPartition>{TopicPartition{"t", 1}});
  REQUIRE(loaded.expired_members(50000 + 5999).empty());
  REQUIRE(loaded.validate_offset_commit("a", 1, false, false) == Errc::kNone);
}

TEST_CASE("a group's partition of __consumer_offsets follows Java's String.hashCode") {
  REQUIRE(offsets_partition_for("test", 50) == 48);  // "test".hashCode() == 3556498
  REQUIRE(offsets_partition_for("", 50) == 0);
  for (const char* id : {"orders-group", "a", "kafkasim-queue"}) {
    const int32_t p = offsets_partition_for(id, 7);
    REQUIRE((p >= 0 && p < 7));
  }
}

TEST_CASE("the offset cache keeps the commit stored last in the log, whatever order commits complete in") {
  OffsetStore store;
  const TopicPartition tp{"t", 0};
  store.apply(tp, CommittedOffset{20, 1, /*record_offset=*/8});
  store.apply(tp, CommittedOffset{10, 1, /*record_offset=*/5});
  REQUIRE(store.get(tp)->offset == 20);
  store.apply(tp, CommittedOffset{30, 2, 9});
  REQUIRE(store.get(tp)->offset == 30);
  REQUIRE_FALSE(store.get(TopicPartition{"t", 1}));
  const auto c = std::get<OffsetCommitRecord>(decode(encode(OffsetCommitRecord{"g", tp, 42, 3})));
  REQUIRE(c.group_id == "g");
  REQUIRE(c.tp == tp);
  REQUIRE(c.offset == 42);
  REQUIRE(c.leader_epoch == 3);
}

TEST_CASE("a follower rejoining a Stable group with unchanged protocols keeps the generation, and the leader or a changed member starts a rebalance") {
  GroupMetadata g = stable_group();
  const std::string follower = g.leader() == "a" ? "b" : "a";
  REQUIRE(g.rejoin_keeps_generation(follower, member(follower).protocols));
  REQUIRE_FALSE(g.rejoin_keeps_generation(g.leader(), member(g.leader()).protocols));
  REQUIRE_FALSE(g.rejoin_keeps_generation(follower, member(follower, {"roundrobin"}).protocols));
  REQUIRE_FALSE(g.rejoin_keeps_generation("stranger", member("stranger").protocols));
  g.join(member(follower), 10, 0);
  g.join(member(g.leader()), 10, 0);
  g.complete_join(10);  // CompletingRebalance: anyone unchanged keeps it
  REQUIRE(g.rejoin_keeps_generation(g.leader(), member(g.leader()).protocols));
}
