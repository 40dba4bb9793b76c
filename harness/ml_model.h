// The ml-pipeline workload's model: logistic regression over the feature
// vector the feature service emits, trained by plain stochastic gradient
// descent in a fixed order (deterministic: no shuffling, no random
// initialisation), and the drift statistic the monitor watches.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kafkasim::harness::ml {

// [normalised reading, normalised windowed mean of the sensor's readings].
inline constexpr std::size_t kFeatures = 2;
using Features = std::array<double, kFeatures>;

struct Example {
  Features x{};
  int label = 0;  // 0 or 1
};

struct Model {
  std::int64_t version = 0;
  double bias = 0;
  Features weights{};

  // P(label = 1 | x).
  double probability(const Features& x) const;
  int predict(const Features& x) const { return probability(x) >= 0.5 ? 1 : 0; }

  // The value of a record on the compacted `models` topic:
  // "v=3;b=0.1;w=0.5,-0.2".
  std::string encode() const;
  static std::optional<Model> decode(const std::string& text);
};

struct SgdOptions {
  int epochs = 200;
  double learning_rate = 0.02;
};

// One SGD pass over `data` in order: w -= lr * (p - y) * x per example.
void sgd_epoch(Model& m, const std::vector<Example>& data, double learning_rate);
// Fits a model from zero weights; its version is `version`.
Model train(const std::vector<Example>& data, std::int64_t version, const SgdOptions& options = {});
// The share of `data` the model labels correctly (0 for no data).
double accuracy(const Model& m, const std::vector<Example>& data);

// The drift statistic: how far the mean of the recent readings' first
// feature has moved from the reference window's, in units of the
// reference's standard deviation (a standardised mean difference). 0 when
// either window is empty; the reference's deviation is floored at 0.05.
double drift_statistic(const std::vector<double>& reference, const std::vector<double>& recent);

}  // namespace kafkasim::harness::ml
