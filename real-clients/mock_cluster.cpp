#include "real-clients/mock_cluster.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace kafkasim::real {

std::optional<rd_kafka_resp_err_t> request_error_code(const std::string& name) {
  static const std::map<std::string, rd_kafka_resp_err_t> codes = {
      {"NOT_LEADER_OR_FOLLOWER", RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION},
      {"LEADER_NOT_AVAILABLE", RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE},
      {"REQUEST_TIMED_OUT", RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT},
      {"TRANSPORT", RD_KAFKA_RESP_ERR__TRANSPORT},
      {"OUT_OF_ORDER_SEQUENCE_NUMBER", RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER},
      {"UNKNOWN_PRODUCER_ID", RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID},
      {"INVALID_PRODUCER_EPOCH", RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH},
      {"MESSAGE_TOO_LARGE", RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE},
      {"CORRUPT_MESSAGE", RD_KAFKA_RESP_ERR_INVALID_MSG},
      {"TOPIC_AUTHORIZATION_FAILED", RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED},
      {"UNKNOWN_TOPIC_OR_PARTITION", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART},
      {"NOT_ENOUGH_REPLICAS", RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS},
      {"NOT_ENOUGH_REPLICAS_AFTER_APPEND", RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND},
  };
  auto it = codes.find(name);
  if (it == codes.end()) return std::nullopt;
  return it->second;
}

std::optional<int16_t> api_key(const std::string& api) {
  if (api == "Produce") return int16_t{0};
  return std::nullopt;
}

MockCluster::MockCluster(int brokers, const std::vector<harness::Topic>& topics) : brokers_(brokers) {
  Conf conf(rd_kafka_conf_new());
  char err[512];
  // The host handle only carries the mock cluster's thread; it never connects.
  rd_kafka_conf_set(conf.get(), "log_level", "0", err, sizeof err);
  host_ = make_client(RD_KAFKA_PRODUCER, std::move(conf));
  mcluster_ = rd_kafka_mock_cluster_new(host_.get(), brokers);
  if (mcluster_ == nullptr) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(mcluster_);
  for (const harness::Topic& t : topics) {
    const int rf = std::min(t.replication_factor, brokers);
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mcluster_, t.name.c_str(), t.partitions, rf);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("the mock cluster cannot create topic " + t.name + ": " + rd_kafka_err2str(e));
    }
  }
}

MockCluster::~MockCluster() {
  if (mcluster_ != nullptr) rd_kafka_mock_cluster_destroy(mcluster_);
}

namespace {
std::string describe(rd_kafka_resp_err_t e) { return e == RD_KAFKA_RESP_ERR_NO_ERROR ? "" : rd_kafka_err2str(e); }
}  // namespace

std::string MockCluster::set_down(int32_t broker) { return describe(rd_kafka_mock_broker_set_down(mcluster_, broker)); }
std::string MockCluster::set_up(int32_t broker) { return describe(rd_kafka_mock_broker_set_up(mcluster_, broker)); }
std::string MockCluster::set_rtt(int32_t broker, int rtt_ms) {
  return describe(rd_kafka_mock_broker_set_rtt(mcluster_, broker, rtt_ms));
}
std::string MockCluster::set_leader(const std::string& topic, int32_t partition, int32_t broker) {
  return describe(rd_kafka_mock_partition_set_leader(mcluster_, topic.c_str(), partition, broker));
}
void MockCluster::push_request_errors(int16_t api, const std::vector<rd_kafka_resp_err_t>& errors) {
  rd_kafka_mock_push_request_errors_array(mcluster_, api, errors.size(), errors.data());
}
void MockCluster::clear_request_errors(int16_t api) { rd_kafka_mock_clear_request_errors(mcluster_, api); }

}  // namespace kafkasim::real
