// The feature and inference services: consumer groups of client nodes
// (feature-N in group ml-feature, inference-N in group ml-inference) that
// consume, transform and produce, in the loop of the scenario's
// processing.guarantee (harness/ml_services.h).
//
// The feature service's windows are local state derived from its input.
// at_least_once: in memory only; a crash or a rebalance refills them.
// exactly_once_v2: a store backed by the compacted changelog
// ml-feature-windows-changelog (partition p for raw-readings partition p):
// each poll's transaction holds, with the features and the offsets, every
// touched sensor's window, so the committed windows always match the
// committed offsets; an instance assigned a partition restores its windows
// from the changelog (read_committed, to its end once no transaction is
// open on it) before processing it, and drops them when the partition is
// revoked or lost or a step fails. A reading's features are then those of
// the sensor's last four readings whichever instance processes it.
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <set>

#include "broker-model/consumer.h"
#include "broker-model/group_consumer.h"
#include "broker-model/producer.h"
#include "harness/ml_services.h"
#include "harness/ml_shared.h"

namespace kafkasim::harness::ml {

Features features_of(std::deque<double>& window, double x);

namespace {

// The state a feature instance keeps between polls: per raw-readings
// partition, each sensor's window.
struct FeatureState {
  std::map<int32_t, std::map<std::string, std::deque<double>>> windows;
  bool changelog = false;                      // exactly_once_v2: the windows are a changelogged store
  std::unique_ptr<kafka::Consumer> restorer;  // reads the changelog on assignment
};

std::string encode_window(const std::deque<double>& window) {
  std::string s;
  char buf[32];
  for (double v : window) {
    std::snprintf(buf, sizeof buf, "%.17g", v);
    s += (s.empty() ? "" : ",") + std::string(buf);
  }
  return s;
}

std::deque<double> decode_window(const std::string& text) {
  std::deque<double> window;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    window.push_back(std::strtod(text.substr(start, end - start).c_str(), nullptr));
    start = end + 1;
  }
  return window;
}

// Rebuilds the windows of raw-readings partition `p` from the committed
// records of its changelog partition: reads from offset 0 until the
// position reaches the high watermark, which under read_committed means
// every transaction on the partition is settled and read.
void restore_windows(Shared& shared, FeatureState& state, sim::Node& n, int32_t p) {
  const kafka::TopicPartition tp{kFeatureChangelogTopic, p};
  if (!state.restorer) state.restorer = std::make_unique<kafka::Consumer>(n, shared.bootstrap, shared.consumer_config(""));
  state.restorer->assign({});  // forget the last restore's high watermark
  state.restorer->assign({tp});
  state.restorer->seek(tp, 0);
  auto& windows = state.windows[p];
  windows.clear();
  for (;;) {
    for (const kafka::ConsumedRecord& r : state.restorer->poll(sim::milliseconds(100))) {
      if (r.null_value) {
        windows.erase(r.key);
      } else {
        windows[r.key] = decode_window(r.value);
      }
    }
    const int64_t hw = state.restorer->high_watermark(tp);
    if (hw >= 0 && state.restorer->position(tp) >= hw) break;
  }
  shared.sim->record(n.id(), n.name() + " restored the windows of " + std::to_string(windows.size()) +
                                 " sensors of raw-readings/" + std::to_string(p) + " from " + tp.str() + " offsets 0.." +
                                 std::to_string(state.restorer->position(tp)));
  state.restorer->assign({});
}

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
  std::set<std::pair<int32_t, std::string>> touched;
  for (const kafka::ConsumedRecord& r : records) {
    const auto f = fields(r.value);
    if (!f.count("id") || !f.count("x")) continue;
    const Features x = features_of(state.windows[r.tp.partition][r.key], number(f, "x"));
    touched.emplace(r.tp.partition, r.key);
    out.push_back(Output{kafka::TopicPartition{kFeaturesTopic, r.tp.partition % partitions}, r.key,
                         "id=" + f.at("id") + ";t=" + f.at("t") + ";f1=" + num(x[0]) + ";f2=" + num(x[1])});
  }
  if (state.changelog) {
    for (const auto& [p, sensor] : touched) {
      out.push_back(Output{kafka::TopicPartition{kFeatureChangelogTopic, p}, sensor,
                           encode_window(state.windows[p][sensor])});
    }
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
  s->changelog = shared->ml.processing_guarantee == "exactly_once_v2";
  Service service("ml-feature", kReadingsTopic, state, [shared, s](const std::vector<kafka::ConsumedRecord>& records) {
    return feature_transform(*shared, *s, records);
  });
  if (s->changelog) {
    service.assigned = [shared, s, &n](const std::vector<kafka::TopicPartition>& tps) {
      for (const auto& tp : tps) restore_windows(*shared, *s, n, tp.partition);
    };
    service.released = [s](const std::vector<kafka::TopicPartition>& tps) {
      for (const auto& tp : tps) s->windows.erase(tp.partition);
    };
    service.reset = [s] { s->windows.clear(); };
  }
  run_service(shared, n, std::move(service));
}

void inference_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  auto state = std::make_shared<InferenceState>();
  InferenceState* s = state.get();
  kafka::Config models_config = shared->consumer_config("");
  s->models = std::make_unique<kafka::Consumer>(n, shared->bootstrap, models_config);
  s->models->assign(shared->partitions_of(kModelsTopic));
  for (const auto& tp : shared->partitions_of(kModelsTopic)) s->models->seek(tp, 0);
  // The model is not derived from the service's input (`models` is a side
  // input read to its end by every instance): no state to restore or drop.
  Service service("ml-inference", kFeaturesTopic, state, [shared, s](const std::vector<kafka::ConsumedRecord>& records) {
    return inference_transform(*shared, *s, records);
  });
  service.ready = [s] {
    // No features are scored before a model is known; then each poll
    // first picks up any newer version.
    refresh_model(*s, sim::milliseconds(s->model ? 0 : 100));
    return s->model.has_value();
  };
  run_service(shared, n, std::move(service));
}

}  // namespace kafkasim::harness::ml
