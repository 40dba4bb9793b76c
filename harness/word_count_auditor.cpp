// The auditor: once the final reads begin, reads `sentences`, the
// repartition topic and `word-counts` read_committed from their starts
// until it has caught up with all three and the job has processed every
// input record it read (so every acknowledged sentence has been counted
// and its counts published). What it read of `word-counts` is the run's
// final counts.
#include "harness/word_count_shared.h"

namespace kafkasim::harness::word_count {

namespace {

struct Auditor {
  std::unique_ptr<kafka::Consumer> consumer;
};

}  // namespace

void auditor_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  auto state = std::make_shared<Auditor>();
  n.set_state(state);
  Auditor* a = state.get();
  n.spawn("auditor", [shared, a, &n] {
    while (!shared->final_reads) sim::sleep_for(sim::milliseconds(500));
    a->consumer = std::make_unique<kafka::Consumer>(
        n, shared->bootstrap,
        kafka::Config::resolve(kafka::Scope::consumer,
                               nlohmann::json{{"auto.offset.reset", "earliest"}, {"isolation.level", "read_committed"}},
                               "workload.consumer"));
    std::vector<kafka::TopicPartition> inputs = shared->partitions_of(kSentencesTopic);
    for (const auto& tp : shared->partitions_of(kWordsRepartitionTopic)) inputs.push_back(tp);
    std::vector<kafka::TopicPartition> all = inputs;
    for (const auto& tp : shared->partitions_of(kWordCountsTopic)) all.push_back(tp);
    a->consumer->assign(all);
    for (const auto& tp : all) a->consumer->seek(tp, 0);
    std::map<kafka::TopicPartition, std::int64_t> read_to;  // last input record read + 1
    shared->final_counts.clear();
    for (;;) {
      // A sentence acknowledged by now is in `sentences` below the high
      // watermark the next fetch sees, and so are the outputs of every
      // step the job has finished by now.
      const sim::SimTime asked_at = sim::now();
      const std::map<kafka::TopicPartition, std::int64_t> processed = shared->processed;
      const auto records = a->consumer->poll(sim::milliseconds(200));
      shared->stats.polled += static_cast<int64_t>(records.size());
      for (const kafka::ConsumedRecord& r : records) {
        if (r.tp.topic != kWordCountsTopic) {
          read_to[r.tp] = r.offset + 1;
        } else if (!r.null_value) {
          shared->final_counts.push_back(
              checker::WordCountRecord{r.key, std::stoll(r.value), r.tp.partition, r.offset});
        }
      }
      if (!caught_up(*a->consumer, all)) continue;
      bool done = true;
      for (const auto& [tp, next] : read_to) {
        auto it = processed.find(tp);
        if (it == processed.end() || it->second < next) done = false;
      }
      if (!done) continue;
      shared->audited_at = asked_at;
      break;
    }
    shared->audit_done = true;
  });
}

}  // namespace kafkasim::harness::word_count
