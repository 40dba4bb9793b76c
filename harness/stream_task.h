// A consume-transform-produce loop (Kafka Streams' StreamThread, reduced to
// one loop per instance) with `processing.guarantee`:
//
//   exactly_once_v2  (KIP-447) one transactional producer per instance; each
//                    step is one transaction holding the outputs and the
//                    consumed offsets (send_offsets_to_transaction with the
//                    group metadata, so a member that lost its partitions is
//                    fenced by the group coordinator). The consumer reads
//                    read_committed and fetches committed offsets with
//                    require_stable.
//   at_least_once    an idempotent producer; each step waits for every
//                    output's acknowledgement, then commits the consumed
//                    offsets (OffsetCommit). A crash between the two
//                    processes the records again.
//
// Use:
//   StreamTask task(node, bootstrap, config, listener, process);
//   for (;;) { StepResult r = task.step(); if (r.failed) { /* recreate */ } }
// `process` gets the records of one poll (in order per partition) and
// returns the records to produce. The listener's callbacks run inside
// step() (in the group consumer's poll): restore state for assigned
// partitions there or lazily, drop it on revoked and lost.
//
// Contract after a failed step (an abortable or fatal transaction error,
// a commit of unknown outcome, a failed delivery or offset commit): the
// task is unusable. The caller destroys it, drops every local state it
// derived from this task's input, and makes a new one, which rejoins the
// group, resumes from the committed offsets and (exactly_once_v2) fences
// the former producer by its transactional.id. This is Kafka Streams'
// "task corrupted: close dirty, wipe state, restore from the changelog".
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker-model/consumer.h"
#include "broker-model/group_consumer.h"
#include "broker-model/producer.h"
#include "broker-model/transactional_producer.h"

namespace kafkasim::harness {

enum class ProcessingGuarantee : uint8_t { kExactlyOnceV2, kAtLeastOnce };
// "exactly_once_v2" or "at_least_once" (the streams-scope setting
// `processing.guarantee` of the config catalog); nullopt otherwise.
std::optional<ProcessingGuarantee> parse_processing_guarantee(const std::string& name);
const char* processing_guarantee_name(ProcessingGuarantee g);

struct StreamOutput {
  kafka::TopicPartition tp;
  std::string key;
  std::string value;
};

struct StreamTaskConfig {
  ProcessingGuarantee guarantee = ProcessingGuarantee::kExactlyOnceV2;
  std::vector<std::string> input_topics;
  // group.id set; enable.auto.commit is turned off and, under
  // exactly_once_v2, isolation.level is read_committed.
  kafka::Config consumer;
  // exactly_once_v2: transactional.id set (one per instance, stable across
  // restarts); transaction.timeout.ms defaults to 10000 as in Kafka
  // Streams. at_least_once: an idempotent producer's config.
  kafka::Config producer;
  sim::Duration poll_timeout = sim::milliseconds(100);
  sim::Duration commit_timeout = sim::seconds(10);
  // at_least_once: commit the consumed offsets only once this long has
  // passed since the last commit (Kafka Streams' commit.interval.ms), in a
  // step that processed records or, if any were processed since, in an
  // idle one; 0: after every step. A restarted task processes again
  // everything since.
  sim::Duration commit_interval = 0;
};

struct StepResult {
  bool failed = false;
  kafka::Errc error = kafka::Errc::kNone;
  size_t records = 0;  // records processed (and committed, when !failed, unless commit_interval defers it)
};

class StreamTask {
 public:
  using Process = std::function<std::vector<StreamOutput>(const std::vector<kafka::ConsumedRecord>&)>;

  StreamTask(sim::Node& node, std::vector<int32_t> bootstrap, StreamTaskConfig config,
             kafka::RebalanceListener listener, Process process);
  ~StreamTask();

  // exactly_once_v2: init_transactions (fences an older instance). False
  // when it failed: the task is unusable.
  bool init(sim::Duration timeout);
  // Polls once, processes the records and commits them with their outputs.
  StepResult step();
  // Leaves the group (without committing anything).
  void close();

  const kafka::GroupConsumer& group() const { return *group_; }

 private:
  StepResult fail(kafka::Errc e, size_t records);
  StepResult commit_offsets(size_t records);  // at_least_once: OffsetCommit of the positions

  sim::Node& node_;
  StreamTaskConfig config_;
  Process process_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<kafka::GroupConsumer> group_;
  std::unique_ptr<kafka::TransactionalProducer> txn_producer_;  // exactly_once_v2
  std::unique_ptr<kafka::Producer> producer_;                   // at_least_once
  bool broken_ = false;
  sim::SimTime last_commit_ = 0;  // at_least_once with a commit_interval
  bool uncommitted_ = false;      // at_least_once: records processed since the last commit
};

}  // namespace kafkasim::harness
