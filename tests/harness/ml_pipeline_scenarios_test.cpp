// The shipped ml-pipeline scenarios (docs/ml-pipeline.md), run in-process.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {
std::string ml_file(const std::string& name) {
  return std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/ml-pipeline/" + name + ".json";
}

RunResult run_ml(const Scenario& s, uint64_t seed) {
  RunOptions options;
  options.seed = seed;
  options.scenario_path = "ml.json";
  return run_scenario(s, options);
}
}  // namespace

TEST_CASE("at-least-once services that crash predict some readings twice, and retraining restores accuracy") {
  const RunResult r = run_ml(load_scenario_file(ml_file("ml-pipeline-at-least-once")), 3);
  REQUIRE(r.expected);
  REQUIRE(r.anomalies.count("duplicate-prediction"));
  REQUIRE_FALSE(r.anomalies.count("missing-prediction"));
  REQUIRE_FALSE(r.anomalies.count("unknown-model-version"));
  REQUIRE_FALSE(r.anomalies.count("stale-model"));
  const auto& f = r.figures;
  REQUIRE(f["model_versions"].get<int>() >= 2);
  REQUIRE(f["accuracy_before_drift"].get<double>() > 0.8);
  REQUIRE(f["accuracy_after_drift_old_model"].get<double>() < 0.6);
  REQUIRE(f["accuracy_after_retraining"].get<double>() > 0.8);
  REQUIRE(f["latency_p50_ms"].get<int64_t>() <= f["latency_p99_ms"].get<int64_t>());
  // The monitor's series for the report's charts.
  for (const char* name : {"ml-accuracy", "ml-drift", "consumer-lag predictions"}) {
    REQUIRE(std::any_of(r.series.begin(), r.series.end(),
                        [&](const auto& s) { return s.name == name && !s.points.empty(); }));
  }
}

TEST_CASE("without crashes the at-least-once pipeline predicts every reading exactly once") {
  Scenario s = load_scenario_file(ml_file("ml-pipeline-at-least-once"));
  s.faults.clear();
  s.expect = Expect{};
  const RunResult r = run_ml(s, 1);
  REQUIRE(r.valid);
  REQUIRE(r.anomalies.empty());
}

TEST_CASE("a scenario without the pipeline's topics is refused, naming the missing topic") {
  Scenario s = load_scenario_file(ml_file("ml-pipeline-at-least-once"));
  nlohmann::json j = s.to_json();
  j["topics"].erase(j["topics"].begin() + 2);  // models
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("\"models\""));
}
