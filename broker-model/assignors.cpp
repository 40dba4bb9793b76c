#include "broker-model/assignors.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace kafkasim::kafka {
namespace {

bool subscribes(const AssignorMember& m, const std::string& topic) {
  const auto& t = m.subscription.topics;
  return std::find(t.begin(), t.end(), topic) != t.end();
}

std::vector<AssignorMember> by_id(std::vector<AssignorMember> members) {
  std::sort(members.begin(), members.end(),
            [](const AssignorMember& a, const AssignorMember& b) { return a.member_id < b.member_id; });
  return members;
}

GroupAssignment empty_assignment(const std::vector<AssignorMember>& members) {
  GroupAssignment a;
  for (const auto& m : members) a[m.member_id];
  return a;
}

void sort_lists(GroupAssignment& a) {
  for (auto& [id, tps] : a) std::sort(tps.begin(), tps.end());
}

// Every partition some member subscribes to, in (topic, partition) order.
std::vector<TopicPartition> subscribed_partitions(const std::vector<AssignorMember>& members,
                                                  const std::map<std::string, int32_t>& partitions) {
  std::vector<TopicPartition> out;
  for (const auto& [topic, count] : partitions) {
    const bool wanted = std::any_of(members.begin(), members.end(), [&](const auto& m) { return subscribes(m, topic); });
    if (!wanted) continue;
    for (int32_t p = 0; p < count; ++p) out.push_back(TopicPartition{topic, p});
  }
  return out;
}

}  // namespace

GroupAssignment assign_range(const std::vector<AssignorMember>& unsorted,
                             const std::map<std::string, int32_t>& partitions) {
  const std::vector<AssignorMember> members = by_id(unsorted);
  GroupAssignment a = empty_assignment(members);
  for (const auto& [topic, count] : partitions) {
    std::vector<const AssignorMember*> consumers;
    for (const auto& m : members) {
      if (subscribes(m, topic)) consumers.push_back(&m);
    }
    if (consumers.empty()) continue;
    const int32_t n = static_cast<int32_t>(consumers.size());
    const int32_t per = count / n;
    const int32_t extra = count % n;
    int32_t next = 0;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t take = per + (i < extra ? 1 : 0);
      for (int32_t k = 0; k < take; ++k) a[consumers[static_cast<size_t>(i)]->member_id].push_back({topic, next++});
    }
  }
  sort_lists(a);
  return a;
}

GroupAssignment assign_roundrobin(const std::vector<AssignorMember>& unsorted,
                                  const std::map<std::string, int32_t>& partitions) {
  const std::vector<AssignorMember> members = by_id(unsorted);
  GroupAssignment a = empty_assignment(members);
  if (members.empty()) return a;
  size_t next = 0;
  for (const TopicPartition& tp : subscribed_partitions(members, partitions)) {
    // The next member in the circle that subscribes to the topic.
    for (size_t tries = 0; tries < members.size(); ++tries) {
      const AssignorMember& m = members[next % members.size()];
      ++next;
      if (subscribes(m, tp.topic)) {
        a[m.member_id].push_back(tp);
        break;
      }
    }
  }
  sort_lists(a);
  return a;
}

GroupAssignment assign_cooperative_sticky(const std::vector<AssignorMember>& unsorted,
                                          const std::map<std::string, int32_t>& partitions) {
  const std::vector<AssignorMember> members = by_id(unsorted);
  GroupAssignment a = empty_assignment(members);
  if (members.empty()) return a;
  const std::vector<TopicPartition> all = subscribed_partitions(members, partitions);
  const std::set<TopicPartition> exists(all.begin(), all.end());

  // The valid previous owner of each partition: subscribed, existing; a
  // partition claimed twice goes to the claim of the highest generation.
  std::map<TopicPartition, const AssignorMember*> owner;
  for (const auto& m : members) {
    for (const TopicPartition& tp : m.subscription.owned_partitions) {
      if (!exists.count(tp) || !subscribes(m, tp.topic)) continue;
      auto it = owner.find(tp);
      if (it == owner.end() || m.subscription.generation > it->second->subscription.generation) owner[tp] = &m;
    }
  }

  // Balanced quotas: floor(P/M) each, and P % M members may hold one more.
  const size_t n = members.size();
  const size_t floor_quota = all.size() / n;
  size_t ceil_slots = all.size() % n;
  std::set<TopicPartition> assigned;
  for (const auto& m : members) {
    std::vector<TopicPartition> owned;
    for (const auto& [tp, o] : owner) {
      if (o == &m) owned.push_back(tp);
    }
    size_t keep = std::min(owned.size(), floor_quota);
    if (owned.size() > floor_quota && ceil_slots > 0) {
      ++keep;
      --ceil_slots;
    }
    for (size_t i = 0; i < keep; ++i) {
      a[m.member_id].push_back(owned[i]);
      assigned.insert(owned[i]);
    }
  }
  // The rest to the least loaded eligible member.
  for (const TopicPartition& tp : all) {
    if (assigned.count(tp)) continue;
    const AssignorMember* best = nullptr;
    for (const auto& m : members) {
      if (!subscribes(m, tp.topic)) continue;
      if (best == nullptr || a[m.member_id].size() < a[best->member_id].size()) best = &m;
    }
    if (best == nullptr) continue;
    a[best->member_id].push_back(tp);
    assigned.insert(tp);
  }
  // KIP-429: a partition moving away from its owner is not assigned in this
  // rebalance; its owner revokes it and rejoins first.
  for (auto& [id, tps] : a) {
    tps.erase(std::remove_if(tps.begin(), tps.end(),
                             [&, &member = id](const TopicPartition& tp) {
                               auto it = owner.find(tp);
                               return it != owner.end() && it->second->member_id != member;
                             }),
              tps.end());
  }
  sort_lists(a);
  return a;
}

bool is_cooperative(const std::string& assignor) { return assignor == "cooperative-sticky"; }

GroupAssignment assign(const std::string& assignor, const std::vector<AssignorMember>& members,
                       const std::map<std::string, int32_t>& partitions) {
  if (assignor == "range") return assign_range(members, partitions);
  if (assignor == "roundrobin") return assign_roundrobin(members, partitions);
  if (assignor == "cooperative-sticky") return assign_cooperative_sticky(members, partitions);
  throw std::invalid_argument("unknown assignor " + assignor);
}

}  // namespace kafkasim::kafka
