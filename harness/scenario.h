// A scenario file (SPEC.md §3, docs/scenario-format.md), loaded and
// validated: the plain values a run is built from. Every default is filled
// in; every reference (targets, topic names, bug and anomaly names) has
// been checked against the rest of the scenario.
//
// Loading never crashes on bad input: every problem is a ScenarioError
// naming the file and the JSON path of the offending value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker-model/config_catalog.h"
#include "harness/ml_spec.h"
#include "harness/ride_spec.h"
#include "harness/scenario_error.h"
#include "harness/scenario_real.h"
#include "harness/scenario_target.h"
#include "harness/word_count_spec.h"

namespace kafkasim::harness {

// An inclusive range of milliseconds; min <= max.
struct MsRange {
  std::int64_t min = 0;
  std::int64_t max = 0;
  bool operator==(const MsRange&) const = default;
};

struct Cluster {
  int brokers = 3;      // broker-1 .. broker-N
  int controllers = 1;  // KRaft controllers controller-1 .. controller-N
  kafka::Config config = kafka::Config::defaults(kafka::Scope::broker);
  bool operator==(const Cluster&) const = default;
};

struct Network {
  MsRange latency_ms{1, 5};  // one-way latency, drawn per message
  bool operator==(const Network&) const = default;
};

struct Topic {
  std::string name;
  int partitions = 1;          // default: num.partitions of the cluster
  int replication_factor = 1;  // default: default.replication.factor; <= brokers
  kafka::Config config = kafka::Config::defaults(kafka::Scope::topic);  // inherits broker defaults
  bool operator==(const Topic&) const = default;
};

// The scenario's `workload` key (harness::Workload is the running workload).
struct WorkloadSpec {
  std::string kind = "queue";  // one of workload_kinds(); supported_workload_kinds() run
  int producers = 1;           // clients producer-1 .. producer-N
  int consumers = 1;           // clients consumer-1 .. consumer-N
  double rate_per_s = 100;     // sends per second, all producers together
  bool txn = false;            // operations are transactions of sends and polls
  bool subscribe = false;      // consumers subscribe (consumer group) instead of assign
  std::vector<std::string> keys;  // topics the workload uses; default: all, in file order
  std::int64_t poll_interval_ms = 0;  // consumers wait this long after each poll (a slow application)
  int record_keys = 10;               // compacted-kv: distinct record keys per partition
  double tombstone_ratio = 0.1;       // compacted-kv: the share of sends that are tombstones
  kafka::Config producer = kafka::Config::defaults(kafka::Scope::producer);
  kafka::Config consumer = kafka::Config::defaults(kafka::Scope::consumer);
  double abort_ratio = 0;      // txn: the fraction of transactions aborted on purpose
  // txn: the chance that a micro-op of a transaction is a poll. A file's
  // queue workload with txn defaults to Jepsen's 0.5 (scenario_read.cpp);
  // a scenario built in code sends only unless it sets this.
  double txn_poll_ratio = 0;
  MlSpec ml;                   // ml-pipeline: workload.ml (harness/ml_spec.h)
  RideSpec rides;              // ride-sharing: workload.rides (harness/ride_spec.h)
  WordCountSpec word_count;    // word-count: workload.word_count (harness/word_count_spec.h)
  // word-count: workload.streams, the streams-scope settings (processing.guarantee).
  kafka::Config streams = kafka::Config::defaults(kafka::Scope::streams);
  bool operator==(const WorkloadSpec&) const = default;
};

// move_leader: only `kafkasim real` on librdkafka's mock cluster can do it
// (the simulator refuses it: unsupported_by_simulator()).
enum class FaultKind { crash, power_loss, restart, pause, resume, partition, heal, clog, clock_skew, move_leader };
std::string_view to_string(FaultKind k);                    // "power-loss", ...
std::optional<FaultKind> parse_fault_kind(std::string_view s);
const std::vector<FaultKind>& all_fault_kinds();

struct Fault {
  std::int64_t at_ms = 0;  // <= the scenario's duration_ms
  FaultKind kind = FaultKind::crash;
  // The node hit: "target", or "isolate" for a partition. Absent for heal,
  // and for a partition or clog given by groups.
  std::optional<Target> target;
  // partition, clog: nodes in different groups cannot talk (partition) or
  // talk slowly (clog). A node is in at most one group.
  std::vector<std::vector<Target>> groups;
  bool one_way = false;  // partition, clog: only traffic out of the target / first group
  std::optional<std::int64_t> duration_ms;  // the fault reverts itself after this long
  std::int64_t latency_ms = 0;              // clog: extra latency per message
  std::int64_t offset_ms = 0;               // clock-skew: local clock offset
  double drift_ppm = 0;                     // clock-skew: local clock drift rate
  bool torn = false;                        // power-loss: the last unflushed write is torn
  std::string partition;                    // move-leader: "TOPIC/P" whose leadership moves to target
  bool operator==(const Fault&) const = default;
};

enum class NemesisTargets { brokers, controllers, clients };
std::string_view to_string(NemesisTargets t);

struct Nemesis {
  std::vector<FaultKind> kinds;  // drawn from; never restart, resume or heal
  MsRange interval_ms;           // between the starts of two faults
  MsRange duration_ms;           // how long each lasts
  int max_concurrent = 1;
  std::vector<NemesisTargets> targets{NemesisTargets::brokers};
  bool operator==(const Nemesis&) const = default;
};

struct Expect {
  // true: no anomaly outside `allow`. false: the run must be invalid; then
  // each of `anomalies` (if any) must be found.
  bool valid = true;
  std::vector<std::string> anomalies;
  std::vector<std::string> allow;  // kinds that do not make a run invalid
  bool operator==(const Expect&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::int64_t duration_ms = 0;
  Cluster cluster;
  Network network;
  std::vector<Topic> topics;
  WorkloadSpec workload;
  std::vector<Fault> faults;  // in file order
  std::optional<Nemesis> nemesis;
  std::int64_t recovery_ms = 10000;
  std::vector<std::string> bugs;  // names from known_bug_names()
  Expect expect;
  std::vector<RequestErrors> request_errors;  // in file order (harness/scenario_real.h)
  RealSpec real;

  // The scenario in canonical form: every key (sorted by name, as
  // nlohmann::json keeps them; request_errors and real only when not
  // empty), defaults filled, every configuration setting listed. parse_scenario of its dump() gives an
  // equal Scenario.
  nlohmann::json to_json() const;
  bool operator==(const Scenario&) const = default;
};

// Nesting deeper than this is rejected before parsing (nlohmann's parser
// recurses); a scenario needs about 6 levels.
inline constexpr std::size_t kMaxScenarioDepth = 64;
// Files larger than this are rejected unread.
inline constexpr std::size_t kMaxScenarioBytes = 16 * 1024 * 1024;

// Reads, parses and validates a scenario file. The display name in errors
// is the file's name without its directories. Throws ScenarioError.
Scenario load_scenario_file(const std::string& path);

// Parses and validates scenario text: JSON syntax (with line and column),
// then structure (scenarios/scenario.schema.json), then meaning (Kafka
// configurations, references, ranges). Throws ScenarioError naming
// `display_name` and the JSON path of the first problem found.
Scenario parse_scenario(std::string_view text, const std::string& display_name);

// Every workload kind the format knows (the schema's list) and the ones
// kafkasim can run.
const std::vector<std::string>& workload_kinds();
const std::vector<std::string>& supported_workload_kinds();
// Every anomaly name `expect` accepts (the schema's list).
const std::vector<std::string>& known_anomaly_names();
// The client names of a workload, for client:NAME targets.
std::vector<std::string> client_names(const WorkloadSpec& w);

}  // namespace kafkasim::harness
