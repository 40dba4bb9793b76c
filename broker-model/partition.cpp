#include "broker-model/partition.h"

#include <algorithm>

#include "broker-model/broker.h"

namespace kafkasim::kafka {
namespace {
constexpr int64_t kReplicaFetchBackoffMs = 1000;  // Kafka's replica.fetch.backoff.ms default
bool contains(const std::vector<int32_t>& v, int32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }
}  // namespace

Partition::Partition(Broker& broker, TopicPartition tp, std::unique_ptr<Log> log)
    : broker_(broker), tp_(std::move(tp)), log_(std::move(log)),
      producers_(broker.bugs().no_dedup_window ? 1 : ProducerStateManager::kWindow) {
  rebuild_producer_state();
  sim::Simulation::current()->record(
      broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " opened " + tp_.str() + ": log start " +
                               std::to_string(log_->log_start_offset()) + ", LEO " +
                               std::to_string(log_->log_end_offset()) + ", HW " +
                               std::to_string(log_->high_watermark()));
}

void Partition::rebuild_producer_state() {
  producers_.clear();
  txns_.clear();
  for (const BatchPtr& b : log_->read(log_->log_start_offset(), INT64_MAX, log_->log_end_offset())) {
    producers_.update(*b);
    txns_.on_append(*b);
  }
}

int32_t Partition::min_insync_replicas() const {
  const TopicInfo* topic = broker_.metadata().topic(tp_.topic);
  return topic != nullptr ? topic->min_insync_replicas : 1;
}

void Partition::apply(const PartitionState& state) {
  replicas_ = state.replicas;
  const int32_t me = broker_.id();
  if (state.leader == me) {
    if (role_ != Role::kLeader || state.leader_epoch != leader_epoch_) {
      become_leader(state);
    } else if (state.partition_epoch > partition_epoch_) {
      // An ISR change committed for this leader epoch (ours or the controller's).
      isr_ = state.isr;
      partition_epoch_ = state.partition_epoch;
      pending_isr_.reset();
      maybe_advance_hw();
    }
    return;
  }
  if (!contains(state.replicas, me)) {
    role_ = Role::kNone;
    ++fetcher_generation_;
    broker_.on_role_change(*this);
    return;
  }
  if (role_ != Role::kFollower || state.leader_epoch != leader_epoch_ || state.leader != leader_id_) {
    // KAFKA-7164: the broken behaviour skips the become-follower step when
    // only the epoch changed.
    const bool skip = broker_.bugs().missed_epoch_no_truncate && role_ == Role::kFollower &&
                      state.leader == leader_id_ && state.leader != kNoLeader;
    if (skip) {
      // Kafka 2.0 truncated only in the become-follower step: its fetcher
      // goes on from its LEO in the new epoch, never comparing its log with
      // the leader's again, though the leader may have truncated meanwhile.
      sim::Simulation::current()->record(
          broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " keeps following broker-" +
                                   std::to_string(leader_id_) + " for " + tp_.str() + " from epoch " +
                                   std::to_string(leader_epoch_) + " to " + std::to_string(state.leader_epoch) +
                                   " without truncating");
      leader_epoch_ = state.leader_epoch;
      partition_epoch_ = state.partition_epoch;
      isr_ = state.isr;
      const uint64_t generation = ++fetcher_generation_;
      const int32_t epoch = leader_epoch_;
      broker_.node().spawn("fetcher " + tp_.str(), [this, epoch, generation] {
        if (generation != fetcher_generation_) return;
        follower_fetch_loop(epoch, /*check_divergence=*/false);
      });
      return;
    }
    become_follower(state);
  } else {
    isr_ = state.isr;
    partition_epoch_ = state.partition_epoch;
  }
}

void Partition::become_leader(const PartitionState& state) {
  sim::Simulation& sim = *sim::Simulation::current();
  role_ = Role::kLeader;
  leader_id_ = broker_.id();
  leader_epoch_ = state.leader_epoch;
  partition_epoch_ = state.partition_epoch;
  isr_ = state.isr;
  pending_isr_.reset();
  ++fetcher_generation_;
  // KIP-279: a new leader records the start offset of its epoch at once, so
  // that followers asking for the end of an earlier epoch get the right
  // answer before it has appended anything.
  if (!broker_.bugs().no_epoch_end_offset_check) log_->assign_epoch(leader_epoch_, log_->log_end_offset());
  leader_epoch_start_offset_ = log_->log_end_offset();
  followers_.clear();
  const sim::SimTime now = sim.now();
  for (int32_t r : replicas_) {
    if (r == broker_.id()) continue;
    FollowerState f;
    f.last_caught_up = contains(isr_, r) ? now : 0;
    followers_[r] = f;
  }
  sim.record(broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " became leader of " + tp_.str() +
                                      " in epoch " + std::to_string(leader_epoch_) + " at LEO " +
                                      std::to_string(log_->log_end_offset()) + ", HW " +
                                      std::to_string(log_->high_watermark()));
  broker_.cluster().invariants.on_become_leader(now, tp_, broker_.id(), leader_epoch_, *log_);
  data_waiters_.notify_all();
  maybe_advance_hw();
  broker_.on_role_change(*this);
}

void Partition::become_follower(const PartitionState& state) {
  sim::Simulation& sim = *sim::Simulation::current();
  role_ = Role::kFollower;
  leader_id_ = state.leader;
  leader_epoch_ = state.leader_epoch;
  partition_epoch_ = state.partition_epoch;
  isr_ = state.isr;
  pending_isr_.reset();
  followers_.clear();
  data_waiters_.notify_all();  // produce requests parked for HW fail now
  const uint64_t generation = ++fetcher_generation_;
  if (broker_.bugs().hw_truncation && log_->high_watermark() < log_->log_end_offset()) {
    // KAFKA-1211: truncate to the local HW instead of asking the leader.
    sim.record(broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " truncated " + tp_.str() +
                                        " to its high watermark " + std::to_string(log_->high_watermark()));
    log_->truncate_to(log_->high_watermark());
    rebuild_producer_state();
  }
  sim.record(broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " follows broker-" +
                                      std::to_string(leader_id_) + " for " + tp_.str() + " in epoch " +
                                      std::to_string(leader_epoch_));
  broker_.on_role_change(*this);
  if (leader_id_ == kNoLeader) return;
  const int32_t epoch = leader_epoch_;
  broker_.node().spawn("fetcher " + tp_.str(), [this, epoch, generation] {
    if (generation != fetcher_generation_) return;
    follower_fetch_loop(epoch);
  });
}

void Partition::follower_fetch_loop(int32_t epoch, bool check_divergence) {
  const uint64_t generation = fetcher_generation_;
  const int32_t leader_node = broker_.node_of(leader_id_);
  if (leader_node < 0) return;
  RpcClient rpc(broker_.node(), leader_node, kBrokerPort);
  const sim::Duration backoff = sim::milliseconds(kReplicaFetchBackoffMs);
  const int32_t max_wait_ms = static_cast<int32_t>(broker_.config_long("replica.fetch.wait.max.ms"));
  const int64_t max_bytes = broker_.config_long("replica.fetch.max.bytes");
  while (generation == fetcher_generation_ && role_ == Role::kFollower && leader_epoch_ == epoch) {
    auto req = std::make_unique<FetchRequest>();
    req->replica_id = broker_.id();
    req->replica_epoch = broker_.broker_epoch();
    req->max_wait_ms = max_wait_ms;
    FetchRequest::PartitionData p;
    p.tp = tp_;
    p.fetch_offset = log_->log_end_offset();
    p.current_leader_epoch = epoch;
    // KAFKA-1211: before KIP-101 a follower had no leader epochs to compare;
    // its only truncation was to its own high watermark.
    check_divergence = check_divergence && !broker_.bugs().hw_truncation;
    p.last_fetched_epoch = check_divergence ? log_->last_batch_epoch() : kNoEpoch;
    p.max_bytes = max_bytes;
    req->partitions.push_back(p);
    auto resp = rpc.call<FetchResponse>(std::move(req), sim::now() + sim::milliseconds(max_wait_ms) + sim::seconds(30));
    if (generation != fetcher_generation_ || role_ != Role::kFollower || leader_epoch_ != epoch) return;
    if (!resp || resp->partitions.empty()) {
      broker_.node().sleep_local(backoff);
      continue;
    }
    const FetchResponse::PartitionData& d = resp->partitions.front();
    if (d.error == Errc::kOffsetOutOfRange && broker_.bugs().hw_truncation &&
        log_->log_end_offset() > d.high_watermark) {
      // KAFKA-1211: a follower past the leader's log end truncated to it;
      // here to the leader's HW, which the response carries (the fetches
      // that follow refill the rest).
      const int64_t target = std::max(d.high_watermark, log_->log_start_offset());
      sim::Simulation::current()->record(
          broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " truncated " + tp_.str() + " from LEO " +
                                   std::to_string(log_->log_end_offset()) + " to " + std::to_string(target) +
                                   " (offset out of range at the leader)");
      log_->truncate_to(target);
      rebuild_producer_state();
      continue;
    }
    if (d.error == Errc::kOffsetOutOfRange && d.log_start_offset > log_->log_end_offset()) {
      // Retention deleted what this follower still needs: it restarts its
      // log, empty, at the leader's log start (Kafka's
      // ReplicaFetcherThread, handleOutOfRangeError).
      sim::Simulation::current()->record(
          broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " restarts its log of " + tp_.str() +
                                   " at the leader's log start offset " + std::to_string(d.log_start_offset) +
                                   " (its log ended at " + std::to_string(log_->log_end_offset()) + ")");
      log_->truncate_fully_and_start_at(d.log_start_offset);
      rebuild_producer_state();
      continue;
    }
    if (d.error != Errc::kNone) {
      broker_.node().sleep_local(backoff);
      continue;
    }
    if (d.diverging_epoch != kNoEpoch || d.diverging_end_offset != kNoOffset) {
      truncate_on_divergence(d.diverging_epoch, d.diverging_end_offset);
      // KAFKA-7415: after truncating to its HW on an UNDEFINED answer, the
      // pre-KIP-279 fetcher is done truncating until its next leader change.
      if (broker_.bugs().no_epoch_end_offset_check && d.diverging_end_offset == kNoOffset) check_divergence = false;
      continue;
    }
    const int64_t replicated_from = log_->log_end_offset();
    for (const BatchPtr& batch : d.batches) {
      if (batch->last_offset() < log_->log_end_offset()) continue;
      if (batch->base_offset != log_->log_end_offset()) break;
      log_->append_as_follower(batch);
      appended(*batch);
    }
    const int64_t hw = std::min(d.high_watermark, log_->log_end_offset());
    if (hw > log_->high_watermark()) log_->set_high_watermark(hw);
    // The leader's log start offset, as far as this replica has committed
    // data (UnifiedLog.maybeIncrementLogStartOffset refuses beyond the HW);
    // the log manager deletes the segments below it.
    if (d.log_start_offset > log_->log_start_offset())
      log_->set_log_start_offset(std::min(d.log_start_offset, log_->high_watermark()));
    if (log_->log_end_offset() > replicated_from) record_replicated(replicated_from);
    log_->maybe_flush(broker_.now_ms());
  }
}

void Partition::truncate_on_divergence(int32_t leader_epoch, int64_t leader_end_offset) {
  // KIP-320 / KIP-279: the leader's log ends epoch `leader_epoch` at
  // `leader_end_offset`; truncate to where both logs agree.
  int64_t target = std::min(leader_end_offset, log_->log_end_offset());
  if (broker_.bugs().no_epoch_end_offset_check && leader_end_offset == kNoOffset) {
    // KAFKA-7415: a leader that has not recorded its own epoch answers
    // UNDEFINED for the follower's epoch; the follower truncates to its HW.
    target = log_->high_watermark();
  } else if (!broker_.bugs().no_epoch_end_offset_check) {
    // Where this log ends the largest epoch <= the leader's: if that is the
    // leader's epoch, both logs agree below min(ends); if it is an earlier
    // one, truncating to its end is safe and the next fetch checks again.
    // No such epoch at all: fall back to the HW, as Kafka does.
    const EpochEndOffset mine = log_->end_offset_for_epoch(leader_epoch);
    target = std::min(target, mine.epoch == kNoEpoch ? log_->high_watermark() : mine.end_offset);
  }
  target = std::max<int64_t>(target, log_->log_start_offset());
  if (target >= log_->log_end_offset()) return;
  sim::Simulation::current()->record(
      broker_.node().id(), "broker-" + std::to_string(broker_.id()) + " truncated " + tp_.str() + " from LEO " +
                               std::to_string(log_->log_end_offset()) + " to " + std::to_string(target) +
                               " (diverged from leader epoch " + std::to_string(leader_epoch) + ")");
  log_->truncate_to(target);
  rebuild_producer_state();
}

// The replica's log in the trace, for reports (docs/reports.md): which
// offsets each broker stored, in which leader epoch, with the HW it knew.
void Partition::record_leader_append(const RecordBatch& batch) {
  sim::Simulation::current()->record_detail(broker_.node().id(), batch.base_offset, batch.last_offset(), [&] {
    std::string values;
    for (const Record& r : batch.records) values += (values.empty() ? "" : " ") + r.value;
    return "broker-" + std::to_string(broker_.id()) + " appended " + tp_.str() + " offsets " +
           std::to_string(batch.base_offset) + ".." + std::to_string(batch.last_offset()) + " as leader in epoch " +
           std::to_string(batch.partition_leader_epoch) + " (values " + values + "; LEO " +
           std::to_string(log_->log_end_offset()) + ", HW " + std::to_string(log_->high_watermark()) + ")";
  });
}

void Partition::record_replicated(int64_t from_offset) {
  sim::Simulation::current()->record_detail(broker_.node().id(), from_offset, log_->log_end_offset() - 1, [&] {
    return "broker-" + std::to_string(broker_.id()) + " replicated " + tp_.str() + " offsets " +
           std::to_string(from_offset) + ".." + std::to_string(log_->log_end_offset() - 1) + " from broker-" +
           std::to_string(leader_id_) + " in epoch " + std::to_string(leader_epoch_) + " (LEO " +
           std::to_string(log_->log_end_offset()) + ", HW " + std::to_string(log_->high_watermark()) + ")";
  });
}

void Partition::appended(const RecordBatch& batch) {
  producers_.update(batch);
  txns_.on_append(batch);
  broker_.cluster().invariants.on_append(sim::now(), tp_, broker_.id(), batch);
}

std::vector<int32_t> Partition::maximal_isr() const {
  std::vector<int32_t> isr = isr_;
  if (pending_isr_) {
    for (int32_t r : *pending_isr_) {
      if (!contains(isr, r)) isr.push_back(r);
    }
  }
  return isr;
}

void Partition::maybe_advance_hw() {
  if (role_ != Role::kLeader) return;
  // KIP-966: the HW advances only while the ISR has min.insync.replicas.
  if (!broker_.bugs().hw_ignores_min_isr && static_cast<int32_t>(isr_.size()) < min_insync_replicas()) return;
  int64_t hw = log_->log_end_offset();
  for (int32_t r : maximal_isr()) {
    if (r == broker_.id()) continue;
    auto it = followers_.find(r);
    if (it == followers_.end() || it->second.log_end_offset < 0) return;
    hw = std::min(hw, it->second.log_end_offset);
  }
  if (hw <= log_->high_watermark()) return;
  log_->set_high_watermark(hw);
  broker_.cluster().invariants.on_high_watermark(sim::now(), tp_, broker_.id(), broker_.node().incarnation(),
                                                 leader_epoch_, hw, *log_);
  data_waiters_.notify_all();
  broker_.notify_fetchers();
}

ProduceResponse::PartitionResult Partition::produce(const RecordBatch& batch, int16_t acks, sim::SimTime deadline,
                                                    const std::string& transactional_id) {
  ProduceResponse::PartitionResult result;
  result.tp = tp_;
  if (role_ != Role::kLeader) {
    result.error = Errc::kNotLeaderOrFollower;
    return result;
  }
  const int32_t epoch = leader_epoch_;
  if (acks == -1 && static_cast<int32_t>(isr_.size()) < min_insync_replicas()) {
    result.error = Errc::kNotEnoughReplicas;
    return result;
  }
  int64_t last_offset;
  BatchPtr stored;
  if (batch.transactional && batch.producer_id >= 0 && !txns_.ongoing(batch.producer_id) &&
      !broker_.bugs().txn_late_produce) {
    result.error = verify_transaction(batch, transactional_id);
    if (result.error == Errc::kNone && (role_ != Role::kLeader || leader_epoch_ != epoch)) {
      result.error = Errc::kNotLeaderOrFollower;
    }
    if (result.error != Errc::kNone) return result;
  }
  if (batch.producer_id >= 0) {
    ProducerStateManager::Check check = producers_.check(batch);
    if (check.error != Errc::kNone) {
      result.error = check.error;
      return result;
    }
    if (check.duplicate) {
      result.base_offset = check.duplicate_base_offset;
      last_offset = check.duplicate_last_offset;
    }
  }
  if (result.base_offset == kNoOffset) {
    stored = log_->append_as_leader(batch, epoch);
    appended(*stored);
    result.base_offset = stored->base_offset;
    last_offset = stored->last_offset();
    log_->maybe_flush(broker_.now_ms());
    broker_.notify_fetchers();
    maybe_advance_hw();
    record_leader_append(*stored);
  }
  result.log_start_offset = log_->log_start_offset();
  if (acks != -1) return result;
  result.error = await_high_watermark(last_offset, epoch, deadline);
  if (result.error == Errc::kNone && stored) broker_.cluster().invariants.on_acked_all(tp_, *stored);
  return result;
}

Errc Partition::await_high_watermark(int64_t last_offset, int32_t epoch, sim::SimTime deadline) {
  while (log_->high_watermark() <= last_offset) {
    if (role_ != Role::kLeader || leader_epoch_ != epoch) return Errc::kNotLeaderOrFollower;
    if (!data_waiters_.wait(deadline) && log_->high_watermark() <= last_offset) return Errc::kRequestTimedOut;
  }
  if (role_ != Role::kLeader || leader_epoch_ != epoch) return Errc::kNotLeaderOrFollower;
  if (static_cast<int32_t>(isr_.size()) < min_insync_replicas()) return Errc::kNotEnoughReplicasAfterAppend;
  return Errc::kNone;
}

Errc Partition::verify_transaction(const RecordBatch& batch, const std::string& transactional_id) {
  const uint64_t guard = ++next_verification_guard_;
  verification_guards_[batch.producer_id] = guard;
  const Errc error = broker_.verify_transaction(transactional_id, batch.producer_id, batch.producer_epoch, tp_);
  auto it = verification_guards_.find(batch.producer_id);
  const bool voided = it == verification_guards_.end() || it->second != guard;
  if (!voided) verification_guards_.erase(it);
  if (error != Errc::kNone) return error;
  return voided ? Errc::kInvalidTxnState : Errc::kNone;
}

Errc Partition::write_marker(const WriteTxnMarkersRequest& r, sim::SimTime deadline) {
  if (role_ != Role::kLeader) return Errc::kNotLeaderOrFollower;
  const int32_t epoch = leader_epoch_;
  if (static_cast<int32_t>(isr_.size()) < min_insync_replicas()) return Errc::kNotEnoughReplicas;
  if (r.producer_epoch < producers_.epoch_of(r.producer_id)) return Errc::kInvalidProducerEpoch;
  if (r.coordinator_epoch < txns_.coordinator_epoch(r.producer_id)) return Errc::kTransactionCoordinatorFenced;
  verification_guards_.erase(r.producer_id);
  BatchPtr stored = log_->append_as_leader(make_marker(r.producer_id, r.producer_epoch, r.commit, r.coordinator_epoch),
                                           epoch);
  appended(*stored);
  log_->maybe_flush(broker_.now_ms());
  broker_.notify_fetchers();
  maybe_advance_hw();
  return await_high_watermark(stored->last_offset(), epoch, deadline);
}

FetchResponse::PartitionData Partition::fetch(const FetchRequest& request, const FetchRequest::PartitionData& p) {
  FetchResponse::PartitionData d;
  d.tp = tp_;
  if (role_ != Role::kLeader) {
    d.error = Errc::kNotLeaderOrFollower;
    return d;
  }
  if (p.current_leader_epoch != kNoEpoch) {
    if (p.current_leader_epoch < leader_epoch_) {
      d.error = Errc::kFencedLeaderEpoch;
      return d;
    }
    if (p.current_leader_epoch > leader_epoch_) {
      d.error = Errc::kUnknownLeaderEpoch;
      return d;
    }
  }
  const bool follower = request.replica_id >= 0;
  const int64_t leo = log_->log_end_offset();
  d.high_watermark = log_->high_watermark();
  d.last_stable_offset = d.high_watermark;
  d.log_start_offset = log_->log_start_offset();
  if (p.last_fetched_epoch != kNoEpoch) {
    // KIP-320: the fetcher's last fetched epoch must end no later here.
    EpochEndOffset end = log_->end_offset_for_epoch(p.last_fetched_epoch);
    // KAFKA-6361: before KIP-279 the answer was an end offset only, which the
    // follower took as the end of its own epoch (UNDEFINED included).
    if (broker_.bugs().no_epoch_end_offset_check) end.epoch = p.last_fetched_epoch;
    if (end.epoch < p.last_fetched_epoch || end.end_offset < p.fetch_offset) {
      d.diverging_epoch = end.epoch;
      d.diverging_end_offset = end.end_offset;
      return d;
    }
  }
  if (p.fetch_offset > leo || p.fetch_offset < log_->log_start_offset()) {
    d.error = Errc::kOffsetOutOfRange;
    return d;
  }
  if (follower) {
    FollowerState& f = followers_[request.replica_id];
    const sim::SimTime now = sim::now();
    if (p.fetch_offset >= leo) {
      f.last_caught_up = now;
    } else if (f.leader_end_offset_at_last_fetch >= 0 && p.fetch_offset >= f.leader_end_offset_at_last_fetch) {
      f.last_caught_up = f.last_fetch;
    }
    f.log_end_offset = p.fetch_offset;
    f.last_fetch = now;
    f.leader_end_offset_at_last_fetch = leo;
    f.broker_epoch = request.replica_epoch;
    maybe_expand_isr(request.replica_id);
    maybe_advance_hw();
    d.high_watermark = log_->high_watermark();
    d.last_stable_offset = d.high_watermark;
  }
  int64_t upper = follower ? leo : log_->high_watermark();
  const bool read_committed = !follower && request.read_committed && !broker_.bugs().read_committed_ignores_lso;
  if (!follower) d.last_stable_offset = last_stable_offset();
  // KIP-98: read_committed stops at the LSO and is told which transactions
  // in the range were aborted (the client drops their records). The
  // read-committed-ignores-lso bug serves it like read_uncommitted.
  if (read_committed) upper = d.last_stable_offset;
  if (p.fetch_offset < upper) d.batches = log_->read(p.fetch_offset, p.max_bytes, upper);
  if (read_committed && !d.batches.empty()) {
    for (const AbortedTxn& a : txns_.aborted_between(p.fetch_offset, d.batches.back()->last_offset() + 1)) {
      d.aborted_transactions.push_back(FetchResponse::PartitionData::AbortedTransaction{a.producer_id, a.first_offset});
    }
  }
  return d;
}

void Partition::maybe_expand_isr(int32_t follower) {
  if (role_ != Role::kLeader || pending_isr_ || contains(isr_, follower)) return;
  const FollowerState& f = followers_[follower];
  const bool reached_hw = f.log_end_offset >= log_->high_watermark();
  if (!reached_hw) return;
  if (!broker_.bugs().isr_join_unchecked) {
    // KIP-841: the follower must have reached this epoch's start offset and
    // be fetching with the broker epoch the controller knows, unfenced.
    if (f.log_end_offset < leader_epoch_start_offset_) return;
    const BrokerRegistration* reg = broker_.metadata().broker(follower);
    if (reg == nullptr || reg->fenced || reg->epoch != f.broker_epoch) return;
  }
  std::vector<int32_t> next = isr_;
  next.push_back(follower);
  send_alter_partition(std::move(next));
}

void Partition::maybe_shrink_isr() {
  if (role_ != Role::kLeader || pending_isr_) return;
  const sim::SimTime now = sim::now();
  const sim::Duration lag_max = sim::milliseconds(broker_.config_long("replica.lag.time.max.ms"));
  std::vector<int32_t> next;
  for (int32_t r : isr_) {
    if (r == broker_.id()) {
      next.push_back(r);
      continue;
    }
    auto it = followers_.find(r);
    const bool lagging = it == followers_.end() || now - it->second.last_caught_up > lag_max;
    if (!lagging) next.push_back(r);
  }
  if (next.size() != isr_.size()) send_alter_partition(std::move(next));
}

void Partition::send_alter_partition(std::vector<int32_t> new_isr) {
  pending_isr_ = new_isr;
  auto req = std::make_unique<AlterPartitionRequest>();
  req->broker_id = broker_.id();
  req->broker_epoch = broker_.broker_epoch();
  req->tp = tp_;
  req->leader_epoch = leader_epoch_;
  req->partition_epoch = partition_epoch_;
  for (int32_t r : new_isr) {
    const int64_t epoch = r == broker_.id() ? broker_.broker_epoch() : followers_[r].broker_epoch;
    req->new_isr.push_back(AlterPartitionRequest::IsrMember{r, broker_.bugs().isr_join_unchecked ? -1 : epoch});
  }
  const int32_t epoch = leader_epoch_;
  std::shared_ptr<AlterPartitionRequest> shared(std::move(req));
  broker_.node().spawn("alter-partition " + tp_.str(), [this, epoch, shared] {
    auto request = std::make_unique<AlterPartitionRequest>(*shared);
    auto resp = broker_.alter_partition_client().call<AlterPartitionResponse>(std::move(request),
                                                                              sim::now() + sim::seconds(5));
    if (role_ != Role::kLeader || leader_epoch_ != epoch) return;
    if (resp && resp->error == Errc::kNone && resp->state.leader_epoch == epoch &&
        resp->state.partition_epoch > partition_epoch_) {
      isr_ = resp->state.isr;
      partition_epoch_ = resp->state.partition_epoch;
    }
    pending_isr_.reset();
    maybe_advance_hw();
  });
}

OffsetsForLeaderEpochResponse Partition::end_offset_for(int32_t current_leader_epoch, int32_t epoch) {
  OffsetsForLeaderEpochResponse r;
  if (role_ != Role::kLeader) {
    r.error = Errc::kNotLeaderOrFollower;
    return r;
  }
  if (current_leader_epoch != kNoEpoch && current_leader_epoch < leader_epoch_) {
    r.error = Errc::kFencedLeaderEpoch;
    return r;
  }
  if (current_leader_epoch > leader_epoch_) {
    r.error = Errc::kUnknownLeaderEpoch;
    return r;
  }
  EpochEndOffset end = log_->end_offset_for_epoch(epoch);
  if (broker_.bugs().no_epoch_end_offset_check && end.epoch != kNoEpoch) end.epoch = epoch;
  r.leader_epoch = end.epoch;
  r.end_offset = end.end_offset;
  return r;
}

ListOffsetsResponse Partition::list_offsets(const ListOffsetsRequest& req) {
  ListOffsetsResponse r;
  if (role_ != Role::kLeader) {
    r.error = Errc::kNotLeaderOrFollower;
    return r;
  }
  if (req.current_leader_epoch != kNoEpoch && req.current_leader_epoch != leader_epoch_) {
    r.error = req.current_leader_epoch < leader_epoch_ ? Errc::kFencedLeaderEpoch : Errc::kUnknownLeaderEpoch;
    return r;
  }
  r.offset = req.timestamp == ListOffsetsRequest::kEarliest ? log_->log_start_offset()
             : req.read_committed                               ? last_stable_offset()
                                                                : log_->high_watermark();
  r.leader_epoch = leader_epoch_;
  return r;
}

}  // namespace kafkasim::kafka
