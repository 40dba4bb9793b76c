// Replay (harness/replay.h): every shipped scenario's result replays to the
// same trace hash, also from its canonical copy (scenario.json); a result
// that does not match is nondeterminism, located by the checkpoints and,
// when the run kept its events, at the exact first differing event.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/replay.h"
#include "harness/result.h"
#include "harness/run.h"
#include "harness/scenario.h"
#include "support/temp_dir.h"

using namespace kafkasim;
using namespace kafkasim::harness;
using kafkasim::test::TempDir;

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json") {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

RunOptions options_for(std::uint64_t seed) {
  RunOptions o;
  o.seed = seed;
  o.keep_history = false;
  return o;
}

// The result as replay reads it: through result.json.
RunResult as_read(const RunResult& r) { return result_from_json(to_json(r)); }

const Scenario& leader_failover() {
  static const Scenario s =
      load_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/replication/leader-failover.json");
  return s;
}

}  // namespace

TEST_CASE("replay reproduces every shipped scenario's result with the same trace hash", "[replay]") {
  const std::vector<std::string> paths = shipped_scenarios();
  REQUIRE(paths.size() >= 14);
  for (const std::string& path : paths) {
    CAPTURE(path);
    const Scenario scenario = load_scenario_file(path);
    const RunResult recorded = as_read(run_scenario(scenario, options_for(7)));
    REQUIRE_FALSE(recorded.trace_hash.empty());
    const ReplayReport report = replay_run(scenario, recorded, options_for(7), "");
    CHECK(report.reproduced);
    CHECK(report.again.trace_hash == recorded.trace_hash);
    CHECK(report.again.checkpoints == recorded.checkpoints);

    // The canonical copy an output folder keeps (scenario.json) runs the same.
    const Scenario copy = parse_scenario(scenario.to_json().dump(2), "scenario.json");
    CHECK(replay_run(copy, recorded, options_for(7), "").reproduced);
  }
}

TEST_CASE("the trace hash does not depend on which events are recorded", "[replay]") {
  std::vector<std::string> hashes;
  for (sim::RecordLevel level : {sim::RecordLevel::kNone, sim::RecordLevel::kEvents, sim::RecordLevel::kAll}) {
    RunOptions o = options_for(3);
    o.record = level;
    hashes.push_back(run_scenario(leader_failover(), o).trace_hash);
  }
  CHECK(hashes[0] == hashes[1]);
  CHECK(hashes[0] == hashes[2]);
}

TEST_CASE("a result whose trace hash was altered is nondeterminism after the last agreeing checkpoint",
          "[replay]") {
  RunResult recorded = as_read(run_scenario(leader_failover(), options_for(3)));
  recorded.trace_hash = "0123456789abcdef";
  const ReplayReport report = replay_run(leader_failover(), recorded, options_for(3), "");
  CHECK_FALSE(report.reproduced);
  REQUIRE(report.window);
  CHECK(report.window->first == recorded.checkpoints.every * recorded.checkpoints.hashes.size());
  CHECK(report.window->second == UINT64_MAX);
  CHECK_FALSE(report.first_event);
  // The replay's own events at the start of that window, with their numbers.
  REQUIRE_FALSE(report.replayed_window.empty());
  CHECK(report.replayed_window.front()["index"] == report.window->first);
  CHECK_THAT(report.where, Catch::Contains("the traces part after event"));
}

TEST_CASE("a result whose checkpoint was altered is nondeterminism in that checkpoint's window", "[replay]") {
  RunResult recorded = as_read(run_scenario(leader_failover(), options_for(3)));
  REQUIRE(recorded.checkpoints.hashes.size() > 4);
  recorded.checkpoints.hashes[3] ^= 1;
  const ReplayReport report = replay_run(leader_failover(), recorded, options_for(3), "");
  CHECK_FALSE(report.reproduced);
  REQUIRE(report.window);
  const std::uint64_t every = recorded.checkpoints.every;
  CHECK(*report.window == std::make_pair(3 * every, 4 * every));
  CHECK_THAT(report.where, Catch::Contains("between events " + std::to_string(3 * every) + " and " +
                                           std::to_string(4 * every)));
}

TEST_CASE("with the recorded run's trace.jsonl, replay names the first differing event exactly", "[replay]") {
  for (sim::RecordLevel level : {sim::RecordLevel::kAll, sim::RecordLevel::kEvents}) {
    CAPTURE(static_cast<int>(level));
    TempDir dir;
    RunOptions o = options_for(3);
    o.record = level;
    RunResult recorded = run_scenario(leader_failover(), o);
    const std::string folder = write_run_folder(dir.path(), recorded, &leader_failover());
    recorded = as_read(recorded);

    // Alter one recorded event inside checkpoint window 3, and that checkpoint.
    const std::uint64_t every = recorded.checkpoints.every;
    recorded.checkpoints.hashes[3] ^= 1;
    std::vector<std::string> lines;
    {
      std::ifstream in(folder + "/trace.jsonl");
      for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    std::uint64_t altered = 0;
    for (std::string& line : lines) {
      ojson e = ojson::parse(line);
      if (e["index"].get<std::uint64_t>() > 3 * every + 100 && e["kind"] == "deliver") {
        altered = e["index"].get<std::uint64_t>();
        e["node"] = 99;
        line = e.dump();
        break;
      }
    }
    REQUIRE(altered > 0);
    {
      std::ofstream out(folder + "/trace.jsonl", std::ios::trunc);
      for (const std::string& line : lines) out << line << "\n";
    }

    const ReplayReport report = replay_run(leader_failover(), recorded, options_for(3), folder + "/trace.jsonl");
    CHECK_FALSE(report.reproduced);
    REQUIRE(report.first_event);
    CHECK(*report.first_event == altered);
    CHECK(report.recorded_event["node"] == 99);
    CHECK(report.replayed_event["node"] != 99);
    CHECK(report.replayed_event["kind"] == "deliver");
    CHECK_THAT(report.where, Catch::StartsWith("the traces part at event " + std::to_string(altered)));
  }
}
