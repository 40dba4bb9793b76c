#include "harness/ml_workload.h"

#include <cstdlib>

#include "harness/ml_shared.h"

namespace kafkasim::harness {

namespace ml {

std::map<std::string, std::string> fields(const std::string& text) {
  std::map<std::string, std::string> f;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::size_t eq = text.find('=', start);
    if (eq != std::string::npos && eq < end) f[text.substr(start, eq - start)] = text.substr(eq + 1, end - eq - 1);
    start = end + 1;
  }
  return f;
}

double number(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? 0.0 : std::strtod(it->second.c_str(), nullptr);
}

}  // namespace ml

std::vector<kafka::TopicPartition> MlWorkload::Shared::partitions_of(const std::string& topic) const {
  std::vector<kafka::TopicPartition> tps;
  auto it = partitions.find(topic);
  if (it == partitions.end()) return tps;
  for (int p = 0; p < it->second; ++p) tps.push_back(kafka::TopicPartition{topic, p});
  return tps;
}

kafka::Config MlWorkload::Shared::consumer_config(const std::string& group_id) const {
  nlohmann::json j = {{"auto.offset.reset", "earliest"}, {"isolation.level", "read_committed"}};
  if (!group_id.empty()) {
    j["group.id"] = group_id;
    j["enable.auto.commit"] = false;
    // Kafka Streams' own defaults are longer; a crashed instance's
    // partitions move within the fault phase with these.
    j["session.timeout.ms"] = 6000;
    j["heartbeat.interval.ms"] = 1000;
  }
  return kafka::Config::resolve(kafka::Scope::consumer, j, "workload.consumer");
}

kafka::Config MlWorkload::Shared::producer_config(const std::string& transactional_id) const {
  nlohmann::json j = {{"acks", -1}, {"enable.idempotence", true}};
  if (!transactional_id.empty()) j["transactional.id"] = transactional_id;
  return kafka::Config::resolve(kafka::Scope::producer, j, "workload.producer");
}

std::optional<std::pair<std::string, std::string>> ml_pipeline_problem(const MlSpec& ml,
                                                                       const std::vector<Topic>& topics) {
  for (const ml::PipelineTopic& pt : ml::pipeline().topics) {
    const Topic* found = nullptr;
    for (const Topic& t : topics) {
      if (t.name == pt.name) found = &t;
    }
    if (pt.internal) {
      if (!found) continue;
      return std::make_pair(std::string("topics"), "the topic \"" + pt.name +
                                                       "\" is the workload's own (it creates it under exactly_once_v2); "
                                                       "a scenario does not declare it");
    }
    if (!found) {
      return std::make_pair(std::string("topics"), "an ml-pipeline workload needs a topic named \"" + pt.name + "\" (" +
                                                       pt.carries + ")");
    }
    if (pt.compacted && found->config.get_string("cleanup.policy").find("compact") == std::string::npos) {
      return std::make_pair(std::string("topics"),
                            "the topic \"" + pt.name + "\" must be compacted (config cleanup.policy: compact)");
    }
  }
  return std::nullopt;
}

std::optional<kafka::TopicSpec> ml_changelog_topic(const Scenario& scenario) {
  if (scenario.workload.kind != "ml-pipeline" || scenario.workload.ml.processing_guarantee != "exactly_once_v2") {
    return std::nullopt;
  }
  for (const Topic& t : scenario.topics) {
    if (t.name != ml::kReadingsTopic) continue;
    nlohmann::json config = t.config.non_default();
    config["cleanup.policy"] = "compact";
    return kafka::TopicSpec{ml::kFeatureChangelogTopic, t.partitions, t.replication_factor,
                            kafka::Config::resolve(kafka::Scope::topic, config, "topics", &scenario.cluster.config)};
  }
  return std::nullopt;
}

MlWorkload::MlWorkload(const Scenario& scenario) : shared_(std::make_shared<Shared>()) {
  shared_->ml = scenario.workload.ml;
  for (const Topic& t : scenario.topics) shared_->partitions[t.name] = t.partitions;
  if (auto changelog = ml_changelog_topic(scenario)) shared_->partitions[changelog->name] = changelog->partitions;
}

MlWorkload::~MlWorkload() = default;

void MlWorkload::setup(sim::Simulation& sim, kafka::Cluster& cluster) {
  shared_->sim = &sim;
  shared_->seed = sim.seed();
  shared_->rng = sim.stream("workload");
  shared_->bootstrap = cluster.bootstrap();
  std::shared_ptr<Shared> shared = shared_;
  auto add = [&](const std::string& name, std::function<void(sim::Node&)> program) {
    clients_.push_back(&sim.add_node(name, std::move(program)));
  };
  for (int i = 1; i <= shared->ml.sensors; ++i) {
    const std::string name = "sensor-" + std::to_string(i);
    add(name, [shared, name](sim::Node& n) { ml::sensor_program(shared, n, name); });
  }
  for (int i = 1; i <= shared->ml.feature_instances; ++i) {
    add("feature-" + std::to_string(i), [shared](sim::Node& n) { ml::feature_program(shared, n); });
  }
  for (int i = 1; i <= shared->ml.inference_instances; ++i) {
    add("inference-" + std::to_string(i), [shared](sim::Node& n) { ml::inference_program(shared, n); });
  }
  add("monitor-1", [shared](sim::Node& n) { ml::monitor_program(shared, n); });
  add("trainer-1", [shared](sim::Node& n) { ml::trainer_program(shared, n); });
  add("auditor-1", [shared](sim::Node& n) { ml::auditor_program(shared, n); });
}

void MlWorkload::start() {
  for (sim::Node* n : clients_) shared_->sim->start(*n);
}

void MlWorkload::begin_final_reads() { shared_->final_reads = true; }

bool MlWorkload::finished() const { return shared_->audit_done; }

const checker::History& MlWorkload::history() const {
  static const checker::History empty;
  return empty;
}

WorkloadStats MlWorkload::stats() const { return shared_->stats; }

namespace {
checker::MlRun ml_run(const MlWorkload::Shared& s) {
  checker::MlRun run;
  for (const auto& [id, r] : s.acked) run.readings.push_back(r);
  run.predictions = s.predictions;
  run.models = s.models;
  run.drift_at_ms = s.ml.drift_at_ms;
  run.raw = s.raw;
  run.features = s.features;
  run.feature_window = ml::kFeatureWindow;
  return run;
}
}  // namespace

std::shared_ptr<checker::Verdict> MlWorkload::own_verdict(
    const std::set<std::string>& allow, const std::vector<std::pair<std::int64_t, std::int64_t>>& disturbed) const {
  checker::MlRun run = ml_run(*shared_);
  run.disturbed = disturbed;
  checker::MlOptions options;
  options.stale_bound_ms = shared_->ml.stale_bound_ms;
  options.allow = allow;
  return std::make_shared<checker::Verdict>(checker::check_ml(run, options));
}

nlohmann::ordered_json MlWorkload::figures() const {
  nlohmann::ordered_json f = checker::ml_figures(ml_run(*shared_));
  double max_lag = 0;
  for (const auto& [t, v] : shared_->series[2].points) max_lag = std::max(max_lag, v);
  f["consumer_lag_max_readings"] = max_lag;
  f["consumer_lag_end_readings"] = shared_->series[2].points.empty() ? 0.0 : shared_->series[2].points.back().second;
  return f;
}

std::vector<reports::TimeSeries> MlWorkload::series() const { return shared_->series; }

}  // namespace kafkasim::harness
