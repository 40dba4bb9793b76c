#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {
std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios")) {
    // scenarios/real/ is for `kafkasim real` (tests/real-clients/ runs it).
    if (entry.path().parent_path().filename() == "real") continue;
    if (entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}
}  // namespace

TEST_CASE("every shipped scenario meets its expect block on its first seeds") {
  const auto files = shipped_scenarios();
  REQUIRE(files.size() >= 7);
  for (const std::string& file : files) {
    const Scenario scenario = load_scenario_file(file);
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      RunOptions options;
      options.seed = seed;
      options.scenario_path = file;
      options.keep_history = false;
      const RunResult r = run_scenario(scenario, options);
      INFO(file << " seed " << seed << ": " << to_json(r).dump());
      REQUIRE_FALSE(r.harness_error);
      REQUIRE(r.expected);
    }
  }
}

TEST_CASE("the same scenario and seed give the same trace hash in one process") {
  const Scenario scenario = load_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/replication/random-nemesis.json");
  RunOptions options;
  options.seed = 7;
  options.keep_history = false;
  const RunResult a = run_scenario(scenario, options);
  const RunResult b = run_scenario(scenario, options);
  REQUIRE(a.trace_hash == b.trace_hash);
  options.seed = 8;
  REQUIRE(run_scenario(scenario, options).trace_hash != a.trace_hash);
}
