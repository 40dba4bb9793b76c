// Scenario keys for request-error injection and for `kafkasim real`
// (docs/scenario-format.md, docs/real-clients.md):
//
//   "request_errors": [{"at_ms": 5000, "api": "Produce", "errors": ["NOT_LEADER_OR_FOLLOWER"]}]
//       At at_ms, the cluster's next requests of `api` (whichever broker
//       gets them) are answered with these errors in turn instead of being
//       handled, as librdkafka's rd_kafka_mock_push_request_errors does.
//       The simulator honours it (broker-model/request_error_injection.h),
//       and so does `kafkasim real` on the mock cluster.
//   "real": {"client_config": {...}, "fault_commands": {KIND: {TARGET: CMD}}}
//       Only for `kafkasim real`: librdkafka settings given to every client
//       as they are (security settings, ...), and the shell commands that
//       inject each fault on a real cluster (--bootstrap).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

struct Scenario;

struct RequestErrors {
  std::int64_t at_ms = 0;
  std::string api = "Produce";      // the schema's request_errors.api enum
  std::vector<std::string> errors;  // names from the schema's request_error_name enum
  bool operator==(const RequestErrors&) const = default;
};

struct RealSpec {
  std::map<std::string, std::string> client_config;
  // fault kind -> target as written in the fault ("*" for a fault without
  // one, such as heal) -> shell command.
  std::map<std::string, std::map<std::string, std::string>> fault_commands;
  bool operator==(const RealSpec&) const = default;
};

// REQUIRES: `doc` satisfies the schema. Throw ScenarioError naming `file`.
std::vector<RequestErrors> read_request_errors(const nlohmann::json& doc, const std::string& file);
RealSpec read_real(const nlohmann::json& doc);
// at_ms within duration_ms; move-leader partitions and brokers exist.
void check_real_references(const Scenario& s, const std::string& file);

// Canonical-form members (Scenario::to_json).
nlohmann::json request_errors_json(const std::vector<RequestErrors>& r);
nlohmann::json real_json(const RealSpec& r);

// Why the simulator cannot run `s` (a move-leader fault: its controller
// elects leaders itself), naming the JSON path; nullopt when it can.
std::optional<std::string> unsupported_by_simulator(const Scenario& s);

}  // namespace kafkasim::harness
