#include <catch2/catch.hpp>

#include <set>

#include "broker-model/assignors.h"

using namespace kafkasim::kafka;

namespace {

AssignorMember member(std::string id, std::vector<std::string> topics, std::vector<TopicPartition> owned = {},
                      int32_t generation = -1) {
  return AssignorMember{std::move(id), Subscription{std::move(topics), std::move(owned), generation}};
}

TopicPartition tp(const std::string& topic, int32_t p) { return TopicPartition{topic, p}; }

// Every subscribed partition assigned exactly once.
void require_complete(const GroupAssignment& a, size_t partitions) {
  std::set<TopicPartition> seen;
  size_t total = 0;
  for (const auto& [id, tps] : a) {
    total += tps.size();
    seen.insert(tps.begin(), tps.end());
  }
  REQUIRE(total == partitions);
  REQUIRE(seen.size() == partitions);
}

}  // namespace

TEST_CASE("range gives each member a contiguous range per topic, the first members one more") {
  const std::vector<AssignorMember> members = {member("c2", {"a", "b"}), member("c1", {"a", "b"})};
  const GroupAssignment a = assign_range(members, {{"a", 3}, {"b", 3}});
  // Members in id order: c1 then c2; 3 partitions over 2 members: 2 + 1.
  REQUIRE(a.at("c1") == std::vector<TopicPartition>{tp("a", 0), tp("a", 1), tp("b", 0), tp("b", 1)});
  REQUIRE(a.at("c2") == std::vector<TopicPartition>{tp("a", 2), tp("b", 2)});
}

TEST_CASE("range assigns a topic only to the members subscribed to it") {
  const std::vector<AssignorMember> members = {member("c1", {"a"}), member("c2", {"a", "b"})};
  const GroupAssignment a = assign_range(members, {{"a", 2}, {"b", 2}});
  REQUIRE(a.at("c1") == std::vector<TopicPartition>{tp("a", 0)});
  REQUIRE(a.at("c2") == std::vector<TopicPartition>{tp("a", 1), tp("b", 0), tp("b", 1)});
}

TEST_CASE("roundrobin deals all partitions in order around the members") {
  const std::vector<AssignorMember> members = {member("c1", {"a", "b"}), member("c2", {"a", "b"}),
                                               member("c3", {"a", "b"})};
  const GroupAssignment a = assign_roundrobin(members, {{"a", 2}, {"b", 2}});
  REQUIRE(a.at("c1") == std::vector<TopicPartition>{tp("a", 0), tp("b", 1)});
  REQUIRE(a.at("c2") == std::vector<TopicPartition>{tp("a", 1)});
  REQUIRE(a.at("c3") == std::vector<TopicPartition>{tp("b", 0)});
  require_complete(a, 4);
}

TEST_CASE("roundrobin skips members not subscribed to a partition's topic") {
  const std::vector<AssignorMember> members = {member("c1", {"a"}), member("c2", {"b"})};
  const GroupAssignment a = assign_roundrobin(members, {{"a", 2}, {"b", 2}});
  REQUIRE(a.at("c1") == std::vector<TopicPartition>{tp("a", 0), tp("a", 1)});
  REQUIRE(a.at("c2") == std::vector<TopicPartition>{tp("b", 0), tp("b", 1)});
}

TEST_CASE("cooperative-sticky assigns a fresh group in balance") {
  const std::vector<AssignorMember> members = {member("c1", {"a"}), member("c2", {"a"}), member("c3", {"a"})};
  const GroupAssignment a = assign_cooperative_sticky(members, {{"a", 7}});
  require_complete(a, 7);
  for (const auto& [id, tps] : a) REQUIRE((tps.size() == 2 || tps.size() == 3));
}

TEST_CASE("cooperative-sticky keeps owned partitions when the group is balanced") {
  const std::vector<AssignorMember> members = {member("c1", {"a"}, {tp("a", 1), tp("a", 3)}, 4),
                                               member("c2", {"a"}, {tp("a", 0), tp("a", 2)}, 4)};
  const GroupAssignment a = assign_cooperative_sticky(members, {{"a", 4}});
  REQUIRE(a.at("c1") == std::vector<TopicPartition>{tp("a", 1), tp("a", 3)});
  REQUIRE(a.at("c2") == std::vector<TopicPartition>{tp("a", 0), tp("a", 2)});
}

TEST_CASE("cooperative-sticky withholds a partition that moves away from its owner until it is revoked (KIP-429)") {
  // c3 joins; c1 owns 3 of 4 partitions, more than its balanced quota.
  const std::vector<AssignorMember> members = {member("c1", {"a"}, {tp("a", 0), tp("a", 1), tp("a", 2)}, 2),
                                               member("c2", {"a"}, {tp("a", 3)}, 2), member("c3", {"a"})};
  const GroupAssignment first = assign_cooperative_sticky(members, {{"a", 4}});
  // c1 keeps two; the third must be revoked first, so nobody gets it now.
  REQUIRE(first.at("c1") == std::vector<TopicPartition>{tp("a", 0), tp("a", 1)});
  REQUIRE(first.at("c2") == std::vector<TopicPartition>{tp("a", 3)});
  REQUIRE(first.at("c3").empty());

  // The follow-up rebalance, after c1 revoked a-2: it goes to c3.
  const std::vector<AssignorMember> again = {member("c1", {"a"}, first.at("c1"), 3),
                                             member("c2", {"a"}, first.at("c2"), 3), member("c3", {"a"}, {}, 3)};
  const GroupAssignment second = assign_cooperative_sticky(again, {{"a", 4}});
  REQUIRE(second.at("c1") == first.at("c1"));
  REQUIRE(second.at("c2") == first.at("c2"));
  REQUIRE(second.at("c3") == std::vector<TopicPartition>{tp("a", 2)});
}

TEST_CASE("cooperative-sticky gives a partition claimed twice to the claim of the newer generation") {
  // c1 still claims a-0 from generation 3; c2 owned it in generation 4.
  const std::vector<AssignorMember> members = {member("c1", {"a"}, {tp("a", 0)}, 3),
                                               member("c2", {"a"}, {tp("a", 0)}, 4)};
  const GroupAssignment a = assign_cooperative_sticky(members, {{"a", 2}});
  REQUIRE(a.at("c2") == std::vector<TopicPartition>{tp("a", 0)});
  REQUIRE(a.at("c1") == std::vector<TopicPartition>{tp("a", 1)});
}

TEST_CASE("cooperative-sticky drops owned partitions of topics that no longer exist") {
  const std::vector<AssignorMember> members = {member("c1", {"a"}, {tp("a", 5)}, 1)};
  const GroupAssignment a = assign_cooperative_sticky(members, {{"a", 2}});
  REQUIRE(a.at("c1") == std::vector<TopicPartition>{tp("a", 0), tp("a", 1)});
}

TEST_CASE("assign picks the assignor by its partition.assignment.strategy name") {
  const std::vector<AssignorMember> members = {member("c1", {"a"}), member("c2", {"a"})};
  REQUIRE(assign("range", members, {{"a", 2}}) == assign_range(members, {{"a", 2}}));
  REQUIRE(assign("roundrobin", members, {{"a", 2}}) == assign_roundrobin(members, {{"a", 2}}));
  REQUIRE(assign("cooperative-sticky", members, {{"a", 2}}) == assign_cooperative_sticky(members, {{"a", 2}}));
  REQUIRE(is_cooperative("cooperative-sticky"));
  REQUIRE_FALSE(is_cooperative("range"));
}
