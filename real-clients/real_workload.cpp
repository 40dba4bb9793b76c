#include "real-clients/real_workload.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "real-clients/delivery_outcome.h"
#include "real-clients/history_recorder.h"
#include "real-clients/rdkafka_handles.h"
#include "real-clients/topics.h"

namespace kafkasim::real {

using checker::OpFn;
using checker::OpType;
using Clock = std::chrono::steady_clock;
using ConfSettings = std::vector<std::pair<std::string, std::pair<std::string, std::string>>>;

namespace {

struct Key {
  std::string topic;
  int32_t partition;
  std::string name;   // "orders/0"
  int64_t start = 0;  // this run's first offset (RealWorkload::prepare)
};

}  // namespace

struct ProducerNode;

struct RealWorkload::Shared {
  harness::WorkloadSpec spec;
  std::string group_id;  // subscribe mode: the consumers' shared group
  std::vector<Key> keys;
  std::vector<std::string> key_names;
  std::vector<std::string> topics;
  ConfSettings producer_settings;
  ConfSettings consumer_settings;
  HistoryRecorder recorder;
  std::atomic<int32_t> next_process{0};
  std::atomic<bool> sending{true};
  std::atomic<bool> final_reads{false};
  std::atomic<bool> stopping{false};
  std::atomic<int64_t> sent{0}, acked{0}, polled{0};
  std::mutex mu;
  std::condition_variable changed;
  int consumers_caught_up = 0;
  std::string thread_error;  // a client thread that could not run
  harness::Scenario scenario;  // the scenario, for prepare()
  std::vector<std::unique_ptr<ProducerNode>> producers;
  std::vector<std::thread> threads;
  std::mt19937_64 rng;
  std::map<size_t, int64_t> next_value;
};

namespace {

using Shared = RealWorkload::Shared;

}  // namespace

struct ProducerNode {
  Shared* shared = nullptr;
  std::mutex mu;
  std::vector<int32_t> free_processes;
  Handle rk;  // last: destroyed first, while the reports it still serves can use the rest
};

namespace {

struct SendContext {
  ProducerNode* node;
  int32_t process;
  size_t key;
  int64_t value;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* ctx = static_cast<SendContext*>(m->_private);
  if (ctx == nullptr) return;
  Shared& shared = *ctx->node->shared;
  const OpType type = delivery_op_type(m->err, rd_kafka_message_status(m));
  std::optional<int64_t> offset;
  if (type == OpType::ok) {
    shared.acked++;
    if (m->offset >= 0) offset = m->offset;
  }
  shared.recorder.complete(ctx->process, type, {checker::Send{shared.key_names[ctx->key], ctx->value, offset}});
  {
    std::lock_guard lock(ctx->node->mu);
    ctx->node->free_processes.push_back(ctx->process);
  }
  delete ctx;
}

// Sends one value through a free process of `node`; false when all are busy.
bool send_one(Shared& shared, ProducerNode& node, size_t key, int64_t value) {
  int32_t process;
  {
    std::lock_guard lock(node.mu);
    if (node.free_processes.empty()) return false;
    process = node.free_processes.back();
    node.free_processes.pop_back();
  }
  const std::string& name = shared.key_names[key];
  shared.sent++;
  shared.recorder.invoke(process, OpFn::send, {checker::Send{name, value, std::nullopt}});
  auto* ctx = new SendContext{&node, process, key, value};
  const std::string payload = std::to_string(value);
  rd_kafka_resp_err_t err = rd_kafka_producev(
      node.rk.get(), RD_KAFKA_V_TOPIC(shared.keys[key].topic.c_str()), RD_KAFKA_V_PARTITION(shared.keys[key].partition),
      RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_OPAQUE(ctx), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Refused before it was queued: certainly not written.
    shared.recorder.complete(process, OpType::fail, {checker::Send{name, value, std::nullopt}});
    delete ctx;
    std::lock_guard lock(node.mu);
    node.free_processes.push_back(process);
  }
  return true;
}

void producer_poller(Shared& shared, ProducerNode& node) {
  while (!shared.stopping) rd_kafka_poll(node.rk.get(), 50);
}

void generator(Shared& shared) {
  if (shared.keys.empty() || shared.producers.empty() || shared.spec.rate_per_s <= 0) return;
  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / shared.spec.rate_per_s));
  auto next = Clock::now();
  size_t next_producer = 0;
  std::uniform_int_distribution<size_t> pick(0, shared.keys.size() - 1);
  while (shared.sending) {
    next += interval;
    std::this_thread::sleep_until(next);
    if (!shared.sending) break;
    ProducerNode& node = *shared.producers[next_producer++ % shared.producers.size()];
    const size_t key = pick(shared.rng);
    if (send_one(shared, node, key, shared.next_value[key])) shared.next_value[key]++;
  }
}

// Every key, each from this run's first offset.
PartitionList key_list(const Shared& shared) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(shared.keys.size())));
  for (const Key& k : shared.keys) rd_kafka_topic_partition_list_add(list.get(), k.topic.c_str(), k.partition)->offset = k.start;
  return list;
}

// Subscribe mode: assigned partitions start at this run's first offset,
// whatever the group committed before.
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  const Shared& shared = *static_cast<const Shared*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < partitions->cnt; ++i) {
      rd_kafka_topic_partition_t& p = partitions->elems[i];
      for (const Key& k : shared.keys) {
        if (k.topic == p.topic && k.partition == p.partition) p.offset = k.start;
      }
    }
    rd_kafka_assign(rk, partitions);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

// One poll op of `process`: the records of one batch from the consumer queue.
void poll_op(Shared& shared, rd_kafka_queue_t* queue, int32_t process) {
  shared.recorder.invoke(process, OpFn::poll, {checker::Poll{}});
  rd_kafka_message_t* batch[500];
  const ssize_t n = rd_kafka_consume_batch_queue(queue, 100, batch, 500);
  checker::Poll poll;
  std::map<std::string, size_t> slot;
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = batch[i];
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->rkt != nullptr) {
      const std::string key = std::string(rd_kafka_topic_name(m->rkt)) + "/" + std::to_string(m->partition);
      try {
        const int64_t value = std::stoll(std::string(static_cast<const char*>(m->payload), m->len));
        auto [it, fresh] = slot.emplace(key, poll.records.size());
        if (fresh) poll.records.emplace_back(key, std::vector<checker::Record>{});
        poll.records[it->second].second.push_back(checker::Record{m->offset, value});
        shared.polled++;
      } catch (const std::exception&) {
        // Not a workload value (another writer on the topic): not ours to check.
      }
    }
    rd_kafka_message_destroy(m);
  }
  shared.recorder.complete(process, OpType::ok, {poll});
}

// True when the consumer's position has reached every key's high watermark.
bool caught_up(const Shared& shared, rd_kafka_t* rk) {
  PartitionList positions = key_list(shared);
  if (rd_kafka_position(rk, positions.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  for (int i = 0; i < positions->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = positions->elems[i];
    int64_t low = 0, high = 0;
    if (rd_kafka_query_watermark_offsets(rk, p.topic, p.partition, &low, &high, 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return false;
    }
    const int64_t position = p.offset >= 0 ? p.offset : std::max(low, shared.keys[static_cast<size_t>(i)].start);
    if (position < high) return false;
  }
  return true;
}

// One consumer client: its handle and its consumer queue.
struct ConsumerClient {
  Handle rk;
  rd_kafka_queue_t* queue = nullptr;
  ~ConsumerClient() {
    if (queue != nullptr) rd_kafka_queue_destroy(queue);
    if (rk) rd_kafka_consumer_close(rk.get());
  }
};

// `group`: the subscribers' shared group, or a group of this consumer's own.
std::unique_ptr<ConsumerClient> consumer_client(Shared& shared, const std::string& group, bool subscribe) {
  ConfSettings settings = {{"consumer", {"group.id", group}},
                           {"consumer", {"enable.auto.commit", "false"}},
                           {"consumer", {"auto.offset.reset", "earliest"}},
                           {"consumer", {"enable.partition.eof", "false"}}};
  settings.insert(settings.end(), shared.consumer_settings.begin(), shared.consumer_settings.end());
  Conf conf = make_conf(settings);
  if (subscribe) {
    rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance);
    rd_kafka_conf_set_opaque(conf.get(), &shared);
  }
  auto c = std::make_unique<ConsumerClient>();
  c->rk = make_client(RD_KAFKA_CONSUMER, std::move(conf));
  rd_kafka_poll_set_consumer(c->rk.get());
  c->queue = rd_kafka_queue_get_consumer(c->rk.get());
  return c;
}

void consumer_loop(Shared& shared, int index) {
  const std::string own_group = shared.group_id + "-consumer-" + std::to_string(index);
  std::unique_ptr<ConsumerClient> c =
      consumer_client(shared, shared.spec.subscribe ? shared.group_id : own_group, shared.spec.subscribe);
  int32_t process = shared.next_process++;
  if (shared.spec.subscribe) {
    PartitionList topics(rd_kafka_topic_partition_list_new(static_cast<int>(shared.topics.size())));
    for (const std::string& t : shared.topics) rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    shared.recorder.keys_op(process, OpFn::subscribe, shared.key_names);
    rd_kafka_subscribe(c->rk.get(), topics.get());
  } else {
    shared.recorder.keys_op(process, OpFn::assign, shared.key_names);
    rd_kafka_assign(c->rk.get(), key_list(shared).get());
  }
  while (!shared.final_reads && !shared.stopping) poll_op(shared, c->queue, process);
  if (shared.stopping) return;

  // The final reads assign every key. A subscriber leaves its group first,
  // with a client of its own: assigning while the group's revocation is
  // still under way trips librdkafka's assignment state.
  if (shared.spec.subscribe) {
    c.reset();
    c = consumer_client(shared, own_group, false);
  }
  process = shared.next_process++;
  shared.recorder.keys_op(process, OpFn::assign, shared.key_names);
  rd_kafka_assign(c->rk.get(), key_list(shared).get());
  int in_a_row = 0;
  while (in_a_row < 2 && !shared.stopping) {
    poll_op(shared, c->queue, process);
    in_a_row = caught_up(shared, c->rk.get()) ? in_a_row + 1 : 0;
  }
  if (in_a_row >= 2) {
    std::lock_guard lock(shared.mu);
    shared.consumers_caught_up++;
    shared.changed.notify_all();
  }
}

void consumer_thread(Shared& shared, int index) {
  try {
    consumer_loop(shared, index);
  } catch (const std::exception& e) {
    std::lock_guard lock(shared.mu);
    shared.thread_error = "consumer-" + std::to_string(index) + ": " + e.what();
  }
}

}  // namespace

RealWorkload::RealWorkload(const harness::Scenario& scenario, const std::string& bootstrap)
    : shared_(std::make_shared<Shared>()) {
  Shared& s = *shared_;
  s.spec = scenario.workload;
  s.group_id = "kafkasim-real-" + scenario.name;
  s.rng.seed(scenario.seed);
  std::vector<std::string> topics = scenario.workload.keys;
  if (topics.empty()) {
    for (const harness::Topic& t : scenario.topics) topics.push_back(t.name);
  }
  s.topics = topics;
  s.scenario = scenario;
  for (const std::string& name : topics) {
    for (const harness::Topic& t : scenario.topics) {
      if (t.name != name) continue;
      for (int p = 0; p < t.partitions; ++p) {
        s.keys.push_back(Key{t.name, p, t.name + "/" + std::to_string(p)});
        s.key_names.push_back(s.keys.back().name);
      }
    }
  }
  const std::pair<std::string, std::pair<std::string, std::string>> servers{"--bootstrap", {"bootstrap.servers", bootstrap}};
  // librdkafka logs every lost connection on stderr; faults make many. A
  // scenario can ask for them with real.client_config {"log_level": "7"}.
  const std::pair<std::string, std::pair<std::string, std::string>> quiet{"", {"log_level", "2"}};
  s.producer_settings = {servers, quiet};
  for (auto& e : explicit_settings(scenario.workload.producer, "workload.producer")) s.producer_settings.push_back(e);
  s.consumer_settings = {servers, quiet};
  for (auto& e : explicit_settings(scenario.workload.consumer, "workload.consumer")) s.consumer_settings.push_back(e);
  for (const auto& [name, value] : scenario.real.client_config) {
    const std::pair<std::string, std::pair<std::string, std::string>> e{
        kafka::json_member_path("real.client_config", name), {name, value}};
    s.producer_settings.push_back(e);
    s.consumer_settings.push_back(e);
  }
  // Every configuration is tried now, so that a bad setting is reported
  // before any client starts.
  make_conf(s.producer_settings);
  make_conf(s.consumer_settings);
}

RealWorkload::~RealWorkload() { stop(); }

void RealWorkload::prepare(bool create_topics) {
  Shared& s = *shared_;
  Conf conf = make_conf(s.producer_settings);
  Handle probe = make_client(RD_KAFKA_PRODUCER, std::move(conf));
  if (create_topics) {
    if (std::string why = ensure_topics(probe.get(), s.scenario); !why.empty()) throw std::runtime_error(why);
  }
  const std::map<std::string, int64_t> starts = high_watermarks(probe.get(), s.scenario);
  for (Key& k : s.keys) k.start = starts.at(k.name);
}

void RealWorkload::start() {
  Shared& s = *shared_;
  for (int i = 0; i < s.spec.producers; ++i) {
    auto node = std::make_unique<ProducerNode>();
    node->shared = &s;
    Conf conf = make_conf(s.producer_settings);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
    node->rk = make_client(RD_KAFKA_PRODUCER, std::move(conf));
    for (int w = 0; w < kWorkersPerProducer; ++w) node->free_processes.insert(node->free_processes.begin(), s.next_process++);
    s.producers.push_back(std::move(node));
  }
  for (auto& node : s.producers) s.threads.emplace_back(producer_poller, std::ref(s), std::ref(*node));
  for (int i = 1; i <= s.spec.consumers; ++i) s.threads.emplace_back(consumer_thread, std::ref(s), i);
  s.threads.emplace_back(generator, std::ref(s));
}

void RealWorkload::stop_sends(std::chrono::milliseconds budget) {
  Shared& s = *shared_;
  s.sending = false;
  const auto deadline = Clock::now() + budget;
  for (auto& node : s.producers) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    // The poller thread serves the delivery reports; flush only waits.
    rd_kafka_flush(node->rk.get(), static_cast<int>(std::max<int64_t>(0, left.count())));
  }
}

bool RealWorkload::final_reads(std::chrono::milliseconds budget) {
  Shared& s = *shared_;
  s.final_reads = true;
  std::unique_lock lock(s.mu);
  return s.changed.wait_for(lock, budget, [&] { return s.consumers_caught_up >= s.spec.consumers; });
}

void RealWorkload::stop() {
  Shared& s = *shared_;
  if (s.stopping.exchange(true)) return;
  s.sending = false;
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  // The history is closed first: reports of purged messages come too late
  // to be recorded, and their ops are already `info`.
  s.recorder.close();
  for (auto& node : s.producers) {
    rd_kafka_purge(node->rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(node->rk.get(), 0);
  }
  s.producers.clear();
}

const checker::History& RealWorkload::history() const { return shared_->recorder.history(); }

std::string RealWorkload::thread_error() const {
  std::lock_guard lock(shared_->mu);
  return shared_->thread_error;
}

harness::WorkloadStats RealWorkload::stats() const {
  return harness::WorkloadStats{shared_->sent.load(), shared_->acked.load(), shared_->polled.load()};
}

}  // namespace kafkasim::real
