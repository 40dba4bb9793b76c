#include "harness/scenario.h"

namespace kafkasim::harness {
namespace {

using nlohmann::json;

json range_json(const MsRange& r) { return {{"min", r.min}, {"max", r.max}}; }

json fault_json(const Fault& f) {
  json j = {{"at_ms", f.at_ms}, {"kind", std::string(to_string(f.kind))}};
  if (f.target) j[f.kind == FaultKind::partition ? "isolate" : "target"] = to_string(*f.target);
  if (!f.groups.empty()) {
    json groups = json::array();
    for (const auto& g : f.groups) {
      json group = json::array();
      for (const auto& t : g) group.push_back(to_string(t));
      groups.push_back(std::move(group));
    }
    j["groups"] = std::move(groups);
  }
  if (f.kind == FaultKind::partition || f.kind == FaultKind::clog) j["one_way"] = f.one_way;
  if (f.duration_ms) j["duration_ms"] = *f.duration_ms;
  if (f.kind == FaultKind::clog) j["latency_ms"] = f.latency_ms;
  if (f.kind == FaultKind::clock_skew) {
    j["offset_ms"] = f.offset_ms;
    j["drift_ppm"] = f.drift_ppm;
  }
  if (f.kind == FaultKind::power_loss) j["torn"] = f.torn;
  if (f.kind == FaultKind::move_leader) j["partition"] = f.partition;
  return j;
}

json nemesis_json(const Nemesis& n) {
  json kinds = json::array(), targets = json::array();
  for (FaultKind k : n.kinds) kinds.push_back(std::string(to_string(k)));
  for (NemesisTargets t : n.targets) targets.push_back(std::string(to_string(t)));
  return {{"kinds", kinds},
          {"interval_ms", range_json(n.interval_ms)},
          {"duration_ms", range_json(n.duration_ms)},
          {"max_concurrent", n.max_concurrent},
          {"targets", targets}};
}

json expect_json(const Expect& e) {
  json j = json::object();
  if (e.anomalies.empty()) {
    j["valid"] = e.valid;
  } else {
    j["anomalies"] = e.anomalies;
  }
  j["allow"] = e.allow;
  return j;
}

}  // namespace

json Scenario::to_json() const {
  json topics_json = json::array();
  for (const auto& t : topics) {
    topics_json.push_back({{"name", t.name},
                           {"partitions", t.partitions},
                           {"replication_factor", t.replication_factor},
                           {"config", t.config.to_json()}});
  }
  json faults_json = json::array();
  for (const auto& f : faults) faults_json.push_back(fault_json(f));
  json j = {
      {"name", name},
      {"description", description},
      {"seed", seed},
      {"duration_ms", duration_ms},
      {"cluster",
       {{"brokers", cluster.brokers}, {"controllers", cluster.controllers}, {"config", cluster.config.to_json()}}},
      {"network", {{"latency_ms", range_json(network.latency_ms)}}},
      {"topics", topics_json},
      {"workload",
       {{"kind", workload.kind},
        {"producers", workload.producers},
        {"consumers", workload.consumers},
        {"rate_per_s", workload.rate_per_s},
        {"txn", workload.txn},
        {"subscribe", workload.subscribe},
        {"keys", workload.keys},
        {"poll_interval_ms", workload.poll_interval_ms},
        {"producer", workload.producer.to_json()},
        {"consumer", workload.consumer.to_json()},
        {"abort_ratio", workload.abort_ratio},
        {"txn_poll_ratio", workload.txn_poll_ratio}}},
      {"faults", faults_json},
      {"recovery_ms", recovery_ms},
      {"bugs", bugs},
      {"expect", expect_json(expect)},
  };
  if (nemesis) j["nemesis"] = nemesis_json(*nemesis);
  if (workload.kind == "compacted-kv") {
    j["workload"]["record_keys"] = workload.record_keys;
    j["workload"]["tombstone_ratio"] = workload.tombstone_ratio;
  }
  // Absent when empty, so that scenarios without them keep their
  // canonical form (and fingerprint) of before these keys existed.
  if (!request_errors.empty()) j["request_errors"] = request_errors_json(request_errors);
  if (real != RealSpec{}) j["real"] = real_json(real);
  if (workload.kind == "ml-pipeline") j["workload"]["ml"] = harness::to_json(workload.ml);
  if (workload.kind == "ride-sharing") j["workload"]["rides"] = harness::to_json(workload.rides);
  if (workload.kind == "word-count") j["workload"]["word_count"] = harness::to_json(workload.word_count);
  if (workload.kind == "ml-pipeline" || workload.kind == "word-count" || workload.kind == "ride-sharing") {
    j["workload"]["streams"] = workload.streams.to_json();
  }
  return j;
}

}  // namespace kafkasim::harness
