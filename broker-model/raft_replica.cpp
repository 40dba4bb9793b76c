#include "broker-model/raft_replica.h"

#include <algorithm>

#include "broker-model/rpc.h"

namespace kafkasim::kafka {
namespace {
constexpr sim::Duration kRetryBackoff = sim::milliseconds(50);  // controller.quorum.retry.backoff.ms
constexpr size_t kMaxFetchEntries = 256;
}  // namespace

const char* role_name(RaftReplica::Role role) {
  switch (role) {
    case RaftReplica::Role::kUnattached: return "unattached";
    case RaftReplica::Role::kFollower: return "follower";
    case RaftReplica::Role::kCandidate: return "candidate";
    case RaftReplica::Role::kLeader: return "leader";
    case RaftReplica::Role::kResigned: return "resigned";
  }
  return "?";
}

RaftReplica::RaftReplica(sim::Node& node, int32_t id, std::shared_ptr<ClusterState> cluster)
    : node_(node), id_(id), cluster_(std::move(cluster)), voters_(cluster_->spec.controllers),
      election_timeout_(sim::milliseconds(cluster_->spec.broker_config.get_long("controller.quorum.election.timeout.ms"))),
      fetch_timeout_(sim::milliseconds(cluster_->spec.broker_config.get_long("controller.quorum.fetch.timeout.ms"))),
      snapshot_bytes_(cluster_->spec.broker_config.get_long("metadata.log.max.record.bytes.between.snapshots")),
      state_file_(node.disk()), log_(node.disk()) {}

int32_t RaftReplica::node_of(int32_t voter) const {
  return voter >= 1 && voter <= static_cast<int32_t>(cluster_->controller_nodes.size())
             ? cluster_->controller_nodes[static_cast<size_t>(voter - 1)]
             : -1;
}

int32_t RaftReplica::leader_node() const { return state_.leader == kNoVoter ? -1 : node_of(state_.leader); }

bool RaftReplica::caught_up_leader() const {
  return role_ == Role::kLeader && hw_ > epoch_start_offset_ && hw_ == log_.end_offset();
}

sim::Duration RaftReplica::random_election_timeout() {
  return election_timeout_ + static_cast<sim::Duration>(node_.rng().below(static_cast<uint64_t>(election_timeout_)));
}

void RaftReplica::trace(const std::string& text) {
  sim::Simulation::current()->record(node_.id(), "controller-" + std::to_string(id_) + " " + text);
}

void RaftReplica::start() {
  QuorumInvariants& monitor = cluster_->quorum_invariants;
  state_ = state_file_.read();
  monitor.on_election_state(sim::now(), id_, state_, /*loaded=*/true);
  log_.load();
  monitor.on_log_reset(sim::now(), id_, log_);
  // The state machine starts from the snapshot; the log above it is applied
  // as the high watermark becomes known again.
  if (log_.snapshot()) {
    image_ = log_.snapshot()->image();
    hw_ = log_.start_offset();
  }
  const sim::SimTime now = sim::now();
  if (state_.leader == id_) {
    role_ = Role::kResigned;  // KAFKA-10527: never lead an epoch twice
    timer_deadline_ = now + random_election_timeout();
  } else if (state_.leader != kNoVoter) {
    role_ = Role::kFollower;
    timer_deadline_ = now + fetch_timeout_;
  } else {
    role_ = Role::kUnattached;
    timer_deadline_ = voters_ == 1 ? now : now + random_election_timeout();
  }
  trace("starts as " + std::string(role_name(role_)) + " in " + state_.describe());
  node_.spawn("raft-timer", [this] { timer_loop(); }, /*daemon=*/true);
  node_.spawn("raft-fetcher", [this] { fetch_loop(); }, /*daemon=*/true);
}

// ---------------------------------------------------------------------------
// Election state

void RaftReplica::persist(bool flush) {
  state_file_.write(state_, flush);
  cluster_->quorum_invariants.on_election_state(sim::now(), id_, state_, /*loaded=*/false);
}

void RaftReplica::changed_role() {
  role_changed_.notify_all();
  timer_changed_.notify_all();
  appended_.notify_all();
  progress_.notify_all();
}

void RaftReplica::become_unattached(int32_t epoch, bool durable) {
  state_ = ElectionState{epoch, kNoVoter, kNoVoter};
  if (durable) persist();
  role_ = Role::kUnattached;
  timer_deadline_ = sim::now() + random_election_timeout();
  trace("is unattached in epoch " + std::to_string(epoch));
  changed_role();
}

void RaftReplica::become_follower(int32_t epoch, int32_t leader) {
  const int32_t voted = epoch == state_.epoch ? state_.voted_for : kNoVoter;
  state_ = ElectionState{epoch, voted, leader};
  persist();
  role_ = Role::kFollower;
  timer_deadline_ = sim::now() + fetch_timeout_;
  trace("follows controller-" + std::to_string(leader) + " in epoch " + std::to_string(epoch));
  changed_role();
}

void RaftReplica::become_candidate() {
  state_ = ElectionState{state_.epoch + 1, id_, kNoVoter};
  persist();
  role_ = Role::kCandidate;
  votes_ = {id_};
  timer_deadline_ = sim::now() + random_election_timeout();
  trace("stands for election in epoch " + std::to_string(state_.epoch));
  changed_role();
  if (static_cast<int>(votes_.size()) >= majority()) {
    become_leader();
    return;
  }
  const int32_t epoch = state_.epoch;
  for (int32_t v = 1; v <= voters_; ++v) {
    if (v == id_) continue;
    node_.spawn("vote-request", [this, v, epoch] { request_vote(v, epoch); });
  }
}

void RaftReplica::become_leader() {
  state_.leader = id_;
  persist();
  role_ = Role::kLeader;
  epoch_start_offset_ = log_.end_offset();
  followers_.clear();
  const sim::SimTime now = sim::now();
  for (int32_t v = 1; v <= voters_; ++v) {
    if (v != id_) followers_[v] = FollowerProgress{0, now};
  }
  timer_deadline_ = now + fetch_timeout_ / 2;
  trace("leads the quorum in epoch " + std::to_string(state_.epoch));
  MetadataRecord record;
  record.kind = MetadataRecord::Kind::kLeaderChange;
  record.leader_change = LeaderChange{id_, state_.epoch};
  append(record);
  changed_role();
  const int32_t epoch = state_.epoch;
  for (int32_t v = 1; v <= voters_; ++v) {
    if (v == id_) continue;
    node_.spawn("begin-quorum-epoch", [this, v, epoch] { begin_epoch(v, epoch); });
  }
}

void RaftReplica::resign() {
  role_ = Role::kResigned;
  timer_deadline_ = sim::now() + random_election_timeout();
  trace("resigns in epoch " + std::to_string(state_.epoch));
  changed_role();
}

void RaftReplica::observe_epoch(int32_t epoch, int32_t leader) {
  if (epoch > state_.epoch) {
    if (leader != kNoVoter && leader != id_) become_follower(epoch, leader);
    else become_unattached(epoch);
  } else if (epoch == state_.epoch && leader != kNoVoter && leader != id_ && role_ != Role::kLeader &&
             !(role_ == Role::kFollower && state_.leader == leader)) {
    become_follower(epoch, leader);
  }
}

// ---------------------------------------------------------------------------
// Timers

void RaftReplica::timer_loop() {
  for (;;) {
    if (sim::now() >= timer_deadline_) {
      on_timeout();
    } else {
      timer_changed_.wait(timer_deadline_);
    }
  }
}

void RaftReplica::on_timeout() {
  switch (role_) {
    case Role::kLeader:
      if (!check_quorum()) {
        resign();
      } else {
        timer_deadline_ = sim::now() + fetch_timeout_ / 2;
      }
      break;
    case Role::kFollower:
    case Role::kUnattached:
    case Role::kResigned:
    case Role::kCandidate:
      become_candidate();
      break;
  }
}

bool RaftReplica::check_quorum() {
  // KIP-595 (check quorum, KAFKA-15489): a leader that has not been fetched
  // from by a majority within 1.5 x fetch timeout resigns.
  const sim::SimTime since = sim::now() - fetch_timeout_ * 3 / 2;
  int heard = 1;
  for (const auto& [voter, progress] : followers_) {
    if (progress.last_fetch >= since) ++heard;
  }
  return heard >= majority();
}

// ---------------------------------------------------------------------------
// Elections

void RaftReplica::request_vote(int32_t voter, int32_t epoch) {
  RpcClient rpc(node_, node_of(voter), kControllerPort);
  while (role_ == Role::kCandidate && state_.epoch == epoch) {
    auto req = std::make_unique<VoteRequest>();
    req->candidate_id = id_;
    req->candidate_epoch = epoch;
    req->last_offset_epoch = log_.last_epoch();
    req->last_offset = log_.end_offset();
    auto resp = rpc.call<VoteResponse>(std::move(req), sim::now() + election_timeout_);
    if (role_ != Role::kCandidate || state_.epoch != epoch) return;
    if (!resp) {
      sim::sleep_for(kRetryBackoff);
      continue;
    }
    if (resp->leader_epoch > epoch || (resp->leader_epoch == epoch && resp->leader_id != kNoVoter)) {
      observe_epoch(resp->leader_epoch, resp->leader_id);
      return;
    }
    if (resp->vote_granted) {
      votes_.insert(voter);
      if (static_cast<int>(votes_.size()) >= majority()) become_leader();
    }
    return;
  }
}

std::unique_ptr<Response> RaftReplica::handle_vote(const VoteRequest& r) {
  // KIP-595: the new epoch and the vote are durable before the answer. The
  // vote-not-persisted bug keeps both in memory only: a restart forgets them.
  const bool durable = !cluster_->bugs.vote_not_persisted;
  if (r.candidate_epoch > state_.epoch) become_unattached(r.candidate_epoch, durable);
  auto resp = std::make_unique<VoteResponse>();
  if (r.candidate_epoch == state_.epoch && role_ == Role::kUnattached &&
      (state_.voted_for == kNoVoter || state_.voted_for == r.candidate_id)) {
    const bool up_to_date = std::make_pair(r.last_offset_epoch, r.last_offset) >=
                            std::make_pair(log_.last_epoch(), log_.end_offset());
    if (up_to_date) {
      resp->vote_granted = true;
      if (state_.voted_for != r.candidate_id) {
        state_.voted_for = r.candidate_id;
        if (durable) persist();
        trace("votes for controller-" + std::to_string(r.candidate_id) + " in epoch " + std::to_string(state_.epoch));
      }
      timer_deadline_ = sim::now() + random_election_timeout();
      timer_changed_.notify_all();
    }
  }
  resp->leader_epoch = state_.epoch;
  resp->leader_id = state_.leader;
  return resp;
}

void RaftReplica::begin_epoch(int32_t voter, int32_t epoch) {
  RpcClient rpc(node_, node_of(voter), kControllerPort);
  while (role_ == Role::kLeader && state_.epoch == epoch) {
    auto req = std::make_unique<BeginQuorumEpochRequest>();
    req->leader_id = id_;
    req->leader_epoch = epoch;
    auto resp = rpc.call<BeginQuorumEpochResponse>(std::move(req), sim::now() + election_timeout_);
    if (role_ != Role::kLeader || state_.epoch != epoch) return;
    if (resp && resp->leader_epoch > epoch) {
      observe_epoch(resp->leader_epoch, resp->leader_id);
      return;
    }
    if (resp && resp->error == Errc::kNone) return;
    sim::sleep_for(kRetryBackoff);
  }
}

std::unique_ptr<Response> RaftReplica::handle_begin_epoch(const BeginQuorumEpochRequest& r) {
  auto resp = std::make_unique<BeginQuorumEpochResponse>();
  if (r.leader_epoch < state_.epoch) {
    resp->error = Errc::kFencedLeaderEpoch;
  } else if (r.leader_epoch == state_.epoch && role_ == Role::kLeader && r.leader_id != id_) {
    resp->error = Errc::kFencedLeaderEpoch;  // two leaders in one epoch: never follow the other
  } else {
    observe_epoch(r.leader_epoch, r.leader_id);
  }
  resp->leader_epoch = state_.epoch;
  resp->leader_id = state_.leader;
  return resp;
}

// ---------------------------------------------------------------------------
// Replication: leader side

int64_t RaftReplica::append(const MetadataRecord& record) {
  const int64_t offset = log_.end_offset();
  log_.append(state_.epoch, record);
  cluster_->quorum_invariants.on_append(sim::now(), id_, offset, RaftEntry{state_.epoch, record});
  maybe_advance_hw();
  appended_.notify_all();
  return offset;
}

void RaftReplica::maybe_advance_hw() {
  if (role_ != Role::kLeader) return;
  std::vector<int64_t> ends{log_.end_offset()};
  for (const auto& [voter, progress] : followers_) ends.push_back(progress.end_offset);
  std::sort(ends.begin(), ends.end(), std::greater<>());
  const int64_t majority_end = ends[static_cast<size_t>(majority() - 1)];
  // KIP-595: only an offset above the epoch start is known committed by
  // this leader (an entry of its own epoch is in a majority).
  if (majority_end > epoch_start_offset_ && majority_end > hw_) set_hw(majority_end);
}

void RaftReplica::set_hw(int64_t hw) {
  hw_ = hw;
  cluster_->quorum_invariants.on_high_watermark(sim::now(), id_, node_.incarnation(), hw_, log_);
  apply_committed();
  appended_.notify_all();
  progress_.notify_all();
}

std::unique_ptr<Response> RaftReplica::handle_fetch(const QuorumFetchRequest& r) {
  auto resp = std::make_unique<QuorumFetchResponse>();
  if (r.current_leader_epoch > state_.epoch) observe_epoch(r.current_leader_epoch, kNoVoter);
  const int32_t epoch = state_.epoch;
  auto finish = [&]() -> std::unique_ptr<Response> {
    resp->leader_epoch = state_.epoch;
    resp->leader_id = state_.leader;
    return std::move(resp);
  };
  if (r.current_leader_epoch < epoch) {
    resp->error = Errc::kFencedLeaderEpoch;
    return finish();
  }
  if (role_ != Role::kLeader) {
    resp->error = Errc::kNotLeaderOrFollower;
    return finish();
  }
  auto progress = followers_.find(r.replica_id);
  if (progress == followers_.end()) {
    resp->error = Errc::kNotLeaderOrFollower;
    return finish();
  }
  progress->second.last_fetch = sim::now();
  // KIP-595 fetch validation: does the follower's log match ours at its
  // (fetch offset, last fetched epoch)?
  const std::optional<MetadataSnapshot>& snapshot = log_.snapshot();
  auto snapshot_id = [&] { return OffsetAndEpoch{snapshot->end_offset, snapshot->last_epoch}; };
  if (r.fetch_offset < log_.start_offset() ||
      (snapshot && r.fetch_offset == log_.start_offset() && r.last_fetched_epoch != snapshot->last_epoch)) {
    resp->snapshot_id = snapshot_id();
    return finish();
  }
  if (r.fetch_offset > 0) {
    const OffsetAndEpoch end = log_.end_offset_for_epoch(r.last_fetched_epoch);
    if (end.offset == kNoOffset) {
      if (snapshot) resp->snapshot_id = snapshot_id();
      else resp->diverging_epoch = OffsetAndEpoch{0, 0};
      return finish();
    }
    if (end.epoch != r.last_fetched_epoch || end.offset < r.fetch_offset) {
      resp->diverging_epoch = end;
      return finish();
    }
  }
  progress->second.end_offset = r.fetch_offset;
  maybe_advance_hw();
  const sim::SimTime deadline = sim::now() + sim::milliseconds(r.max_wait_ms);
  const int64_t hw_before = hw_;
  while (role_ == Role::kLeader && state_.epoch == epoch && r.fetch_offset >= log_.end_offset() &&
         hw_ == hw_before) {
    if (!appended_.wait(deadline)) break;
  }
  if (role_ != Role::kLeader || state_.epoch != epoch) {
    resp->error = Errc::kNotLeaderOrFollower;
    return finish();
  }
  if (r.fetch_offset < log_.start_offset()) {  // a snapshot was taken meanwhile
    resp->snapshot_id = snapshot_id();
    return finish();
  }
  resp->high_watermark = hw_ > epoch_start_offset_ ? hw_ : kNoOffset;
  resp->base_offset = r.fetch_offset;
  for (int64_t o = r.fetch_offset; o < log_.end_offset() && resp->entries.size() < kMaxFetchEntries; ++o) {
    resp->entries.push_back(log_.at(o));
  }
  return finish();
}

std::unique_ptr<Response> RaftReplica::handle_fetch_snapshot(const FetchSnapshotRequest& r) {
  auto resp = std::make_unique<FetchSnapshotResponse>();
  if (r.current_leader_epoch != state_.epoch || role_ != Role::kLeader) {
    resp->error = r.current_leader_epoch < state_.epoch ? Errc::kFencedLeaderEpoch : Errc::kNotLeaderOrFollower;
  } else if (log_.snapshot()) {
    resp->snapshot = std::make_shared<const MetadataSnapshot>(*log_.snapshot());
  }
  resp->leader_epoch = state_.epoch;
  resp->leader_id = state_.leader;
  return resp;
}

// ---------------------------------------------------------------------------
// Replication: follower side

void RaftReplica::fetch_loop() {
  std::unique_ptr<RpcClient> rpc;
  const int32_t max_wait_ms = static_cast<int32_t>(std::min<sim::Duration>(sim::milliseconds(500), fetch_timeout_ / 2) /
                                                   sim::milliseconds(1));
  for (;;) {
    if (role_ != Role::kFollower) {
      role_changed_.wait();
      continue;
    }
    const int32_t epoch = state_.epoch;
    const int32_t leader = state_.leader;
    if (!rpc || rpc->destination() != node_of(leader)) rpc = std::make_unique<RpcClient>(node_, node_of(leader), kControllerPort);
    auto req = std::make_unique<QuorumFetchRequest>();
    req->replica_id = id_;
    req->current_leader_epoch = epoch;
    req->fetch_offset = log_.end_offset();
    req->last_fetched_epoch = log_.last_epoch();
    req->max_wait_ms = std::max(max_wait_ms, 1);
    auto resp = rpc->call<QuorumFetchResponse>(std::move(req), sim::now() + sim::milliseconds(max_wait_ms) + fetch_timeout_);
    if (role_ != Role::kFollower || state_.epoch != epoch || state_.leader != leader) continue;
    if (!resp) {
      sim::sleep_for(kRetryBackoff);
      continue;
    }
    handle_fetch_response(*resp);
  }
}

void RaftReplica::handle_fetch_response(const QuorumFetchResponse& r) {
  if (r.leader_epoch > state_.epoch) {
    observe_epoch(r.leader_epoch, r.leader_id);
    return;
  }
  if (r.error != Errc::kNone) {
    sim::sleep_for(kRetryBackoff);
    return;
  }
  timer_deadline_ = sim::now() + fetch_timeout_;
  timer_changed_.notify_all();
  if (r.diverging_epoch) {
    // Truncate to where the logs agree: the smaller of the leader's end
    // of that epoch and our own.
    const OffsetAndEpoch ours = log_.end_offset_for_epoch(r.diverging_epoch->epoch);
    int64_t end = std::min(r.diverging_epoch->offset, ours.offset == kNoOffset ? log_.start_offset() : ours.offset);
    end = std::max(end, log_.start_offset());
    truncate(end);
    return;
  }
  if (r.snapshot_id) {
    fetch_snapshot();
    return;
  }
  if (r.base_offset != log_.end_offset()) return;
  int64_t offset = r.base_offset;
  for (const RaftEntry& e : r.entries) {
    log_.append(e.epoch, e.record);
    cluster_->quorum_invariants.on_append(sim::now(), id_, offset++, e);
  }
  if (r.high_watermark != kNoOffset) {
    const int64_t hw = std::min(r.high_watermark, log_.end_offset());
    if (hw > hw_) set_hw(hw);
  }
}

void RaftReplica::truncate(int64_t end) {
  if (end >= log_.end_offset()) return;
  trace("truncates its log to offset " + std::to_string(end));
  log_.truncate_to(end);
  cluster_->quorum_invariants.on_truncate(sim::now(), id_, end);
  if (end < image_.next_offset()) {
    // Only a broken quorum truncates committed entries: rebuild the image
    // from what is left (the invariants report the damage).
    image_ = log_.snapshot() ? log_.snapshot()->image() : MetadataImage{};
    hw_ = image_.next_offset();
    apply_committed();
  }
}

void RaftReplica::fetch_snapshot() {
  const int32_t epoch = state_.epoch;
  RpcClient rpc(node_, leader_node(), kControllerPort);
  auto req = std::make_unique<FetchSnapshotRequest>();
  req->replica_id = id_;
  req->current_leader_epoch = epoch;
  auto resp = rpc.call<FetchSnapshotResponse>(std::move(req), sim::now() + fetch_timeout_);
  if (role_ != Role::kFollower || state_.epoch != epoch) return;
  if (!resp || resp->error != Errc::kNone || !resp->snapshot) {
    if (resp && resp->leader_epoch > state_.epoch) observe_epoch(resp->leader_epoch, resp->leader_id);
    sim::sleep_for(kRetryBackoff);
    return;
  }
  const MetadataSnapshot& snapshot = *resp->snapshot;
  trace("loads the leader's snapshot at offset " + std::to_string(snapshot.end_offset));
  log_.install_snapshot(snapshot);
  cluster_->quorum_invariants.on_log_reset(sim::now(), id_, log_);
  image_ = snapshot.image();
  bytes_since_snapshot_ = 0;
  if (snapshot.end_offset > hw_) set_hw(snapshot.end_offset);
}

// ---------------------------------------------------------------------------
// The state machine

void RaftReplica::apply_committed() {
  ClusterState& cluster = *cluster_;
  sim::Simulation& sim = *sim::Simulation::current();
  while (image_.next_offset() < hw_ && image_.next_offset() < log_.end_offset()) {
    const int64_t offset = image_.next_offset();
    if (offset < log_.start_offset()) break;  // cannot happen: the snapshot covers it
    const RaftEntry& entry = log_.at(offset);
    image_.apply(offset, entry.record);
    bytes_since_snapshot_ += static_cast<int64_t>(entry.record.to_json().dump().size());
    // The first voter to apply a committed offset publishes it to the
    // ground truth the harness and the partition invariants read.
    if (cluster.truth.next_offset() == offset) {
      cluster.truth.apply(offset, entry.record);
      sim.record(node_.id(), "metadata " + std::to_string(offset) + ": " + entry.record.describe());
      if (entry.record.kind == MetadataRecord::Kind::kPartition) {
        cluster.invariants.on_partition_change(sim.now(), entry.record.partition, entry.record.unclean);
      }
    }
  }
  maybe_snapshot();
}

void RaftReplica::maybe_snapshot() {
  if (bytes_since_snapshot_ < snapshot_bytes_ || image_.next_offset() <= log_.start_offset()) return;
  const int64_t end = image_.next_offset();
  MetadataSnapshot snapshot = MetadataSnapshot::of(image_, log_.at(end - 1).epoch);
  trace("writes a snapshot at offset " + std::to_string(end));
  log_.take_snapshot(std::move(snapshot));
  cluster_->quorum_invariants.on_log_reset(sim::now(), id_, log_);
  bytes_since_snapshot_ = 0;
}

bool RaftReplica::wait_committed(int64_t offset, int32_t epoch, sim::SimTime deadline) {
  while (hw_ <= offset) {
    if (role_ != Role::kLeader || state_.epoch != epoch) return false;
    if (!progress_.wait(deadline)) return hw_ > offset;
  }
  return true;
}

std::unique_ptr<Response> RaftReplica::handle(Request& request) {
  switch (request.api) {
    case ApiKey::kVote: return handle_vote(static_cast<VoteRequest&>(request));
    case ApiKey::kBeginQuorumEpoch: return handle_begin_epoch(static_cast<BeginQuorumEpochRequest&>(request));
    case ApiKey::kQuorumFetch: return handle_fetch(static_cast<QuorumFetchRequest&>(request));
    case ApiKey::kFetchSnapshot: return handle_fetch_snapshot(static_cast<FetchSnapshotRequest&>(request));
    default: return nullptr;
  }
}

}  // namespace kafkasim::kafka
