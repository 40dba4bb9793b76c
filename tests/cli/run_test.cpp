// kafkasim run and replay end to end, on a small scenario. These need the
// Kafka model and the queue workload: tagged [model].
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.h"

using namespace kafkasim::cli::test;
using json = nlohmann::json;

namespace {

std::map<std::uint64_t, std::string> hashes_by_seed(const Output& o) {
  std::map<std::uint64_t, std::string> out;
  for (const std::string& line : o.out_lines()) {
    json j = json::parse(line);
    out[j.at("seed").get<std::uint64_t>()] = j.at("trace_hash").get<std::string>();
  }
  return out;
}

}  // namespace

TEST_CASE("run --json prints exactly one JSON object per seed, one per line, and nothing else", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output o = run_kafkasim({"run", scenario, "--seeds", "1..3", "--json"});
  INFO(o.err);
  CHECK(o.code != 2);
  CHECK(o.code != 3);
  const auto lines = o.out_lines();
  REQUIRE(lines.size() == 3);
  std::set<std::uint64_t> seeds;
  for (const std::string& line : lines) {
    json j = json::parse(line);  // throws on anything but JSON
    REQUIRE(j.is_object());
    for (const char* key : {"scenario", "seed", "bugs", "valid", "expected", "anomalies", "invariant_violations",
                            "liveness", "stats", "trace_hash", "repro"}) {
      CHECK(j.contains(key));
    }
    CHECK(j.at("scenario") == "cli-smoke");
    CHECK(j.at("trace_hash").get<std::string>().size() == 16);
    CHECK_THAT(j.at("repro").get<std::string>(), Catch::StartsWith("kafkasim run " + scenario + " --seed "));
    CHECK(j.at("stats").at("events").get<std::int64_t>() > 0);
    seeds.insert(j.at("seed").get<std::uint64_t>());
  }
  CHECK(seeds == std::set<std::uint64_t>{1, 2, 3});
}

TEST_CASE("run without a seed flag uses the scenario's seed", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output o = run_kafkasim({"run", scenario, "--json"});
  REQUIRE(o.out_lines().size() == 1);
  CHECK(json::parse(o.out_lines()[0]).at("seed") == 5);
}

TEST_CASE("the same seed gives the same trace hash, and --bug joins the repro line", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output a = run_kafkasim({"run", scenario, "--seed", "11", "--json"});
  Output b = run_kafkasim({"run", scenario, "--seed", "11", "--json"});
  REQUIRE(a.out_lines().size() == 1);
  CHECK(hashes_by_seed(a) == hashes_by_seed(b));
  Output bug = run_kafkasim({"run", scenario, "--seed", "11", "--json", "--bug", "no-dedup-window"});
  REQUIRE(bug.out_lines().size() == 1);
  json j = json::parse(bug.out_lines()[0]);
  CHECK(j.at("repro") == "kafkasim run " + scenario + " --seed 11 --bug no-dedup-window");
  CHECK(j.at("bugs") == json::array({"no-dedup-window"}));
}

TEST_CASE("shards split a sweep: together they run every seed once, with the same results", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  const auto all = hashes_by_seed(run_kafkasim({"run", scenario, "--seeds", "1..5", "--json", "--quiet"}));
  const auto first = hashes_by_seed(run_kafkasim({"run", scenario, "--seeds", "1..5", "--shard", "1/2", "--json"}));
  const auto second = hashes_by_seed(run_kafkasim({"run", scenario, "--seeds", "1..5", "--shard", "2/2", "--json"}));
  REQUIRE(all.size() == 5);
  CHECK(first.size() == 3);  // seeds 1, 3, 5
  CHECK(second.size() == 2);  // seeds 2, 4
  CHECK(first.count(1));
  CHECK(second.count(2));
  auto merged = first;
  merged.insert(second.begin(), second.end());
  CHECK(merged == all);
}

TEST_CASE("parallel jobs run seeds in processes with the same results as one at a time", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output serial = run_kafkasim({"run", scenario, "--seeds", "1..4", "--json"});
  Output parallel = run_kafkasim({"run", scenario, "--seeds", "1..4", "--jobs", "3", "--json"});
  INFO(parallel.err);
  CHECK(parallel.out_lines().size() == 4);
  CHECK(hashes_by_seed(parallel) == hashes_by_seed(serial));
  CHECK(parallel.code == serial.code);
}

TEST_CASE("a sweep prints a summary on stderr and nothing with --quiet", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output o = run_kafkasim({"run", scenario, "--seeds", "1..2"});
  CHECK_THAT(o.err, Catch::Contains("cli-smoke: 2 seeds run"));
  CHECK_THAT(o.err, Catch::Contains("slowest seed"));
  Output q = run_kafkasim({"run", scenario, "--seeds", "1..2", "--quiet"});
  CHECK(q.err.empty());
}

TEST_CASE("a single seed with --out writes its folder, and replay reproduces it", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  const std::string out = dir.path("out");
  Output o = run_kafkasim({"run", scenario, "--seed", "3", "--out", out});
  INFO(o.err);
  REQUIRE(o.code != 2);
  REQUIRE(o.code != 3);
  const std::string folder = out + "/cli-smoke/seed-3";
  CHECK(fs::exists(folder + "/result.json"));
  CHECK(fs::exists(folder + "/report.txt"));
  CHECK(fs::exists(folder + "/scenario.json"));
  REQUIRE(fs::exists(folder + "/history.jsonl"));
  CHECK(fs::file_size(folder + "/history.jsonl") > 0);
  // The history is one the checker reads.
  Output check = run_kafkasim({"check", folder + "/history.jsonl", "--json"});
  CHECK((check.code == 0 || check.code == 1));

  Output replay = run_kafkasim({"replay", folder + "/result.json"});
  INFO(replay.err);
  CHECK(replay.code == 0);
  const json result = json::parse(slurp(folder + "/result.json"));
  CHECK_THAT(replay.out, Catch::StartsWith("reproduced " + result.at("trace_hash").get<std::string>()));
}

TEST_CASE("replay finds the scenario copy beside the result when the scenario file is gone", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("gone.json", small_scenario());
  const std::string out = dir.path("out");
  run_kafkasim({"run", scenario, "--seed", "4", "--out", out, "--quiet"});
  fs::remove(scenario);
  Output replay = run_kafkasim({"replay", out + "/cli-smoke/seed-4/result.json"});
  INFO(replay.err);
  CHECK(replay.code == 0);
}

TEST_CASE("replay of a result whose trace hash does not match reports nondeterminism, exit 3", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output o = run_kafkasim({"run", scenario, "--seed", "6", "--json"});
  REQUIRE(o.out_lines().size() == 1);
  json j = json::parse(o.out_lines()[0]);
  j["trace_hash"] = "0000000000000000";
  if (!j["checkpoints"]["hashes"].empty()) j["checkpoints"]["hashes"][0] = "0000000000000001";
  Output replay = run_kafkasim({"replay", dir.write("tampered.json", j.dump())});
  CHECK(replay.code == 3);
  CHECK_THAT(replay.err, Catch::Contains("nondeterminism"));
  CHECK_THAT(replay.err, Catch::Contains("the traces part"));
}

TEST_CASE("replay refuses a result whose scenario changed since the run, exit 2", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output o = run_kafkasim({"run", scenario, "--seed", "6", "--json"});
  REQUIRE(o.out_lines().size() == 1);
  const std::string result = dir.write("result.json", o.out_lines()[0]);
  dir.write("smoke.json", small_scenario("cli-smoke", ",\n  \"description\": \"changed\""));
  std::string changed = small_scenario();
  changed.replace(changed.find("\"rate_per_s\": 50"), 16, "\"rate_per_s\": 60");
  dir.write("smoke.json", changed);
  Output replay = run_kafkasim({"replay", result});
  CHECK(replay.code == 2);
  CHECK_THAT(replay.err, Catch::Contains("changed since the run"));
}

TEST_CASE("an exhausted event budget is a harness failure: exit 3 with a message", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  Output o = run_kafkasim({"run", scenario, "--seed", "1", "--event-budget", "1000"});
  CHECK(o.code == 3);
  CHECK_THAT(o.out, Catch::Contains("HARNESS FAILURE"));
  CHECK_THAT(o.out, Catch::Contains("event budget of 1000 events exhausted"));
  Output j = run_kafkasim({"run", scenario, "--seeds", "1..2", "--event-budget", "1000", "--json"});
  CHECK(j.code == 3);
  REQUIRE(j.out_lines().size() == 2);
  json line = json::parse(j.out_lines()[0]);
  CHECK(line.at("harness_error").at("outcome") == "budget-exhausted");
  CHECK(line.at("expected") == false);
}

TEST_CASE("a sweep with --out writes folders only for the seeds that failed", "[model]") {
  TempDir dir;
  const std::string scenario = dir.write("smoke.json", small_scenario());
  const std::string out = dir.path("out");
  Output o = run_kafkasim({"run", scenario, "--seeds", "1..3", "--out", out, "--event-budget", "1000", "--jobs", "2", "--quiet"});
  CHECK(o.code == 3);
  for (int seed = 1; seed <= 3; ++seed) CHECK(fs::exists(out + "/cli-smoke/seed-" + std::to_string(seed) + "/result.json"));
  Output fine = run_kafkasim({"run", scenario, "--seeds", "1..2", "--out", dir.path("out2"), "--quiet"});
  if (fine.code == 0) CHECK_FALSE(fs::exists(dir.path("out2") + "/cli-smoke/seed-1"));
}
