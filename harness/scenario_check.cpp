#include <algorithm>

#include "harness/bug_names.h"
#include "harness/json_schema.h"
#include "harness/scenario_read.h"

namespace kafkasim::harness {
namespace {

using kafka::json_member_path;

std::string count(int n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

const Topic* find_topic(const Scenario& s, const std::string& name) {
  auto it = std::find_if(s.topics.begin(), s.topics.end(), [&](const Topic& t) { return t.name == name; });
  return it == s.topics.end() ? nullptr : &*it;
}

std::vector<std::string> topic_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const auto& t : s.topics) names.push_back(t.name);
  return names;
}

std::string no_topic(const Scenario& s, const std::string& name) {
  return "no topic named \"" + name + "\" (topics: " + list_text(topic_names(s)) + ")";
}

// What is wrong with `t` in this scenario, or "". `crash_before`: some
// earlier fault or the nemesis may have crashed a node.
std::string target_problem(const Scenario& s, const Target& t, bool crash_before) {
  if (auto* b = std::get_if<BrokerTarget>(&t); b && b->id > s.cluster.brokers) {
    return "broker-" + std::to_string(b->id) + " does not exist: the cluster has " +
           count(s.cluster.brokers, "broker") + " (broker-1 to broker-" + std::to_string(s.cluster.brokers) + ")";
  }
  if (auto* c = std::get_if<ControllerTarget>(&t); c && c->id > s.cluster.controllers) {
    return "controller-" + std::to_string(c->id) + " does not exist: the cluster has " +
           count(s.cluster.controllers, "controller");
  }
  const std::string* topic = nullptr;
  int partition = 0;
  bool follower = false;
  if (auto* l = std::get_if<LeaderTarget>(&t)) {
    topic = &l->topic;
    partition = l->partition;
  } else if (auto* f = std::get_if<FollowerTarget>(&t)) {
    topic = &f->topic;
    partition = f->partition;
    follower = true;
  }
  if (topic) {
    const Topic* found = find_topic(s, *topic);
    if (!found) return no_topic(s, *topic);
    if (partition >= found->partitions) {
      return *topic + " has " + count(found->partitions, "partition") + " (0 to " +
             std::to_string(found->partitions - 1) + ")";
    }
    if (follower && found->replication_factor < 2) {
      return *topic + " has replication factor 1: its partitions have no follower";
    }
  }
  if (auto* c = std::get_if<ClientTarget>(&t)) {
    auto names = client_names(s.workload);
    if (std::find(names.begin(), names.end(), c->name) == names.end()) {
      return "no client named " + kafka::describe_json_value(c->name) + " (clients: " + list_text(names) + ")";
    }
  }
  if (std::holds_alternative<LeaderCrashedTarget>(t) && !crash_before) {
    return "leader-crashed names the node crashed last, but no earlier fault crashes one";
  }
  return "";
}

void check_faults(const Scenario& s, const std::string& file) {
  bool nemesis_crashes =
      s.nemesis && std::any_of(s.nemesis->kinds.begin(), s.nemesis->kinds.end(), [](FaultKind k) {
        return k == FaultKind::crash || k == FaultKind::power_loss;
      });
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const Fault& f = s.faults[i];
    std::string path = json_index_path("faults", i);
    if (f.at_ms > s.duration_ms) {
      throw ScenarioError(file, json_member_path(path, "at_ms"),
                          std::to_string(f.at_ms) + " is after the end of the fault phase (duration_ms " +
                              std::to_string(s.duration_ms) + ")");
    }
    bool crash_before = nemesis_crashes;
    for (std::size_t k = 0; k < s.faults.size(); ++k) {
      const Fault& g = s.faults[k];
      bool earlier = g.at_ms < f.at_ms || (g.at_ms == f.at_ms && k < i);  // same time: file order
      crash_before = crash_before || (earlier && (g.kind == FaultKind::crash || g.kind == FaultKind::power_loss));
    }
    if (f.target) {
      std::string problem = target_problem(s, *f.target, crash_before);
      const char* key = f.kind == FaultKind::partition ? "isolate" : "target";
      if (!problem.empty()) throw ScenarioError(file, json_member_path(path, key), problem);
    }
    for (std::size_t g = 0; g < f.groups.size(); ++g) {
      for (std::size_t n = 0; n < f.groups[g].size(); ++n) {
        std::string problem = target_problem(s, f.groups[g][n], crash_before);
        if (problem.empty()) continue;
        throw ScenarioError(file, json_index_path(json_index_path(json_member_path(path, "groups"), g), n),
                            problem);
      }
    }
  }
}

// Internal topics Kafka must create for the workload to make progress:
// their creation waits until the cluster has enough brokers.
void check_internal_topics(const Scenario& s, const std::string& file) {
  auto need = [&](const char* name, const char* why) {
    int rf = s.cluster.config.get_int(name);
    if (rf <= s.cluster.brokers) return;
    throw ScenarioError(file, "cluster",
                        std::string(name) + " is " + std::to_string(rf) + " but the cluster has " +
                            count(s.cluster.brokers, "broker") + ", so " + why +
                            "; set it in cluster.config");
  };
  if (s.workload.subscribe) {
    need("offsets.topic.replication.factor", "consumer groups (workload.subscribe) never get a coordinator");
  } else if (s.workload.txn && s.workload.txn_poll_ratio > 0) {
    need("offsets.topic.replication.factor", "transactions that poll (workload.txn_poll_ratio) never get a group coordinator");
  }
  if (s.workload.kind == "word-count") {
    need("offsets.topic.replication.factor", "the word-count instances' consumer group never gets a coordinator");
    if (s.workload.streams.get_string("processing.guarantee") == "exactly_once_v2") {
      need("transaction.state.log.replication.factor",
           "the word-count instances' transactions (exactly_once_v2) never get a coordinator");
    }
  }
  if (s.workload.txn) {
    need("transaction.state.log.replication.factor", "transactions (workload.txn) never get a coordinator");
  }
}

void check_workload(const Scenario& s, const std::string& file) {
  const WorkloadSpec& w = s.workload;
  for (std::size_t i = 0; i < w.keys.size(); ++i) {
    if (!find_topic(s, w.keys[i])) {
      throw ScenarioError(file, json_index_path("workload.keys", i), no_topic(s, w.keys[i]));
    }
  }
  check_internal_topics(s, file);
  const kafka::Config& broker = s.cluster.config;
  // The coordinator rejects InitProducerId with INVALID_TRANSACTION_TIMEOUT (KIP-98).
  auto txn_timeout = w.producer.get_long("transaction.timeout.ms");
  auto txn_max = broker.get_long("transaction.max.timeout.ms");
  if (w.txn && txn_timeout > txn_max) {
    throw ScenarioError(file, json_member_path("workload.producer", "transaction.timeout.ms"),
                        std::to_string(txn_timeout) + " is more than the brokers' transaction.max.timeout.ms (" +
                            std::to_string(txn_max) + ")");
  }
  // The coordinator rejects JoinGroup with INVALID_SESSION_TIMEOUT.
  auto session = w.consumer.get_long("session.timeout.ms");
  auto lo = broker.get_long("group.min.session.timeout.ms");
  auto hi = broker.get_long("group.max.session.timeout.ms");
  if (w.subscribe && (session < lo || session > hi)) {
    throw ScenarioError(file, json_member_path("workload.consumer", "session.timeout.ms"),
                        std::to_string(session) + " is outside the brokers' group.min/max.session.timeout.ms (" +
                            std::to_string(lo) + " to " + std::to_string(hi) + ")");
  }
}

void check_bugs(const Scenario& s, const std::string& file) {
  std::vector<std::string> names;
  for (const auto& b : known_bug_names()) names.emplace_back(b.name);
  for (std::size_t i = 0; i < s.bugs.size(); ++i) {
    if (find_bug(s.bugs[i])) continue;
    std::string message = "unknown bug \"" + s.bugs[i] + "\"";
    if (auto near = kafka::nearest_name(s.bugs[i], names)) message += "; did you mean \"" + *near + "\"?";
    throw ScenarioError(file, json_index_path("bugs", i),
                        message + " (`kafkasim list bugs` lists them)");
  }
}

}  // namespace

void check_references(const Scenario& s, const std::string& file) {
  check_workload(s, file);
  check_faults(s, file);
  check_bugs(s, file);
  check_real_references(s, file);
}

}  // namespace kafkasim::harness
