#include "harness/internal_topics.h"

#include "broker-model/offset_store.h"

namespace kafkasim::harness {

void add_internal_topics(const Scenario& scenario, kafka::ClusterSpec& spec) {
  if (!scenario.workload.subscribe) return;
  const kafka::Config& broker = spec.broker_config;
  kafka::TopicSpec offsets;
  offsets.name = kafka::kOffsetsTopic;
  offsets.partitions = broker.get_int("offsets.topic.num.partitions");
  offsets.replication_factor = broker.get_int("offsets.topic.replication.factor");
  offsets.config = kafka::Config::resolve(kafka::Scope::topic, nlohmann::json{{"cleanup.policy", "compact"}},
                                          "cluster.config", &broker);
  spec.topics.push_back(std::move(offsets));
}

}  // namespace kafkasim::harness
