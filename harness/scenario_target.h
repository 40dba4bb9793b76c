// Fault targets of a scenario (SPEC.md §3): which node a fault hits. Some
// name a node directly, others a role resolved when the fault fires.
//   broker-N, controller-N            N counts from 1 (broker-1 is the first)
//   leader:TOPIC/P, follower:TOPIC/P  P counts from 0, as Kafka's partitions
//   controller-leader                 the active KRaft controller
//   coordinator:group/NAME            the group coordinator of group NAME
//   coordinator:txn/ID                the transaction coordinator of ID
//   random-broker                     a broker drawn from the nemesis stream
//   leader-crashed                    the node most recently crashed
//   client:NAME                       a workload client (producer-1, consumer-2)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace kafkasim::harness {

struct BrokerTarget {
  int id = 0;
  bool operator==(const BrokerTarget&) const = default;
};
struct ControllerTarget {
  int id = 0;
  bool operator==(const ControllerTarget&) const = default;
};
struct LeaderTarget {
  std::string topic;
  int partition = 0;
  bool operator==(const LeaderTarget&) const = default;
};
struct FollowerTarget {
  std::string topic;
  int partition = 0;
  bool operator==(const FollowerTarget&) const = default;
};
struct ControllerLeaderTarget {
  bool operator==(const ControllerLeaderTarget&) const = default;
};
struct GroupCoordinatorTarget {
  std::string group_id;
  bool operator==(const GroupCoordinatorTarget&) const = default;
};
struct TxnCoordinatorTarget {
  std::string transactional_id;
  bool operator==(const TxnCoordinatorTarget&) const = default;
};
struct RandomBrokerTarget {
  bool operator==(const RandomBrokerTarget&) const = default;
};
struct LeaderCrashedTarget {
  bool operator==(const LeaderCrashedTarget&) const = default;
};
struct ClientTarget {
  std::string name;
  bool operator==(const ClientTarget&) const = default;
};

using Target = std::variant<BrokerTarget, ControllerTarget, LeaderTarget, FollowerTarget,
                            ControllerLeaderTarget, GroupCoordinatorTarget, TxnCoordinatorTarget,
                            RandomBrokerTarget, LeaderCrashedTarget, ClientTarget>;

// Parses the grammar above; checks nothing against a cluster. On failure
// returns nullopt and sets *error (if given) to a message for a human.
std::optional<Target> parse_target(std::string_view text, std::string* error = nullptr);

// The target's text form: parse_target(to_string(t)) == t.
std::string to_string(const Target& t);

}  // namespace kafkasim::harness
