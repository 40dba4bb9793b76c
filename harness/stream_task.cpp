#include "harness/stream_task.h"

#include <map>

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

std::optional<ProcessingGuarantee> parse_processing_guarantee(const std::string& name) {
  if (name == "exactly_once_v2") return ProcessingGuarantee::kExactlyOnceV2;
  if (name == "at_least_once") return ProcessingGuarantee::kAtLeastOnce;
  return std::nullopt;
}

const char* processing_guarantee_name(ProcessingGuarantee g) {
  return g == ProcessingGuarantee::kExactlyOnceV2 ? "exactly_once_v2" : "at_least_once";
}

StreamTask::StreamTask(sim::Node& node, std::vector<int32_t> bootstrap, StreamTaskConfig config,
                       kafka::RebalanceListener listener, Process process)
    : node_(node), config_(std::move(config)), process_(std::move(process)) {
  nlohmann::json settings = config_.consumer.non_default();
  settings["enable.auto.commit"] = false;
  if (config_.guarantee == ProcessingGuarantee::kExactlyOnceV2) settings["isolation.level"] = "read_committed";
  const kafka::Config consumer = kafka::Config::resolve(kafka::Scope::consumer, settings, "stream.consumer");
  consumer_ = std::make_unique<kafka::Consumer>(node_, bootstrap, consumer);
  group_ = std::make_unique<kafka::GroupConsumer>(node_, bootstrap, consumer, *consumer_);
  if (config_.guarantee == ProcessingGuarantee::kExactlyOnceV2) {
    // Kafka Streams' default under exactly-once: a crashed instance's open
    // transaction (and the pending offsets that hold its partitions back
    // from the next owner's require_stable fetch) is aborted after 10 s,
    // not the producer's 60 s. delivery.timeout.ms follows it unless set.
    if (!config_.producer.is_explicit("transaction.timeout.ms")) {
      nlohmann::json producer = config_.producer.non_default();
      producer["transaction.timeout.ms"] = 10000;
      if (!config_.producer.is_explicit("delivery.timeout.ms")) producer.erase("delivery.timeout.ms");
      config_.producer = kafka::Config::resolve(kafka::Scope::producer, producer, "stream.producer");
    }
    txn_producer_ = std::make_unique<kafka::TransactionalProducer>(node_, bootstrap, config_.producer);
  } else {
    producer_ = std::make_unique<kafka::Producer>(node_, bootstrap, config_.producer);
  }
  group_->subscribe(config_.input_topics, std::move(listener));
  last_commit_ = sim::now();
}

StreamTask::~StreamTask() = default;

bool StreamTask::init(sim::Duration timeout) {
  if (!txn_producer_) return true;
  if (!txn_producer_->init_transactions(timeout).ok()) broken_ = true;
  return !broken_;
}

StepResult StreamTask::fail(kafka::Errc e, size_t records) {
  broken_ = true;
  if (txn_producer_ && !txn_producer_->fatal()) txn_producer_->abort_transaction(config_.commit_timeout);
  return StepResult{true, e, records};
}

StepResult StreamTask::step() {
  if (broken_) return StepResult{true, kafka::Errc::kInvalidTxnState, 0};
  std::vector<kafka::ConsumedRecord> records = group_->poll(config_.poll_timeout);
  if (records.empty()) {
    // at_least_once: a deferred commit falls due on the timer even when no
    // new record came (Kafka Streams commits every commit.interval.ms while
    // a task has processed anything since its last commit).
    if (uncommitted_ && sim::now() - last_commit_ >= config_.commit_interval) return commit_offsets(0);
    return StepResult{};
  }
  // The next offset to consume per partition, with the epoch of the last
  // record consumed (KIP-320).
  std::map<kafka::TopicPartition, kafka::OffsetCommitRequest::PartitionOffset> next;
  for (const auto& r : records) next[r.tp] = {r.tp, r.offset + 1, r.leader_epoch};
  std::vector<StreamOutput> outputs = process_(records);

  if (txn_producer_) {
    kafka::TxnError e = txn_producer_->begin_transaction();
    if (!e.ok()) return fail(e.code, records.size());
    for (StreamOutput& o : outputs) {
      txn_producer_->send(o.tp, std::move(o.key), std::move(o.value), &e);
      if (!e.ok()) return fail(e.code, records.size());
    }
    std::vector<kafka::OffsetCommitRequest::PartitionOffset> offsets;
    for (const auto& [tp, o] : next) offsets.push_back(o);
    e = txn_producer_->send_offsets_to_transaction(
        offsets, kafka::ConsumerGroupMetadata{config_.consumer.get_string("group.id"), group_->generation(),
                                              group_->member_id()},
        config_.commit_timeout);
    if (!e.ok()) return fail(e.code, records.size());
    e = txn_producer_->commit_transaction(config_.commit_timeout);
    // A retriable error here leaves the commit's outcome unknown: the task
    // is recreated, and its new producer's InitProducerId settles it.
    if (!e.ok()) return fail(e.code, records.size());
    return StepResult{false, kafka::Errc::kNone, records.size()};
  }

  std::vector<std::shared_ptr<kafka::Delivery>> deliveries;
  for (StreamOutput& o : outputs) deliveries.push_back(producer_->send(o.tp, std::move(o.key), std::move(o.value)));
  const sim::SimTime deadline = sim::now() + config_.commit_timeout;
  for (const auto& d : deliveries) {
    if (!d->wait(deadline)) return fail(kafka::Errc::kRequestTimedOut, records.size());
    if (d->report().status != kafka::DeliveryReport::Status::kPersisted) {
      return fail(d->report().error == kafka::Errc::kNone ? kafka::Errc::kRequestTimedOut : d->report().error,
                  records.size());
    }
  }
  uncommitted_ = true;
  if (config_.commit_interval > 0 && sim::now() - last_commit_ < config_.commit_interval) {
    return StepResult{false, kafka::Errc::kNone, records.size()};
  }
  return commit_offsets(records.size());
}

StepResult StreamTask::commit_offsets(size_t records) {
  last_commit_ = sim::now();
  const kafka::Errc committed = group_->commit_sync();
  if (committed != kafka::Errc::kNone) return fail(committed, records);
  uncommitted_ = false;
  return StepResult{false, kafka::Errc::kNone, records};
}

void StreamTask::close() { group_->close(); }

}  // namespace kafkasim::harness
