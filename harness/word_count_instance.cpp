// A word-count stream instance: one harness/stream_task.h loop over two
// sub-topologies, as Kafka Streams runs them in one thread:
//
//   sentences -> split into words -> word-count-words-repartition (by word)
//   word-count-words-repartition -> count (store "counts", changelogged to
//     word-count-counts-changelog, partition p for task p) -> word-counts
//
// The store holds one map of counts per repartition partition the instance
// owns. It is restored from the changelog partition of the same number when
// the partition is assigned (read_committed under exactly_once_v2, as Kafka
// Streams' restore consumer), and dropped when it is revoked or lost. The
// changelog and output records of a step are produced by the step, so
// under exactly_once_v2 they are in the transaction with its input offsets.
//
// A failed step leaves the task unusable (stream_task.h): the instance
// leaves the group, wipes its store and makes a new task (Kafka Streams'
// "task corrupted" path).
#include "harness/word_count_shared.h"

namespace kafkasim::harness::word_count {

namespace {

struct Instance {
  std::map<int, std::map<std::string, std::int64_t>> stores;  // repartition partition -> word -> count
  // One consumer per restore (a fresh one has no high watermark from an
  // earlier read of the partition), kept for its fibers.
  std::vector<std::unique_ptr<kafka::Consumer>> restorers;
  std::unique_ptr<StreamTask> task;
  std::vector<std::unique_ptr<StreamTask>> retired;  // failed tasks, kept for their fibers
  std::map<kafka::TopicPartition, std::int64_t> stepping;  // the next offsets of the step in progress
};

kafka::Config consumer_config(const Shared& shared, bool group) {
  nlohmann::json j = {{"auto.offset.reset", "earliest"},
                      {"isolation.level", shared.guarantee == ProcessingGuarantee::kExactlyOnceV2
                                              ? "read_committed"
                                              : "read_uncommitted"}};
  if (group) {
    j["group.id"] = kWordCountGroup;
    // Kafka Streams' own defaults are longer; a crashed instance's
    // partitions move within the fault phase with these.
    j["session.timeout.ms"] = 6000;
    j["heartbeat.interval.ms"] = 1000;
  }
  return kafka::Config::resolve(kafka::Scope::consumer, j, "workload.consumer");
}

kafka::Config producer_config(const Shared& shared, const std::string& name) {
  nlohmann::json j = {{"acks", -1}, {"enable.idempotence", true}};
  if (shared.guarantee == ProcessingGuarantee::kExactlyOnceV2) {
    // One transactional.id per instance, stable across its restarts (EOS
    // v2, KIP-447).
    j["transactional.id"] = std::string(kWordCountGroup) + "-" + name;
  }
  return kafka::Config::resolve(kafka::Scope::producer, j, "workload.producer");
}

// Reads changelog partition `p` from its start up to its end into a fresh
// store for `p`.
void restore(Shared& shared, sim::Node& n, Instance& inst, int p) {
  auto& store = inst.stores[p];
  store.clear();
  const kafka::TopicPartition tp{kCountsChangelogTopic, p};
  inst.restorers.push_back(std::make_unique<kafka::Consumer>(n, shared.bootstrap, consumer_config(shared, false)));
  kafka::Consumer* restorer = inst.restorers.back().get();
  restorer->assign({tp});
  restorer->seek(tp, 0);
  shared.restores++;
  for (;;) {
    for (const kafka::ConsumedRecord& r : restorer->poll(sim::milliseconds(100))) {
      shared.restored_records++;
      if (r.null_value) {
        store.erase(r.key);
      } else {
        store[r.key] = std::stoll(r.value);
      }
    }
    if (caught_up(*restorer, {tp})) return;
  }
}

std::vector<std::string> words_of(const std::string& value) {
  std::vector<std::string> words;
  const std::size_t at = value.find(";words=");
  if (at == std::string::npos) return words;
  std::size_t start = at + 7;
  while (start < value.size()) {
    std::size_t end = value.find(' ', start);
    if (end == std::string::npos) end = value.size();
    if (end > start) words.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::vector<StreamOutput> transform(Shared& shared, sim::Node& n, Instance& inst, const std::vector<kafka::ConsumedRecord>& records) {
  std::vector<StreamOutput> out;
  inst.stepping.clear();
  for (const kafka::ConsumedRecord& r : records) {
    inst.stepping[r.tp] = r.offset + 1;
    if (r.tp.topic == kSentencesTopic) {
      for (std::string& w : words_of(r.value)) {
        const kafka::TopicPartition tp = shared.partition_for(kWordsRepartitionTopic, w);
        out.push_back(StreamOutput{tp, std::move(w), "1"});
      }
      continue;
    }
    const int p = r.tp.partition;
    if (!inst.stores.count(p)) restore(shared, n, inst, p);
    const std::int64_t count = ++inst.stores[p][r.key];
    out.push_back(StreamOutput{kafka::TopicPartition{kCountsChangelogTopic, p}, r.key, std::to_string(count)});
    out.push_back(StreamOutput{shared.partition_for(kWordCountsTopic, r.key), r.key, std::to_string(count)});
  }
  return out;
}

void drop(Instance& inst, const std::vector<kafka::TopicPartition>& tps) {
  for (const auto& tp : tps) {
    if (tp.topic == kWordsRepartitionTopic) inst.stores.erase(tp.partition);
  }
}

}  // namespace

void instance_program(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& name) {
  auto state = std::make_shared<Instance>();
  n.set_state(state);
  Instance* inst = state.get();
  n.spawn("stream", [shared, inst, name, &n] {
    for (;;) {
      inst->stores.clear();
      StreamTaskConfig c;
      c.guarantee = shared->guarantee;
      c.input_topics = {kSentencesTopic, kWordsRepartitionTopic};
      c.consumer = consumer_config(*shared, true);
      c.producer = producer_config(*shared, name);
      if (shared->guarantee == ProcessingGuarantee::kAtLeastOnce) {
        c.commit_interval = sim::milliseconds(shared->spec.commit_interval_ms);
      }
      kafka::RebalanceListener listener;
      listener.on_assigned = [shared, inst, &n](const std::vector<kafka::TopicPartition>& tps) {
        for (const auto& tp : tps) {
          if (tp.topic == kWordsRepartitionTopic) restore(*shared, n, *inst, tp.partition);
        }
      };
      listener.on_revoked = [inst](const std::vector<kafka::TopicPartition>& tps) { drop(*inst, tps); };
      listener.on_lost = [inst](const std::vector<kafka::TopicPartition>& tps) { drop(*inst, tps); };
      inst->task = std::make_unique<StreamTask>(
          n, shared->bootstrap, c, std::move(listener),
          [shared, inst, &n](const std::vector<kafka::ConsumedRecord>& records) {
            return transform(*shared, n, *inst, records);
          });
      if (inst->task->init(sim::seconds(10))) {
        for (;;) {
          const StepResult r = inst->task->step();
          if (r.failed) break;
          if (r.records == 0) continue;
          for (const auto& [tp, next] : inst->stepping) {
            std::int64_t& done = shared->processed[tp];
            done = std::max(done, next);
          }
        }
      }
      shared->task_restarts++;
      inst->task->close();
      inst->retired.push_back(std::move(inst->task));
      sim::sleep_for(sim::milliseconds(500));
    }
  });
}

}  // namespace kafkasim::harness::word_count
