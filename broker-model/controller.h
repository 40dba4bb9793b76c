// The KRaft controller (KIP-500, KIP-631), as one process: it owns the
// metadata log, registers and fences brokers, elects partition leaders and
// validates ISR changes (KIP-841). The quorum of several controllers (KIP-595)
// replaces the single log behind the same requests.
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
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

class Controller {
 public:
  Controller(sim::Node& node, std::shared_ptr<ClusterState> cluster);

  // Recovers the metadata log from the disk and starts serving.
  void start();

 private:
  std::unique_ptr<Response> handle(Request& request);
  std::unique_ptr<Response> register_broker(const BrokerRegistrationRequest& r);
  std::unique_ptr<Response> heartbeat(const BrokerHeartbeatRequest& r);
  std::unique_ptr<Response> alter_partition(const AlterPartitionRequest& r);
  std::unique_ptr<Response> fetch_metadata(const FetchMetadataRequest& r);

  // Appends a record to the metadata log: durable (flushed) before it is
  // applied and visible, as a single-voter quorum commits.
  void commit(const MetadataRecord& record);
  void commit_partition(const PartitionState& state, bool unclean);
  void recover();
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
  MetadataImage image_;
  std::vector<MetadataRecord> log_;
  std::map<int32_t, sim::SimTime> last_heartbeat_;
  // KIP-966: each broker's replica log ends, as last reported in this
  // registration (cleared when it registers again).
  std::map<int32_t, std::map<TopicPartition, ReplicaLogInfo>> log_info_;
  sim::WaitQueue metadata_waiters_;
  int64_t session_timeout_ms_;
};

}  // namespace kafkasim::kafka
