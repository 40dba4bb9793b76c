// The ML pipeline checker on hand-built runs (checker/ml_check.h).
#include <catch2/catch.hpp>

#include "checker/ml_check.h"

using namespace kafkasim::checker;

namespace {
// Two readings, each predicted once by version 1, published at 0.
MlRun good_run() {
  MlRun run;
  run.readings = {{"s1:0", 100, 1}, {"s1:1", 200, 0}};
  run.predictions = {{"s1:0", 1, 150, 0.9, 0}, {"s1:1", 1, 250, 0.2, 1}};
  run.models = {{1, 0}};
  return run;
}
}  // namespace

TEST_CASE("a run where every reading has one prediction by a published model is valid") {
  const Verdict v = check_ml(good_run(), MlOptions{});
  REQUIRE(v.valid);
  REQUIRE(v.anomalies.empty());
}

TEST_CASE("a reading without a prediction is a missing-prediction naming the reading") {
  MlRun run = good_run();
  run.predictions.pop_back();
  const Verdict v = check_ml(run, MlOptions{});
  REQUIRE_FALSE(v.valid);
  REQUIRE(v.anomalies.at("missing-prediction").size() == 1);
  REQUIRE(v.anomalies.at("missing-prediction")[0]["reading"] == "s1:1");
}

TEST_CASE("a reading predicted twice is a duplicate-prediction with both offsets") {
  MlRun run = good_run();
  run.predictions.push_back({"s1:0", 1, 900, 0.9, 7});
  const Verdict v = check_ml(run, MlOptions{});
  REQUIRE_FALSE(v.valid);
  const auto& w = v.anomalies.at("duplicate-prediction").at(0);
  REQUIRE(w["reading"] == "s1:0");
  REQUIRE(w["offsets"] == nlohmann::json::array({0, 7}));
}

TEST_CASE("an allowed anomaly is reported but does not make the run invalid") {
  MlRun run = good_run();
  run.predictions.push_back({"s1:0", 1, 900, 0.9, 7});
  MlOptions o;
  o.allow = {"duplicate-prediction"};
  const Verdict v = check_ml(run, o);
  REQUIRE(v.valid);
  REQUIRE(v.anomalies.count("duplicate-prediction"));
}

TEST_CASE("a prediction by a version never published, or published after it, is an unknown-model-version") {
  MlRun run = good_run();
  run.predictions[0].version = 3;
  run.models.push_back({2, 5000});
  run.predictions[1].version = 2;  // made at 250, version 2 published at 5000
  const Verdict v = check_ml(run, MlOptions{});
  const auto& w = v.anomalies.at("unknown-model-version");
  REQUIRE(w.size() == 2);
  REQUIRE(w[0]["version"] == 3);
  REQUIRE(w[0]["published_ms"].is_null());
  REQUIRE(w[1]["published_ms"] == 5000);
}

TEST_CASE("an old version used past the bound after a newer one is a stale-model, but not during a fault") {
  MlRun run = good_run();
  run.models.push_back({2, 1000});
  run.readings.push_back({"s1:2", 1200, 0});
  run.readings.push_back({"s1:3", 20000, 0});
  run.predictions.push_back({"s1:2", 1, 5000, 0.1, 2});   // within 10 s of version 2
  run.predictions.push_back({"s1:3", 1, 20100, 0.1, 3});  // 19 s after
  MlOptions o;
  o.stale_bound_ms = 10000;
  Verdict v = check_ml(run, o);
  REQUIRE(v.anomalies.at("stale-model").size() == 1);
  REQUIRE(v.anomalies.at("stale-model")[0]["reading"] == "s1:3");
  REQUIRE(v.anomalies.at("stale-model")[0]["newer_version"] == 2);
  // A fault from 500 to 15000 ms: the bound counts from its end.
  run.disturbed = {{500, 15000}};
  v = check_ml(run, o);
  REQUIRE_FALSE(v.anomalies.count("stale-model"));
}

TEST_CASE("figures give latency quantiles and accuracy before the drift and after retraining") {
  MlRun run;
  run.drift_at_ms = 1000;
  run.models = {{1, 0}, {2, 3000}};
  run.readings = {{"a", 0, 1}, {"b", 500, 0}, {"c", 1500, 0}, {"d", 4000, 0}};
  run.predictions = {{"a", 1, 10, 0.9, 0}, {"b", 1, 520, 0.1, 1}, {"c", 1, 1600, 0.9, 2}, {"d", 2, 4100, 0.2, 3}};
  const auto f = ml_figures(run);
  REQUIRE(f["accuracy_before_drift"] == 1.0);
  REQUIRE(f["accuracy_after_drift_old_model"] == 0.0);
  REQUIRE(f["accuracy_after_retraining"] == 1.0);
  REQUIRE(f["latency_p50_ms"] == 20);
  REQUIRE(f["latency_p99_ms"] == 100);
}

TEST_CASE("a feature whose window mean is not that of the sensor's last readings counts as a refilled window") {
  MlRun run = good_run();
  run.feature_window = 2;
  // s1's readings in log order: 1, 3, 5; windows of two: means 1, 2, 4.
  run.raw = {{"s1:0", "s1", 1.0}, {"s1:1", "s1", 3.0}, {"s1:2", "s1", 5.0}};
  run.features = {{"s1:0", "s1", 1.0}, {"s1:1", "s1", 2.0}, {"s1:2", "s1", 4.0}};
  REQUIRE(ml_figures(run)["features_with_refilled_window"] == 0);
  // A crash lost the window before s1:2: its mean is of itself alone.
  run.features.back().value = 5.0;
  REQUIRE(ml_figures(run)["features_with_refilled_window"] == 1);
  // Not read: no figure.
  run.features.clear();
  REQUIRE(ml_figures(run)["features_with_refilled_window"].is_null());
}
