// librdkafka's embedded mock cluster (rdkafka_mock.h), started in-process
// with a scenario's brokers and topics, and the fault operations it offers.
// Broker ids are 1..N, as the scenario's broker-N targets.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "real-clients/rdkafka_handles.h"

namespace kafkasim::real {

// librdkafka's code for a request_errors name (the scenario schema's
// request_error_name enum); TRANSPORT is librdkafka's local
// RD_KAFKA_RESP_ERR__TRANSPORT, on which the mock closes the connection
// instead of answering. nullopt for an unknown name.
std::optional<rd_kafka_resp_err_t> request_error_code(const std::string& name);
// librdkafka's ApiKey for a request_errors api ("Produce" -> 0).
std::optional<int16_t> api_key(const std::string& api);

class MockCluster {
 public:
  // Creates `brokers` brokers and every topic of `topics` (its replication
  // factor capped at the broker count).
  MockCluster(int brokers, const std::vector<harness::Topic>& topics);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }
  int brokers() const { return brokers_; }

  // Each returns "" or librdkafka's error.
  std::string set_down(int32_t broker);
  std::string set_up(int32_t broker);
  std::string set_rtt(int32_t broker, int rtt_ms);
  std::string set_leader(const std::string& topic, int32_t partition, int32_t broker);
  // The cluster's next `errors.size()` requests of `api` fail in turn.
  void push_request_errors(int16_t api, const std::vector<rd_kafka_resp_err_t>& errors);
  void clear_request_errors(int16_t api);

 private:
  Handle host_;  // the handle the mock cluster lives in
  rd_kafka_mock_cluster_t* mcluster_ = nullptr;
  std::string bootstrap_;
  int brokers_ = 0;
};

}  // namespace kafkasim::real
