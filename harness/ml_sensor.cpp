// The sensors: each produces a reading every reading_interval_ms to
// `raw-readings` (keyed by sensor) and, label_delay_ms later, its label to
// `labels`. Idempotent producers with acks=all; a reading that fails is
// sent again under the same id.
#include <deque>

#include "broker-model/producer.h"
#include "harness/ml_shared.h"

namespace kafkasim::harness::ml {

namespace {
constexpr int kWindow = kFeatureWindow;

int partition_of(const std::string& sensor, int partitions) {
  uint64_t h = sim::fnv1a64(sensor);
  return static_cast<int>(h % static_cast<uint64_t>(partitions));
}
}  // namespace

SensorDraw draw_reading(sim::Prng& rng, const MlSpec& ml, int64_t time_ms) {
  // A sum of four uniforms, scaled to unit variance: near-normal noise.
  double z = 0;
  for (int i = 0; i < 4; ++i) z += rng.unit();
  z = (z - 2.0) * 1.7320508075688772;
  const bool drifted = ml.drift_at_ms >= 0 && time_ms >= ml.drift_at_ms;
  SensorDraw d;
  d.x = (drifted ? ml.drift_shift : 0.0) + z;
  const double threshold = drifted ? ml.drift_shift + 0.5 : 0.0;
  d.label = d.x > threshold ? 1 : 0;
  if (rng.below(20) == 0) d.label = 1 - d.label;
  return d;
}

Model initial_model(const MlSpec& ml, uint64_t seed) {
  sim::Prng rng = sim::Prng::stream(seed, "ml-offline-training");
  MlSpec before = ml;
  before.drift_at_ms = -1;
  std::vector<Example> data;
  std::deque<double> window;
  for (int i = 0; i < 200; ++i) {
    const SensorDraw d = draw_reading(rng, before, 0);
    window.push_back(d.x);
    if (window.size() > kWindow) window.pop_front();
    double mean = 0;
    for (double v : window) mean += v;
    data.push_back(Example{{d.x, mean / static_cast<double>(window.size())}, d.label});
  }
  return train(data, 1);
}

// Feature extraction, shared by the feature service: the window holds the
// sensor's latest readings, the current one included.
Features features_of(std::deque<double>& window, double x) {
  window.push_back(x);
  if (window.size() > kWindow) window.pop_front();
  double mean = 0;
  for (double v : window) mean += v;
  return {x, mean / static_cast<double>(window.size())};
}

void sensor_program(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& sensor) {
  auto producer = std::make_shared<kafka::Producer>(n, shared->bootstrap, shared->producer_config());
  n.set_state(producer);
  kafka::Producer* p = producer.get();
  const kafka::TopicPartition readings{kReadingsTopic, partition_of(sensor, shared->partitions.at(kReadingsTopic))};
  const kafka::TopicPartition labels{kLabelsTopic, partition_of(sensor, shared->partitions.at(kLabelsTopic))};
  n.spawn("sensor", [shared, p, sensor, readings, labels, &n] {
    while (!shared->final_reads) {
      sim::sleep_for(sim::milliseconds(shared->ml.reading_interval_ms));
      if (shared->final_reads) break;
      const int64_t seq = shared->next_reading[sensor]++;
      const int64_t t = shared->now_ms();
      const SensorDraw d = draw_reading(shared->rng, shared->ml, t);
      const std::string id = sensor + ":" + std::to_string(seq);
      char x[32];
      std::snprintf(x, sizeof x, "%.6f", d.x);
      const std::string value = "id=" + id + ";t=" + std::to_string(t) + ";x=" + x;
      n.spawn("reading " + id, [shared, p, sensor, readings, labels, id, value, t, d] {
        for (;;) {
          shared->stats.sent++;
          auto delivery = p->send(readings, sensor, value);
          delivery->wait();
          const auto status = delivery->report().status;
          if (status == kafka::DeliveryReport::Status::kPersisted) {
            shared->stats.acked++;
            shared->acked[id] = checker::MlReading{id, t, d.label};
            break;
          }
          if (status == kafka::DeliveryReport::Status::kPossiblyPersisted) break;  // may or may not be there
          sim::sleep_for(sim::milliseconds(200));
        }
        // Ground truth comes later.
        sim::sleep_for(sim::milliseconds(shared->ml.label_delay_ms));
        for (int attempt = 0; attempt < 20; ++attempt) {
          auto delivery = p->send(labels, sensor, "id=" + id + ";t=" + std::to_string(t) + ";y=" + std::to_string(d.label));
          delivery->wait();
          if (delivery->report().status != kafka::DeliveryReport::Status::kNotPersisted) break;
          sim::sleep_for(sim::milliseconds(200));
        }
      });
    }
  });
}

}  // namespace kafkasim::harness::ml
