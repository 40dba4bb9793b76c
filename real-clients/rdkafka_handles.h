// Owning handles for librdkafka objects, and librdkafka configurations built
// from a scenario: the workload's explicit producer or consumer settings
// (kafkasim's catalog names are librdkafka's) followed by the scenario's
// real.client_config, passed as they are.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario.h"

namespace kafkasim::real {

struct RdkafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using Handle = std::unique_ptr<rd_kafka_t, RdkafkaDeleter>;
using Conf = std::unique_ptr<rd_kafka_conf_t, RdkafkaDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, RdkafkaDeleter>;

// A setting librdkafka refused, or a client it could not create: bad input
// (exit status 2). what() names the scenario key.
class ClientConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Settings = std::vector<std::pair<std::string, std::string>>;  // in order; later ones win

// librdkafka's string form of each explicit setting of `config`, each
// paired with its scenario path ("workload.producer[\"acks\"]").
std::vector<std::pair<std::string, std::pair<std::string, std::string>>> explicit_settings(
    const kafka::Config& config, const std::string& path);

// A configuration of `settings` (each with the scenario path it came from,
// for errors). Throws ClientConfigError.
Conf make_conf(const std::vector<std::pair<std::string, std::pair<std::string, std::string>>>& settings);

// Creates a client; throws ClientConfigError with librdkafka's reason.
Handle make_client(rd_kafka_type_t type, Conf conf);

}  // namespace kafkasim::real
