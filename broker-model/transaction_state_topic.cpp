#include "broker-model/transaction_state_topic.h"

#include <algorithm>

#include "broker-model/metadata.h"
#include "broker-model/txn_metadata.h"

namespace kafkasim::kafka {

TopicSpec transaction_state_topic(const Config& broker_config, int brokers) {
  TopicSpec t;
  t.name = kTransactionStateTopic;
  t.partitions = broker_config.get_int("transaction.state.log.num.partitions");
  t.replication_factor = std::min(broker_config.get_int("transaction.state.log.replication.factor"), brokers);
  nlohmann::json config;
  config["min.insync.replicas"] = std::min(broker_config.get_int("transaction.state.log.min.isr"), t.replication_factor);
  config["unclean.leader.election.enable"] = false;
  t.config = Config::resolve(Scope::topic, config, "transaction_state_topic", &broker_config);
  return t;
}

sim::Node* transaction_coordinator(Cluster& cluster, const std::string& transactional_id) {
  const TopicInfo* topic = cluster.committed_metadata().topic(kTransactionStateTopic);
  if (topic == nullptr || topic->partitions <= 0) return nullptr;
  return cluster.leader_of(kTransactionStateTopic, transaction_state_partition(transactional_id, topic->partitions));
}

}  // namespace kafkasim::kafka
