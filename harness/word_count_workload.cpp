#include "harness/word_count_workload.h"

#include "harness/word_count_shared.h"

namespace kafkasim::harness {

std::vector<kafka::TopicPartition> WordCountWorkload::Shared::partitions_of(const std::string& topic) const {
  std::vector<kafka::TopicPartition> tps;
  for (int p = 0; p < partitions.at(topic); ++p) tps.push_back(kafka::TopicPartition{topic, p});
  return tps;
}

kafka::TopicPartition WordCountWorkload::Shared::partition_for(const std::string& topic,
                                                               const std::string& word) const {
  const auto n = static_cast<uint64_t>(partitions.at(topic));
  return kafka::TopicPartition{topic, static_cast<int>(sim::fnv1a64(word) % n)};
}

std::optional<std::pair<std::string, std::string>> word_count_problem(const std::vector<Topic>& topics) {
  auto declared = [&](const char* name) {
    for (const Topic& t : topics) {
      if (t.name == name) return true;
    }
    return false;
  };
  for (const char* name : {kWordsRepartitionTopic, kCountsChangelogTopic}) {
    if (declared(name)) {
      return std::make_pair(std::string("topics"), std::string("the topic \"") + name +
                                                       "\" is the word-count job's own (it creates it, as Kafka "
                                                       "Streams does); a scenario does not declare it");
    }
  }
  const std::pair<const char*, const char*> needed[] = {
      {kSentencesTopic, "the input sentences"}, {kWordCountsTopic, "the output: each word's new count, keyed by word"}};
  for (const auto& [name, carries] : needed) {
    if (!declared(name)) {
      return std::make_pair(std::string("topics"), std::string("a word-count workload needs a topic named \"") +
                                                       name + "\" (" + carries + ")");
    }
  }
  return std::nullopt;
}

std::vector<kafka::TopicSpec> word_count_internal_topics(const Scenario& scenario) {
  std::vector<kafka::TopicSpec> specs;
  if (scenario.workload.kind != "word-count") return specs;
  for (const Topic& t : scenario.topics) {
    if (t.name != kSentencesTopic) continue;
    nlohmann::json config = t.config.non_default();
    specs.push_back(kafka::TopicSpec{kWordsRepartitionTopic, t.partitions, t.replication_factor,
                                     kafka::Config::resolve(kafka::Scope::topic, config, "topics", &scenario.cluster.config)});
    // The store of repartition partition p is changelogged to partition p.
    config["cleanup.policy"] = "compact";
    specs.push_back(kafka::TopicSpec{kCountsChangelogTopic, t.partitions, t.replication_factor,
                                     kafka::Config::resolve(kafka::Scope::topic, config, "topics", &scenario.cluster.config)});
  }
  return specs;
}

WordCountWorkload::WordCountWorkload(const Scenario& scenario) : shared_(std::make_shared<Shared>()) {
  shared_->spec = scenario.workload.word_count;
  shared_->guarantee = *parse_processing_guarantee(scenario.workload.streams.get_string("processing.guarantee"));
  for (const Topic& t : scenario.topics) shared_->partitions[t.name] = t.partitions;
  for (const kafka::TopicSpec& t : word_count_internal_topics(scenario)) shared_->partitions[t.name] = t.partitions;
}

WordCountWorkload::~WordCountWorkload() = default;

void WordCountWorkload::setup(sim::Simulation& sim, kafka::Cluster& cluster) {
  shared_->sim = &sim;
  shared_->rng = sim.stream("workload");
  shared_->bootstrap = cluster.bootstrap();
  std::shared_ptr<Shared> shared = shared_;
  auto add = [&](const std::string& name, std::function<void(sim::Node&)> program) {
    clients_.push_back(&sim.add_node(name, std::move(program)));
  };
  for (int i = 1; i <= shared->spec.producers; ++i) {
    const std::string name = "producer-" + std::to_string(i);
    add(name, [shared, name](sim::Node& n) { word_count::producer_program(shared, n, name); });
  }
  for (int i = 1; i <= shared->spec.instances; ++i) {
    const std::string name = "instance-" + std::to_string(i);
    add(name, [shared, name](sim::Node& n) { word_count::instance_program(shared, n, name); });
  }
  add("auditor-1", [shared](sim::Node& n) { word_count::auditor_program(shared, n); });
}

void WordCountWorkload::start() {
  for (sim::Node* n : clients_) shared_->sim->start(*n);
}

void WordCountWorkload::begin_final_reads() { shared_->final_reads = true; }

bool WordCountWorkload::finished() const { return shared_->audit_done; }

const checker::History& WordCountWorkload::history() const {
  static const checker::History empty;
  return empty;
}

WorkloadStats WordCountWorkload::stats() const { return shared_->stats; }

namespace {

// The facts the checker judges: a sentence counts as acknowledged when
// its acknowledgement came before the auditor's last look at the input
// (a later one is an unknown outcome as far as the final read goes).
checker::WordCountRun word_count_run(const WordCountWorkload::Shared& s) {
  checker::WordCountRun run;
  for (const auto& [id, sentence] : s.sentences) {
    checker::WordCountSentence fact = sentence.fact;
    fact.acknowledged = sentence.acked_at >= 0 && (s.audited_at < 0 || sentence.acked_at <= s.audited_at);
    run.sentences.push_back(std::move(fact));
  }
  run.records = s.final_counts;
  return run;
}

}  // namespace

std::shared_ptr<checker::Verdict> WordCountWorkload::own_verdict(
    const std::set<std::string>& allow, const std::vector<std::pair<std::int64_t, std::int64_t>>& /*disturbed*/) const {
  checker::WordCountOptions options;
  options.allow = allow;
  return std::make_shared<checker::Verdict>(checker::check_word_count(word_count_run(*shared_), options));
}

nlohmann::ordered_json WordCountWorkload::figures() const {
  std::int64_t acked = 0;
  for (const auto& [id, s] : shared_->sentences) acked += s.acked_at >= 0 ? 1 : 0;
  nlohmann::ordered_json f;
  f["processing_guarantee"] = processing_guarantee_name(shared_->guarantee);
  f["sentences_sent"] = shared_->sentences.size();
  f["sentences_acknowledged"] = acked;
  f["count_records_read"] = shared_->final_counts.size();
  f["task_restarts"] = shared_->task_restarts;
  f["store_restores"] = shared_->restores;
  f["changelog_records_restored"] = shared_->restored_records;
  return f;
}

}  // namespace kafkasim::harness
