// The `workload.ml` block of an ml-pipeline scenario (docs/scenario-format.md,
// docs/ml-pipeline.md).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

struct MlSpec {
  int sensors = 4;                        // client nodes sensor-1..N
  std::int64_t reading_interval_ms = 500;  // per sensor
  std::int64_t label_delay_ms = 2000;     // a reading's label arrives this much later
  std::int64_t drift_at_ms = -1;          // the sensors drift then (-1: never)
  double drift_shift = 2.0;               // the readings' mean moves by this much
  int feature_instances = 2;              // feature-1..N, one consumer group
  int inference_instances = 2;            // inference-1..N, one consumer group
  // workload.streams' processing.guarantee, set by the scenario reader.
  std::string processing_guarantee = "at_least_once";  // or "exactly_once_v2"
  double drift_threshold = 1.0;           // the monitor asks for retraining above it
  int monitor_window = 40;                // predictions and features the monitor looks back over
  int min_training_examples = 40;         // labelled examples since the drift the trainer waits for
  std::int64_t stale_bound_ms = 10000;    // stale-model: how long a superseded version may serve
  // at_least_once: the services commit their consumed offsets this often
  // (Kafka Streams' commit.interval.ms default); a crash replays the rest.
  std::int64_t commit_interval_ms = 30000;
  bool operator==(const MlSpec&) const = default;
};

// Every key, for the canonical scenario form.
nlohmann::json to_json(const MlSpec& m);
// The keys that differ from the defaults, for a scenario file.
nlohmann::ordered_json non_default_json(const MlSpec& m);
// Reads the block (already checked against the schema).
MlSpec ml_spec_from_json(const nlohmann::json& j);

}  // namespace kafkasim::harness
