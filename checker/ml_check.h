// The ML pipeline checker: what the predictions of an ml-pipeline run
// (docs/ml-pipeline.md) must satisfy, and the figures it is judged by.
//
// The run is described by plain facts, independent of the broker model:
// the readings the sensors had acknowledged, the predictions a final read
// of the `predictions` topic returned (read_committed), and every model
// version the `models` topic acknowledged, with when.
//
//   missing-prediction     an acknowledged reading has no prediction;
//   duplicate-prediction   a reading has two or more predictions (at-least-
//                          once services redo work after a crash);
//   unknown-model-version  a prediction names a model version that was not
//                          acknowledged on `models` before the prediction
//                          was made;
//   stale-model            a prediction made more than stale_bound_ms after
//                          a newer version was acknowledged still uses an
//                          older one. The bound is counted from the newer
//                          version's acknowledgement, or from the end of a
//                          disturbance (a fault window) it falls in: the
//                          inference service is only held to it once the
//                          system has recovered.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check.h"

namespace kafkasim::checker {

struct MlReading {
  std::string id;          // "sensor-2:17": unique per run
  std::int64_t time_ms = 0;  // when the sensor produced it
  int label = 0;           // the ground truth (arrives late on `labels`)
};

struct MlPrediction {
  std::string reading;     // the MlReading::id it scores
  std::int64_t version = 0;  // the model version it used
  std::int64_t time_ms = 0;  // when the inference service made it
  double probability = 0;  // P(label = 1)
  std::int64_t offset = -1;  // where the final read found it
};

struct MlModelVersion {
  std::int64_t version = 0;
  std::int64_t time_ms = 0;  // when `models` acknowledged it
};

// A record of `raw-readings` (value: the reading) or `features` (value:
// the window mean, f2) as the final read found it.
struct MlLogged {
  std::string reading;  // the MlReading::id
  std::string sensor;   // the record's key
  double value = 0;
};

struct MlRun {
  std::vector<MlReading> readings;        // acknowledged readings
  std::vector<MlPrediction> predictions;  // the final read of `predictions`, in offset order
  std::vector<MlModelVersion> models;     // acknowledged model versions
  // Times the system was disturbed (fault windows), [from, to).
  std::vector<std::pair<std::int64_t, std::int64_t>> disturbed;
  std::int64_t drift_at_ms = -1;          // the sensors' scheduled drift, or -1
  // The final read of `raw-readings` (each partition in offset order; a
  // sensor's readings are in one partition) and of `features`, and how
  // many readings a feature's window holds. Empty: not read.
  std::vector<MlLogged> raw;
  std::vector<MlLogged> features;
  int feature_window = 4;
};

struct MlOptions {
  std::int64_t stale_bound_ms = 10000;
  std::set<std::string> allow;  // anomaly kinds that do not make the run invalid
};

// The anomalies check_ml reports, in a fixed order.
const std::vector<std::string>& ml_anomaly_names();

Verdict check_ml(const MlRun& run, const MlOptions& options);

// The run's figures (result.json "figures"): end-to-end latency p50/p99
// (reading to prediction, ms); accuracy against the labels of readings
// from before the drift scored by the versions published by then, of
// readings from after it scored by those old versions, and of readings
// from after it scored by versions published later (retrained); the
// number of predictions per version; and how many features' window mean
// is not the mean of the sensor's last feature_window readings in
// `raw-readings` (a window lost to a crash or a rebalance, refilled).
nlohmann::ordered_json ml_figures(const MlRun& run);

// The q-quantile (0..1) of `values` by nearest rank; 0 for none.
std::int64_t quantile(std::vector<std::int64_t> values, double q);

}  // namespace kafkasim::checker
