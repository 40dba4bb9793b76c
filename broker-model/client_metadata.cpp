#include "broker-model/client_metadata.h"

namespace kafkasim::kafka {

ClientMetadata::ClientMetadata(sim::Node& self, std::vector<int32_t> bootstrap)
    : self_(self), bootstrap_(std::move(bootstrap)) {}

bool ClientMetadata::refresh(sim::SimTime deadline) {
  if (refreshing_) {
    const sim::SimTime before = last_refresh_;
    while (refreshing_) {
      if (!refreshed_.wait(deadline)) return false;
    }
    return last_refresh_ != before;
  }
  refreshing_ = true;
  bool ok = false;
  // Ask the bootstrap brokers in turn, as librdkafka picks any usable one.
  for (size_t tries = 0; tries < bootstrap_.size() && sim::now() < deadline; ++tries) {
    auto resp = any_connection().call<MetadataResponse>(std::make_unique<MetadataRequest>(),
                                             std::min(deadline, sim::now() + sim::seconds(2)));
    if (!resp || resp->partitions.empty()) continue;
    for (const auto& b : resp->brokers) broker_nodes_[b.id] = b.node;
    for (const PartitionState& p : resp->partitions) {
      auto it = partitions_.find(p.tp);
      // Never go back to an older leader epoch (KIP-320).
      if (it == partitions_.end() || it->second.leader_epoch <= p.leader_epoch) partitions_[p.tp] = p;
    }
    ok = true;
    break;
  }
  refreshing_ = false;
  if (ok) last_refresh_ = sim::now();
  refreshed_.notify_all();
  return ok;
}

const PartitionState* ClientMetadata::partition(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

RpcClient& ClientMetadata::any_connection() {
  const int32_t node = bootstrap_[next_bootstrap_++ % bootstrap_.size()];
  auto& conn = connections_[node];
  if (!conn) conn = std::make_unique<RpcClient>(self_, node, kBrokerPort);
  return *conn;
}

RpcClient* ClientMetadata::connection(int32_t broker_id) {
  auto it = broker_nodes_.find(broker_id);
  if (it == broker_nodes_.end()) return nullptr;
  auto& conn = connections_[it->second];
  if (!conn) conn = std::make_unique<RpcClient>(self_, it->second, kBrokerPort);
  return conn.get();
}

}  // namespace kafkasim::kafka
