// The monitor, the trainer and the auditor of the ml-pipeline workload.
// Each is one client node with a plain consumer that reads its topics from
// offset 0 (read_committed), so a restart rebuilds its state by replaying
// them.
#include <deque>

#include "broker-model/consumer.h"
#include "broker-model/producer.h"
#include "harness/consumer_progress.h"
#include "harness/ml_shared.h"

namespace kafkasim::harness::ml {

namespace {

struct Reader {
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<kafka::Producer> producer;
};

Reader* make_reader(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::vector<std::string>& topics) {
  auto r = std::make_shared<Reader>();
  r->consumer = std::make_unique<kafka::Consumer>(n, shared->bootstrap, shared->consumer_config(""));
  std::vector<kafka::TopicPartition> tps;
  for (const std::string& t : topics) {
    for (const auto& tp : shared->partitions_of(t)) tps.push_back(tp);
  }
  r->consumer->assign(tps);
  for (const auto& tp : tps) r->consumer->seek(tp, 0);
  r->producer = std::make_unique<kafka::Producer>(n, shared->bootstrap, shared->producer_config());
  n.set_state(r);
  return r.get();
}

double mean_of(const std::deque<bool>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (bool b : v) s += b ? 1 : 0;
  return s / static_cast<double>(v.size());
}

}  // namespace

void monitor_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  Reader* r = make_reader(shared, n, {kPredictionsTopic, kLabelsTopic, kFeaturesTopic, kModelsTopic});
  n.spawn("monitor", [shared, r] {
    const auto window = static_cast<std::size_t>(shared->ml.monitor_window);
    std::map<std::string, int> predicted;  // id -> predicted label, awaiting its label
    std::map<std::string, int> labels;     // id -> label, awaiting its prediction
    std::set<std::string> seen;            // readings with a prediction
    std::deque<bool> correct;
    std::deque<double> recent, reference;
    int64_t version = 0, requested_for = 0;
    int64_t next_sample = 0;
    for (;;) {
      for (const kafka::ConsumedRecord& rec : r->consumer->poll(sim::milliseconds(100))) {
        const auto f = fields(rec.value);
        const std::string topic = rec.tp.topic;
        auto score = [&](bool ok) {
          correct.push_back(ok);
          if (correct.size() > window) correct.pop_front();
        };
        if (topic == kFeaturesTopic && f.count("f1")) {
          recent.push_back(number(f, "f1"));
          if (recent.size() > window) recent.pop_front();
          if (reference.empty() && recent.size() == window) reference = recent;
        } else if (topic == kModelsTopic) {
          auto m = Model::decode(rec.value);
          if (m && m->version > version) {
            if (version > 0) reference = recent;  // a retrained model: its data is the new normal
            version = m->version;
          }
        } else if (topic == kPredictionsTopic && f.count("id")) {
          const std::string& id = f.at("id");
          if (!seen.insert(id).second) continue;
          const int y = number(f, "p") >= 0.5 ? 1 : 0;
          auto l = labels.find(id);
          if (l != labels.end()) {
            score(l->second == y);
            labels.erase(l);
          } else {
            predicted[id] = y;
          }
        } else if (topic == kLabelsTopic && f.count("id")) {
          const std::string& id = f.at("id");
          const int y = static_cast<int>(number(f, "y"));
          auto p = predicted.find(id);
          if (p != predicted.end()) {
            score(p->second == y);
            predicted.erase(p);
          } else {
            labels[id] = y;
          }
        }
      }
      const double drift =
          drift_statistic(std::vector<double>(reference.begin(), reference.end()), std::vector<double>(recent.begin(), recent.end()));
      const int64_t now = shared->now_ms();
      if (now >= next_sample) {
        next_sample = now - now % 1000 + 1000;
        if (!correct.empty()) shared->series[0].points.emplace_back(now, mean_of(correct));
        shared->series[1].points.emplace_back(now, drift);
        shared->series[2].points.emplace_back(
            now, static_cast<double>(shared->acked.size()) - static_cast<double>(seen.size()));
      }
      if (version > 0 && drift > shared->ml.drift_threshold && requested_for != version &&
          recent.size() == window) {
        requested_for = version;
        auto d = r->producer->send(kafka::TopicPartition{kRetrainTopic, 0}, "retrain",
                                   "replace=" + std::to_string(version) + ";t=" + std::to_string(now));
        d->wait();
        if (d->report().status == kafka::DeliveryReport::Status::kNotPersisted) requested_for = 0;
      }
    }
  });
}

void trainer_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  Reader* r = make_reader(shared, n, {kFeaturesTopic, kLabelsTopic, kRetrainTopic, kModelsTopic});
  n.spawn("trainer", [shared, r] {
    struct Seen {
      Features x{};
      int64_t t = 0;
    };
    std::map<std::string, Seen> features;
    std::map<std::string, int> labels;
    std::set<std::string> joined;
    std::vector<std::pair<int64_t, Example>> examples;  // (reading time, example), in arrival order
    int64_t latest = 0;
    // The pending retrain request: the version to replace and when it was
    // asked (a struct, not an optional pair: GCC 12 warns falsely on that).
    struct Request {
      bool pending = false;
      int64_t replace = 0;
      int64_t asked_at = 0;
    } request;
    const auto models = shared->partitions_of(kModelsTopic);
    // How long the monitor's window of features spans.
    const int64_t span = shared->ml.monitor_window * shared->ml.reading_interval_ms / std::max(1, shared->ml.sensors);
    auto publish = [&](const Model& m) {
      for (;;) {
        const int64_t at = shared->now_ms();
        auto d = r->producer->send(models.front(), "model", m.encode());
        d->wait();
        if (d->report().status != kafka::DeliveryReport::Status::kNotPersisted) {
          shared->models.push_back(checker::MlModelVersion{m.version, at});
          latest = m.version;
          return;
        }
        sim::sleep_for(sim::milliseconds(200));
      }
    };
    auto join = [&](const std::string& id) {
      auto f = features.find(id);
      auto l = labels.find(id);
      if (f == features.end() || l == labels.end() || !joined.insert(id).second) return;
      examples.emplace_back(f->second.t, Example{f->second.x, l->second});
    };
    for (;;) {
      for (const kafka::ConsumedRecord& rec : r->consumer->poll(sim::milliseconds(100))) {
        const auto f = fields(rec.value);
        if (rec.tp.topic == kModelsTopic) {
          if (auto m = Model::decode(rec.value)) latest = std::max(latest, m->version);
        } else if (!f.count("id") && rec.tp.topic != kRetrainTopic) {
          continue;
        } else if (rec.tp.topic == kFeaturesTopic) {
          features.emplace(f.at("id"), Seen{{number(f, "f1"), number(f, "f2")}, static_cast<int64_t>(number(f, "t"))});
          join(f.at("id"));
        } else if (rec.tp.topic == kLabelsTopic) {
          labels.emplace(f.at("id"), static_cast<int>(number(f, "y")));
          join(f.at("id"));
        } else if (rec.tp.topic == kRetrainTopic && f.count("replace")) {
          request = Request{true, static_cast<int64_t>(number(f, "replace")), static_cast<int64_t>(number(f, "t"))};
        }
      }
      if (latest == 0 && caught_up(*r->consumer, models)) publish(initial_model(shared->ml, shared->seed));
      if (!request.pending || request.replace != latest) continue;
      std::vector<Example> data;
      for (const auto& [t, e] : examples) {
        if (t >= request.asked_at - span / 2) data.push_back(e);
      }
      if (static_cast<int>(data.size()) < shared->ml.min_training_examples) continue;
      publish(train(data, latest + 1));
      request = Request{};
    }
  });
}

void auditor_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  auto state = std::make_shared<Reader>();
  n.set_state(state);
  Reader* r = state.get();
  n.spawn("auditor", [shared, r, &n] {
    while (!shared->final_reads) sim::sleep_for(sim::milliseconds(500));
    // A consumer made when the final reads begin, with fresh metadata.
    r->consumer = std::make_unique<kafka::Consumer>(n, shared->bootstrap, shared->consumer_config(""));
    // Also raw-readings and features, for the windows' figure.
    std::vector<kafka::TopicPartition> tps;
    for (const char* topic : {kPredictionsTopic, kReadingsTopic, kFeaturesTopic}) {
      for (const auto& tp : shared->partitions_of(topic)) tps.push_back(tp);
    }
    r->consumer->assign(tps);
    for (const auto& tp : tps) r->consumer->seek(tp, 0);
    shared->predictions.clear();
    shared->raw.clear();
    shared->features.clear();
    std::set<std::string> predicted;
    int64_t last_new = shared->now_ms();
    constexpr int64_t kQuietMs = 10000;
    for (;;) {
      const auto records = r->consumer->poll(sim::milliseconds(200));
      for (const kafka::ConsumedRecord& rec : records) {
        const auto f = fields(rec.value);
        if (!f.count("id")) continue;
        if (rec.tp.topic == kReadingsTopic) {
          shared->raw.push_back(checker::MlLogged{f.at("id"), rec.key, number(f, "x")});
          continue;
        }
        if (rec.tp.topic == kFeaturesTopic) {
          shared->features.push_back(checker::MlLogged{f.at("id"), rec.key, number(f, "f2")});
          continue;
        }
        shared->stats.polled++;
        shared->predictions.push_back(checker::MlPrediction{f.at("id"), static_cast<int64_t>(number(f, "v")),
                                                            static_cast<int64_t>(number(f, "pt")), number(f, "p"),
                                                            rec.offset});
        if (predicted.insert(f.at("id")).second) last_new = shared->now_ms();
      }
      if (!caught_up(*r->consumer, tps)) continue;
      bool all = true;
      for (const auto& [id, reading] : shared->acked) {
        if (!predicted.count(id)) all = false;
      }
      if (all || shared->now_ms() - last_new >= kQuietMs) break;
    }
    shared->audit_done = true;
  });
}

}  // namespace kafkasim::harness::ml
