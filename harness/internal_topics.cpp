#include "harness/internal_topics.h"

#include "broker-model/offset_store.h"
#include "broker-model/transaction_state_topic.h"
#include "harness/ml_workload.h"
#include "harness/word_count_workload.h"

namespace kafkasim::harness {

void add_internal_topics(const Scenario& scenario, kafka::ClusterSpec& spec) {
  // The ml-pipeline's, word-count's and ride-sharing's services are
  // consumer groups (and, exactly-once, transactional producers).
  const bool ml = scenario.workload.kind == "ml-pipeline";
  const bool word_count = scenario.workload.kind == "word-count";
  const bool rides = scenario.workload.kind == "ride-sharing";
  const bool groups = ml || word_count || rides;
  const bool eos = groups && scenario.workload.streams.get_string("processing.guarantee") == "exactly_once_v2";
  if (scenario.workload.txn || eos) spec.topics.push_back(kafka::transaction_state_topic(spec.broker_config, spec.brokers));
  if (auto changelog = ml_changelog_topic(scenario)) spec.topics.push_back(std::move(*changelog));
  for (kafka::TopicSpec& t : word_count_internal_topics(scenario)) spec.topics.push_back(std::move(t));
  // Transactions that poll commit their offsets to the group (KIP-447).
  const bool txn_offsets = scenario.workload.txn && scenario.workload.txn_poll_ratio > 0;
  if (!scenario.workload.subscribe && !groups && !txn_offsets) return;
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
