#include "broker-model/group_coordinator.h"

#include <algorithm>
#include <cstdio>

#include "broker-model/broker.h"
#include "broker-model/transaction_index.h"

namespace kafkasim::kafka {
namespace {

constexpr sim::Duration kSweepInterval = sim::milliseconds(100);
// How long an append to the offsets topic may wait for replication
// (offsets.commit.timeout.ms).
constexpr sim::Duration kCommitTimeout = sim::milliseconds(5000);

// Kafka's mapping of produce errors to coordinator errors
// (GroupMetadataManager.storeGroup / storeOffsets).
Errc coordinator_error(Errc produce_error) {
  switch (produce_error) {
    case Errc::kNone: return Errc::kNone;
    case Errc::kUnknownTopicOrPartition:
    case Errc::kNotEnoughReplicas:
    case Errc::kNotEnoughReplicasAfterAppend:
      return Errc::kCoordinatorNotAvailable;
    case Errc::kRequestTimedOut: return Errc::kRequestTimedOut;
    // A TxnOffsetCommit's write, as the partition judged the producer.
    case Errc::kInvalidProducerEpoch:
    case Errc::kProducerFenced:
      return Errc::kProducerFenced;
    case Errc::kInvalidTxnState: return Errc::kInvalidTxnState;
    default: return Errc::kNotCoordinator;
  }
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

GroupCoordinator::GroupCoordinator(Broker& broker) : broker_(broker) {}

int64_t GroupCoordinator::now_ms() const { return broker_.now_ms(); }

int32_t GroupCoordinator::partition_count() const {
  return static_cast<int32_t>(broker_.config_long("offsets.topic.num.partitions"));
}

TopicPartition GroupCoordinator::partition_of(const std::string& group_id) const {
  return TopicPartition{kOffsetsTopic, offsets_partition_for(group_id, partition_count())};
}

void GroupCoordinator::start() {
  // Clusters without the offsets topic have no groups: no sweep.
  const auto& topics = broker_.cluster().spec.topics;
  if (std::none_of(topics.begin(), topics.end(), [](const TopicSpec& t) { return t.name == kOffsetsTopic; })) return;
  broker_.node().spawn("group-coordinator", [this] {
    for (;;) {
      broker_.node().sleep_local(kSweepInterval);
      sweep();
    }
  }, /*daemon=*/true);
}

void GroupCoordinator::sweep() {
  for (int32_t p = 0; p < partition_count(); ++p) refresh_shard(p);
  for (auto& [p, shard] : shards_) {
    if (!shard.loaded) continue;
    // Copies: removing members may persist (and park).
    std::vector<std::shared_ptr<Group>> groups;
    for (auto& [id, g] : shard.groups) groups.push_back(g);
    for (const auto& g : groups) {
      for (const std::string& id : g->meta.expired_members(now_ms())) {
        sim::Simulation::current()->record(broker_.node().id(), "group " + g->meta.group_id() + ": session of " + id +
                                                                    " expired");
        g->meta.remove(id, now_ms());
        g->changed.notify_all();
      }
      maybe_complete_join(*g);
    }
  }
}

void GroupCoordinator::refresh_shard(int32_t p) {
  Partition* part = broker_.find_partition(TopicPartition{kOffsetsTopic, p});
  const bool leads = part != nullptr && part->role() == Partition::Role::kLeader;
  auto it = shards_.find(p);
  if (!leads) {
    if (it != shards_.end()) {
      unload(it->second);
      shards_.erase(it);
    }
    return;
  }
  if (it != shards_.end() && it->second.leader_epoch == part->leader_epoch()) return;
  if (it != shards_.end()) unload(it->second);
  Shard& shard = shards_[p];
  shard = Shard{};
  shard.leader_epoch = part->leader_epoch();
  const int32_t epoch = shard.leader_epoch;
  // Scheduled, not inline (Kafka's scheduleLoadGroupAndOffsets): requests
  // that come first get COORDINATOR_LOAD_IN_PROGRESS.
  broker_.node().spawn("load-" + kOffsetsTopic + "-" + std::to_string(p), [this, p, epoch] { load(p, epoch); });
}

void GroupCoordinator::load(int32_t p, int32_t leader_epoch) {
  const TopicPartition tp{kOffsetsTopic, p};
  auto still_leading = [&]() -> Partition* {
    Partition* part = broker_.find_partition(tp);
    auto it = shards_.find(p);
    if (part == nullptr || part->role() != Partition::Role::kLeader || part->leader_epoch() != leader_epoch ||
        it == shards_.end() || it->second.leader_epoch != leader_epoch) {
      return nullptr;
    }
    return part;
  };
  Partition* part = still_leading();
  if (part == nullptr) return;
  Shard& shard = shards_[p];
  Log& log = part->log();
  // Kafka's doLoadGroupsAndOffsets reads to the log end, committed or not:
  // this leader's log is the partition's from now on.
  const int64_t offset = log.log_start_offset();
  const int64_t end = log.log_end_offset();
  for (const BatchPtr& batch : log.read(offset, INT64_MAX, end)) {
    if (batch->control) {
      // A transaction's marker: its pending offsets commit or are dropped.
      const bool commit = is_commit_marker(*batch);
      for (auto& [id, g] : shard.groups) g->offsets.complete_txn(batch->producer_id, commit);
      continue;
    }
    for (size_t i = 0; i < batch->records.size(); ++i) {
      const int64_t record_offset = batch->offset_of(i);
      OffsetsTopicRecord rec = decode(batch->records[i]);
      if (auto* c = std::get_if<OffsetCommitRecord>(&rec)) {
        auto g = find_group(shard, c->group_id, /*create=*/true);
        const CommittedOffset committed{c->offset, c->leader_epoch, record_offset};
        if (batch->transactional) {
          g->offsets.add_pending(batch->producer_id, c->tp, committed);
        } else {
          g->offsets.apply(c->tp, committed);
        }
      } else if (auto* m = std::get_if<GroupMetadataRecord>(&rec)) {
        auto g = find_group(shard, m->group_id, /*create=*/true);
        g->meta.restore(m->generation, m->protocol, m->leader, m->members, now_ms());
      }
    }
  }
  shard.loaded = true;
  sim::Simulation::current()->record(broker_.node().id(),
                                     "group coordinator loaded " + tp.str() + " in leader epoch " +
                                         std::to_string(leader_epoch) + ": " + std::to_string(shard.groups.size()) +
                                         " groups");
}

void GroupCoordinator::unload(Shard& shard) {
  for (auto& [id, g] : shard.groups) {
    g->meta.mark_dead();
    g->changed.notify_all();
  }
  shard.groups.clear();
  shard.loaded = false;
}

GroupCoordinator::Shard* GroupCoordinator::shard_for(const std::string& group_id, Errc* error) {
  const int32_t p = partition_of(group_id).partition;
  refresh_shard(p);
  auto it = shards_.find(p);
  if (it == shards_.end()) {
    *error = Errc::kNotCoordinator;
    return nullptr;
  }
  if (!it->second.loaded) {
    *error = Errc::kCoordinatorLoadInProgress;
    return nullptr;
  }
  return &it->second;
}

std::shared_ptr<GroupCoordinator::Group> GroupCoordinator::find_group(Shard& shard, const std::string& group_id,
                                                                      bool create) {
  auto it = shard.groups.find(group_id);
  if (it != shard.groups.end()) return it->second;
  if (!create) return nullptr;
  auto g = std::make_shared<Group>(group_id);
  shard.groups[group_id] = g;
  return g;
}

std::shared_ptr<GroupCoordinator::Group> GroupCoordinator::group_for(const std::string& group_id, bool create,
                                                                   Errc* error) {
  Shard* shard = shard_for(group_id, error);
  return shard == nullptr ? nullptr : find_group(*shard, group_id, create);
}

const GroupMetadata* GroupCoordinator::group(const std::string& group_id) const {
  auto it = shards_.find(partition_of(group_id).partition);
  if (it == shards_.end() || !it->second.loaded) return nullptr;
  auto g = it->second.groups.find(group_id);
  return g == it->second.groups.end() ? nullptr : &g->second->meta;
}

std::optional<CommittedOffset> GroupCoordinator::committed(const std::string& group_id,
                                                           const TopicPartition& tp) const {
  auto it = shards_.find(partition_of(group_id).partition);
  if (it == shards_.end() || !it->second.loaded) return std::nullopt;
  auto g = it->second.groups.find(group_id);
  return g == it->second.groups.end() ? std::nullopt : g->second->offsets.get(tp);
}

Errc GroupCoordinator::append(const std::string& group_id, std::vector<Record> records, int64_t* base_offset) {
  return append(group_id, RecordBatch{}, std::move(records), {}, base_offset);
}

Errc GroupCoordinator::append(const std::string& group_id, RecordBatch batch, std::vector<Record> records,
                              const std::string& transactional_id, int64_t* base_offset) {
  Partition* part = broker_.find_partition(partition_of(group_id));
  if (part == nullptr || part->role() != Partition::Role::kLeader) return Errc::kNotCoordinator;
  for (Record& record : records) {
    record.timestamp_ms = now_ms();
    batch.records.push_back(std::move(record));
  }
  ProduceResponse::PartitionResult r = part->produce(batch, /*acks=*/-1, sim::now() + kCommitTimeout, transactional_id);
  const Errc error = coordinator_error(r.error);
  if (error == Errc::kNone) *base_offset = r.base_offset;
  return error;
}

void GroupCoordinator::maybe_complete_join(Group& g) {
  if (!g.meta.join_complete(now_ms())) return;
  std::vector<std::string> joined;
  for (const auto& [id, m] : g.meta.members()) {
    if (m.awaiting_join) joined.push_back(id);
  }
  g.meta.complete_join(now_ms());
  for (const std::string& id : joined) g.joined_generation[id] = g.meta.generation();
  sim::Simulation::current()->record(broker_.node().id(), "group " + g.meta.group_id() + " generation " +
                                                              std::to_string(g.meta.generation()) + ": " +
                                                              group_state_name(g.meta.state()) + ", " +
                                                              std::to_string(g.meta.members().size()) + " members");
  g.changed.notify_all();
  if (g.meta.state() == GroupState::kEmpty) {
    int64_t ignored = 0;
    append(g.meta.group_id(), {encode_group(g.meta)}, &ignored);
  }
}

std::unique_ptr<Response> GroupCoordinator::handle(Request& request) {
  switch (request.api) {
    case ApiKey::kFindCoordinator: return find_coordinator(static_cast<FindCoordinatorRequest&>(request));
    case ApiKey::kJoinGroup: return join_group(static_cast<JoinGroupRequest&>(request));
    case ApiKey::kSyncGroup: return sync_group(static_cast<SyncGroupRequest&>(request));
    case ApiKey::kHeartbeat: return heartbeat(static_cast<HeartbeatRequest&>(request));
    case ApiKey::kLeaveGroup: return leave_group(static_cast<LeaveGroupRequest&>(request));
    case ApiKey::kOffsetCommit: return offset_commit(static_cast<OffsetCommitRequest&>(request));
    case ApiKey::kOffsetFetch: return offset_fetch(static_cast<OffsetFetchRequest&>(request));
    case ApiKey::kTxnOffsetCommit: return txn_offset_commit(static_cast<TxnOffsetCommitRequest&>(request));
    default: return nullptr;
  }
}

std::unique_ptr<Response> GroupCoordinator::find_coordinator(const FindCoordinatorRequest& r) {
  auto resp = std::make_unique<FindCoordinatorResponse>();
  if (r.key_type != FindCoordinatorRequest::KeyType::kGroup) {
    resp->error = Errc::kCoordinatorNotAvailable;
    return resp;
  }
  const PartitionState* state = broker_.metadata().partition(partition_of(r.key));
  if (state == nullptr || state->leader == kNoLeader) {
    resp->error = Errc::kCoordinatorNotAvailable;
  } else {
    resp->node_id = state->leader;
    resp->node = broker_.node_of(state->leader);
  }
  return resp;
}

std::unique_ptr<Response> GroupCoordinator::join_group(const JoinGroupRequest& r) {
  auto resp = std::make_unique<JoinGroupResponse>();
  resp->member_id = r.member_id;
  Errc error = Errc::kNone;
  Shard* shard = shard_for(r.group_id, &error);
  if (shard == nullptr) {
    resp->error = error;
    return resp;
  }
  const Config& config = broker_.cluster().spec.broker_config;
  if (r.session_timeout_ms < config.get_long("group.min.session.timeout.ms") ||
      r.session_timeout_ms > config.get_long("group.max.session.timeout.ms")) {
    resp->error = Errc::kInvalidSessionTimeout;
    return resp;
  }
  std::shared_ptr<Group> g = find_group(*shard, r.group_id, /*create=*/true);
  if (g->meta.state() == GroupState::kDead) {
    resp->error = Errc::kCoordinatorNotAvailable;
    return resp;
  }
  if (!r.member_id.empty() && !g->meta.has(r.member_id)) {
    resp->error = Errc::kUnknownMemberId;
    return resp;
  }
  // A rejoining member may change its protocols: judge it against the others.
  std::vector<JoinGroupRequest::Protocol> protocols = r.protocols;
  {
    GroupMetadata others = g->meta;
    others.remove(r.member_id, now_ms());
    if (r.protocol_type != "consumer" || !others.supports(protocols)) {
      resp->error = Errc::kInconsistentGroupProtocol;
      return resp;
    }
  }
  if (g->meta.rejoin_keeps_generation(r.member_id, protocols)) {
    g->meta.renew(r.member_id, now_ms());
    *resp = g->meta.join_response(r.member_id);
    return resp;
  }
  MemberMetadata m;
  m.member_id = r.member_id.empty() ? r.client_id + "-" + hex64(broker_.node().rng().next_u64()) : r.member_id;
  m.client_id = r.client_id;
  m.session_timeout_ms = r.session_timeout_ms;
  m.rebalance_timeout_ms = r.rebalance_timeout_ms;
  m.protocols = std::move(protocols);
  const std::string member_id = m.member_id;
  g->joined_generation.erase(member_id);
  g->meta.join(std::move(m), now_ms(), config.get_long("group.initial.rebalance.delay.ms"));
  maybe_complete_join(*g);
  for (;;) {
    if (g->meta.state() == GroupState::kDead) {
      resp->error = Errc::kNotCoordinator;
      return resp;
    }
    auto it = g->joined_generation.find(member_id);
    if (it != g->joined_generation.end()) {
      if (it->second != g->meta.generation() || !g->meta.has(member_id)) {
        resp->error = Errc::kRebalanceInProgress;
        return resp;
      }
      *resp = g->meta.join_response(member_id);
      return resp;
    }
    if (!g->meta.has(member_id)) {
      resp->error = Errc::kUnknownMemberId;
      return resp;
    }
    g->changed.wait(sim::now() + sim::milliseconds(std::max<int64_t>(g->meta.join_deadline_ms() - now_ms(), 1)));
    maybe_complete_join(*g);
  }
}

std::shared_ptr<GroupCoordinator::Group> GroupCoordinator::member_group(const std::string& group_id,
                                                                      const std::string& member_id, Errc* error) {
  Errc coordinator_error = Errc::kNone;
  std::shared_ptr<Group> g = group_for(group_id, /*create=*/false, &coordinator_error);
  if (g == nullptr || !g->meta.has(member_id)) {
    *error = coordinator_error != Errc::kNone ? coordinator_error : Errc::kUnknownMemberId;
    return nullptr;
  }
  return g;
}

std::unique_ptr<Response> GroupCoordinator::sync_group(const SyncGroupRequest& r) {
  auto resp = std::make_unique<SyncGroupResponse>();
  std::shared_ptr<Group> g = member_group(r.group_id, r.member_id, &resp->error);
  if (g == nullptr) return resp;
  if (r.generation_id != g->meta.generation()) {
    resp->error = Errc::kIllegalGeneration;
    return resp;
  }
  const int32_t generation = g->meta.generation();
  if (g->meta.state() == GroupState::kCompletingRebalance && r.member_id == g->meta.leader() && !g->sync_in_progress) {
    // Store the assignment before anyone gets it (GroupMetadataManager.storeGroup).
    GroupMetadata stored = g->meta;
    stored.complete_sync(r.assignments);
    g->sync_in_progress = true;
    int64_t log_offset = 0;
    const Errc e = append(r.group_id, {encode_group(stored)}, &log_offset);
    g->sync_in_progress = false;
    if (g->meta.generation() == generation && g->meta.state() == GroupState::kCompletingRebalance) {
      if (e == Errc::kNone) {
        g->meta.complete_sync(r.assignments);
      } else {
        g->meta.prepare_rebalance(now_ms());
      }
      g->changed.notify_all();
    }
    if (e != Errc::kNone) {
      resp->error = e;
      return resp;
    }
  }
  while (g->meta.state() == GroupState::kCompletingRebalance && g->meta.generation() == generation &&
         g->meta.has(r.member_id)) {
    g->meta.renew(r.member_id, now_ms());
    const MemberMetadata* m = g->meta.member(r.member_id);
    g->changed.wait(sim::now() + sim::milliseconds(m->session_timeout_ms / 2 + 1));
  }
  if (g->meta.state() == GroupState::kDead) {
    resp->error = Errc::kNotCoordinator;
  } else if (!g->meta.has(r.member_id)) {
    resp->error = Errc::kUnknownMemberId;
  } else if (g->meta.generation() != generation || g->meta.state() != GroupState::kStable) {
    resp->error = Errc::kRebalanceInProgress;
  } else {
    g->meta.renew(r.member_id, now_ms());
    resp->assignment = g->meta.member(r.member_id)->assignment;
  }
  return resp;
}

std::unique_ptr<Response> GroupCoordinator::heartbeat(const HeartbeatRequest& r) {
  auto resp = std::make_unique<HeartbeatResponse>();
  std::shared_ptr<Group> g = group_for(r.group_id, /*create=*/false, &resp->error);
  if (resp->error != Errc::kNone) return resp;
  if (g == nullptr) {
    resp->error = Errc::kUnknownMemberId;
    return resp;
  }
  resp->error = g->meta.validate_heartbeat(r.member_id, r.generation_id);
  if (resp->error == Errc::kNone || resp->error == Errc::kRebalanceInProgress) g->meta.renew(r.member_id, now_ms());
  return resp;
}

std::unique_ptr<Response> GroupCoordinator::leave_group(const LeaveGroupRequest& r) {
  auto resp = std::make_unique<LeaveGroupResponse>();
  std::shared_ptr<Group> g = member_group(r.group_id, r.member_id, &resp->error);
  if (g == nullptr) return resp;
  g->meta.remove(r.member_id, now_ms());
  g->changed.notify_all();
  maybe_complete_join(*g);
  return resp;
}

std::unique_ptr<Response> GroupCoordinator::offset_commit(const OffsetCommitRequest& r) {
  auto resp = std::make_unique<OffsetCommitResponse>();
  auto answer = [&](Errc e) {
    for (const auto& o : r.offsets) resp->partitions.push_back(OffsetCommitResponse::PartitionResult{o.tp, e});
    return std::move(resp);
  };
  Errc error = Errc::kNone;
  const bool simple = r.generation_id < 0 && r.member_id.empty();
  std::shared_ptr<Group> g = group_for(r.group_id, /*create=*/simple, &error);
  if (error != Errc::kNone) return answer(error);
  if (g == nullptr) return answer(Errc::kIllegalGeneration);  // no such group: a dead generation
  error = g->meta.validate_offset_commit(r.member_id, r.generation_id, /*transactional=*/false,
                                         broker_.bugs().stale_generation_commit);
  if (error != Errc::kNone) return answer(error);
  g->meta.renew(r.member_id, now_ms());
  // One batch: the request's offsets are stored together or not at all.
  std::vector<Record> records;
  for (const auto& o : r.offsets) records.push_back(encode(OffsetCommitRecord{r.group_id, o.tp, o.offset, o.leader_epoch}));
  int64_t base_offset = 0;
  error = append(r.group_id, std::move(records), &base_offset);
  // Unloaded while waiting: the next coordinator replays the records.
  if (error == Errc::kNone && g->meta.state() != GroupState::kDead) {
    for (size_t i = 0; i < r.offsets.size(); ++i) {
      const auto& o = r.offsets[i];
      g->offsets.apply(o.tp, CommittedOffset{o.offset, o.leader_epoch, base_offset + static_cast<int64_t>(i)});
    }
  }
  return answer(error);
}

std::unique_ptr<Response> GroupCoordinator::offset_fetch(const OffsetFetchRequest& r) {
  auto resp = std::make_unique<OffsetFetchResponse>();
  std::shared_ptr<Group> g = group_for(r.group_id, /*create=*/false, &resp->error);
  if (resp->error != Errc::kNone) return resp;
  for (const TopicPartition& tp : r.partitions) {
    OffsetFetchResponse::PartitionData d;
    d.tp = tp;
    if (g != nullptr) {
      if (r.require_stable && g->offsets.has_pending(tp)) {
        d.error = Errc::kUnstableOffsetCommit;
      } else if (auto c = g->offsets.get(tp)) {
        d.offset = c->offset;
        d.leader_epoch = c->leader_epoch;
      }
    }
    resp->partitions.push_back(d);
  }
  return resp;
}

std::unique_ptr<Response> GroupCoordinator::txn_offset_commit(const TxnOffsetCommitRequest& r) {
  auto resp = std::make_unique<TxnOffsetCommitResponse>();
  // A commit outside group management may create the group (as Kafka's).
  const bool simple = r.generation_id < 0 && r.member_id.empty();
  std::shared_ptr<Group> g = group_for(r.group_id, /*create=*/simple, &resp->error);
  if (resp->error != Errc::kNone) return resp;
  if (g == nullptr) {
    resp->error = Errc::kIllegalGeneration;
    return resp;
  }
  // KIP-447: the consumer's group metadata fences a member that lost its
  // partitions, whatever its producer.
  resp->error = g->meta.validate_offset_commit(r.member_id, r.generation_id, /*transactional=*/true,
                                               /*accept_stale=*/false);
  if (resp->error != Errc::kNone) return resp;
  if (!r.member_id.empty()) g->meta.renew(r.member_id, now_ms());
  std::vector<Record> records;
  for (const auto& o : r.offsets) records.push_back(encode(OffsetCommitRecord{r.group_id, o.tp, o.offset, o.leader_epoch}));
  // A coordinator's write of the producer's transaction: its id and epoch,
  // no sequence (Kafka's AppendOrigin.COORDINATOR).
  RecordBatch header;
  header.producer_id = r.producer_id;
  header.producer_epoch = r.producer_epoch;
  header.transactional = true;
  int64_t base_offset = 0;
  resp->error = append(r.group_id, header, std::move(records), r.transactional_id, &base_offset);
  if (resp->error == Errc::kNone && g->meta.state() != GroupState::kDead) {
    for (size_t i = 0; i < r.offsets.size(); ++i) {
      const auto& o = r.offsets[i];
      g->offsets.add_pending(r.producer_id, o.tp,
                             CommittedOffset{o.offset, o.leader_epoch, base_offset + static_cast<int64_t>(i)});
    }
  }
  return resp;
}

void GroupCoordinator::on_txn_marker(int32_t p, int64_t producer_id, bool commit) {
  auto it = shards_.find(p);
  if (it == shards_.end() || !it->second.loaded) return;  // a later load replays the marker
  for (auto& [id, g] : it->second.groups) g->offsets.complete_txn(producer_id, commit);
}

}  // namespace kafkasim::kafka
