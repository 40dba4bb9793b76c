#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "broker-model/config_catalog.h"
#include "harness/bug_names.h"
#include "harness/scenario.h"
#include "harness/scenario_schema.h"

using namespace kafkasim::harness;
using nlohmann::json;

namespace {

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/" + relative, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& format_doc() {
  static const std::string doc = read_source_file("docs/scenario-format.md");
  return doc;
}

bool documented(const std::string& name) {
  return format_doc().find("`" + name + "`") != std::string::npos;
}

// Every key named under "properties" anywhere in the schema.
void collect_properties(const json& schema, std::set<std::string>& out) {
  if (!schema.is_object()) return;
  for (const auto& [key, value] : schema.items()) {
    if (key == "properties") {
      for (const auto& [name, sub] : value.items()) out.insert(name);
    }
    if (value.is_object() || value.is_array()) {
      for (const auto& sub : value) collect_properties(sub, out);
    }
  }
}

std::vector<std::string> fault_kind_names() {
  std::vector<std::string> names;
  for (FaultKind k : all_fault_kinds()) names.emplace_back(to_string(k));
  return names;
}

}  // namespace

TEST_CASE("Every configuration name of the catalog is documented in docs/scenario-format.md") {
  for (const auto& e : kafkasim::kafka::config_catalog()) {
    INFO(e.name);
    CHECK(documented(e.name));
    for (const auto& alias : e.name_aliases) CHECK(documented(alias));
  }
}

TEST_CASE("Every key, fault kind, workload kind, anomaly and bug is documented") {
  std::set<std::string> keys;
  collect_properties(scenario_schema().document(), keys);
  CHECK(keys.count("replication_factor"));
  for (const auto& key : keys) {
    INFO("key " << key);
    CHECK(documented(key));
  }
  for (const auto& kind : fault_kind_names()) CHECK(documented(kind));
  for (const auto& kind : workload_kinds()) CHECK(documented(kind));
  for (const auto& name : known_anomaly_names()) CHECK(documented(name));
  for (const auto& bug : known_bug_names()) CHECK(documented(std::string(bug.name)));
  for (const char* target : {"broker-N", "controller-N", "leader:TOPIC/P", "follower:TOPIC/P",
                             "controller-leader", "coordinator:group/NAME", "coordinator:txn/ID",
                             "random-broker", "leader-crashed", "client:NAME"}) {
    CHECK(documented(target));
  }
}

TEST_CASE("The embedded schema is the schema file in the source tree") {
  CHECK(scenario_schema_text() == read_source_file("scenarios/scenario.schema.json"));
}

TEST_CASE("The schema and the C++ model agree on fault and workload kinds") {
  const json& defs = scenario_schema().document()["$defs"];
  CHECK(defs["fault_kind"]["enum"].get<std::vector<std::string>>() == fault_kind_names());
  std::vector<std::string> branch_kinds;
  for (const auto& branch : defs["fault"]["oneOf"]) {
    branch_kinds.push_back(scenario_schema().resolve(branch["$ref"])["properties"]["kind"]["const"]);
  }
  CHECK(branch_kinds == fault_kind_names());
  for (const auto& k : defs["nemesis"]["properties"]["kinds"]["items"]["enum"]) {
    CHECK(parse_fault_kind(k.get<std::string>()));
  }
  for (const auto& k : supported_workload_kinds()) {
    CHECK(std::find(workload_kinds().begin(), workload_kinds().end(), k) != workload_kinds().end());
  }
  CHECK(known_anomaly_names().size() == 29);
}

TEST_CASE("Every known bug has a reference and a summary") {
  std::set<std::string_view> names;
  for (const auto& bug : known_bug_names()) {
    CHECK(names.insert(bug.name).second);
    CHECK_FALSE(bug.reference.empty());
    CHECK_FALSE(bug.summary.empty());
    CHECK(find_bug(bug.name) == &bug);
  }
  CHECK(names.size() == 12);
  CHECK_FALSE(find_bug("no-such-bug"));
}
