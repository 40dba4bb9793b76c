// Results of runs: JSON in and out (SPEC.md §2), checkpoints, failure
// kinds, the sweep summary and output folders. No simulation needed.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/result.h"
#include "support/temp_dir.h"

using namespace kafkasim::harness;
using kafkasim::test::slurp;
using kafkasim::test::TempDir;
namespace fs = std::filesystem;

namespace {

RunResult sample() {
  RunResult r;
  r.scenario = "leader-failover";
  r.scenario_path = "scenarios/replication/leader-failover.json";
  r.seed = 42;
  r.bugs = {"hw-truncation"};
  r.extra_bugs = {"hw-truncation"};
  r.valid = false;
  r.expected = false;
  r.anomalies = {{"lost-write", 3}, {"unseen", 2}, {"int-send-skip", 1}};
  r.allowed = {"G0", "int-send-skip"};
  r.invariant_violations = {"committed-data-consistent"};
  r.liveness = "ok";
  r.liveness_detail.final_reads_finished = true;
  r.liveness_detail.final_reads_ms = 61200;
  r.liveness_detail.recovery_ms = 20000;
  r.stats = RunStats{812345, 900000, 61200, 412, 10000, 9990, 9987};
  r.trace_hash = "9f2c4e1a7b3d5e60";
  r.unseed = "0123456789abcdef";
  r.repro = "kafkasim run scenarios/replication/leader-failover.json --seed 42 --bug hw-truncation";
  r.version = "0.1.0";
  r.checkpoints = TraceCheckpoints{8192, {1, 0xffffffffffffffffULL, 3}};
  r.parameters = nlohmann::ordered_json{{"seed", 42}, {"network", {{"latency_ms", {{"min", 1}, {"max", 5}}}}}};
  r.fault_log.push_back(FaultLogEntry{10000, "inject", "crash", "leader:orders/0", "broker-2", false, "", "faults[0]"});
  r.fault_log.push_back(
      FaultLogEntry{12000, "inject", "crash", "leader:orders/1", "", true, "no leader of orders/1 right now", "faults[1]"});
  return r;
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> checkpoints(std::size_t n, std::uint64_t salt_from = UINT64_MAX) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::size_t i = 1; i <= n; ++i) out.emplace_back(i * 4096, i * 7 + (i >= salt_from ? 1000000 : 0));
  return out;
}

}  // namespace

TEST_CASE("a result has SPEC section 2's keys, in its order, first") {
  const auto j = to_json(sample());
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  const std::vector<std::string> spec{"scenario", "seed",     "bugs",       "valid", "expected", "anomalies",
                                      "invariant_violations", "liveness", "stats", "trace_hash", "repro"};
  REQUIRE(keys.size() > spec.size());
  CHECK(std::vector<std::string>(keys.begin(), keys.begin() + spec.size()) == spec);
  CHECK(j.at("anomalies").at("lost-write") == 3);
  CHECK(j.at("stats").at("wall_ms") == 412);
  CHECK(j.at("stats").at("polled") == 9987);
  CHECK(j.at("harness_error").is_null());
  for (const char* extra : {"parameters", "fault_log", "liveness_detail", "version", "checkpoints", "scenario_path"}) {
    CHECK(j.contains(extra));
  }
}

TEST_CASE("a result reads back from its JSON unchanged") {
  RunResult r = sample();
  RunResult back = result_from_json(nlohmann::ordered_json::parse(to_json(r).dump()));
  CHECK(to_json(back) == to_json(r));
  CHECK(back.checkpoints == r.checkpoints);
  CHECK(back.fault_log == r.fault_log);
  CHECK(back.liveness_detail == r.liveness_detail);

  r.harness_error = HarnessError{"deadlock", "deadlock at 3000 ms"};
  back = result_from_json(to_json(r));
  REQUIRE(back.harness_error);
  CHECK(*back.harness_error == *r.harness_error);
  CHECK(back.exit_code() == 3);
}

TEST_CASE("a result missing a key or with a value of the wrong type is refused, naming the key") {
  auto j = to_json(sample());
  j.erase("trace_hash");
  CHECK_THROWS_WITH(result_from_json(j), Catch::Contains("trace_hash"));
  j = to_json(sample());
  j["stats"]["events"] = "many";
  CHECK_THROWS_WITH(result_from_json(j), Catch::Contains("stats.events"));
  CHECK_THROWS_AS(result_from_json(nlohmann::ordered_json::array()), ResultError);
}

TEST_CASE("exit codes: 0 expected, 1 not expected, 3 harness failure") {
  RunResult r = sample();
  r.expected = true;
  CHECK(r.exit_code() == 0);
  r.expected = false;
  CHECK(r.exit_code() == 1);
  r.harness_error = HarnessError{"budget-exhausted", "event budget of 1000 events exhausted"};
  CHECK(r.exit_code() == 3);
}

TEST_CASE("checkpoints are thinned to a bounded list by powers of two") {
  auto c = compact_checkpoints(checkpoints(100), 128);
  CHECK(c.every == 4096);
  CHECK(c.hashes.size() == 100);
  c = compact_checkpoints(checkpoints(1000), 128);
  CHECK(c.every == 4096 * 8);
  CHECK(c.hashes.size() == 125);
  CHECK(c.hashes[0] == 8 * 7);
  CHECK(compact_checkpoints({}).every == 0);
}

TEST_CASE("the first divergence of two traces is the first checkpoint window where they differ") {
  const auto a = compact_checkpoints(checkpoints(100));
  CHECK_FALSE(first_divergence(a, a));
  const auto b = compact_checkpoints(checkpoints(100, 37));
  auto window = first_divergence(a, b);
  REQUIRE(window);
  CHECK(window->first == 36 * 4096);
  CHECK(window->second == 37 * 4096);
  // Different spacings compare at the coarser one.
  const auto coarse = compact_checkpoints(checkpoints(1000, 37), 128);
  window = first_divergence(a, coarse);
  REQUIRE(window);
  CHECK(window->first == 32 * 4096);
  CHECK(window->second == 40 * 4096);
  // One trace going on past the other parts after the last shared checkpoint.
  window = first_divergence(compact_checkpoints(checkpoints(10)), compact_checkpoints(checkpoints(12)));
  REQUIRE(window);
  CHECK(window->first == 10 * 4096);
}

TEST_CASE("failure kinds say why a run did not meet its expectations") {
  RunResult r = sample();
  CHECK(failure_kinds(r) == std::vector<std::string>{"lost-write", "invariant:committed-data-consistent"});
  r.expected = true;
  CHECK(failure_kinds(r).empty());

  RunResult demo = sample();
  demo.expect.valid = false;
  demo.expect.anomalies = {"lost-write", "duplicate"};
  CHECK(failure_kinds(demo) == std::vector<std::string>{"missing:duplicate"});

  RunResult live = sample();
  live.anomalies.clear();
  live.invariant_violations.clear();
  live.liveness = "failed: the final reads did not finish";
  CHECK(failure_kinds(live) == std::vector<std::string>{"liveness"});

  RunResult harness = sample();
  harness.harness_error = HarnessError{"deadlock", "..."};
  CHECK(failure_kinds(harness) == std::vector<std::string>{"harness:deadlock"});
}

TEST_CASE("the sweep summary counts seeds, groups failures by kind and keeps the largest exit code") {
  SweepSummary s;
  RunResult ok = sample();
  ok.expected = true;
  ok.stats.wall_ms = 10;
  s.add(ok);
  CHECK(s.exit_code() == 0);
  RunResult bad = sample();
  bad.seed = 7;
  bad.stats.wall_ms = 900;
  s.add(bad);
  CHECK(s.exit_code() == 1);
  RunResult broken = sample();
  broken.seed = 9;
  broken.harness_error = HarnessError{"fiber-error", "boom"};
  s.add(broken);
  s.add(bad);
  CHECK(s.exit_code() == 3);
  CHECK(s.runs() == 4);
  CHECK(s.not_expected() == 2);
  CHECK(s.harness_failures() == 1);
  const std::string text = s.text("leader-failover", 1234);
  CHECK_THAT(text, Catch::Contains("4 seeds run, 1 as expected, 2 not as expected, 1 harness failure"));
  CHECK_THAT(text, Catch::Contains("lost-write: 2 seeds (7, 7)"));
  CHECK_THAT(text, Catch::Contains("harness:fiber-error: 1 seed (9)"));
  CHECK_THAT(text, Catch::Contains("slowest seed: 7 (900 ms wall"));
  CHECK_THAT(text, Catch::Contains("1234 ms elapsed"));
}

TEST_CASE("an output folder appears whole, with the result, history and report, and replaces an older one") {
  TempDir dir;
  RunResult r = sample();
  r.history_jsonl = "{\"index\":0}\n";
  const std::string folder = write_run_folder(dir.path(), r, nullptr);
  CHECK(folder == (fs::path(dir.path()) / "leader-failover" / "seed-42").string());
  CHECK(result_from_json(nlohmann::ordered_json::parse(slurp(fs::path(folder) / "result.json"))).seed == 42);
  CHECK(slurp(fs::path(folder) / "history.jsonl") == r.history_jsonl);
  CHECK_THAT(slurp(fs::path(folder) / "report.txt"), Catch::Contains(r.repro));
  CHECK_THAT(slurp(fs::path(folder) / "report.txt"), Catch::Contains("SKIPPED"));

  r.history_jsonl = "";
  write_run_folder(dir.path(), r, nullptr);
  CHECK(slurp(fs::path(folder) / "history.jsonl").empty());
  // Nothing but the seed's folder is left beside it: no temporary folders.
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(fs::path(dir.path()) / "leader-failover")) entries += e.is_directory() ? 1 : 0;
  CHECK(entries == 1);
}

TEST_CASE("a result file that is missing, empty or not JSON is a ResultError naming the file") {
  TempDir dir;
  CHECK_THROWS_WITH(read_result_file((fs::path(dir.path()) / "nope.json").string()), Catch::Contains("nope.json"));
  std::ofstream(fs::path(dir.path()) / "empty.json") << "\n";
  CHECK_THROWS_WITH(read_result_file((fs::path(dir.path()) / "empty.json").string()), Catch::Contains("empty"));
  std::ofstream(fs::path(dir.path()) / "bad.json") << "{\"scenario\": ";
  CHECK_THROWS_WITH(read_result_file((fs::path(dir.path()) / "bad.json").string()), Catch::Contains("invalid JSON"));
  // The output of run --json, several lines: the first one is read.
  std::ofstream(fs::path(dir.path()) / "lines.jsonl") << to_json(sample()).dump() << "\n" << to_json(sample()).dump() << "\n";
  CHECK(read_result_file((fs::path(dir.path()) / "lines.jsonl").string()).seed == 42);
}
