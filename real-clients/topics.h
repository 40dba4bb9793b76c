// The scenario's topics on a real cluster (--bootstrap): the ones missing
// are created with the scenario's partitions and replication factor; one
// that exists with fewer partitions than the workload uses is an error.
#pragma once

#include <map>
#include <string>

#include "harness/scenario.h"
#include "real-clients/rdkafka_handles.h"

namespace kafkasim::real {

// Returns "" or why the topics cannot be used. `admin` is any client of
// the cluster.
std::string ensure_topics(rd_kafka_t* admin, const harness::Scenario& s);

// Each key's high watermark now ("orders/0" -> offset): where this run's
// records start on a cluster that may hold older ones. Throws
// std::runtime_error when a watermark cannot be read.
std::map<std::string, int64_t> high_watermarks(rd_kafka_t* client, const harness::Scenario& s);

}  // namespace kafkasim::real
