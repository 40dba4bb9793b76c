// The KRaft controller (KIP-500, KIP-631): one voter of the controller
// quorum (raft_replica.h, KIP-595). The voter that leads the quorum is the
// active controller: it registers and fences brokers, elects partition
// leaders and validates ISR changes (KIP-841) by appending records to the
// metadata log. The others answer brokers with NOT_CONTROLLER and the
// leader they know.
//
// The active controller handles one request (or tick) at a time: it
// decides on the committed metadata image plus its own records of that
// request, then waits until the quorum has committed them before it
// answers. A request finding records of an earlier request still
// uncommitted waits for them (or times out): decisions are never made on
// an image the quorum may not commit. Broker sessions and KIP-966 log
// reports live in the active controller's memory; a newly active
// controller gives every registered broker a fresh session.
//
// KIP-966 (last replica standing): a broker that comes back from an unclean
// shutdown (any crash: it cannot know whether its page cache survived)
// leaves the ISR even where it was the last member; such a partition is
// recovered from the replica with the longest log once every replica has
// reported. The hw-ignores-min-isr bug switches this off.
//
// INVARIANTS (checked by the InvariantMonitor when records are committed):
//   - a leader is always a member of the ISR (clean election), or the ISR is
//     exactly the leader after an unclean election;
//   - a (partition, leader epoch) has at most one leader.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "broker-model/cluster_state.h"
#include "broker-model/metadata.h"
#include "broker-model/protocol.h"
#include "broker-model/raft_replica.h"
#include "sim/sync.h"
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

class Controller {
 public:
  // `id`: the controller id (controller-N is id N).
  Controller(sim::Node& node, int32_t id, std::shared_ptr<ClusterState> cluster);

  // Recovers the quorum state and metadata log from the disk and starts
  // serving.
  void start();
  const RaftReplica& raft() const { return raft_; }

 private:
  std::unique_ptr<Response> handle(Request& request);
  std::unique_ptr<Response> register_broker(const BrokerRegistrationRequest& r);
  std::unique_ptr<Response> heartbeat(const BrokerHeartbeatRequest& r);
  std::unique_ptr<Response> alter_partition(const AlterPartitionRequest& r);
  std::unique_ptr<Response> fetch_metadata(const FetchMetadataRequest& r);

  // Becomes the running request's owner of the active controller; kNone
  // when this voter is the caught-up quorum leader by `deadline`.
  Errc acquire(sim::SimTime deadline);
  // Waits until the running request's records are committed; false when
  // they were not by `deadline` (the leader lost the quorum).
  bool release(sim::SimTime deadline);
  int32_t leader_hint() const { return raft_.leader_node(); }
  // Appends a record to the metadata log and applies it to the working image.
  void commit(const MetadataRecord& record);
  void commit_partition(const PartitionState& state, bool unclean);
  void tick();
  void maybe_create_topics();
  void fence(int32_t broker);
  void unfence(int32_t broker);
  // Elects leaders where there is none and some replica can lead.
  void elect_leaderless();
  // The leader `state` should get after `broker` is fenced, or nullopt.
  PartitionState without_broker(const PartitionState& state, int32_t broker, bool* unclean) const;
  int32_t choose_leader(const PartitionState& state, bool* unclean) const;
  // KIP-966 unclean recovery of a partition whose ISR is empty: once every
  // replica is alive and has reported its log, the one with the greatest
  // (last epoch, log end offset). kNoLeader while waiting.
  int32_t recover_leader(const PartitionState& state) const;
  bool alive(int32_t broker) const;

  sim::Node& node_;
  std::shared_ptr<ClusterState> cluster_;
  RaftReplica raft_;
  sim::Mutex mutex_;       // one request at a time
  int32_t active_epoch_ = -1;  // the quorum epoch the volatile state below belongs to
  int64_t last_appended_ = -1;
  MetadataImage image_;    // committed image plus the running request's records
  std::map<int32_t, sim::SimTime> last_heartbeat_;
  // KIP-966: each broker's replica log ends, as last reported in this
  // registration (cleared when it registers again).
  std::map<int32_t, std::map<TopicPartition, ReplicaLogInfo>> log_info_;
  int64_t session_timeout_ms_;
};

}  // namespace kafkasim::kafka
