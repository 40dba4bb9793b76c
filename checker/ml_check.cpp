#include "checker/ml_check.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>

namespace kafkasim::checker {

const std::vector<std::string>& ml_anomaly_names() {
  static const std::vector<std::string> names = {"missing-prediction", "duplicate-prediction", "unknown-model-version",
                                                 "stale-model"};
  return names;
}

namespace {

// The end of the disturbance `t` falls in, or t itself.
std::int64_t settled(std::int64_t t, const std::vector<std::pair<std::int64_t, std::int64_t>>& disturbed) {
  bool moved = true;
  while (moved) {
    moved = false;
    for (const auto& [from, to] : disturbed) {
      if (from <= t && t < to) {
        t = to;
        moved = true;
      }
    }
  }
  return t;
}

}  // namespace

Verdict check_ml(const MlRun& run, const MlOptions& options) {
  Verdict v;
  std::map<std::string, std::vector<const MlPrediction*>> by_reading;
  for (const MlPrediction& p : run.predictions) by_reading[p.reading].push_back(&p);

  std::vector<const MlReading*> readings;
  for (const MlReading& r : run.readings) readings.push_back(&r);
  std::sort(readings.begin(), readings.end(), [](const MlReading* a, const MlReading* b) { return a->id < b->id; });
  for (const MlReading* r : readings) {
    auto it = by_reading.find(r->id);
    if (it == by_reading.end()) {
      v.anomalies["missing-prediction"].push_back({{"reading", r->id}, {"time_ms", r->time_ms}});
    }
  }
  for (const auto& [reading, ps] : by_reading) {
    if (ps.size() < 2) continue;
    nlohmann::json offsets = nlohmann::json::array();
    nlohmann::json versions = nlohmann::json::array();
    for (const MlPrediction* p : ps) {
      offsets.push_back(p->offset);
      versions.push_back(p->version);
    }
    v.anomalies["duplicate-prediction"].push_back({{"reading", reading}, {"offsets", offsets}, {"versions", versions}});
  }

  // The first acknowledgement of each version.
  std::map<std::int64_t, std::int64_t> published;
  for (const MlModelVersion& m : run.models) {
    auto [it, fresh] = published.emplace(m.version, m.time_ms);
    if (!fresh) it->second = std::min(it->second, m.time_ms);
  }
  for (const MlPrediction& p : run.predictions) {
    auto it = published.find(p.version);
    if (it == published.end() || it->second > p.time_ms) {
      nlohmann::json w = {{"reading", p.reading}, {"version", p.version}, {"offset", p.offset}, {"time_ms", p.time_ms}};
      w["published_ms"] = it == published.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second);
      v.anomalies["unknown-model-version"].push_back(std::move(w));
      continue;
    }
    // The newest version whose deadline has passed when p was made.
    for (auto newer = published.rbegin(); newer != published.rend(); ++newer) {
      if (newer->first <= p.version) break;
      const std::int64_t deadline = settled(newer->second, run.disturbed) + options.stale_bound_ms;
      if (p.time_ms > deadline) {
        v.anomalies["stale-model"].push_back({{"reading", p.reading},
                                              {"version", p.version},
                                              {"newer_version", newer->first},
                                              {"newer_published_ms", newer->second},
                                              {"deadline_ms", deadline},
                                              {"time_ms", p.time_ms},
                                              {"offset", p.offset}});
        break;
      }
    }
  }
  v.allowed = options.allow;
  for (const auto& [name, witnesses] : v.anomalies) {
    if (!witnesses.empty() && !options.allow.count(name)) v.valid = false;
  }
  v.stats.ops = run.readings.size() + run.predictions.size() + run.models.size();
  v.stats.keys = by_reading.size();
  v.stats.values = run.predictions.size();
  return v;
}

std::int64_t quantile(std::vector<std::int64_t> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

namespace {

// The features whose window mean differs from the one the sensor's
// readings in log order give (null when the final read had no features).
nlohmann::ordered_json refilled_windows(const MlRun& run) {
  if (run.features.empty()) return nullptr;
  std::map<std::string, std::vector<double>> expected;  // reading -> the means its occurrences give
  std::map<std::string, std::deque<double>> windows;     // sensor -> its last readings
  for (const MlLogged& r : run.raw) {
    std::deque<double>& w = windows[r.sensor];
    w.push_back(r.value);
    if (static_cast<int>(w.size()) > run.feature_window) w.pop_front();
    double mean = 0;
    for (double v : w) mean += v;
    expected[r.reading].push_back(mean / static_cast<double>(w.size()));
  }
  std::int64_t refilled = 0;
  for (const MlLogged& f : run.features) {
    auto it = expected.find(f.reading);
    if (it == expected.end()) continue;
    // Features are written with 6 decimals.
    if (std::none_of(it->second.begin(), it->second.end(), [&](double m) { return std::abs(m - f.value) < 1e-5; })) {
      ++refilled;
    }
  }
  return refilled;
}

}  // namespace

nlohmann::ordered_json ml_figures(const MlRun& run) {
  std::map<std::string, const MlReading*> reading;
  for (const MlReading& r : run.readings) reading[r.id] = &r;
  std::vector<std::int64_t> latency;
  // The version in use when the sensors drifted: the newest published by then.
  std::int64_t drift_version = 0;
  for (const MlModelVersion& m : run.models) {
    if (run.drift_at_ms >= 0 && m.time_ms <= run.drift_at_ms) drift_version = std::max(drift_version, m.version);
  }
  struct Tally {
    std::int64_t n = 0, correct = 0;
    void add(bool ok) {
      ++n;
      correct += ok ? 1 : 0;
    }
    nlohmann::ordered_json json() const {
      return n == 0 ? nlohmann::ordered_json(nullptr)
                    : nlohmann::ordered_json(static_cast<double>(correct) / static_cast<double>(n));
    }
  };
  Tally before_drift, after_drift_old, after_retraining;
  std::map<std::int64_t, std::int64_t> per_version;
  for (const MlPrediction& p : run.predictions) {
    per_version[p.version]++;
    auto it = reading.find(p.reading);
    if (it == reading.end()) continue;
    const MlReading& r = *it->second;
    latency.push_back(p.time_ms - r.time_ms);
    const bool ok = (p.probability >= 0.5 ? 1 : 0) == r.label;
    const bool drifted = run.drift_at_ms >= 0 && r.time_ms >= run.drift_at_ms;
    // A reading from before the drift that a retrained model scored
    // (it waited out a fault) says nothing about either model: not counted.
    if (!drifted && (run.drift_at_ms < 0 || p.version <= drift_version)) before_drift.add(ok);
    else if (drifted && p.version <= drift_version) after_drift_old.add(ok);
    else if (drifted) after_retraining.add(ok);
  }
  nlohmann::ordered_json f;
  f["latency_p50_ms"] = quantile(latency, 0.5);
  f["latency_p99_ms"] = quantile(latency, 0.99);
  f["accuracy_before_drift"] = before_drift.json();
  f["accuracy_after_drift_old_model"] = after_drift_old.json();
  f["accuracy_after_retraining"] = after_retraining.json();
  nlohmann::ordered_json versions = nlohmann::ordered_json::object();
  for (const auto& [version, n] : per_version) versions[std::to_string(version)] = n;
  f["predictions_per_version"] = std::move(versions);
  f["model_versions"] = static_cast<std::int64_t>(run.models.size());
  f["features_with_refilled_window"] = refilled_windows(run);
  return f;
}

}  // namespace kafkasim::checker
