#include "harness/scenario.h"

#include <array>
#include <fstream>
#include <sstream>

#include "harness/ride_workload.h"
#include "harness/scenario_json.h"
#include "harness/scenario_read.h"
#include "harness/scenario_schema.h"

namespace kafkasim::harness {
namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 10> kFaultNames = {{
    {FaultKind::crash, "crash"},
    {FaultKind::power_loss, "power-loss"},
    {FaultKind::restart, "restart"},
    {FaultKind::pause, "pause"},
    {FaultKind::resume, "resume"},
    {FaultKind::partition, "partition"},
    {FaultKind::heal, "heal"},
    {FaultKind::clog, "clog"},
    {FaultKind::clock_skew, "clock-skew"},
    {FaultKind::move_leader, "move-leader"},
}};

std::vector<std::string> schema_enum(const char* def) {
  return scenario_schema().document().at("$defs").at(def).at("enum").get<std::vector<std::string>>();
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string_view to_string(FaultKind k) {
  for (const auto& [kind, name] : kFaultNames) {
    if (kind == k) return name;
  }
  return "?";
}

std::optional<FaultKind> parse_fault_kind(std::string_view s) {
  for (const auto& [kind, name] : kFaultNames) {
    if (name == s) return kind;
  }
  return std::nullopt;
}

const std::vector<FaultKind>& all_fault_kinds() {
  static const std::vector<FaultKind> kinds = [] {
    std::vector<FaultKind> out;
    for (const auto& [kind, name] : kFaultNames) out.push_back(kind);
    return out;
  }();
  return kinds;
}

std::string_view to_string(NemesisTargets t) {
  switch (t) {
    case NemesisTargets::brokers: return "brokers";
    case NemesisTargets::controllers: return "controllers";
    case NemesisTargets::clients: return "clients";
  }
  return "?";
}

const std::vector<std::string>& workload_kinds() {
  static const std::vector<std::string> kinds = schema_enum("workload_kind");
  return kinds;
}

const std::vector<std::string>& supported_workload_kinds() {
  static const std::vector<std::string> kinds = {"queue", "compacted-kv", "ml-pipeline", "word-count", "ride-sharing"};
  return kinds;
}

const std::vector<std::string>& known_anomaly_names() {
  static const std::vector<std::string> names = schema_enum("anomaly");
  return names;
}

std::vector<std::string> client_names(const WorkloadSpec& w) {
  std::vector<std::string> names;
  if (w.kind == "ml-pipeline") {
    // harness/ml_workload.cpp adds them in this order.
    for (int i = 1; i <= w.ml.sensors; ++i) names.push_back("sensor-" + std::to_string(i));
    for (int i = 1; i <= w.ml.feature_instances; ++i) names.push_back("feature-" + std::to_string(i));
    for (int i = 1; i <= w.ml.inference_instances; ++i) names.push_back("inference-" + std::to_string(i));
    for (const char* n : {"monitor-1", "trainer-1", "auditor-1"}) names.push_back(n);
    return names;
  }
  if (w.kind == "ride-sharing") return ride_sharing_client_names(w.rides);
  if (w.kind == "word-count") {
    // harness/word_count_workload.cpp adds them in this order.
    for (int i = 1; i <= w.word_count.producers; ++i) names.push_back("producer-" + std::to_string(i));
    for (int i = 1; i <= w.word_count.instances; ++i) names.push_back("instance-" + std::to_string(i));
    names.push_back("auditor-1");
    return names;
  }
  for (int i = 1; i <= w.producers; ++i) names.push_back("producer-" + std::to_string(i));
  for (int i = 1; i <= w.consumers; ++i) names.push_back("consumer-" + std::to_string(i));
  return names;
}

Scenario parse_scenario(std::string_view text, const std::string& display_name) {
  if (text.size() > kMaxScenarioBytes) {
    throw ScenarioError(display_name, "",
                        "the file is larger than " + std::to_string(kMaxScenarioBytes) + " bytes");
  }
  nlohmann::json doc = parse_json_text(text, display_name, kMaxScenarioDepth);
  auto violations = scenario_schema().validate(doc);
  if (!violations.empty()) {
    throw ScenarioError(display_name, violations.front().path, violations.front().message);
  }
  Scenario s = read_scenario(doc, display_name);
  check_references(s, display_name);
  return s;
}

Scenario load_scenario_file(const std::string& path) {
  std::string name = base_name(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(name, "", "cannot open " + path);
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) throw ScenarioError(name, "", "cannot read " + path);
  if (static_cast<std::uint64_t>(size) > kMaxScenarioBytes) {
    throw ScenarioError(name, "", "the file is larger than " + std::to_string(kMaxScenarioBytes) + " bytes");
  }
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), size)) throw ScenarioError(name, "", "cannot read " + path);
  return parse_scenario(text, name);
}

}  // namespace kafkasim::harness
