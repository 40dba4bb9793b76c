// The `workload.word_count` block of a word-count scenario
// (docs/scenario-format.md, docs/streams.md). The job's processing.guarantee
// is the streams-scope setting of `workload.streams`.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

struct WordCountSpec {
  int producers = 2;                // sentence producers producer-1..N
  int instances = 3;                // stream instances instance-1..N, one consumer group
  double sentences_per_s = 20;      // all producers together
  std::int64_t sentences = 0;       // the producers stop after this many (0: at the final reads)
  int vocabulary = 8;               // the words w0..w(N-1)
  int words_per_sentence = 4;
  // at_least_once: the instances commit their consumed offsets this often
  // (Kafka Streams' commit.interval.ms); exactly_once_v2 commits every step.
  std::int64_t commit_interval_ms = 30000;
  bool operator==(const WordCountSpec&) const = default;
};

// Every key, for the canonical scenario form.
nlohmann::json to_json(const WordCountSpec& w);
// The keys that differ from the defaults, for a scenario file.
nlohmann::ordered_json non_default_json(const WordCountSpec& w);
// Reads the block (already checked against the schema).
WordCountSpec word_count_spec_from_json(const nlohmann::json& j);

}  // namespace kafkasim::harness
