// The word-count workload (docs/streams.md): sentence producers write
// sentences to `sentences`; a stream job of N instances (client nodes in
// the consumer group `word-count`, each running a harness/stream_task.h
// loop under the scenario's processing.guarantee) splits them into words,
// repartitions the words by word through `word-count-words-repartition`,
// counts them in a local state store per partition backed by the
// compacted changelog `word-count-counts-changelog`, and emits each new
// count to `word-counts` keyed by word. After recovery an auditor reads
// `word-counts` read_committed; the run is judged by
// checker/word_count.h, not by the queue checks: history() is empty.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker-model/cluster.h"
#include "harness/scenario.h"
#include "harness/workload.h"

namespace kafkasim::harness {

// The job's topics, named as Kafka Streams names an application's
// internal topics (application.id "word-count", store "counts").
inline constexpr const char* kSentencesTopic = "sentences";
inline constexpr const char* kWordsRepartitionTopic = "word-count-words-repartition";
inline constexpr const char* kCountsChangelogTopic = "word-count-counts-changelog";
inline constexpr const char* kWordCountsTopic = "word-counts";
inline constexpr const char* kWordCountGroup = "word-count";

// Why a scenario cannot run the job, as (JSON path, message): `sentences`
// or `word-counts` missing, or one of the job's internal topics declared.
// nullopt when it can.
std::optional<std::pair<std::string, std::string>> word_count_problem(const std::vector<Topic>& topics);

// The job's internal topics, which it creates itself as Kafka Streams
// does: the repartition topic and the compacted changelog, each with the
// partitions, replication factor and configuration of `sentences` (the
// changelog compacted). Empty for another workload.
std::vector<kafka::TopicSpec> word_count_internal_topics(const Scenario& scenario);

class WordCountWorkload final : public Workload {
 public:
  explicit WordCountWorkload(const Scenario& scenario);
  ~WordCountWorkload() override;

  void setup(sim::Simulation& sim, kafka::Cluster& cluster) override;
  void start() override;
  void begin_final_reads() override;
  bool finished() const override;
  std::vector<sim::Node*> client_nodes() const override { return clients_; }
  const checker::History& history() const override;
  WorkloadStats stats() const override;
  std::shared_ptr<checker::Verdict> own_verdict(
      const std::set<std::string>& allow,
      const std::vector<std::pair<std::int64_t, std::int64_t>>& disturbed) const override;
  nlohmann::ordered_json figures() const override;

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
  std::vector<sim::Node*> clients_;
};

}  // namespace kafkasim::harness
