// The ml-pipeline's model and drift statistic (harness/ml_model.h), and its
// pipeline definition (harness/ml_pipeline.h).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness/ml_model.h"
#include "harness/ml_pipeline.h"

using namespace kafkasim::harness::ml;

namespace {
// A fixed, separable-with-noise dataset: label 1 when x0 + 0.5 x1 > 1,
// except every tenth example, which is flipped.
std::vector<Example> dataset() {
  std::vector<Example> d;
  for (int i = 0; i < 200; ++i) {
    const double x0 = -2.0 + 4.0 * ((i * 37) % 200) / 200.0;
    const double x1 = -2.0 + 4.0 * ((i * 91) % 200) / 200.0;
    int y = x0 + 0.5 * x1 > 1.0 ? 1 : 0;
    if (i % 10 == 0) y = 1 - y;
    d.push_back(Example{{x0, x1}, y});
  }
  return d;
}
}  // namespace

TEST_CASE("SGD on a fixed dataset converges to the accuracy its label noise allows") {
  const auto d = dataset();
  const Model untrained;
  const Model m = train(d, 7);
  REQUIRE(m.version == 7);
  // 10% of the labels are flipped: 0.9 is the best any boundary can do.
  REQUIRE(accuracy(m, d) == Approx(0.89));
  // A fast, coarse schedule ends further from the optimum.
  REQUIRE(accuracy(train(d, 7, SgdOptions{40, 0.2}), d) == Approx(0.835));
  REQUIRE(accuracy(m, d) > accuracy(untrained, d));
  // The learned boundary leans the way the labels do.
  REQUIRE(m.weights[0] > 0);
  REQUIRE(m.weights[1] > 0);
  REQUIRE(m.bias < 0);
}

TEST_CASE("training is deterministic: the same data gives the same weights") {
  REQUIRE(train(dataset(), 1).encode() == train(dataset(), 1).encode());
}

TEST_CASE("a training epoch lowers the error on the examples it saw") {
  const auto d = dataset();
  Model m;
  double before = 0, after = 0;
  for (const Example& e : d) before += std::abs(m.probability(e.x) - e.label);
  sgd_epoch(m, d, 0.2);
  for (const Example& e : d) after += std::abs(m.probability(e.x) - e.label);
  REQUIRE(after < before);
}

TEST_CASE("a model survives its record encoding on the models topic") {
  Model m;
  m.version = 3;
  m.bias = -1.25;
  m.weights = {0.5, -2};
  const auto back = Model::decode(m.encode());
  REQUIRE(back);
  REQUIRE(back->version == 3);
  REQUIRE(back->bias == Approx(-1.25));
  REQUIRE(back->weights[1] == Approx(-2));
  REQUIRE_FALSE(Model::decode("garbage"));
}

TEST_CASE("the drift statistic is the mean shift in reference standard deviations") {
  const std::vector<double> reference = {-1, 1, -1, 1};  // mean 0, deviation 1
  REQUIRE(drift_statistic(reference, {0, 0}) == Approx(0));
  REQUIRE(drift_statistic(reference, {2, 2, 2}) == Approx(2));
  REQUIRE(drift_statistic(reference, {-3}) == Approx(3));
  REQUIRE(drift_statistic({}, {1}) == 0);
  // A constant reference: the deviation is floored, not zero.
  REQUIRE(drift_statistic({1, 1}, {1.1}) == Approx(2));
}

TEST_CASE("docs/ml-pipeline.dot is the diagram the pipeline definition generates") {
  const std::string path = std::string(KAFKASIM_SOURCE_DIR) + "/docs/ml-pipeline.dot";
  const std::string dot = pipeline_dot(pipeline());
  // KAFKASIM_UPDATE_DOCS=1 regenerates the file.
  if (std::getenv("KAFKASIM_UPDATE_DOCS")) std::ofstream(path) << dot;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  REQUIRE(text.str() == dot);
  // Every topic and stage is in it.
  for (const auto& t : pipeline().topics) REQUIRE(dot.find("\"" + t.name + "\"") != std::string::npos);
  for (const auto& s : pipeline().stages) REQUIRE(dot.find("\"" + s.name + "\"") != std::string::npos);
}
