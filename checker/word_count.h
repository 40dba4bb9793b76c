// The word-count checker: the final counts a word-count stream job
// (docs/streams.md) published must agree with the sentences it was given.
//
// The run is described by plain facts, independent of the broker model:
// every sentence a producer sent, with whether its send was acknowledged
// (an unacknowledged one had an unknown outcome: it may or may not be in
// the input), and the records a final read_committed read of the output
// topic returned after recovery. A word's final count is the value of its
// last record (the job partitions its output by word, so a word's records
// are in one partition, in offset order). Its ground truth lies between
// its occurrences in the acknowledged sentences (min) and in all the sent
// sentences (max), as the queue checker allows either outcome of an info
// send.
//
//   double-count  a word's final count is above max: some input was
//                 counted twice (at_least_once reprocessing after a crash);
//   lost-count    a word's final count is below min (or the word has no
//                 output record at all): some acknowledged input was never
//                 counted.
//
// Under exactly_once_v2 both must be absent.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "checker/check.h"

namespace kafkasim::checker {

struct WordCountSentence {
  std::string id;                  // "producer-1:17": unique per run
  std::vector<std::string> words;  // in order; a word may repeat
  bool acknowledged = false;       // false: the send's outcome is unknown
};

struct WordCountRecord {
  std::string word;  // the record's key
  std::int64_t count = 0;
  int partition = 0;
  std::int64_t offset = -1;
};

struct WordCountRun {
  std::vector<WordCountSentence> sentences;
  // The final read of the output topic: per partition in offset order.
  std::vector<WordCountRecord> records;
};

struct WordCountOptions {
  std::set<std::string> allow;  // anomaly kinds that do not make the run invalid
};

// The anomalies check_word_count reports, in a fixed order.
const std::vector<std::string>& word_count_anomaly_names();

// Witnesses (one per word, sorted by word): {"word", "expected": {"min",
// "max"}, "found", "partition", "offset"} with the final record's
// partition and offset (null when the word has no record); a double-count
// also names "first_above_max_offset", the first record whose count
// exceeded max.
Verdict check_word_count(const WordCountRun& run, const WordCountOptions& options);

}  // namespace kafkasim::checker
