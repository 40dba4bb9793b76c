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
  // The crashed feature instance's windows are lost: they refill.
  REQUIRE(f["features_with_refilled_window"].get<int64_t>() > 0);
  // The monitor's series for the report's charts.
  for (const char* name : {"ml-accuracy", "ml-drift", "consumer-lag predictions"}) {
    REQUIRE(std::any_of(r.series.begin(), r.series.end(),
                        [&](const auto& s) { return s.name == name && !s.points.empty(); }));
  }
}

TEST_CASE("exactly_once_v2 services that crash predict every reading exactly once, and retraining restores accuracy") {
  RunOptions options;
  options.seed = 3;
  options.scenario_path = "ml.json";
  options.record = kafkasim::sim::RecordLevel::kEvents;
  const RunResult r = run_scenario(load_scenario_file(ml_file("ml-pipeline-eos")), options);
  REQUIRE(r.expected);
  REQUIRE(r.valid);
  REQUIRE(r.anomalies.empty());
  const auto& f = r.figures;
  REQUIRE(f["model_versions"].get<int>() >= 2);
  REQUIRE(f["accuracy_before_drift"].get<double>() > 0.8);
  REQUIRE(f["accuracy_after_drift_old_model"].get<double>() < 0.6);
  REQUIRE(f["accuracy_after_retraining"].get<double>() > 0.8);
  // The feature windows come back from their changelog: every feature is
  // the mean of its sensor's last four readings, crash or not.
  REQUIRE(f["features_with_refilled_window"].get<int64_t>() == 0);
  // feature-1 crashed at 9 s; whichever instance took its partitions
  // restored their windows.
  REQUIRE(std::any_of(r.trace_events.begin(), r.trace_events.end(), [](const auto& e) {
    return e.time >= kafkasim::sim::milliseconds(9000) && e.text.find("restored the windows of") != std::string::npos &&
           e.text.find("restored the windows of 0 ") == std::string::npos;
  }));
}

TEST_CASE("the feature service's changelog is the workload's own topic, not the scenario's") {
  Scenario s = load_scenario_file(ml_file("ml-pipeline-eos"));
  nlohmann::json j = s.to_json();
  j["topics"].push_back({{"name", "ml-feature-windows-changelog"}, {"partitions", 2}});
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("workload's own"));
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
