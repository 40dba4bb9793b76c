// A client's metadata cache (librdkafka's rd_kafka_metadata_cache): which
// broker leads each partition in which epoch, learnt from Metadata requests
// to any reachable broker and refreshed when a request fails. It may be
// stale: clients act on it and learn from the errors they get.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "broker-model/metadata.h"
#include "broker-model/rpc.h"
#include "sim/simulation.h"

namespace kafkasim::kafka {

class ClientMetadata {
 public:
  // `bootstrap`: the simulated nodes of the bootstrap brokers.
  ClientMetadata(sim::Node& self, std::vector<int32_t> bootstrap);

  // Fetches fresh metadata (concurrent callers share one request).
  // Returns false when no broker answered by `deadline`.
  bool refresh(sim::SimTime deadline);

  const PartitionState* partition(const TopicPartition& tp) const;
  // The connection to broker `broker_id`, or nullptr if its address is unknown.
  RpcClient* connection(int32_t broker_id);
  // A connection to the next bootstrap broker (for requests any broker answers).
  RpcClient& any_connection();
  sim::SimTime last_refresh() const { return last_refresh_; }

 private:
  sim::Node& self_;
  std::vector<int32_t> bootstrap_;
  size_t next_bootstrap_ = 0;
  std::map<int32_t, int32_t> broker_nodes_;  // broker id -> node
  std::map<TopicPartition, PartitionState> partitions_;
  std::map<int32_t, std::unique_ptr<RpcClient>> connections_;  // by node
  bool refreshing_ = false;
  sim::WaitQueue refreshed_;
  sim::SimTime last_refresh_ = -1;
};

}  // namespace kafkasim::kafka
