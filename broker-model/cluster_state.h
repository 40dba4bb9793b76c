// What the nodes of one simulated cluster share beyond the network: the
// specification, the planted bugs, the ground-truth metadata (the committed
// metadata log as the active controller applied it) and the invariant
// monitor. Shared by pointer so that it outlives every node incarnation.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "broker-model/bugs.h"
#include "broker-model/controller_quorum_invariants.h"
#include "broker-model/cluster.h"
#include "broker-model/invariants.h"
#include "broker-model/metadata.h"
#include "broker-model/request_error_injection.h"

namespace kafkasim::kafka {

class ClusterState {
 public:
  explicit ClusterState(ClusterSpec spec) : spec(std::move(spec)), bugs(this->spec.bugs) {}

  ClusterSpec spec;
  Bugs bugs;
  MetadataImage truth;             // committed metadata, applied in order
  InvariantMonitor invariants;
  QuorumInvariants quorum_invariants;
  RequestErrorInjection request_errors;  // survives broker restarts, as the mock's error stacks
  std::map<int32_t, int32_t> broker_node;  // broker id -> sim node id
  std::map<int32_t, int32_t> node_broker;  // sim node id -> broker id
  std::vector<int32_t> controller_nodes;  // controller id N -> sim node, at [N-1]
};

}  // namespace kafkasim::kafka
