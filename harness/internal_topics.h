// Kafka's internal topics, added to a run's cluster when its workload
// needs them, as a broker creates them on first use: `__consumer_offsets`
// for consumer groups (workload.subscribe), with offsets.topic.num.partitions
// partitions, offsets.topic.replication.factor replicas and
// cleanup.policy=compact; replicated like any other topic. An
// exactly_once_v2 ml-pipeline also gets its feature service's changelog
// (Kafka Streams creates its stores' changelogs on startup).
#pragma once

#include "broker-model/cluster.h"
#include "harness/scenario.h"

namespace kafkasim::harness {

// Appends the internal topics `scenario`'s workload needs to spec.topics.
void add_internal_topics(const Scenario& scenario, kafka::ClusterSpec& spec);

}  // namespace kafkasim::harness
