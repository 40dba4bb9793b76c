#include "broker-model/txn_coordinator.h"

#include <algorithm>

#include "broker-model/broker.h"
#include "broker-model/offset_store.h"
#include "broker-model/partition.h"

namespace kafkasim::kafka {
namespace {
constexpr sim::Duration kAppendTimeout = sim::seconds(5);
constexpr sim::Duration kMarkerRetryBackoff = sim::milliseconds(100);
}  // namespace

TxnCoordinator::TxnCoordinator(Broker& broker) : broker_(broker) {}

void TxnCoordinator::start() {
  broker_.node().spawn("txn-timeouts", [this] {
    const sim::Duration every =
        sim::milliseconds(broker_.config_long("transaction.abort.timed.out.transaction.cleanup.interval.ms"));
    for (;;) {
      broker_.node().sleep_local(every);
      abort_timed_out();
    }
  }, /*daemon=*/true);
}

int32_t TxnCoordinator::partition_of(const std::string& id) const {
  const TopicInfo* topic = broker_.metadata().topic(kTransactionStateTopic);
  if (topic == nullptr || topic->partitions <= 0) return -1;
  return transaction_state_partition(id, topic->partitions);
}

TxnCoordinator::Shard* TxnCoordinator::shard_of(const std::string& id, Errc* error) {
  auto it = shards_.find(partition_of(id));
  if (it == shards_.end()) {
    *error = Errc::kNotCoordinator;
    return nullptr;
  }
  return &it->second;
}

TxnCoordinator::Shard* TxnCoordinator::shard(int32_t partition, uint64_t generation) {
  auto it = shards_.find(partition);
  return it == shards_.end() || it->second.generation != generation ? nullptr : &it->second;
}

const TxnMetadata* TxnCoordinator::find(const std::string& id) const {
  auto it = shards_.find(partition_of(id));
  if (it == shards_.end()) return nullptr;
  auto e = it->second.txns.find(id);
  return e == it->second.txns.end() || e->second.m.producer_id < 0 ? nullptr : &e->second.m;
}

void TxnCoordinator::on_role_change(Partition& p) {
  const int32_t partition = p.tp().partition;
  if (p.role() != Partition::Role::kLeader) {
    shards_.erase(partition);
    return;
  }
  auto it = shards_.find(partition);
  if (it != shards_.end() && it->second.coordinator_epoch == p.leader_epoch()) return;
  // Load: the last record of each id wins.
  Shard loaded;
  loaded.coordinator_epoch = p.leader_epoch();
  loaded.generation = next_generation_++;
  Log& log = p.log();
  for (const BatchPtr& b : log.read(log.log_start_offset(), INT64_MAX, log.log_end_offset())) {
    for (const Record& r : b->records) {
      std::optional<TxnMetadata> m = TxnMetadata::decode(r.key, r.value);
      if (m) loaded.txns[r.key].m = *m;
    }
  }
  shards_[partition] = std::move(loaded);
  sim::Simulation::current()->record(broker_.node().id(), "broker-" + std::to_string(broker_.id()) +
                                                              " became transaction coordinator for " + p.tp().str() +
                                                              " in coordinator epoch " +
                                                              std::to_string(p.leader_epoch()));
  for (const auto& [id, entry] : shards_[partition].txns) {
    if (entry.m.state == TxnState::kPrepareCommit || entry.m.state == TxnState::kPrepareAbort) {
      sim::Simulation::current()->record(broker_.node().id(), "broker-" + std::to_string(broker_.id()) +
                                                                  " finishes the transaction of " + id + " found in " +
                                                                  to_string(entry.m.state));
      spawn_completion(partition, id);
    }
  }
}

Errc TxnCoordinator::persist(int32_t partition, const TxnMetadata& next) {
  auto it = shards_.find(partition);
  if (it == shards_.end()) return Errc::kNotCoordinator;
  const uint64_t generation = it->second.generation;
  Entry& current = it->second.txns[next.transactional_id];
  if (current.m.producer_id >= 0 && !valid_transition(current.m.state, next.state)) return Errc::kInvalidTxnState;
  current.pending = true;
  Partition* p = broker_.find_partition(TopicPartition{kTransactionStateTopic, partition});
  Errc error = Errc::kNotCoordinator;
  if (p != nullptr) {
    RecordBatch batch;
    batch.records.push_back(Record{next.transactional_id, next.encode(), broker_.now_ms()});
    error = p->produce(batch, -1, sim::now() + kAppendTimeout).error;
  }
  Shard* s = shard(partition, generation);
  if (s == nullptr) return Errc::kNotCoordinator;
  Entry& e = s->txns[next.transactional_id];
  e.pending = false;
  if (error == Errc::kNone) {
    e.m = next;
    return Errc::kNone;
  }
  if (e.m.producer_id < 0) s->txns.erase(next.transactional_id);
  return error == Errc::kNotLeaderOrFollower ? Errc::kNotCoordinator : Errc::kCoordinatorNotAvailable;
}

std::unique_ptr<Response> TxnCoordinator::init_producer_id(const InitProducerIdRequest& r) {
  auto resp = std::make_unique<InitProducerIdResponse>();
  if (r.transaction_timeout_ms <= 0 || r.transaction_timeout_ms > broker_.config_long("transaction.max.timeout.ms")) {
    resp->error = Errc::kInvalidTransactionTimeout;
    return resp;
  }
  Shard* s = shard_of(r.transactional_id, &resp->error);
  if (s == nullptr) return resp;
  const int32_t partition = partition_of(r.transactional_id);
  auto it = s->txns.find(r.transactional_id);
  TxnMetadata next;
  if (it == s->txns.end() || it->second.m.producer_id < 0) {
    if (it != s->txns.end() && it->second.pending) {
      resp->error = Errc::kConcurrentTransactions;
      return resp;
    }
    next.transactional_id = r.transactional_id;
    next.producer_id = broker_.allocate_producer_id();
    next.producer_epoch = 0;
  } else {
    const Entry& e = it->second;
    if (e.pending || is_preparing(e.m.state)) {
      resp->error = Errc::kConcurrentTransactions;
      return resp;
    }
    // KIP-360: a producer that names its id and epoch bumps its own epoch;
    // one whose epoch was bumped meanwhile is a zombie.
    if (r.producer_id >= 0 && (r.producer_id != e.m.producer_id || r.producer_epoch != e.m.producer_epoch)) {
      resp->error = Errc::kProducerFenced;
      return resp;
    }
    if (e.m.state == TxnState::kOngoing) {
      resp->error = fence_and_abort(partition, r.transactional_id, /*timed_out=*/false);
      if (resp->error == Errc::kNone) resp->error = Errc::kConcurrentTransactions;
      return resp;
    }
    next = e.m;
    next.producer_epoch = static_cast<int16_t>(e.m.producer_epoch + 1);
  }
  next.timeout_ms = r.transaction_timeout_ms;
  next.state = TxnState::kEmpty;
  next.partitions.clear();
  next.txn_start_ms = -1;
  resp->error = persist(partition, next);
  if (resp->error == Errc::kNone) {
    resp->producer_id = next.producer_id;
    resp->producer_epoch = next.producer_epoch;
  }
  return resp;
}

TxnCoordinator::Entry* TxnCoordinator::producer_entry(const std::string& id, int64_t producer_id,
                                                      int16_t producer_epoch, Errc* error) {
  Shard* s = shard_of(id, error);
  if (s == nullptr) return nullptr;
  auto it = s->txns.find(id);
  if (it == s->txns.end() || it->second.m.producer_id < 0 || it->second.m.producer_id != producer_id) {
    *error = Errc::kInvalidProducerIdMapping;
    return nullptr;
  }
  if (producer_epoch != it->second.m.producer_epoch) {
    *error = Errc::kProducerFenced;
    return nullptr;
  }
  return &it->second;
}

std::unique_ptr<Response> TxnCoordinator::add_partitions(const AddPartitionsToTxnRequest& r) {
  auto resp = std::make_unique<AddPartitionsToTxnResponse>();
  Entry* entry = producer_entry(r.transactional_id, r.producer_id, r.producer_epoch, &resp->error);
  if (entry == nullptr) return resp;
  const TxnMetadata& m = entry->m;
  const bool all_in = std::all_of(r.partitions.begin(), r.partitions.end(),
                                  [&](const TopicPartition& tp) { return m.partitions.count(tp) > 0; });
  if (r.verify_only) {
    // KIP-890 part 1: a partition leader asks before the first
    // transactional write of this producer there.
    resp->error = m.state == TxnState::kOngoing && all_in ? Errc::kNone : Errc::kInvalidTxnState;
    return resp;
  }
  if (entry->pending || is_preparing(m.state)) {
    resp->error = Errc::kConcurrentTransactions;
    return resp;
  }
  if (m.state == TxnState::kOngoing && all_in) return resp;
  TxnMetadata next = m;
  if (m.state != TxnState::kOngoing) {
    next.partitions.clear();
    next.txn_start_ms = broker_.now_ms();
  }
  next.state = TxnState::kOngoing;
  next.partitions.insert(r.partitions.begin(), r.partitions.end());
  resp->error = persist(partition_of(r.transactional_id), next);
  return resp;
}

std::unique_ptr<Response> TxnCoordinator::add_offsets(const AddOffsetsToTxnRequest& r) {
  AddPartitionsToTxnRequest add;
  add.transactional_id = r.transactional_id;
  add.producer_id = r.producer_id;
  add.producer_epoch = r.producer_epoch;
  add.partitions.push_back(TopicPartition{
      kOffsetsTopic,
      offsets_partition_for(r.group_id, static_cast<int32_t>(broker_.config_long("offsets.topic.num.partitions")))});
  auto added = add_partitions(add);
  auto resp = std::make_unique<AddOffsetsToTxnResponse>();
  resp->error = static_cast<AddPartitionsToTxnResponse&>(*added).error;
  return resp;
}

std::unique_ptr<Response> TxnCoordinator::end_txn(const EndTxnRequest& r) {
  auto resp = std::make_unique<EndTxnResponse>();
  Entry* entry = producer_entry(r.transactional_id, r.producer_id, r.producer_epoch, &resp->error);
  if (entry == nullptr) return resp;
  const TxnMetadata& m = entry->m;
  if (entry->pending) {
    resp->error = Errc::kConcurrentTransactions;
    return resp;
  }
  const TxnState done = r.commit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  const TxnState preparing = r.commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
  if (m.state == done) return resp;  // a retry of an EndTxn that completed
  if (m.state == preparing) {
    resp->error = Errc::kConcurrentTransactions;
    return resp;
  }
  if (m.state != TxnState::kOngoing) {
    resp->error = Errc::kInvalidTxnState;
    return resp;
  }
  TxnMetadata next = m;
  next.state = preparing;
  const int32_t partition = partition_of(r.transactional_id);
  resp->error = persist(partition, next);
  if (resp->error == Errc::kNone) spawn_completion(partition, r.transactional_id);
  return resp;
}

Errc TxnCoordinator::fence_and_abort(int32_t partition, const std::string& id, bool timed_out) {
  auto sit = shards_.find(partition);
  if (sit == shards_.end()) return Errc::kNotCoordinator;
  auto it = sit->second.txns.find(id);
  if (it == sit->second.txns.end() || it->second.pending || it->second.m.state != TxnState::kOngoing) {
    return Errc::kConcurrentTransactions;
  }
  TxnMetadata next = it->second.m;
  // PrepareEpochFence (in memory only): the epoch is bumped before the
  // abort is logged, so that the markers fence the old producer at every
  // partition of the transaction.
  const bool bump = !(timed_out && broker_.bugs().txn_timeout_no_fence);
  if (bump) {
    next.producer_epoch = static_cast<int16_t>(next.producer_epoch + 1);
    it->second.m.state = TxnState::kPrepareEpochFence;
  }
  next.state = TxnState::kPrepareAbort;
  const uint64_t generation = sit->second.generation;
  sim::Simulation::current()->record(broker_.node().id(),
                                     "broker-" + std::to_string(broker_.id()) + " aborts the transaction of " + id +
                                         (timed_out ? " (timed out)" : " (fenced by a new instance)") +
                                         (bump ? " with producer epoch bumped to " + std::to_string(next.producer_epoch)
                                               : " without bumping the producer epoch"));
  const Errc error = persist(partition, next);
  if (error == Errc::kNone) {
    spawn_completion(partition, id);
  } else if (Shard* s = shard(partition, generation)) {
    auto e = s->txns.find(id);
    if (e != s->txns.end() && e->second.m.state == TxnState::kPrepareEpochFence) e->second.m.state = TxnState::kOngoing;
  }
  return error;
}

void TxnCoordinator::spawn_completion(int32_t partition, const std::string& id) {
  auto it = shards_.find(partition);
  if (it == shards_.end()) return;
  const uint64_t generation = it->second.generation;
  broker_.node().spawn("txn-markers " + id, [this, partition, generation, id] { complete(partition, generation, id); });
}

void TxnCoordinator::complete(int32_t partition, uint64_t generation, const std::string& id) {
  for (;;) {
    Shard* s = shard(partition, generation);
    if (s == nullptr) return;  // the next coordinator finishes it when it loads
    auto it = s->txns.find(id);
    if (it == s->txns.end() || !is_preparing(it->second.m.state) || it->second.pending) return;
    const TxnMetadata m = it->second.m;
    const bool commit = m.state == TxnState::kPrepareCommit;
    std::vector<TopicPartition> remaining(m.partitions.begin(), m.partitions.end());
    while (!remaining.empty()) {
      std::map<int32_t, WriteTxnMarkersRequest> by_leader;
      for (const TopicPartition& tp : remaining) {
        const PartitionState* state = broker_.metadata().partition(tp);
        const int32_t leader = state == nullptr ? kNoLeader : state->leader;
        WriteTxnMarkersRequest& req = by_leader[leader];
        req.producer_id = m.producer_id;
        req.producer_epoch = m.producer_epoch;
        req.commit = commit;
        req.coordinator_epoch = s->coordinator_epoch;
        req.partitions.push_back(tp);
      }
      std::vector<TopicPartition> done;
      for (auto& [leader, req] : by_leader) {
        if (leader == kNoLeader) continue;
        for (const TopicPartition& tp : write_markers(leader, req)) done.push_back(tp);
      }
      s = shard(partition, generation);
      if (s == nullptr) return;
      std::erase_if(remaining, [&](const TopicPartition& tp) {
        return std::find(done.begin(), done.end(), tp) != done.end();
      });
      if (!remaining.empty()) broker_.node().sleep_local(kMarkerRetryBackoff);
      s = shard(partition, generation);
      if (s == nullptr) return;
    }
    TxnMetadata next = m;
    next.state = commit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
    if (persist(partition, next) == Errc::kNone) return;
    broker_.node().sleep_local(kMarkerRetryBackoff);
  }
}

RpcClient& TxnCoordinator::client(int32_t node) {
  auto& c = clients_[node];
  if (!c) c = std::make_unique<RpcClient>(broker_.node(), node, kBrokerPort);
  return *c;
}

std::vector<TopicPartition> TxnCoordinator::write_markers(int32_t leader, const WriteTxnMarkersRequest& r) {
  std::vector<TopicPartition> done;
  auto accept = [&](const TopicPartition& tp, Errc error) {
    // A partition that already moved the producer past this epoch needs no
    // marker from it (Kafka drops the marker then).
    if (error == Errc::kNone || error == Errc::kInvalidProducerEpoch) done.push_back(tp);
  };
  if (leader == broker_.id()) {
    // As WriteTxnMarkers would: a marker on __consumer_offsets also
    // settles the group coordinator's pending offsets.
    for (const TopicPartition& tp : r.partitions) accept(tp, broker_.write_txn_marker(r, tp, sim::now() + kAppendTimeout));
    return done;
  }
  const int32_t node = broker_.node_of(leader);
  if (node < 0) return done;
  auto resp = client(node).call<WriteTxnMarkersResponse>(std::make_unique<WriteTxnMarkersRequest>(r),
                                                         sim::now() + kAppendTimeout + sim::seconds(1));
  if (!resp) return done;
  for (const auto& pr : resp->partitions) accept(pr.tp, pr.error);
  return done;
}

void TxnCoordinator::abort_timed_out() {
  const int64_t now = broker_.now_ms();
  std::vector<std::pair<int32_t, std::string>> expired;
  for (const auto& [partition, s] : shards_) {
    for (const auto& [id, e] : s.txns) {
      if (!e.pending && e.m.state == TxnState::kOngoing && now - e.m.txn_start_ms > e.m.timeout_ms) {
        expired.emplace_back(partition, id);
      }
    }
  }
  for (const auto& [partition, id] : expired) fence_and_abort(partition, id, /*timed_out=*/true);
}

}  // namespace kafkasim::kafka
