// The determinism check of CI (DESIGN.md "Determinism rules"): every
// shipped scenario runs twice, for its own seed, and the two trace hashes
// must be equal. Runs the kafkasim binary, so it checks the build as
// shipped. Select it with `ctest -R determinism`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.h"

using namespace kafkasim::cli::test;

namespace {

std::vector<fs::path> shipped_scenarios() {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(KAFKASIM_SOURCE_DIR) / "scenarios";
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    // scenarios/real/ is for `kafkasim real` (tests/real-clients/ runs it).
    if (it->path().parent_path().filename() == "real") continue;
    if (it->is_regular_file() && it->path().extension() == ".json" && it->path().filename() != "scenario.schema.json") {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string trace_hash_of(const fs::path& scenario) {
  Output o = run_kafkasim({"run", scenario.string(), "--json", "--quiet"});
  INFO(scenario.string() << ": exit " << o.code << "\n" << o.err);
  REQUIRE(o.code != 2);
  const auto lines = o.out_lines();
  REQUIRE(lines.size() == 1);
  const auto j = nlohmann::json::parse(lines[0]);
  return j.at("trace_hash").get<std::string>();
}

}  // namespace

TEST_CASE("determinism: every shipped scenario gives the same trace hash on two runs", "[model][determinism]") {
  const auto scenarios = shipped_scenarios();
  if (scenarios.empty()) {
    WARN("no scenarios under " KAFKASIM_SOURCE_DIR "/scenarios yet: the determinism check has nothing to run");
    return;
  }
  for (const fs::path& scenario : scenarios) {
    SECTION(scenario.filename().string()) {
      const std::string first = trace_hash_of(scenario);
      const std::string second = trace_hash_of(scenario);
      INFO(scenario.string());
      CHECK(first == second);
    }
  }
}
