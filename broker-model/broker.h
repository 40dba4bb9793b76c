// A Kafka broker in KRaft mode: registers with the controller and
// heartbeats (KIP-631), learns metadata by fetching the metadata log, hosts
// partition replicas (partition.h) and answers clients and followers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include "broker-model/cluster_state.h"
#include "broker-model/controller_channel.h"
#include "broker-model/group_coordinator.h"
#include "broker-model/metadata.h"
#include "broker-model/partition.h"
#include "broker-model/protocol.h"
#include "broker-model/rpc.h"
#include "broker-model/txn_coordinator.h"
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

class Broker {
 public:
  Broker(sim::Node& node, int32_t id, std::shared_ptr<ClusterState> cluster);

  // Recovers the logs on the disk, then registers and starts serving.
  void start();

  int32_t id() const { return id_; }
  int64_t broker_epoch() const { return broker_epoch_; }
  sim::Node& node() { return node_; }
  ClusterState& cluster() { return *cluster_; }
  const Bugs& bugs() const { return cluster_->bugs; }
  const MetadataImage& metadata() const { return image_; }
  ControllerChannel& alter_partition_client() { return alter_partition_rpc_; }
  // The simulated node of broker `id`, or -1.
  int32_t node_of(int32_t broker_id) const;
  // Local time in ms (for lag and flush timers).
  int64_t now_ms() const { return node_.local_now() / sim::milliseconds(1); }
  int64_t config_long(const char* name) const { return cluster_->spec.broker_config.get_long(name); }

  // Wakes fetch requests parked for data (new records or a new HW).
  void notify_fetchers() { fetch_waiters_.notify_all(); }

  // The local replica of `tp`, or nullptr (for tests and reports).
  Partition* find_partition(const TopicPartition& tp) {
    auto it = partitions_.find(tp);
    return it == partitions_.end() ? nullptr : it->second.get();
  }
  bool fenced() const { return fenced_; }
  // The local replicas, in topic-partition order (for the log manager).
  std::vector<Partition*> local_partitions() {
    std::vector<Partition*> out;
    for (auto& [tp, p] : partitions_) out.push_back(p.get());
    return out;
  }
  GroupCoordinator& group_coordinator() { return groups_; }

  // Transactions (txn_broker.cpp).
  TxnCoordinator& txn_coordinator() { return txn_coordinator_; }
  // A replica changed role; the coordinator follows __transaction_state.
  void on_role_change(Partition& p);
  // KIP-890 part 1: asks the coordinator of `transactional_id` whether the
  // producer's transaction is ongoing and holds `tp`.
  Errc verify_transaction(const std::string& transactional_id, int64_t producer_id, int16_t producer_epoch,
                          const TopicPartition& tp);
  // A producer id unique in the cluster.
  int64_t allocate_producer_id();
  // Writes a transaction's marker to the local leader replica of `tp` and,
  // for __consumer_offsets, commits or drops the producer's pending
  // offsets: WriteTxnMarkers, and the coordinator's own local partitions.
  Errc write_txn_marker(const WriteTxnMarkersRequest& r, const TopicPartition& tp, sim::SimTime deadline);

 private:
  std::unique_ptr<Response> handle(Request& request);
  std::unique_ptr<Response> produce(const ProduceRequest& r);
  std::unique_ptr<Response> fetch(const FetchRequest& r);
  std::unique_ptr<Response> metadata_response();
  std::unique_ptr<Response> init_producer_id();
  std::unique_ptr<Response> find_coordinator(const std::string& transactional_id);
  std::unique_ptr<Response> write_txn_markers(const WriteTxnMarkersRequest& r);
  // The broker id leading the __transaction_state partition of the id, or
  // kNoLeader.
  int32_t txn_coordinator_of(const std::string& transactional_id) const;
  Partition* leader_partition(const TopicPartition& tp, Errc* error);
  // A single-partition request answered by the leader's replica, or with
  // the error that says why this broker is not it.
  template <typename Resp, typename Answer>
  std::unique_ptr<Response> at_leader(const TopicPartition& tp, Answer answer) {
    auto resp = std::make_unique<Resp>();
    Errc error = Errc::kNone;
    Partition* p = leader_partition(tp, &error);
    if (p == nullptr) {
      resp->error = error;
    } else {
      *resp = answer(*p);
    }
    return resp;
  }

  void recover_logs();
  LogConfig log_config(const TopicPartition& tp) const;
  Partition& partition(const TopicPartition& tp);
  void lifecycle_loop();
  void metadata_loop();
  // Acts on a partition's committed state: become leader or follower.
  void publish(const PartitionState& state);

  sim::Node& node_;
  int32_t id_;
  std::shared_ptr<ClusterState> cluster_;
  MetadataImage image_;
  std::map<TopicPartition, std::unique_ptr<Partition>> partitions_;
  std::set<TopicPartition> unpublished_;  // changed since the last publish
  int64_t broker_epoch_ = -1;
  bool fenced_ = true;
  ControllerChannel heartbeat_rpc_;
  ControllerChannel metadata_rpc_;
  ControllerChannel alter_partition_rpc_;
  sim::WaitQueue fetch_waiters_;
  int64_t next_producer_id_ = 0;
  GroupCoordinator groups_{*this};
  TxnCoordinator txn_coordinator_{*this};
};

}  // namespace kafkasim::kafka
