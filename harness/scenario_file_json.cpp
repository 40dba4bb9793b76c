#include "harness/scenario_file_json.h"

#include "harness/nemesis.h"

namespace kafkasim::harness {
namespace {

using ojson = nlohmann::ordered_json;

ojson config_json(const kafka::Config& c) { return ojson(c.non_default()); }

ojson range_json(const MsRange& r) { return ojson{{"min", r.min}, {"max", r.max}}; }

}  // namespace

ojson scenario_file_json(const Scenario& s) {
  ojson j;
  j["name"] = s.name;
  if (!s.description.empty()) j["description"] = s.description;
  j["seed"] = s.seed;
  j["duration_ms"] = s.duration_ms;
  j["cluster"] = ojson{{"brokers", s.cluster.brokers},
                       {"controllers", s.cluster.controllers},
                       {"config", config_json(s.cluster.config)}};
  j["network"] = ojson{{"latency_ms", range_json(s.network.latency_ms)}};
  ojson topics = ojson::array();
  for (const Topic& t : s.topics) {
    topics.push_back(ojson{{"name", t.name},
                           {"partitions", t.partitions},
                           {"replication_factor", t.replication_factor},
                           {"config", config_json(t.config)}});
  }
  j["topics"] = std::move(topics);
  j["workload"] = ojson{{"kind", s.workload.kind},
                        {"producers", s.workload.producers},
                        {"consumers", s.workload.consumers},
                        {"rate_per_s", s.workload.rate_per_s},
                        {"txn", s.workload.txn},
                        {"subscribe", s.workload.subscribe},
                        {"keys", s.workload.keys},
                        {"producer", config_json(s.workload.producer)},
                        {"consumer", config_json(s.workload.consumer)}};
  // Keys a file leaves out at their defaults.
  if (s.workload.poll_interval_ms != 0) j["workload"]["poll_interval_ms"] = s.workload.poll_interval_ms;
  if (s.workload.abort_ratio != 0) j["workload"]["abort_ratio"] = s.workload.abort_ratio;
  // Its default depends on txn: written whenever it applies.
  if (s.workload.txn || s.workload.txn_poll_ratio != 0) j["workload"]["txn_poll_ratio"] = s.workload.txn_poll_ratio;
  if (s.workload.kind == "ml-pipeline") {
    ojson ml = non_default_json(s.workload.ml);
    if (!ml.empty()) j["workload"]["ml"] = std::move(ml);
  }
  if (s.workload.kind == "ride-sharing") {
    ojson rides = non_default_json(s.workload.rides);
    if (!rides.empty()) j["workload"]["rides"] = std::move(rides);
  }
  if (s.workload.kind == "word-count") {
    ojson wc = non_default_json(s.workload.word_count);
    if (!wc.empty()) j["workload"]["word_count"] = std::move(wc);
  }
  if (s.workload.kind == "ml-pipeline" || s.workload.kind == "word-count" || s.workload.kind == "ride-sharing") {
    j["workload"]["streams"] = config_json(s.workload.streams);
  }
  if (s.workload.kind == "compacted-kv") {
    j["workload"]["record_keys"] = s.workload.record_keys;
    j["workload"]["tombstone_ratio"] = s.workload.tombstone_ratio;
  }
  ojson faults = ojson::array();
  for (const Fault& f : s.faults) faults.push_back(fault_to_json(f));
  j["faults"] = std::move(faults);
  if (s.nemesis) {
    ojson n = ojson(s.to_json()["nemesis"]);
    j["nemesis"] = std::move(n);
  }
  j["recovery_ms"] = s.recovery_ms;
  j["bugs"] = s.bugs;
  ojson expect = ojson::object();
  if (s.expect.anomalies.empty()) expect["valid"] = s.expect.valid;
  else expect["anomalies"] = s.expect.anomalies;
  expect["allow"] = s.expect.allow;
  j["expect"] = std::move(expect);
  return j;
}

}  // namespace kafkasim::harness
