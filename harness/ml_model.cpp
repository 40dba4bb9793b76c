#include "harness/ml_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace kafkasim::harness::ml {

namespace {
double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}
}  // namespace

double Model::probability(const Features& x) const {
  double z = bias;
  for (std::size_t i = 0; i < kFeatures; ++i) z += weights[i] * x[i];
  return sigmoid(z);
}

std::string Model::encode() const {
  std::string s = "v=" + std::to_string(version) + ";b=" + num(bias) + ";w=";
  for (std::size_t i = 0; i < kFeatures; ++i) s += (i ? "," : "") + num(weights[i]);
  return s;
}

std::optional<Model> Model::decode(const std::string& text) {
  Model m;
  long long version = 0;
  double b = 0, w0 = 0, w1 = 0;
  static_assert(kFeatures == 2, "decode reads two weights");
  if (std::sscanf(text.c_str(), "v=%lld;b=%lf;w=%lf,%lf", &version, &b, &w0, &w1) != 4) return std::nullopt;
  m.version = version;
  m.bias = b;
  m.weights = {w0, w1};
  return m;
}

void sgd_epoch(Model& m, const std::vector<Example>& data, double learning_rate) {
  for (const Example& e : data) {
    const double g = m.probability(e.x) - e.label;
    m.bias -= learning_rate * g;
    for (std::size_t i = 0; i < kFeatures; ++i) m.weights[i] -= learning_rate * g * e.x[i];
  }
}

Model train(const std::vector<Example>& data, std::int64_t version, const SgdOptions& options) {
  Model m;
  m.version = version;
  for (int e = 0; e < options.epochs; ++e) sgd_epoch(m, data, options.learning_rate);
  return m;
}

double accuracy(const Model& m, const std::vector<Example>& data) {
  if (data.empty()) return 0;
  std::size_t ok = 0;
  for (const Example& e : data) ok += m.predict(e.x) == e.label ? 1 : 0;
  return static_cast<double>(ok) / static_cast<double>(data.size());
}

double drift_statistic(const std::vector<double>& reference, const std::vector<double>& recent) {
  if (reference.empty() || recent.empty()) return 0;
  double mean_ref = 0, mean_recent = 0;
  for (double v : reference) mean_ref += v;
  for (double v : recent) mean_recent += v;
  mean_ref /= static_cast<double>(reference.size());
  mean_recent /= static_cast<double>(recent.size());
  double var = 0;
  for (double v : reference) var += (v - mean_ref) * (v - mean_ref);
  var /= static_cast<double>(reference.size());
  return std::fabs(mean_recent - mean_ref) / std::max(0.05, std::sqrt(var));
}

}  // namespace kafkasim::harness::ml
