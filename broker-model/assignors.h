// The consumer's partition assignors (classic protocol: the group leader
// runs the selected one on every member's subscription and sends the
// result in its SyncGroup). Names as in `partition.assignment.strategy`.
//
//   range               per topic, partitions in order split into
//                       contiguous ranges over the subscribed members in
//                       member id order; the first (partitions % members)
//                       get one more (Kafka's RangeAssignor).
//   roundrobin          all subscribed partitions in (topic, partition)
//                       order dealt to the members in member id order,
//                       skipping members not subscribed to the topic
//                       (RoundRobinAssignor).
//   cooperative-sticky  keeps every member's owned partitions that are
//                       still valid and within a balanced quota, hands the
//                       rest to the least loaded eligible members, and
//                       (KIP-429) leaves out of this assignment every
//                       partition that moves away from an owner: the owner
//                       revokes it first and rejoins, and the follow-up
//                       rebalance assigns it.
//
// Deterministic: results depend only on the arguments (member ids order
// the members, never container addresses).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "broker-model/group_protocol.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

struct AssignorMember {
  std::string member_id;
  Subscription subscription;
};

// member id -> assigned partitions (every member present, possibly empty),
// each list sorted.
using GroupAssignment = std::map<std::string, std::vector<TopicPartition>>;

// `partitions`: topic -> partition count, for every subscribed topic the
// leader knows; unknown topics get nothing.
GroupAssignment assign_range(const std::vector<AssignorMember>& members, const std::map<std::string, int32_t>& partitions);
GroupAssignment assign_roundrobin(const std::vector<AssignorMember>& members,
                                  const std::map<std::string, int32_t>& partitions);
GroupAssignment assign_cooperative_sticky(const std::vector<AssignorMember>& members,
                                          const std::map<std::string, int32_t>& partitions);

// By name; REQUIRES: one of range, roundrobin, cooperative-sticky.
GroupAssignment assign(const std::string& assignor, const std::vector<AssignorMember>& members,
                       const std::map<std::string, int32_t>& partitions);

// KIP-429: the cooperative protocol's assignor.
bool is_cooperative(const std::string& assignor);

}  // namespace kafkasim::kafka
