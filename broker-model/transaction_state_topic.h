// The __transaction_state internal topic (KIP-98), as a topic of the
// cluster's spec: the harness adds it when the workload uses transactions
// (Kafka creates it on the first FindCoordinator).
#pragma once

#include "broker-model/cluster.h"

namespace kafkasim::kafka {

// transaction.state.log.num.partitions partitions, replication factor
// transaction.state.log.replication.factor (at most the broker count: the
// scenario loader rejects more), min.insync.replicas
// transaction.state.log.min.isr, never unclean.
TopicSpec transaction_state_topic(const Config& broker_config, int brokers);

// The broker node coordinating `transactional_id` now (the leader of its
// __transaction_state partition in the committed metadata), or nullptr.
sim::Node* transaction_coordinator(Cluster& cluster, const std::string& transactional_id);

}  // namespace kafkasim::kafka
