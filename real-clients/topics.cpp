#include "real-clients/topics.h"

#include <memory>
#include <stdexcept>

namespace kafkasim::real {

namespace {

// Partition counts of the topics the cluster has, or nullopt on error.
std::map<std::string, int> existing_topics(rd_kafka_t* rk, std::string* error) {
  std::map<std::string, int> out;
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &md, 10000);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *error = std::string("cannot read the cluster's metadata: ") + rd_kafka_err2str(e);
    return out;
  }
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) out[md->topics[i].topic] = md->topics[i].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

}  // namespace

std::string ensure_topics(rd_kafka_t* admin, const harness::Scenario& s) {
  std::string error;
  const std::map<std::string, int> have = existing_topics(admin, &error);
  if (!error.empty()) return error;
  std::vector<rd_kafka_NewTopic_t*> create;
  char err[512];
  for (const harness::Topic& t : s.topics) {
    auto it = have.find(t.name);
    if (it != have.end()) {
      if (it->second < t.partitions) {
        error = "topic " + t.name + " has " + std::to_string(it->second) + " partitions, the scenario uses " +
                std::to_string(t.partitions);
        break;
      }
      continue;
    }
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication_factor, err, sizeof err);
    if (nt == nullptr) {
      error = "topic " + t.name + ": " + err;
      break;
    }
    create.push_back(nt);
  }
  if (error.empty() && !create.empty()) {
    rd_kafka_queue_t* q = rd_kafka_queue_new(admin);
    rd_kafka_CreateTopics(admin, create.data(), create.size(), nullptr, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
    if (ev == nullptr) {
      error = "creating the topics timed out";
    } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      error = std::string("cannot create the topics: ") + rd_kafka_event_error_string(ev);
    } else if (const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev)) {
      size_t n = 0;
      const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
      for (size_t i = 0; i < n && error.empty(); ++i) {
        const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          error = std::string("cannot create topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                  rd_kafka_err2str(e);
        }
      }
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
  }
  for (rd_kafka_NewTopic_t* nt : create) rd_kafka_NewTopic_destroy(nt);
  return error;
}

std::map<std::string, int64_t> high_watermarks(rd_kafka_t* client, const harness::Scenario& s) {
  std::map<std::string, int64_t> out;
  std::vector<std::string> topics = s.workload.keys;
  for (const std::string& name : topics) {
    for (const harness::Topic& t : s.topics) {
      if (t.name != name) continue;
      for (int p = 0; p < t.partitions; ++p) {
        int64_t low = 0, high = 0;
        const rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(client, t.name.c_str(), p, &low, &high, 10000);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
          throw std::runtime_error("cannot read the high watermark of " + t.name + "/" + std::to_string(p) + ": " +
                                   rd_kafka_err2str(e));
        }
        out[t.name + "/" + std::to_string(p)] = high;
      }
    }
  }
  return out;
}

}  // namespace kafkasim::real
