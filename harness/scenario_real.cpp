#include "harness/scenario_real.h"

#include <algorithm>

#include "broker-model/config_catalog.h"
#include "harness/scenario.h"
#include "harness/json_schema.h"

namespace kafkasim::harness {

using nlohmann::json;
using kafka::json_member_path;

std::vector<RequestErrors> read_request_errors(const json& doc, const std::string& file) {
  std::vector<RequestErrors> out;
  if (!doc.contains("request_errors")) return out;
  for (const json& j : doc["request_errors"]) {
    RequestErrors r;
    r.at_ms = j.at("at_ms").get<std::int64_t>();
    r.api = j.value("api", std::string("Produce"));
    r.errors = j.at("errors").get<std::vector<std::string>>();
    out.push_back(std::move(r));
  }
  return out;
}

RealSpec read_real(const json& doc) {
  RealSpec r;
  if (!doc.contains("real")) return r;
  const json& j = doc["real"];
  if (j.contains("client_config")) r.client_config = j["client_config"].get<std::map<std::string, std::string>>();
  if (j.contains("fault_commands")) {
    r.fault_commands = j["fault_commands"].get<std::map<std::string, std::map<std::string, std::string>>>();
  }
  return r;
}

void check_real_references(const Scenario& s, const std::string& file) {
  for (std::size_t i = 0; i < s.request_errors.size(); ++i) {
    if (s.request_errors[i].at_ms > s.duration_ms) {
      throw ScenarioError(file, json_member_path(json_index_path("request_errors", i), "at_ms"),
                          std::to_string(s.request_errors[i].at_ms) +
                              " is after the end of the fault phase (duration_ms " + std::to_string(s.duration_ms) +
                              ")");
    }
  }
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const Fault& f = s.faults[i];
    if (f.kind != FaultKind::move_leader) continue;
    const std::string path = json_member_path(json_index_path("faults", i), "partition");
    const auto slash = f.partition.rfind('/');
    const std::string topic = f.partition.substr(0, slash);
    const int partition = std::stoi(f.partition.substr(slash + 1));
    auto t = std::find_if(s.topics.begin(), s.topics.end(), [&](const Topic& x) { return x.name == topic; });
    if (t == s.topics.end()) throw ScenarioError(file, path, "no topic named \"" + topic + "\"");
    if (partition >= t->partitions) {
      throw ScenarioError(file, path, topic + " has " + std::to_string(t->partitions) + " partition" +
                                          (t->partitions == 1 ? "" : "s"));
    }
  }
}

json request_errors_json(const std::vector<RequestErrors>& r) {
  json out = json::array();
  for (const RequestErrors& e : r) out.push_back({{"at_ms", e.at_ms}, {"api", e.api}, {"errors", e.errors}});
  return out;
}

json real_json(const RealSpec& r) {
  return {{"client_config", r.client_config}, {"fault_commands", r.fault_commands}};
}

std::optional<std::string> unsupported_by_simulator(const Scenario& s) {
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    if (s.faults[i].kind == FaultKind::move_leader) {
      return json_member_path(json_index_path("faults", i), "kind") +
             ": move-leader is only supported by `kafkasim real` on librdkafka's mock cluster (the simulated "
             "controller elects leaders itself)";
    }
  }
  return std::nullopt;
}

}  // namespace kafkasim::harness
