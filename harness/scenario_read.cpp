#include "harness/scenario_read.h"

#include "harness/queue_workload.h"
#include "harness/ml_workload.h"
#include "harness/ride_workload.h"
#include "harness/word_count_workload.h"

#include <algorithm>

#include "harness/json_schema.h"

namespace kafkasim::harness {
namespace {

using nlohmann::json;
using kafka::json_member_path;

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    throw ScenarioError(file_, path, message);
  }

  kafka::Config config(kafka::Scope scope, const json& parent, const std::string& parent_path,
                       const kafka::Config* broker = nullptr) const {
    const char* key = scope == kafka::Scope::producer   ? "producer"
                      : scope == kafka::Scope::consumer ? "consumer"
                      : scope == kafka::Scope::streams  ? "streams"
                                                        : "config";
    try {
      return kafka::Config::resolve(scope, parent.value(key, json::object()),
                                    json_member_path(parent_path, key), broker);
    } catch (const kafka::ConfigError& e) {
      fail(e.path(), e.message());
    }
  }

  MsRange range(const json& j, const std::string& path) const {
    MsRange r{j.at("min").get<std::int64_t>(), j.at("max").get<std::int64_t>()};
    if (r.min > r.max) {
      fail(path, "min " + std::to_string(r.min) + " is more than max " + std::to_string(r.max));
    }
    return r;
  }

  Target target(const json& j, const std::string& path) const {
    std::string error;
    auto t = parse_target(j.get<std::string>(), &error);
    if (!t) fail(path, error + ", got " + kafka::describe_json_value(j));
    return *t;
  }

 private:
  const std::string& file_;
};

Cluster read_cluster(const Reader& r, const json& j) {
  Cluster c;
  c.brokers = j.at("brokers").get<int>();
  c.controllers = j.value("controllers", 1);
  c.config = r.config(kafka::Scope::broker, j, "cluster");
  return c;
}

std::vector<Topic> read_topics(const Reader& r, const json& j, const Cluster& cluster) {
  std::vector<Topic> topics;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const json& t = j[i];
    std::string path = json_index_path("topics", i);
    Topic topic;
    topic.name = t.at("name").get<std::string>();
    if (topic.name == "." || topic.name == "..") {
      r.fail(json_member_path(path, "name"), "\"" + topic.name + "\" is not a legal Kafka topic name");
    }
    if (topic.name.rfind("__", 0) == 0) {
      r.fail(json_member_path(path, "name"),
             "topic names starting with \"__\" are reserved for Kafka's internal topics");
    }
    for (std::size_t k = 0; k < topics.size(); ++k) {
      if (topics[k].name == topic.name) {
        r.fail(json_member_path(path, "name"),
               "\"" + topic.name + "\" is already the name of " + json_index_path("topics", k));
      }
    }
    topic.partitions = t.value("partitions", cluster.config.get_int("num.partitions"));
    topic.replication_factor =
        t.value("replication_factor", cluster.config.get_int("default.replication.factor"));
    if (topic.replication_factor > cluster.brokers) {
      std::string rf = std::to_string(topic.replication_factor);
      std::string brokers = "the " + std::to_string(cluster.brokers) + " broker" + (cluster.brokers == 1 ? "" : "s");
      if (t.contains("replication_factor")) {
        r.fail(json_member_path(path, "replication_factor"), rf + " is more than " + brokers);
      }
      r.fail(path, "replication_factor defaults to cluster.config[\"default.replication.factor\"], " + rf +
                       ", which is more than " + brokers);
    }
    topic.config = r.config(kafka::Scope::topic, t, path, &cluster.config);
    topics.push_back(std::move(topic));
  }
  return topics;
}

// workload.ml, and the topics the pipeline needs (harness/ml_pipeline.h).
void read_ml_pipeline(const Reader& r, const json& j, const std::vector<Topic>& topics, WorkloadSpec& w) {
  w.ml = ml_spec_from_json(j.value("ml", json::object()));
  w.ml.processing_guarantee = w.streams.get_string("processing.guarantee");
  if (auto problem = ml_pipeline_problem(w.ml, topics)) r.fail(problem->first, problem->second);
}

// workload.rides, and the topics the system needs (harness/ride_sharing_topology.h).
void read_ride_sharing(const Reader& r, const json& j, const std::vector<Topic>& topics, WorkloadSpec& w) {
  w.rides = ride_spec_from_json(j.value("rides", json::object()));
  w.rides.processing_guarantee = w.streams.get_string("processing.guarantee");
  if (auto problem = ride_sharing_problem(topics)) r.fail(problem->first, problem->second);
}

// workload.word_count, and the topics the job needs
// (harness/word_count_workload.h).
void read_word_count(const Reader& r, const json& j, const std::vector<Topic>& topics, WorkloadSpec& w) {
  w.word_count = word_count_spec_from_json(j.value("word_count", json::object()));
  if (auto problem = word_count_problem(topics)) r.fail(problem->first, problem->second);
}

WorkloadSpec read_workload(const Reader& r, const json& j, const std::vector<Topic>& topics) {
  WorkloadSpec w;
  w.kind = j.at("kind").get<std::string>();
  const auto& supported = supported_workload_kinds();
  if (std::find(supported.begin(), supported.end(), w.kind) == supported.end()) {
    r.fail("workload.kind", "\"" + w.kind + "\" is not supported yet (supported: queue, compacted-kv, ml-pipeline, word-count, ride-sharing)");
  }
  w.producers = j.value("producers", 1);
  w.consumers = j.value("consumers", 1);
  const bool queue_like = w.kind == "queue" || w.kind == "compacted-kv";
  if (queue_like && w.producers < 1) r.fail("workload.producers", "a " + w.kind + " workload needs at least 1 producer");
  if (queue_like && w.consumers < 1) r.fail("workload.consumers", "a " + w.kind + " workload needs at least 1 consumer");
  w.rate_per_s = j.value("rate_per_s", 100.0);
  w.txn = j.value("txn", false);
  w.subscribe = j.value("subscribe", false);
  if (j.contains("keys")) {
    w.keys = j["keys"].get<std::vector<std::string>>();
  } else {
    for (const auto& t : topics) w.keys.push_back(t.name);
  }
  w.poll_interval_ms = j.value("poll_interval_ms", std::int64_t{0});
  for (const char* key : {"record_keys", "tombstone_ratio"}) {
    if (j.contains(key) && w.kind != "compacted-kv")
      r.fail(std::string("workload.") + key, "only a compacted-kv workload has record keys and tombstones");
  }
  w.record_keys = j.value("record_keys", 10);
  w.tombstone_ratio = j.value("tombstone_ratio", 0.1);
  w.producer = r.config(kafka::Scope::producer, j, "workload");
  w.consumer = r.config(kafka::Scope::consumer, j, "workload");
  if (queue_like) w.consumer = queue_consumer_config(w.consumer);
  w.abort_ratio = j.value("abort_ratio", 0.0);
  if (w.abort_ratio > 0 && !w.txn) r.fail("workload.abort_ratio", "aborting needs transactions (workload.txn)");
  // Jepsen's txn ops draw each micro-op as a poll or a send with even odds.
  w.txn_poll_ratio = j.value("txn_poll_ratio", w.txn && w.kind == "queue" ? 0.5 : 0.0);
  if (w.txn_poll_ratio > 0 && !w.txn)
    r.fail("workload.txn_poll_ratio", "polls inside transactions need transactions (workload.txn)");
  if (w.txn_poll_ratio > 0 && w.kind != "queue")
    r.fail("workload.txn_poll_ratio", "only the queue workload polls inside transactions");
  // The stream-processing workloads share the streams configuration
  // (processing.guarantee).
  const bool streams = w.kind == "ml-pipeline" || w.kind == "word-count" || w.kind == "ride-sharing";
  if (j.contains("streams") && !streams)
    r.fail("workload.streams", "only the ml-pipeline, word-count and ride-sharing workloads have a streams block");
  if (streams) w.streams = r.config(kafka::Scope::streams, j, "workload");
  if (j.contains("ml") && w.kind != "ml-pipeline") r.fail("workload.ml", "only an ml-pipeline workload has an ml block");
  if (w.kind == "ml-pipeline") read_ml_pipeline(r, j, topics, w);
  if (j.contains("rides") && w.kind != "ride-sharing") r.fail("workload.rides", "only a ride-sharing workload has a rides block");
  if (w.kind == "ride-sharing") read_ride_sharing(r, j, topics, w);
  if (j.contains("word_count") && w.kind != "word-count")
    r.fail("workload.word_count", "only a word-count workload has a word_count block");
  if (w.kind == "word-count") read_word_count(r, j, topics, w);
  return w;
}

// Exactly one of two keys that say the same thing two ways.
void one_of(const Reader& r, const json& j, const std::string& path, const char* kind, const char* a,
            const char* b) {
  bool has_a = j.contains(a), has_b = j.contains(b);
  if (has_a == has_b) {
    r.fail(path, std::string("a ") + kind + " needs " + (has_a ? "only one of" : "one of") + " \"" + a +
                     "\" or \"" + b + "\"");
  }
}

Fault read_fault(const Reader& r, const json& j, const std::string& path) {
  Fault f;
  f.at_ms = j.at("at_ms").get<std::int64_t>();
  f.kind = *parse_fault_kind(j.at("kind").get<std::string>());
  const char* target_key = f.kind == FaultKind::partition ? "isolate" : "target";
  if (f.kind == FaultKind::partition) one_of(r, j, path, "partition", "isolate", "groups");
  if (f.kind == FaultKind::clog) one_of(r, j, path, "clog", "target", "groups");
  if (f.kind == FaultKind::clock_skew && !j.contains("offset_ms") && !j.contains("drift_ppm")) {
    r.fail(path, "a clock-skew needs \"offset_ms\" or \"drift_ppm\" (or both)");
  }
  if (j.contains(target_key)) f.target = r.target(j[target_key], json_member_path(path, target_key));
  if (j.contains("groups")) {
    std::vector<std::string> seen;  // text form of every node so far
    const json& groups = j["groups"];
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::string group_path = json_index_path(json_member_path(path, "groups"), g);
      f.groups.emplace_back();
      for (std::size_t n = 0; n < groups[g].size(); ++n) {
        std::string node_path = json_index_path(group_path, n);
        Target t = r.target(groups[g][n], node_path);
        if (std::find(seen.begin(), seen.end(), to_string(t)) != seen.end()) {
          r.fail(node_path, to_string(t) + " is in more than one group");
        }
        seen.push_back(to_string(t));
        f.groups.back().push_back(std::move(t));
      }
    }
  }
  f.one_way = j.value("one_way", false);
  if (j.contains("duration_ms")) f.duration_ms = j["duration_ms"].get<std::int64_t>();
  f.latency_ms = j.value("latency_ms", std::int64_t{0});
  f.offset_ms = j.value("offset_ms", std::int64_t{0});
  f.drift_ppm = j.value("drift_ppm", 0.0);
  f.torn = j.value("torn", false);
  f.partition = j.value("partition", std::string());
  return f;
}

Nemesis read_nemesis(const Reader& r, const json& j) {
  Nemesis n;
  for (const auto& k : j.at("kinds")) n.kinds.push_back(*parse_fault_kind(k.get<std::string>()));
  n.interval_ms = r.range(j.at("interval_ms"), "nemesis.interval_ms");
  n.duration_ms = r.range(j.at("duration_ms"), "nemesis.duration_ms");
  n.max_concurrent = j.value("max_concurrent", 1);
  if (j.contains("targets")) {
    n.targets.clear();
    for (const auto& t : j["targets"]) {
      std::string s = t.get<std::string>();
      n.targets.push_back(s == "brokers"       ? NemesisTargets::brokers
                          : s == "controllers" ? NemesisTargets::controllers
                                               : NemesisTargets::clients);
    }
  }
  return n;
}

Expect read_expect(const Reader& r, const json& j) {
  Expect e;
  if (j.contains("valid") && j.contains("anomalies")) {
    r.fail("expect", "give either \"valid\" or \"anomalies\", not both");
  }
  e.valid = j.value("valid", !j.contains("anomalies"));
  e.anomalies = j.value("anomalies", std::vector<std::string>{});
  e.allow = j.value("allow", std::vector<std::string>{});
  return e;
}

}  // namespace

Scenario read_scenario(const json& doc, const std::string& file) {
  Reader r(file);
  Scenario s;
  s.name = doc.at("name").get<std::string>();
  s.description = doc.value("description", "");
  s.seed = doc.value("seed", std::uint64_t{1});
  s.duration_ms = doc.at("duration_ms").get<std::int64_t>();
  s.cluster = read_cluster(r, doc.at("cluster"));
  if (doc.contains("network") && doc["network"].contains("latency_ms")) {
    s.network.latency_ms = r.range(doc["network"]["latency_ms"], "network.latency_ms");
  }
  s.topics = read_topics(r, doc.at("topics"), s.cluster);
  s.workload = read_workload(r, doc.at("workload"), s.topics);
  if (doc.contains("faults")) {
    const json& faults = doc["faults"];
    for (std::size_t i = 0; i < faults.size(); ++i) {
      s.faults.push_back(read_fault(r, faults[i], json_index_path("faults", i)));
    }
  }
  if (doc.contains("nemesis")) s.nemesis = read_nemesis(r, doc["nemesis"]);
  s.recovery_ms = doc.value("recovery_ms", std::int64_t{10000});
  s.bugs = doc.value("bugs", std::vector<std::string>{});
  if (doc.contains("expect")) s.expect = read_expect(r, doc["expect"]);
  s.request_errors = read_request_errors(doc, file);
  s.real = read_real(doc);
  return s;
}

}  // namespace kafkasim::harness
