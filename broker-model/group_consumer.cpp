#include "broker-model/group_consumer.h"

#include <algorithm>

#include "broker-model/assignors.h"

namespace kafkasim::kafka {
namespace {

// The bound on one coordinator request that does not park (as the
// consumer bounds its fetches, consumer.cpp).
constexpr sim::Duration kRequestBound = sim::seconds(5);
constexpr sim::Duration kRetryBackoff = sim::milliseconds(100);

std::vector<TopicPartition> minus(const std::vector<TopicPartition>& a, const std::vector<TopicPartition>& b) {
  std::vector<TopicPartition> out;
  for (const auto& tp : a) {
    if (std::find(b.begin(), b.end(), tp) == b.end()) out.push_back(tp);
  }
  return out;
}

bool member_gone(Errc e) { return e == Errc::kUnknownMemberId || e == Errc::kIllegalGeneration; }
bool coordinator_gone(Errc e) {
  return e == Errc::kNotCoordinator || e == Errc::kCoordinatorNotAvailable || e == Errc::kCoordinatorLoadInProgress ||
         e == Errc::kRequestTimedOut;
}

void record(sim::Node& node, const std::string& text) { sim::Simulation::current()->record(node.id(), text); }

std::string list(const std::vector<TopicPartition>& tps) {
  std::string s;
  for (const auto& tp : tps) s += (s.empty() ? "" : ",") + tp.str();
  return "[" + s + "]";
}

}  // namespace

GroupConsumer::GroupConsumer(sim::Node& node, std::vector<int32_t> bootstrap, Config config, Consumer& consumer)
    : node_(node), config_(std::move(config)), consumer_(consumer), metadata_(node, std::move(bootstrap)),
      alive_(std::make_shared<bool>(true)) {
  group_id_ = config_.get_string("group.id");
  client_id_ = node.name();
  strategies_ = config_.get_list("partition.assignment.strategy");
  cooperative_ = std::any_of(strategies_.begin(), strategies_.end(), [](const auto& s) { return is_cooperative(s); });
  auto_commit_ = config_.get_bool("enable.auto.commit");
}

GroupConsumer::~GroupConsumer() { *alive_ = false; }

void GroupConsumer::subscribe(std::vector<std::string> topics, RebalanceListener listener) {
  topics_ = std::move(topics);
  listener_ = std::move(listener);
  rejoin_needed_ = true;
  last_poll_ = sim::now();
  const uint64_t epoch = ++fiber_epoch_;
  std::shared_ptr<bool> alive = alive_;
  node_.spawn("heartbeat", [this, alive, epoch] {
    if (*alive) heartbeat_loop(epoch);
  }, /*daemon=*/true);
  if (auto_commit_) {
    node_.spawn("auto-commit", [this, alive, epoch] {
      if (*alive) auto_commit_loop(epoch);
    }, /*daemon=*/true);
  }
}

bool GroupConsumer::ensure_coordinator(sim::SimTime deadline) {
  while (coordinator_ < 0 && sim::now() < deadline) {
    auto req = std::make_unique<FindCoordinatorRequest>();
    req->key = group_id_;
    auto resp = metadata_.any_connection().call<FindCoordinatorResponse>(std::move(req),
                                                                         std::min(deadline, sim::now() + kRequestBound));
    if (resp && resp->error == Errc::kNone) {
      if (metadata_.connection(resp->node_id) == nullptr) metadata_.refresh(std::min(deadline, sim::now() + kRequestBound));
      if (metadata_.connection(resp->node_id) != nullptr) {
        coordinator_ = resp->node_id;
        return true;
      }
    }
    sim::sleep_until(std::min(deadline, sim::now() + kRetryBackoff));
  }
  return coordinator_ >= 0;
}

void GroupConsumer::coordinator_dead() {
  if (coordinator_ < 0) return;
  if (RpcClient* rpc = metadata_.connection(coordinator_)) rpc->reset();
  coordinator_ = -1;
}

void GroupConsumer::handle_group_error(Errc e) {
  if (e == Errc::kNone) return;
  if (coordinator_gone(e)) {
    coordinator_dead();
    return;
  }
  if (e == Errc::kRebalanceInProgress) rejoin_needed_ = true;
  if (member_gone(e)) {
    // Acted on by the next poll, on the application's fiber.
    rejoin_needed_ = true;
    if (lost_ != Errc::kUnknownMemberId) lost_ = e;
  }
}

void GroupConsumer::forget_membership() {
  if (lost_ == Errc::kNone) return;
  record(node_, std::string("member ") + member_id_ + " of generation " + std::to_string(generation_) + " is gone (" +
                    errc_name(lost_) + ")");
  lose_all();
  if (lost_ == Errc::kUnknownMemberId) member_id_.clear();
  generation_ = -1;
  lost_ = Errc::kNone;
}

void GroupConsumer::revoke(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) return;
  record(node_, "revoke " + list(partitions));
  if (listener_.on_revoked) listener_.on_revoked(partitions);
  if (auto_commit_) commit(partitions, sim::now() + kRequestBound, /*changed_only=*/true);
  std::vector<TopicPartition> kept = minus(owned_, partitions);
  owned_ = kept;
  for (const auto& tp : partitions) awaiting_offsets_.erase(tp);
  consumer_.assign(minus(owned_, std::vector<TopicPartition>(awaiting_offsets_.begin(), awaiting_offsets_.end())));
}

void GroupConsumer::lose_all() {
  if (owned_.empty()) return;
  record(node_, "lost " + list(owned_));
  if (listener_.on_lost) listener_.on_lost(owned_);
  owned_.clear();
  awaiting_offsets_.clear();
  consumer_.assign({});
}

std::vector<SyncGroupRequest::Assignment> GroupConsumer::leader_assign(const JoinGroupResponse& join,
                                                                      sim::SimTime deadline) {
  metadata_.refresh(std::min(deadline, sim::now() + kRequestBound));
  std::vector<AssignorMember> members;
  std::set<std::string> topics;
  for (const auto& m : join.members) {
    members.push_back(AssignorMember{m.member_id, m.metadata});
    topics.insert(m.metadata.topics.begin(), m.metadata.topics.end());
  }
  std::map<std::string, int32_t> counts;
  for (const std::string& t : topics) {
    int32_t n = 0;
    while (metadata_.partition(TopicPartition{t, n}) != nullptr) ++n;
    if (n > 0) counts[t] = n;
  }
  std::vector<SyncGroupRequest::Assignment> out;
  for (auto& [id, tps] : assign(join.protocol_name, members, counts)) out.push_back({id, tps});
  return out;
}

bool GroupConsumer::rebalance(sim::SimTime deadline) {
  state_ = State::kJoining;
  if (!cooperative_) revoke(owned_);
  const int32_t rebalance_timeout = config_.get_int("max.poll.interval.ms");
  while (sim::now() < deadline && state_ == State::kJoining) {
    if (!ensure_coordinator(deadline)) break;
    RpcClient* rpc = metadata_.connection(coordinator_);
    if (rpc == nullptr) {
      coordinator_dead();
      continue;
    }
    auto join = std::make_unique<JoinGroupRequest>();
    join->group_id = group_id_;
    join->session_timeout_ms = config_.get_int("session.timeout.ms");
    join->rebalance_timeout_ms = rebalance_timeout;
    join->member_id = member_id_;
    join->client_id = client_id_;
    for (const std::string& s : strategies_) {
      join->protocols.push_back(JoinGroupRequest::Protocol{s, Subscription{topics_, owned_, generation_}});
    }
    const int32_t session_timeout_ms = join->session_timeout_ms;
    auto jr = rpc->call<JoinGroupResponse>(std::move(join),
                                           sim::now() + sim::milliseconds(rebalance_timeout) + kRequestBound);
    if (!jr) {
      coordinator_dead();
      continue;
    }
    if (jr->error != Errc::kNone) {
      handle_group_error(jr->error);
      forget_membership();
      if (jr->error != Errc::kUnknownMemberId && jr->error != Errc::kRebalanceInProgress) {
        sim::sleep_until(std::min(deadline, sim::now() + kRetryBackoff));
      }
      continue;
    }
    member_id_ = jr->member_id;
    auto sync = std::make_unique<SyncGroupRequest>();
    sync->group_id = group_id_;
    sync->generation_id = jr->generation_id;
    sync->member_id = member_id_;
    if (jr->leader == member_id_) sync->assignments = leader_assign(*jr, deadline);
    auto sr = rpc->call<SyncGroupResponse>(std::move(sync),
                                           sim::now() + sim::milliseconds(session_timeout_ms) + kRequestBound);
    if (!sr) {
      coordinator_dead();
      continue;
    }
    if (sr->error != Errc::kNone) {
      handle_group_error(sr->error);
      forget_membership();
      continue;
    }
    generation_ = jr->generation_id;
    state_ = State::kStable;
    rejoin_needed_ = false;
    record(node_, "joined group " + group_id_ + " generation " + std::to_string(generation_) + " as " + member_id_ +
                      ": " + list(sr->assignment));
    install(sr->assignment, deadline);
  }
  if (state_ == State::kJoining) state_ = State::kUnjoined;
  return state_ == State::kStable;
}

void GroupConsumer::install(std::vector<TopicPartition> assignment, sim::SimTime deadline) {
  std::sort(assignment.begin(), assignment.end());
  const std::vector<TopicPartition> revoked = minus(owned_, assignment);
  const std::vector<TopicPartition> added = minus(assignment, owned_);
  if (!revoked.empty()) {
    // KIP-429: give them up, then rejoin so they can be assigned elsewhere.
    revoke(revoked);
    rejoin_needed_ = true;
  }
  if (!added.empty()) {
    owned_.insert(owned_.end(), added.begin(), added.end());
    std::sort(owned_.begin(), owned_.end());
    awaiting_offsets_.insert(added.begin(), added.end());
    if (listener_.on_assigned) listener_.on_assigned(added);
  }
  fetch_committed(std::vector<TopicPartition>(awaiting_offsets_.begin(), awaiting_offsets_.end()), deadline);
}

bool GroupConsumer::fetch_committed(const std::vector<TopicPartition>& partitions, sim::SimTime deadline) {
  if (partitions.empty()) return true;
  const sim::SimTime until = std::max(deadline, sim::now() + kRetryBackoff);
  while (sim::now() < until) {
    if (!ensure_coordinator(until)) return false;
    RpcClient* rpc = metadata_.connection(coordinator_);
    if (rpc == nullptr) {
      coordinator_dead();
      continue;
    }
    auto req = std::make_unique<OffsetFetchRequest>();
    req->group_id = group_id_;
    req->partitions = partitions;
    // As the Java consumer: read_committed asks for stable offsets (KIP-447).
    req->require_stable = config_.get_string("isolation.level") == "read_committed";
    auto resp = rpc->call<OffsetFetchResponse>(std::move(req), sim::now() + kRequestBound);
    if (!resp || resp->error != Errc::kNone) {
      handle_group_error(resp ? resp->error : Errc::kRequestTimedOut);
      sim::sleep_until(std::min(until, sim::now() + kRetryBackoff));
      continue;
    }
    std::vector<TopicPartition> ready;
    for (const auto& tp : owned_) {
      if (!awaiting_offsets_.count(tp)) ready.push_back(tp);
    }
    for (const auto& d : resp->partitions) {
      // UNSTABLE_OFFSET_COMMIT: still awaiting; the next poll asks again.
      if (!awaiting_offsets_.count(d.tp) || d.error != Errc::kNone) continue;
      awaiting_offsets_.erase(d.tp);
      ready.push_back(d.tp);
    }
    std::sort(ready.begin(), ready.end());
    consumer_.assign(ready);
    for (const auto& d : resp->partitions) {
      if (d.error != Errc::kNone) continue;
      if (d.offset >= 0) {
        consumer_.seek(d.tp, d.offset);
        committed_[d.tp] = d.offset;
      } else {
        committed_.erase(d.tp);
      }
    }
    return true;
  }
  return false;
}

std::vector<OffsetCommitRequest::PartitionOffset> GroupConsumer::positions(const std::vector<TopicPartition>& partitions,
                                                                            bool changed_only) const {
  std::vector<OffsetCommitRequest::PartitionOffset> out;
  for (const auto& tp : partitions) {
    if (awaiting_offsets_.count(tp)) continue;
    const int64_t position = consumer_.position(tp);
    if (position < 0) continue;
    auto it = committed_.find(tp);
    if (changed_only && it != committed_.end() && it->second == position) continue;
    out.push_back(OffsetCommitRequest::PartitionOffset{tp, position, kNoEpoch});
  }
  return out;
}

Errc GroupConsumer::commit(const std::vector<TopicPartition>& partitions, sim::SimTime deadline, bool changed_only) {
  return send_commit(positions(partitions, changed_only), member_id_, generation_, deadline);
}

Errc GroupConsumer::send_commit(std::vector<OffsetCommitRequest::PartitionOffset> offsets, const std::string& member_id,
                                int32_t generation, sim::SimTime deadline) {
  if (offsets.empty()) return Errc::kNone;
  if (!ensure_coordinator(deadline)) return Errc::kCoordinatorNotAvailable;
  RpcClient* rpc = metadata_.connection(coordinator_);
  if (rpc == nullptr) return Errc::kCoordinatorNotAvailable;
  auto req = std::make_unique<OffsetCommitRequest>();
  req->group_id = group_id_;
  req->generation_id = generation;
  req->member_id = member_id;
  req->offsets = offsets;
  auto resp = rpc->call<OffsetCommitResponse>(std::move(req), deadline);
  const Errc e = resp ? resp->error() : Errc::kRequestTimedOut;
  record(node_, "commit generation " + std::to_string(generation) + " " + std::to_string(offsets.size()) +
                    " offsets: " + errc_name(e));
  if (e == Errc::kNone) {
    for (const auto& o : offsets) committed_[o.tp] = o.offset;
  } else if (generation == generation_) {
    handle_group_error(e);
  }
  return e;
}

std::vector<ConsumedRecord> GroupConsumer::poll(sim::Duration timeout) {
  const sim::SimTime deadline = sim::now() + timeout;
  last_poll_ = sim::now();
  if (state_ != State::kClosed && !topics_.empty()) {
    if (rejoin_needed_ || state_ != State::kStable) {
      forget_membership();
      rebalance(deadline);
    } else if (!awaiting_offsets_.empty()) {
      fetch_committed(std::vector<TopicPartition>(awaiting_offsets_.begin(), awaiting_offsets_.end()), deadline);
    }
    last_poll_ = sim::now();
  }
  const sim::Duration left = std::max<sim::Duration>(deadline - sim::now(), 0);
  return consumer_.poll(left);
}

Errc GroupConsumer::commit_sync() {
  if (state_ != State::kStable) return Errc::kRebalanceInProgress;
  return commit(owned_, sim::now() + kRequestBound, /*changed_only=*/false);
}

void GroupConsumer::commit_async(std::function<void(Errc)> done) {
  if (state_ != State::kStable) {
    if (done) done(Errc::kRebalanceInProgress);
    return;
  }
  // The positions now, sent from a fiber of their own.
  auto offsets = positions(owned_, /*changed_only=*/false);
  std::shared_ptr<bool> alive = alive_;
  const std::string member_id = member_id_;
  const int32_t generation = generation_;
  node_.spawn("commit-async", [this, alive, done, offsets, member_id, generation] {
    if (!*alive) return;
    const Errc e = send_commit(offsets, member_id, generation, sim::now() + kRequestBound);
    if (*alive && done) done(e);
  });
}

void GroupConsumer::close() {
  if (state_ == State::kClosed) return;
  if (state_ == State::kStable) {
    if (auto_commit_) commit(owned_, sim::now() + kRequestBound, /*changed_only=*/true);
    if (listener_.on_revoked && !owned_.empty()) listener_.on_revoked(owned_);
    if (coordinator_ >= 0 && !member_id_.empty()) {
      if (RpcClient* rpc = metadata_.connection(coordinator_)) {
        auto req = std::make_unique<LeaveGroupRequest>();
        req->group_id = group_id_;
        req->member_id = member_id_;
        rpc->call<LeaveGroupResponse>(std::move(req), sim::now() + kRequestBound);
      }
    }
  }
  owned_.clear();
  awaiting_offsets_.clear();
  consumer_.assign({});
  member_id_.clear();
  generation_ = -1;
  state_ = State::kClosed;
  ++fiber_epoch_;
}

void GroupConsumer::heartbeat_loop(uint64_t epoch) {
  std::shared_ptr<bool> alive = alive_;
  const sim::Duration interval = sim::milliseconds(config_.get_int("heartbeat.interval.ms"));
  const sim::Duration max_poll = sim::milliseconds(config_.get_int("max.poll.interval.ms"));
  for (;;) {
    node_.sleep_local(interval);
    if (!*alive || epoch != fiber_epoch_) return;
    if (state_ != State::kStable || rejoin_needed_) continue;
    if (sim::now() - last_poll_ > max_poll) {
      // KIP-62: the application stopped polling; leave so the group can
      // rebalance without waiting for the session to expire.
      record(node_, "max.poll.interval.ms exceeded: leaving group " + group_id_);
      if (RpcClient* rpc = coordinator_ >= 0 ? metadata_.connection(coordinator_) : nullptr) {
        auto req = std::make_unique<LeaveGroupRequest>();
        req->group_id = group_id_;
        req->member_id = member_id_;
        rpc->call<LeaveGroupResponse>(std::move(req), sim::now() + kRequestBound);
        if (!*alive || epoch != fiber_epoch_) return;
      }
      handle_group_error(Errc::kUnknownMemberId);
      continue;
    }
    if (!ensure_coordinator(sim::now() + interval)) continue;
    if (!*alive || epoch != fiber_epoch_) return;
    RpcClient* rpc = metadata_.connection(coordinator_);
    if (rpc == nullptr) continue;
    auto req = std::make_unique<HeartbeatRequest>();
    req->group_id = group_id_;
    req->generation_id = generation_;
    req->member_id = member_id_;
    const int32_t generation = generation_;
    auto resp = rpc->call<HeartbeatResponse>(std::move(req), sim::now() + kRequestBound);
    if (!*alive || epoch != fiber_epoch_) return;
    if (generation != generation_) continue;  // answered for an older generation
    if (!resp) {
      coordinator_dead();
      continue;
    }
    handle_group_error(resp->error);
  }
}

void GroupConsumer::auto_commit_loop(uint64_t epoch) {
  std::shared_ptr<bool> alive = alive_;
  const sim::Duration interval = sim::milliseconds(std::max(config_.get_int("auto.commit.interval.ms"), 1));
  for (;;) {
    node_.sleep_local(interval);
    if (!*alive || epoch != fiber_epoch_) return;
    if (state_ != State::kStable || owned_.empty()) continue;
    commit(owned_, sim::now() + kRequestBound, /*changed_only=*/true);
    if (!*alive || epoch != fiber_epoch_) return;
  }
}

}  // namespace kafkasim::kafka
