// The feature and inference services: consumer groups of client nodes
// (feature-N in group ml-feature, inference-N in group ml-inference) that
// consume, transform and produce. processing.guarantee at_least_once:
// produce the outputs of a poll, wait until every one is acknowledged, then
// commit the consumed offsets (commit_sync); a crash between the two
// replays the poll, so outputs may repeat. exactly_once_v2: see
// harness/ml_eos.cpp.
#include <deque>

#include "broker-model/consumer.h"
#include "broker-model/group_consumer.h"
#include "broker-model/producer.h"
#include "harness/ml_services.h"
#include "harness/ml_shared.h"

namespace kafkasim::harness::ml {

Features features_of(std::deque<double>& window, double x);

namespace {

// The state a feature instance keeps between polls: each sensor's window
// (lost when the instance crashes: the window refills).
struct FeatureState {
  std::map<std::string, std::deque<double>> windows;
};

// The state of an inference instance: the newest model it has read.
struct InferenceState {
  std::unique_ptr<kafka::Consumer> models;
  std::optional<Model> model;
};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

std::vector<Output> feature_transform(Shared& shared, FeatureState& state,
                                      const std::vector<kafka::ConsumedRecord>& records) {
  std::vector<Output> out;
  const int partitions = shared.partitions.at(kFeaturesTopic);
  for (const kafka::ConsumedRecord& r : records) {
    const auto f = fields(r.value);
    if (!f.count("id") || !f.count("x")) continue;
    const Features x = features_of(state.windows[r.key], number(f, "x"));
    out.push_back(Output{kafka::TopicPartition{kFeaturesTopic, r.tp.partition % partitions}, r.key,
                         "id=" + f.at("id") + ";t=" + f.at("t") + ";f1=" + num(x[0]) + ";f2=" + num(x[1])});
  }
  return out;
}

// Reads `models` up to what the instance has fetched; keeps the newest.
void refresh_model(InferenceState& state, sim::Duration timeout) {
  for (const kafka::ConsumedRecord& r : state.models->poll(timeout)) {
    if (r.null_value) continue;
    auto m = Model::decode(r.value);
    if (m && (!state.model || m->version > state.model->version)) state.model = m;
  }
}

std::vector<Output> inference_transform(Shared& shared, InferenceState& state,
                                        const std::vector<kafka::ConsumedRecord>& records) {
  std::vector<Output> out;
  const int partitions = shared.partitions.at(kPredictionsTopic);
  for (const kafka::ConsumedRecord& r : records) {
    const auto f = fields(r.value);
    if (!f.count("id") || !f.count("f1") || !f.count("f2")) continue;
    const Features x{number(f, "f1"), number(f, "f2")};
    const double p = state.model->probability(x);
    out.push_back(Output{kafka::TopicPartition{kPredictionsTopic, r.tp.partition % partitions}, r.key,
                         "id=" + f.at("id") + ";t=" + f.at("t") + ";pt=" + std::to_string(shared.now_ms()) +
                             ";v=" + std::to_string(state.model->version) + ";p=" + num(p) + ";f1=" + num(x[0])});
  }
  return out;
}

}  // namespace

void feature_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  auto state = std::make_shared<FeatureState>();
  FeatureState* s = state.get();
  run_service(shared, n, "ml-feature", kReadingsTopic, state,
              [shared, s](const std::vector<kafka::ConsumedRecord>& records) {
                return feature_transform(*shared, *s, records);
              },
              {});
}

void inference_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  auto state = std::make_shared<InferenceState>();
  InferenceState* s = state.get();
  kafka::Config models_config = shared->consumer_config("");
  s->models = std::make_unique<kafka::Consumer>(n, shared->bootstrap, models_config);
  s->models->assign(shared->partitions_of(kModelsTopic));
  for (const auto& tp : shared->partitions_of(kModelsTopic)) s->models->seek(tp, 0);
  run_service(shared, n, "ml-inference", kFeaturesTopic, state,
              [shared, s](const std::vector<kafka::ConsumedRecord>& records) {
                return inference_transform(*shared, *s, records);
              },
              [s] {
                // No features are scored before a model is known; then each
                // poll first picks up any newer version.
                refresh_model(*s, sim::milliseconds(s->model ? 0 : 100));
                return s->model.has_value();
              });
}

}  // namespace kafkasim::harness::ml
