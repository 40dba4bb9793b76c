#include "harness/queue_workload.h"

#include <algorithm>
#include <set>

#include "broker-model/consumer.h"
#include "broker-model/group_consumer.h"
#include "broker-model/producer.h"
#include "checker/compaction.h"
#include "harness/ml_workload.h"
#include "harness/ride_workload.h"
#include "harness/word_count_workload.h"
#include "harness/queue_txn.h"

namespace kafkasim::harness {

using checker::OpFn;
using checker::OpType;

struct QueueWorkload::Shared {
  WorkloadSpec spec;
  // compacted-kv: keyed values and tombstones, VALUEs "k3=17" / "k3=null"
  // (checker/compaction.h).
  bool kv = false;
  std::vector<kafka::TopicPartition> keys;
  std::vector<std::string> key_names;
  std::vector<int32_t> bootstrap;
  sim::Simulation* sim = nullptr;
  sim::Prng rng;
  checker::History history;
  bool closed = false;
  std::map<std::string, int64_t> next_value;
  struct Pending {
    OpFn f;
    std::vector<checker::MicroOp> mops;
  };
  std::map<int32_t, Pending> pending;  // invoked, not completed, by process
  // Producer processes: their node and its incarnation when they started.
  std::map<int32_t, std::pair<sim::Node*, uint64_t>> producer_of;
  int32_t next_process = 0;
  bool final_reads = false;
  std::map<int32_t, bool> final_done;  // consumer node -> done (its latest incarnation)
  WorkloadStats stats;
  std::map<std::string, std::set<int64_t>> delivered;  // subscribe: offsets the group has polled, by key

  // Counts the records of a subscribe-mode poll the group had delivered before.
  void count_redelivered(const std::vector<kafka::ConsumedRecord>& records) {
    for (const kafka::ConsumedRecord& r : records) {
      if (!delivered[r.tp.str()].insert(r.offset).second) stats.redelivered++;
    }
  }

  int64_t time() const { return sim->now(); }

  // Whether a send is pending in a producer process still alive (the
  // pending sends of crashed incarnations never complete).
  bool sends_in_flight() const {
    for (const auto& [process, op] : pending) {
      auto it = producer_of.find(process);
      if (it == producer_of.end()) continue;
      const auto& [node, incarnation] = it->second;
      if (node->up() && node->incarnation() == incarnation) return true;
    }
    return false;
  }

  // A poll micro-op and its records, into the op being built.
  void add_poll(const checker::Poll& poll) {
    history.poll();
    for (const auto& [key, records] : poll.records) {
      const checker::KeyId k = history.intern_key(key);
      for (const checker::Record& r : records) {
        history.read(k, r.offset.value_or(checker::kUnknownOffset), checker::ValueRef::of(r.value));
      }
    }
  }
  void invoke(int32_t process, OpFn f, std::vector<checker::MicroOp> mops) {
    if (closed) return;
    history.add_op(process, OpType::invoke, f, mops, time());
    pending[process] = Pending{f, std::move(mops)};
  }
  void complete(int32_t process, OpType type, const std::vector<checker::MicroOp>& mops) {
    if (closed) return;
    auto it = pending.find(process);
    if (it == pending.end()) return;
    history.add_op(process, type, it->second.f, mops, time());
    pending.erase(it);
  }
  // complete, with the keys whose assignment changed during the op
  // (Jepsen's :rebalance-log).
  void complete(int32_t process, OpType type, const std::vector<checker::MicroOp>& mops,
                const std::vector<std::string>& rebalanced) {
    if (rebalanced.empty()) return complete(process, type, mops);
    if (closed) return;
    auto it = pending.find(process);
    if (it == pending.end()) return;
    history.begin_op(type, it->second.f);
    for (const checker::MicroOp& mop : mops) {
      if (const auto* send = std::get_if<checker::Send>(&mop)) {
        history.send(history.intern_key(send->key), checker::ValueRef::of(send->value),
                     send->offset.value_or(checker::kUnknownOffset));
        continue;
      }
      add_poll(std::get<checker::Poll>(mop));
    }
    for (const std::string& key : rebalanced) history.rebalanced(history.intern_key(key));
    history.end_op(std::nullopt, time(), process);
    pending.erase(it);
  }
  void assign(int32_t process) {
    if (closed) return;
    history.add_keys_op(process, OpType::invoke, OpFn::assign, key_names, time());
    history.add_keys_op(process, OpType::ok, OpFn::assign, key_names, time());
  }
  // Completes a pending poll as ok, with the keys whose assignment changed
  // during it (Jepsen's :rebalance-log).
  void complete_poll(int32_t process, const checker::Poll& poll, const std::vector<std::string>& rebalanced) {
    if (closed) return;
    auto it = pending.find(process);
    if (it == pending.end()) return;
    history.begin_op(OpType::ok, OpFn::poll);
    add_poll(poll);
    for (const std::string& key : rebalanced) history.rebalanced(history.intern_key(key));
    history.end_op(std::nullopt, time(), process);
    pending.erase(it);
  }
  void subscribe(int32_t process) {
    if (closed) return;
    history.add_keys_op(process, OpType::invoke, OpFn::subscribe, key_names, time());
    history.add_keys_op(process, OpType::ok, OpFn::subscribe, key_names, time());
  }
  // Completes every pending op as indeterminate.
  void close() {
    if (closed) return;
    for (auto& [process, op] : pending) history.add_op(process, OpType::info, op.f, op.mops, time());
    pending.clear();
    closed = true;
  }
};

namespace {

using Shared = QueueWorkload::Shared;

// A producer node's volatile state: its producer client and the work queue
// its processes take sends from.
struct ProducerClient {
  std::unique_ptr<kafka::Producer> producer;
  sim::Channel<std::pair<size_t, int64_t>> work;  // (key index, value)
  int idle = QueueWorkload::kWorkersPerProducer;
  // txn: true (queue_txn.h): one process, one transaction at a time.
  sim::Channel<TxnJob> txn_work;
  std::vector<std::unique_ptr<kafka::TransactionalProducer>> txn_producers;
  std::unique_ptr<TxnConsumer> txn_consumer;  // txn_poll_ratio > 0
};

checker::Poll to_poll(const std::vector<kafka::ConsumedRecord>& records, bool kv);

std::shared_ptr<QueueTxnContext> txn_context(const std::shared_ptr<Shared>& shared) {
  auto ctx = std::make_shared<QueueTxnContext>();
  Shared* s = shared.get();
  ctx->owner = shared;
  ctx->invoke = [s](int32_t process, OpFn f, std::vector<checker::MicroOp> mops) { s->invoke(process, f, std::move(mops)); };
  ctx->complete = [s](int32_t process, OpType type, const std::vector<checker::MicroOp>& mops,
                      const std::vector<std::string>& rebalanced) { s->complete(process, type, mops, rebalanced); };
  ctx->keys_op = [s](int32_t process, OpFn f) {
    if (f == OpFn::subscribe) {
      s->subscribe(process);
    } else {
      s->assign(process);
    }
  };
  ctx->poll_value = [s](const std::vector<kafka::ConsumedRecord>& records) { return to_poll(records, s->kv); };
  ctx->keys = shared->keys;
  ctx->key_names = shared->key_names;
  ctx->bootstrap = shared->bootstrap;
  ctx->producer_config = shared->spec.producer;
  ctx->stats = &shared->stats;
  return ctx;
}

// The topics of the workload's keys, in key order.
std::vector<std::string> key_topics(const Shared& shared) {
  std::vector<std::string> topics;
  for (const auto& tp : shared.keys) {
    if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) topics.push_back(tp.topic);
  }
  return topics;
}

// The consumer of a producer node whose transactions poll: assigned every
// key, or subscribed to the workload's topics in the workload's group.
std::unique_ptr<TxnConsumer> make_txn_consumer(const Shared& shared, sim::Node& n, const kafka::Config& config,
                                               bool validate_epochs) {
  auto c = std::make_unique<TxnConsumer>();
  c->group_id = config.get_string("group.id");
  c->consumer = std::make_unique<kafka::Consumer>(n, shared.bootstrap, config);
  c->consumer->set_validate_leader_epochs(validate_epochs);
  if (!shared.spec.subscribe) {
    c->consumer->assign(shared.keys);
    return c;
  }
  c->group = std::make_unique<kafka::GroupConsumer>(n, shared.bootstrap, config, *c->consumer);
  TxnConsumer* self = c.get();
  auto note = [self](const std::vector<kafka::TopicPartition>& tps) {
    for (const auto& tp : tps) {
      auto& keys = self->rebalanced;
      if (std::find(keys.begin(), keys.end(), tp.str()) == keys.end()) keys.push_back(tp.str());
    }
  };
  c->group->subscribe(key_topics(shared), kafka::RebalanceListener{note, note, note});
  return c;
}

// One producer process: sends the values handed to it, one op at a time.
void producer_process(const std::shared_ptr<Shared>& shared, ProducerClient* client, int32_t process) {
  for (;;) {
    auto job = client->work.receive();
    if (!job) return;
    --client->idle;
    const kafka::TopicPartition& tp = shared->keys[job->first];
    const std::string& key = shared->key_names[job->first];
    const int64_t value = job->second;
    checker::Value sent = value;
    std::shared_ptr<kafka::Delivery> delivery;
    shared->stats.sent++;
    if (shared->kv) {
      const std::string record_key = "k" + std::to_string(shared->rng.below(static_cast<uint64_t>(shared->spec.record_keys)));
      const bool tombstone = shared->rng.unit() < shared->spec.tombstone_ratio;
      const std::string text = std::to_string(value);
      sent = checker::kv_value(record_key, tombstone ? std::nullopt : std::optional<std::string_view>(text));
      shared->invoke(process, OpFn::send, {checker::Send{key, sent, std::nullopt}});
      delivery = tombstone ? client->producer->send_tombstone(tp, record_key) : client->producer->send(tp, record_key, text);
    } else {
      shared->invoke(process, OpFn::send, {checker::Send{key, sent, std::nullopt}});
      delivery = client->producer->send(tp, "", std::to_string(value));
    }
    delivery->wait();
    const kafka::DeliveryReport& r = delivery->report();
    switch (r.status) {
      case kafka::DeliveryReport::Status::kPersisted: {
        shared->stats.acked++;
        std::optional<int64_t> offset;
        if (r.offset >= 0) offset = r.offset;
        shared->complete(process, OpType::ok, {checker::Send{key, sent, offset}});
        break;
      }
      case kafka::DeliveryReport::Status::kNotPersisted:
        shared->complete(process, OpType::fail, {checker::Send{key, sent, std::nullopt}});
        break;
      default:
        shared->complete(process, OpType::info, {checker::Send{key, sent, std::nullopt}});
        break;
    }
    ++client->idle;
  }
}

checker::Poll to_poll(const std::vector<kafka::ConsumedRecord>& records, bool kv) {
  checker::Poll poll;
  for (const kafka::ConsumedRecord& r : records) {
    const std::string key = r.tp.str();
    auto it = std::find_if(poll.records.begin(), poll.records.end(), [&](const auto& e) { return e.first == key; });
    if (it == poll.records.end()) it = poll.records.emplace(poll.records.end(), key, std::vector<checker::Record>{});
    if (kv) {
      it->second.push_back(checker::Record{
          r.offset, checker::kv_value(r.key, r.null_value ? std::nullopt : std::optional<std::string_view>(r.value))});
      continue;
    }
    int64_t value = 0;
    try {
      value = std::stoll(r.value);
    } catch (const std::exception&) {
      continue;
    }
    it->second.push_back(checker::Record{r.offset, value});
  }
  return poll;
}

// One poll op of `process`.
std::vector<kafka::ConsumedRecord> poll_op(Shared& shared, kafka::Consumer& consumer, int32_t process) {
  shared.invoke(process, OpFn::poll, {checker::Poll{}});
  auto records = consumer.poll(sim::milliseconds(100));
  shared.stats.polled += static_cast<int64_t>(records.size());
  shared.complete(process, OpType::ok, {to_poll(records, shared.kv)});
  return records;
}

// A consumer process: assigns every key and polls; when the final reads
// begin it becomes a new process that reads every key from offset 0 until
// it has reached each key's high watermark on two polls in a row.
void final_reads(const std::shared_ptr<Shared>& shared, kafka::Consumer* consumer, int32_t node);

void consumer_process(const std::shared_ptr<Shared>& shared, kafka::Consumer* consumer, int32_t node) {
  int32_t process = shared->next_process++;
  consumer->assign(shared->keys);
  shared->assign(process);
  while (!shared->final_reads) {
    poll_op(*shared, *consumer, process);
    // A slow application takes this long over what it polled (never in
    // the final reads).
    if (shared->spec.poll_interval_ms > 0) sim::sleep_for(sim::milliseconds(shared->spec.poll_interval_ms));
  }
  final_reads(shared, consumer, node);
}

// A consumer node's volatile state in subscribe mode.
struct GroupClient {
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<kafka::GroupConsumer> group;
  std::vector<std::string> rebalanced;  // keys assigned, revoked or lost since the last poll op
};

// A consumer process in subscribe mode (Jepsen's :sub-via #{:subscribe}):
// subscribes to every topic of the workload in one group and polls; the
// rebalance callbacks' keys go into the poll op they happened in. With
// enable.auto.commit=false it commits synchronously after every poll. At the final reads it closes (commit, LeaveGroup) and
// reads everything in assign mode like the other consumers.
void subscribe_consumer_process(const std::shared_ptr<Shared>& shared, GroupClient* client, int32_t node) {
  const int32_t process = shared->next_process++;
  const std::vector<std::string> topics = key_topics(*shared);
  auto note = [client](const std::vector<kafka::TopicPartition>& tps) {
    for (const auto& tp : tps) {
      auto& keys = client->rebalanced;
      if (std::find(keys.begin(), keys.end(), tp.str()) == keys.end()) keys.push_back(tp.str());
    }
  };
  client->group->subscribe(topics, kafka::RebalanceListener{note, note, note});
  shared->subscribe(process);
  const bool manual_commit = !shared->spec.consumer.get_bool("enable.auto.commit");
  while (!shared->final_reads) {
    shared->invoke(process, OpFn::poll, {checker::Poll{}});
    auto records = client->group->poll(sim::milliseconds(100));
    shared->stats.polled += static_cast<int64_t>(records.size());
    if (!shared->final_reads) shared->count_redelivered(records);
    std::vector<std::string> rebalanced;
    rebalanced.swap(client->rebalanced);
    shared->complete_poll(process, to_poll(records, shared->kv), rebalanced);
    if (manual_commit) client->group->commit_sync();
    if (shared->spec.poll_interval_ms > 0) sim::sleep_for(sim::milliseconds(shared->spec.poll_interval_ms));
  }
  client->group->close();
  final_reads(shared, client->consumer.get(), node);
}

void final_reads(const std::shared_ptr<Shared>& shared, kafka::Consumer* consumer, int32_t node) {
  shared->final_done[node] = false;
  // compacted-kv: the final read starts once every send still alive has
  // completed, so that it is a read of everything acknowledged (the
  // compaction checker's final read).
  while (shared->kv && shared->sends_in_flight()) sim::sleep_for(sim::milliseconds(100));
  int32_t process = shared->next_process++;
  consumer->assign(shared->keys);
  shared->assign(process);
  for (const auto& tp : shared->keys) consumer->seek(tp, 0);
  int caught_up = 0;
  while (caught_up < 2) {
    poll_op(*shared, *consumer, process);
    bool all = true;
    for (const auto& tp : shared->keys) {
      const int64_t hw = consumer->high_watermark(tp);
      if (hw < 0 || consumer->position(tp) < hw) all = false;
    }
    caught_up = all ? caught_up + 1 : 0;
  }
  shared->final_done[node] = true;
}

}  // namespace

QueueWorkload::QueueWorkload(const Scenario& scenario) : shared_(std::make_shared<Shared>()) {
  shared_->spec = scenario.workload;
  shared_->kv = scenario.workload.kind == "compacted-kv";
  std::vector<std::string> topics = scenario.workload.keys;
  if (topics.empty()) {
    for (const Topic& t : scenario.topics) topics.push_back(t.name);
  }
  for (const std::string& name : topics) {
    for (const Topic& t : scenario.topics) {
      if (t.name != name) continue;
      for (int p = 0; p < t.partitions; ++p) {
        shared_->keys.push_back(kafka::TopicPartition{t.name, p});
        shared_->key_names.push_back(shared_->keys.back().str());
      }
    }
  }
}

QueueWorkload::~QueueWorkload() = default;

kafka::Config queue_consumer_config(const kafka::Config& consumer) {
  if (consumer.is_explicit("auto.offset.reset")) return consumer;
  nlohmann::json j = consumer.non_default();
  j["auto.offset.reset"] = "earliest";
  return kafka::Config::resolve(kafka::Scope::consumer, j, "workload.consumer");
}

void QueueWorkload::setup(sim::Simulation& sim, kafka::Cluster& cluster) {
  shared_->sim = &sim;
  shared_->rng = sim.stream("workload");
  shared_->bootstrap = cluster.bootstrap();
  std::shared_ptr<Shared> shared = shared_;
  // Scenarios built in code have not been through the reader.
  kafka::Config consumer_config = queue_consumer_config(shared->spec.consumer);
  const bool validate_epochs = !cluster.spec().bugs.uncommitted_fetch;
  // A group for the subscribing consumers and for the offsets of polling
  // transactions; a scenario may name its own.
  const bool txn_polls = shared->spec.txn && shared->spec.txn_poll_ratio > 0;
  // (Unset is null: the canonical form of a scenario writes every setting.)
  if ((shared->spec.subscribe || txn_polls) && consumer_config.is_null("group.id")) {
    nlohmann::json j = consumer_config.non_default();
    j["group.id"] = kDefaultGroupId;
    consumer_config = kafka::Config::resolve(kafka::Scope::consumer, j, "workload.consumer");
  }
  // The consumer of a polling transaction commits its offsets only with
  // the transaction (KIP-447).
  kafka::Config txn_consumer_config = consumer_config;
  if (txn_polls) {
    nlohmann::json j = consumer_config.non_default();
    j["enable.auto.commit"] = false;
    txn_consumer_config = kafka::Config::resolve(kafka::Scope::consumer, j, "workload.consumer");
  }

  for (int i = 1; i <= shared->spec.producers; ++i) {
    sim::Node& node = sim.add_node("producer-" + std::to_string(i), [shared, txn_polls, txn_consumer_config,
                                                                     validate_epochs](sim::Node& n) {
      auto client = std::make_shared<ProducerClient>();
      if (shared->spec.txn) {
        n.set_state(client);
        client->idle = 1;
        const int32_t process = shared->next_process++;
        ProducerClient* c = client.get();
        if (txn_polls) c->txn_consumer = make_txn_consumer(*shared, n, txn_consumer_config, validate_epochs);
        auto ctx = txn_context(shared);
        n.spawn("process-" + std::to_string(process), [ctx, c, process, &n] {
          txn_producer_process(ctx, n, c->txn_work, c->idle, c->txn_producers, c->txn_consumer.get(), process);
        }, /*daemon=*/true);
        return;
      }
      client->producer = std::make_unique<kafka::Producer>(n, shared->bootstrap, shared->spec.producer);
      n.set_state(client);
      for (int w = 0; w < kWorkersPerProducer; ++w) {
        const int32_t process = shared->next_process++;
        shared->producer_of[process] = {&n, n.incarnation()};
        ProducerClient* c = client.get();
        n.spawn("process-" + std::to_string(process), [shared, c, process] { producer_process(shared, c, process); },
                /*daemon=*/true);
      }
    });
    clients_.push_back(&node);
  }
  if (shared->spec.subscribe) {
    for (int i = 1; i <= shared->spec.consumers; ++i) {
      sim::Node& node = sim.add_node("consumer-" + std::to_string(i), [shared, consumer_config, validate_epochs](sim::Node& n) {
        auto client = std::make_shared<GroupClient>();
        client->consumer = std::make_unique<kafka::Consumer>(n, shared->bootstrap, consumer_config);
        client->consumer->set_validate_leader_epochs(validate_epochs);
        client->group = std::make_unique<kafka::GroupConsumer>(n, shared->bootstrap, consumer_config, *client->consumer);
        n.set_state(client);
        GroupClient* c = client.get();
        const int32_t node_id = n.id();
        n.spawn("consumer", [shared, c, node_id] { subscribe_consumer_process(shared, c, node_id); });
      });
      clients_.push_back(&node);
    }
    return;
  }
  for (int i = 1; i <= shared->spec.consumers; ++i) {
    sim::Node& node = sim.add_node("consumer-" + std::to_string(i), [shared, consumer_config, validate_epochs](sim::Node& n) {
      auto consumer = std::make_shared<kafka::Consumer>(n, shared->bootstrap, consumer_config);
      consumer->set_validate_leader_epochs(validate_epochs);
      n.set_state(consumer);
      kafka::Consumer* c = consumer.get();
      const int32_t node_id = n.id();
      n.spawn("consumer", [shared, c, node_id] { consumer_process(shared, c, node_id); });
    });
    clients_.push_back(&node);
  }
}

void QueueWorkload::start() {
  sim::Simulation& sim = *shared_->sim;
  for (sim::Node* n : clients_) sim.start(*n);
  std::shared_ptr<Shared> shared = shared_;
  std::vector<sim::Node*> producers(clients_.begin(), clients_.begin() + shared->spec.producers);
  // The op generator: sends spread evenly over time and producers.
  sim.spawn_harness("queue-generator", [shared, producers] {
    if (shared->keys.empty() || producers.empty() || shared->spec.rate_per_s <= 0) return;
    const auto interval = static_cast<sim::Duration>(1e9 / shared->spec.rate_per_s);
    size_t next_producer = 0;
    while (!shared->final_reads) {
      sim::sleep_for(interval);
      if (shared->final_reads) break;
      sim::Node* node = producers[next_producer++ % producers.size()];
      auto* state = node->up() ? node->state<ProducerClient>() : nullptr;
      if (state == nullptr || !node->up() || state->idle <= 0 || state->work.size() > 0) continue;
      if (shared->spec.txn) {
        if (state->txn_work.size() > 0) continue;
        // Jepsen's txn ops: 1 to 4 micro-ops, each a poll with probability
        // txn_poll_ratio (no draw when 0), else a send to a random key.
        TxnJob job;
        const size_t mops = 1 + static_cast<size_t>(shared->rng.below(4));
        const double poll_ratio = shared->spec.txn_poll_ratio;
        for (size_t i = 0; i < mops; ++i) {
          if (poll_ratio > 0 && shared->rng.unit() < poll_ratio) {
            job.mops.push_back(TxnMop{true, 0, 0});
            continue;
          }
          const size_t key = static_cast<size_t>(shared->rng.below(shared->keys.size()));
          job.mops.push_back(TxnMop{false, key, shared->next_value[shared->key_names[key]]++});
        }
        job.abort = shared->spec.abort_ratio > 0 && shared->rng.below(1000000) < shared->spec.abort_ratio * 1000000;
        state->txn_work.send(std::move(job));
        continue;
      }
      const size_t key = static_cast<size_t>(shared->rng.below(shared->keys.size()));
      const int64_t value = shared->next_value[shared->key_names[key]]++;
      state->work.send({key, value});
    }
  });
}

void QueueWorkload::begin_final_reads() { shared_->final_reads = true; }

bool QueueWorkload::finished() const {
  if (!shared_->final_reads) return false;
  int done = 0;
  for (const auto& [node, ok] : shared_->final_done) done += ok ? 1 : 0;
  return done >= 1 && done == static_cast<int>(shared_->final_done.size());
}

WorkloadStats QueueWorkload::stats() const { return shared_->stats; }

const checker::History& QueueWorkload::history() const {
  shared_->close();
  return shared_->history;
}

std::unique_ptr<Workload> make_workload(const Scenario& scenario) {
  if (scenario.workload.kind == "ml-pipeline") return std::make_unique<MlWorkload>(scenario);
  if (scenario.workload.kind == "ride-sharing") return std::make_unique<RideWorkload>(scenario);
  if (scenario.workload.kind == "word-count") return std::make_unique<WordCountWorkload>(scenario);
  return std::make_unique<QueueWorkload>(scenario);
}

}  // namespace kafkasim::harness
