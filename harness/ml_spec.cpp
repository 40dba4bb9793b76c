#include "harness/ml_spec.h"

#include "harness/spec_json.h"

namespace kafkasim::harness {

nlohmann::json to_json(const MlSpec& m) {
  return {{"sensors", m.sensors},
          {"reading_interval_ms", m.reading_interval_ms},
          {"label_delay_ms", m.label_delay_ms},
          {"drift_at_ms", m.drift_at_ms},
          {"drift_shift", m.drift_shift},
          {"feature_instances", m.feature_instances},
          {"inference_instances", m.inference_instances},
          {"drift_threshold", m.drift_threshold},
          {"monitor_window", m.monitor_window},
          {"min_training_examples", m.min_training_examples},
          {"stale_bound_ms", m.stale_bound_ms},
          {"commit_interval_ms", m.commit_interval_ms}};
}

nlohmann::ordered_json non_default_json(const MlSpec& m) { return non_default_keys(to_json(m), to_json(MlSpec{})); }

MlSpec ml_spec_from_json(const nlohmann::json& j) {
  MlSpec m;
  m.sensors = j.value("sensors", m.sensors);
  m.reading_interval_ms = j.value("reading_interval_ms", m.reading_interval_ms);
  m.label_delay_ms = j.value("label_delay_ms", m.label_delay_ms);
  m.drift_at_ms = j.value("drift_at_ms", m.drift_at_ms);
  m.drift_shift = j.value("drift_shift", m.drift_shift);
  m.feature_instances = j.value("feature_instances", m.feature_instances);
  m.inference_instances = j.value("inference_instances", m.inference_instances);
  m.drift_threshold = j.value("drift_threshold", m.drift_threshold);
  m.monitor_window = j.value("monitor_window", m.monitor_window);
  m.min_training_examples = j.value("min_training_examples", m.min_training_examples);
  m.stale_bound_ms = j.value("stale_bound_ms", m.stale_bound_ms);
  m.commit_interval_ms = j.value("commit_interval_ms", m.commit_interval_ms);
  return m;
}

}  // namespace kafkasim::harness
