// What the word-count workload's clients share with the harness: the
// scenario's settings, the facts the checker needs (every sentence sent
// and when it was acknowledged, the auditor's final read of
// `word-counts`), and the input offsets the job has committed. Client
// nodes only write facts here; they talk to each other through the
// cluster.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "broker-model/cluster.h"
#include "broker-model/config_catalog.h"
#include "broker-model/types.h"
#include "checker/word_count.h"
#include "harness/consumer_progress.h"
#include "harness/stream_task.h"
#include "harness/word_count_workload.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

struct WordCountWorkload::Shared {
  WordCountSpec spec;
  ProcessingGuarantee guarantee = ProcessingGuarantee::kAtLeastOnce;
  std::map<std::string, int> partitions;  // topic -> partition count
  std::vector<int32_t> bootstrap;
  sim::Simulation* sim = nullptr;
  sim::Prng rng;  // the "workload" stream: sentences and their partitions
  bool final_reads = false;
  bool audit_done = false;
  WorkloadStats stats;

  struct Sentence {
    checker::WordCountSentence fact;  // acknowledged: see acked_at
    sim::SimTime acked_at = -1;       // when its send was acknowledged (-1: not, or not yet)
  };
  std::int64_t sentences_sent = 0;
  // Per producer, the next sentence's sequence number: the producer's own
  // durable counter, so that sentence ids stay unique across its crashes.
  std::map<std::string, std::int64_t> next_sentence;
  std::map<std::string, Sentence> sentences;  // by id
  // Per input partition (sentences, repartition), the next offset a
  // successful step of the job processed: its outputs acknowledged (under
  // exactly_once_v2, committed with the offsets in one transaction).
  std::map<kafka::TopicPartition, std::int64_t> processed;
  // The auditor's final read, and the time up to which it proved every
  // acknowledged sentence counted.
  std::vector<checker::WordCountRecord> final_counts;
  sim::SimTime audited_at = -1;
  std::int64_t task_restarts = 0;    // stream tasks recreated after a failed step
  std::int64_t restores = 0;         // state store partitions restored from the changelog
  std::int64_t restored_records = 0;  // changelog records read by those restores

  int64_t now_ms() const { return sim::to_ms(sim->now()); }
  std::vector<kafka::TopicPartition> partitions_of(const std::string& topic) const;
  // The partition of `word` in `topic` (the job partitions by word).
  kafka::TopicPartition partition_for(const std::string& topic, const std::string& word) const;
};

namespace word_count {

using Shared = WordCountWorkload::Shared;
// The client node programs (harness/word_count_producer.cpp,
// word_count_instance.cpp, word_count_auditor.cpp).
void producer_program(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& name);
void instance_program(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& name);
void auditor_program(const std::shared_ptr<Shared>& shared, sim::Node& n);

}  // namespace word_count
}  // namespace kafkasim::harness
