// What the ml-pipeline workload's stages share with the harness: the
// scenario's settings, the facts the checker needs (acknowledged readings,
// published model versions, the final read of `predictions`), and the
// monitor's time series. Client nodes only write facts here; they talk to
// each other through the cluster.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "broker-model/cluster.h"
#include "broker-model/config_catalog.h"
#include "broker-model/types.h"
#include "checker/ml_check.h"
#include "harness/ml_model.h"
#include "harness/ml_pipeline.h"
#include "harness/scenario.h"
#include "harness/ml_workload.h"
#include "harness/workload.h"
#include "reports/report_input.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

struct MlWorkload::Shared {
  MlSpec ml;
  std::map<std::string, int> partitions;  // topic -> partition count
  std::vector<int32_t> bootstrap;
  sim::Simulation* sim = nullptr;
  uint64_t seed = 0;
  sim::Prng rng;  // the "workload" stream: sensor noise and label flips
  bool final_reads = false;
  bool audit_done = false;
  WorkloadStats stats;

  // Per sensor, the next reading's sequence number: the sensor's own
  // durable counter, so that reading ids stay unique across its crashes.
  std::map<std::string, int64_t> next_reading;
  std::map<std::string, checker::MlReading> acked;  // by id
  std::vector<checker::MlModelVersion> models;       // publications not known to have failed
  std::vector<checker::MlPrediction> predictions;    // the auditor's final read
  std::vector<checker::MlLogged> raw, features;      // the auditor's final read of raw-readings and features
  std::vector<reports::TimeSeries> series{{"ml-accuracy", "share correct", {}},
                                          {"ml-drift", "standard deviations", {}},
                                          {"consumer-lag predictions", "readings", {}}};

  int64_t now_ms() const { return sim::to_ms(sim->now()); }
  std::vector<kafka::TopicPartition> partitions_of(const std::string& topic) const;
  kafka::Config consumer_config(const std::string& group_id) const;
  kafka::Config producer_config(const std::string& transactional_id = "") const;
};

namespace ml {

// Readings in the feature service's window (a sensor's latest, the
// current one included).
inline constexpr int kFeatureWindow = 4;

// "k=v;k=v" record values.
std::map<std::string, std::string> fields(const std::string& text);
double number(const std::map<std::string, std::string>& f, const std::string& key);

// The client node programs (harness/ml_sensor.cpp, ml_services.cpp, ml_monitor.cpp).
using Shared = MlWorkload::Shared;
void sensor_program(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& sensor);
void feature_program(const std::shared_ptr<Shared>& shared, sim::Node& n);
void inference_program(const std::shared_ptr<Shared>& shared, sim::Node& n);
void monitor_program(const std::shared_ptr<Shared>& shared, sim::Node& n);
void trainer_program(const std::shared_ptr<Shared>& shared, sim::Node& n);
void auditor_program(const std::shared_ptr<Shared>& shared, sim::Node& n);

// A reading of the simulated sensors at `time_ms`: drawn from `rng`, with
// mean 0 before the drift and drift_shift after it; its label is 1 when
// the reading is above the concept's threshold (0 before the drift,
// drift_shift + 0.5 after), flipped with probability 1/20.
struct SensorDraw {
  double x = 0;
  int label = 0;
};
SensorDraw draw_reading(sim::Prng& rng, const MlSpec& ml, int64_t time_ms);

// The model the pipeline starts with: trained offline on readings drawn
// before any drift (a fixed stream of the run's seed).
Model initial_model(const MlSpec& ml, uint64_t seed);

}  // namespace ml
}  // namespace kafkasim::harness
