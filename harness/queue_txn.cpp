#include "harness/queue_txn.h"

#include <algorithm>
#include <map>

namespace kafkasim::harness {

using checker::OpFn;
using checker::OpType;

kafka::Config txn_producer_config(const kafka::Config& scenario_producer, const std::string& node_name) {
  if (!scenario_producer.is_null("transactional.id")) return scenario_producer;
  nlohmann::json j = scenario_producer.non_default();
  j["transactional.id"] = node_name;
  return kafka::Config::resolve(kafka::Scope::producer, j, "workload.producer");
}

namespace {

// How long a process waits before it starts a new producer instance after
// the last one was fenced: the application's restart delay, which lets a
// standby sharing the transactional.id run meanwhile.
constexpr sim::Duration kRestartAfterFatal = sim::seconds(5);
// ... and after a commit of unknown outcome.
constexpr sim::Duration kRestartAfterUnknown = sim::seconds(1);
// The application's work between two micro-ops of one transaction.
constexpr sim::Duration kThinkTime = sim::milliseconds(50);
// How long a poll of a transaction waits for records (Jepsen's poll-ms).
constexpr sim::Duration kPollTimeout = sim::milliseconds(100);

// The op's micro-ops: sends (with their offsets once `acked`), and polls
// (with the records `polled` returned, up to the polls done).
std::vector<checker::MicroOp> mops_of(const QueueTxnContext& ctx, const TxnJob& job,
                                      const std::vector<std::shared_ptr<kafka::Delivery>>* acked,
                                      const std::vector<checker::Poll>& polled) {
  std::vector<checker::MicroOp> mops;
  size_t send = 0, poll = 0;
  for (const TxnMop& m : job.mops) {
    if (m.poll) {
      mops.push_back(poll < polled.size() ? polled[poll] : checker::Poll{});
      ++poll;
      continue;
    }
    std::optional<int64_t> offset;
    if (acked != nullptr && send < acked->size() && (*acked)[send]->report().offset >= 0) {
      offset = (*acked)[send]->report().offset;
    }
    ++send;
    mops.push_back(checker::Send{ctx.key_names[m.key], m.value, offset});
  }
  return mops;
}

size_t send_count(const TxnJob& job) {
  size_t n = 0;
  for (const TxnMop& m : job.mops) n += m.poll ? 0 : 1;
  return n;
}

// Per partition polled: the first offset read, and the next offset to
// consume after the last (with the leader epoch of the last record, KIP-320).
struct PolledRange {
  int64_t first = kafka::kNoOffset;
  kafka::OffsetCommitRequest::PartitionOffset next;
};

void note_polled(std::map<kafka::TopicPartition, PolledRange>& ranges, const std::vector<kafka::ConsumedRecord>& records) {
  for (const kafka::ConsumedRecord& r : records) {
    PolledRange& range = ranges[r.tp];
    if (range.first == kafka::kNoOffset) range.first = r.offset;
    range.next = {r.tp, r.offset + 1, r.leader_epoch};
  }
}

}  // namespace

std::vector<kafka::ConsumedRecord> TxnConsumer::poll(sim::Duration timeout) {
  return group ? group->poll(timeout) : consumer->poll(timeout);
}

kafka::ConsumerGroupMetadata TxnConsumer::group_metadata() const {
  if (!group) return kafka::ConsumerGroupMetadata{group_id, -1, ""};
  return kafka::ConsumerGroupMetadata{group_id, group->generation(), group->member_id()};
}

bool TxnConsumer::owns(const kafka::TopicPartition& tp) const {
  if (!group) return true;
  const auto& owned = group->assignment();
  return std::find(owned.begin(), owned.end(), tp) != owned.end();
}

void txn_producer_process(const std::shared_ptr<QueueTxnContext>& ctx, sim::Node& node, sim::Channel<TxnJob>& work,
                          int& idle, std::vector<std::unique_ptr<kafka::TransactionalProducer>>& producers,
                          TxnConsumer* consumer, int32_t process) {
  const kafka::Config config = txn_producer_config(ctx->producer_config, node.name());
  const sim::Duration timeout = sim::milliseconds(config.get_long("transaction.timeout.ms"));
  kafka::TransactionalProducer* p = nullptr;
  bool ready = false;
  if (consumer != nullptr) ctx->keys_op(process, consumer->group ? OpFn::subscribe : OpFn::assign);
  for (;;) {
    auto job = work.receive();
    if (!job) return;
    --idle;
    if (p == nullptr) {
      producers.push_back(std::make_unique<kafka::TransactionalProducer>(node, ctx->bootstrap, config));
      p = producers.back().get();
      ready = false;
    }
    if (!ready) {
      const kafka::TxnError e = p->init_transactions(timeout);
      if (!e.ok()) {
        // The job is dropped before it was invoked, as Jepsen's client
        // does when it cannot open.
        if (e.kind == kafka::TxnErrorClass::kFatal) {
          p = nullptr;
          sim::sleep_for(kRestartAfterFatal);
        }
        ++idle;
        continue;
      }
      ready = true;
    }
    const std::vector<checker::Poll> none;
    ctx->invoke(process, OpFn::txn, mops_of(*ctx, *job, nullptr, none));
    ctx->stats->sent += static_cast<int64_t>(send_count(*job));
    if (consumer != nullptr) consumer->rebalanced.clear();
    kafka::TxnError e = p->begin_transaction();
    std::vector<std::shared_ptr<kafka::Delivery>> deliveries;
    std::vector<checker::Poll> polled;
    std::map<kafka::TopicPartition, PolledRange> ranges;
    for (size_t i = 0; e.ok() && i < job->mops.size(); ++i) {
      if (i > 0) sim::sleep_for(kThinkTime);
      const TxnMop& m = job->mops[i];
      if (m.poll) {
        const std::vector<kafka::ConsumedRecord> records = consumer->poll(kPollTimeout);
        ctx->stats->polled += static_cast<int64_t>(records.size());
        note_polled(ranges, records);
        polled.push_back(ctx->poll_value(records));
        continue;
      }
      auto d = p->send(ctx->keys[m.key], "", std::to_string(m.value), &e);
      if (d) deliveries.push_back(d);
    }
    if (e.ok() && !job->abort && !ranges.empty()) {
      std::vector<kafka::OffsetCommitRequest::PartitionOffset> offsets;
      for (const auto& [tp, range] : ranges) {
        if (consumer->owns(tp)) offsets.push_back(range.next);
      }
      e = p->send_offsets_to_transaction(offsets, consumer->group_metadata(), timeout);
    }
    OpType outcome = OpType::fail;
    bool retire = false;
    if (e.ok() && !job->abort) {
      e = p->commit_transaction(timeout);
      if (e.ok()) {
        outcome = OpType::ok;
      } else if (p->commit_requested()) {
        outcome = OpType::info;  // EndTxn(commit) may have been written
        retire = true;
      }
    }
    if (outcome == OpType::fail) {
      // Never asked to commit: aborted now, by the fencing instance, or by
      // the coordinator's transaction timeout.
      const kafka::TxnError a = p->abort_transaction(timeout);
      if (!a.ok()) retire = true;
    }
    if (outcome != OpType::ok) {
      // The polls' offsets did not commit (or may not have): read the
      // records again (Jepsen's rollback-consumer!).
      for (const auto& [tp, range] : ranges) {
        if (consumer->owns(tp)) consumer->consumer->seek(tp, range.first);
      }
    }
    std::vector<std::string> rebalanced;
    if (consumer != nullptr) rebalanced.swap(consumer->rebalanced);
    if (outcome == OpType::ok) {
      ctx->stats->acked += static_cast<int64_t>(send_count(*job));
      ctx->complete(process, outcome, mops_of(*ctx, *job, &deliveries, polled), rebalanced);
    } else {
      ctx->complete(process, outcome, mops_of(*ctx, *job, nullptr, polled), rebalanced);
    }
    if (retire || p->fatal()) {
      const bool fatal = p->fatal();
      p = nullptr;
      sim::sleep_for(fatal ? kRestartAfterFatal : kRestartAfterUnknown);
    }
    ++idle;
  }
}

}  // namespace kafkasim::harness
