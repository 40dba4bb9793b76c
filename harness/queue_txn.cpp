#include "harness/queue_txn.h"

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
// The application's work between two sends of one transaction.
constexpr sim::Duration kThinkTime = sim::milliseconds(50);

std::vector<checker::MicroOp> sends_of(const QueueTxnContext& ctx, const TxnJob& job,
                                       const std::vector<std::shared_ptr<kafka::Delivery>>* acked) {
  std::vector<checker::MicroOp> mops;
  for (size_t i = 0; i < job.sends.size(); ++i) {
    std::optional<int64_t> offset;
    if (acked != nullptr && i < acked->size() && (*acked)[i]->report().offset >= 0) offset = (*acked)[i]->report().offset;
    mops.push_back(checker::Send{ctx.key_names[job.sends[i].first], job.sends[i].second, offset});
  }
  return mops;
}

}  // namespace

void txn_producer_process(const std::shared_ptr<QueueTxnContext>& ctx, sim::Node& node, sim::Channel<TxnJob>& work,
                          int& idle, std::vector<std::unique_ptr<kafka::TransactionalProducer>>& producers,
                          int32_t process) {
  const kafka::Config config = txn_producer_config(ctx->producer_config, node.name());
  const sim::Duration timeout = sim::milliseconds(config.get_long("transaction.timeout.ms"));
  kafka::TransactionalProducer* p = nullptr;
  bool ready = false;
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
    ctx->invoke(process, OpFn::txn, sends_of(*ctx, *job, nullptr));
    ctx->stats->sent += static_cast<int64_t>(job->sends.size());
    kafka::TxnError e = p->begin_transaction();
    std::vector<std::shared_ptr<kafka::Delivery>> deliveries;
    for (size_t i = 0; e.ok() && i < job->sends.size(); ++i) {
      if (i > 0) sim::sleep_for(kThinkTime);
      const auto& [key, value] = job->sends[i];
      auto d = p->send(ctx->keys[key], "", std::to_string(value), &e);
      if (d) deliveries.push_back(d);
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
    if (outcome == OpType::ok) {
      ctx->stats->acked += static_cast<int64_t>(job->sends.size());
      ctx->complete(process, outcome, sends_of(*ctx, *job, &deliveries));
    } else {
      ctx->complete(process, outcome, sends_of(*ctx, *job, nullptr));
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
