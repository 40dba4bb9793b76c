#include "broker-model/group_metadata.h"

#include <algorithm>

namespace kafkasim::kafka {

const char* group_state_name(GroupState s) {
  switch (s) {
    case GroupState::kEmpty: return "Empty";
    case GroupState::kPreparingRebalance: return "PreparingRebalance";
    case GroupState::kCompletingRebalance: return "CompletingRebalance";
    case GroupState::kStable: return "Stable";
    case GroupState::kDead: return "Dead";
  }
  return "?";
}

const Subscription* MemberMetadata::metadata_for(const std::string& protocol) const {
  for (const auto& p : protocols) {
    if (p.name == protocol) return &p.metadata;
  }
  return nullptr;
}

MemberMetadata* GroupMetadata::member(const std::string& member_id) {
  auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : &it->second;
}

bool GroupMetadata::supports(const std::vector<JoinGroupRequest::Protocol>& protocols) const {
  if (members_.empty()) return !protocols.empty();
  for (const auto& p : protocols) {
    bool everyone = std::all_of(members_.begin(), members_.end(),
                                [&](const auto& m) { return m.second.metadata_for(p.name) != nullptr; });
    if (everyone) return true;
  }
  return false;
}

bool GroupMetadata::rejoin_keeps_generation(const std::string& member_id,
                                            const std::vector<JoinGroupRequest::Protocol>& protocols) const {
  auto it = members_.find(member_id);
  if (it == members_.end() || it->second.protocols != protocols) return false;
  if (state_ == GroupState::kCompletingRebalance) return true;
  return state_ == GroupState::kStable && member_id != leader_;
}

void GroupMetadata::join(MemberMetadata member, int64_t now_ms, int64_t initial_delay_ms) {
  const bool was_empty = state_ == GroupState::kEmpty;
  member.awaiting_join = true;
  member.heartbeat_deadline_ms = now_ms + member.session_timeout_ms;
  auto it = members_.find(member.member_id);
  if (it != members_.end()) member.assignment = it->second.assignment;
  const int32_t rebalance_timeout = member.rebalance_timeout_ms;
  members_[member.member_id] = std::move(member);
  if (state_ == GroupState::kPreparingRebalance) {
    // KIP-134: each new member extends the initial delay, up to the
    // rebalance timeout.
    if (initial_delay_ms_ > 0) {
      join_deadline_ms_ = std::min(join_deadline_ms_ + initial_delay_ms_, now_ms + rebalance_timeout);
    }
    return;
  }
  prepare_rebalance(now_ms);
  if (was_empty && initial_delay_ms > 0) {
    initial_delay_ms_ = initial_delay_ms;
    join_deadline_ms_ = now_ms + std::min<int64_t>(initial_delay_ms, rebalance_timeout);
  }
}

void GroupMetadata::remove(const std::string& member_id, int64_t now_ms) {
  if (members_.erase(member_id) == 0) return;
  if (leader_ == member_id) leader_ = members_.empty() ? "" : members_.begin()->first;
  if (state_ == GroupState::kStable || state_ == GroupState::kCompletingRebalance) prepare_rebalance(now_ms);
}

void GroupMetadata::prepare_rebalance(int64_t now_ms) {
  int64_t timeout = 0;
  for (const auto& [id, m] : members_) timeout = std::max<int64_t>(timeout, m.rebalance_timeout_ms);
  state_ = GroupState::kPreparingRebalance;
  join_deadline_ms_ = now_ms + timeout;
  initial_delay_ms_ = 0;
}

bool GroupMetadata::join_complete(int64_t now_ms) const {
  if (state_ != GroupState::kPreparingRebalance) return false;
  if (now_ms >= join_deadline_ms_) return true;
  if (initial_delay_ms_ > 0) return false;  // KIP-134: wait out the delay
  return std::all_of(members_.begin(), members_.end(), [](const auto& m) { return m.second.awaiting_join; });
}

std::string GroupMetadata::select_protocol() const {
  // Kafka's selectProtocol: among the protocols every member supports,
  // each member votes for the first it prefers; most votes wins (ties: the
  // smallest name, for determinism).
  std::map<std::string, int> votes;
  const MemberMetadata& any = members_.begin()->second;
  for (const auto& p : any.protocols) {
    bool everyone = std::all_of(members_.begin(), members_.end(),
                                [&](const auto& m) { return m.second.metadata_for(p.name) != nullptr; });
    if (everyone) votes[p.name] = 0;
  }
  for (const auto& [id, m] : members_) {
    for (const auto& p : m.protocols) {
      if (votes.count(p.name)) {
        votes[p.name]++;
        break;
      }
    }
  }
  std::string best;
  int most = -1;
  for (const auto& [name, n] : votes) {
    if (n > most) {
      best = name;
      most = n;
    }
  }
  return best;
}

void GroupMetadata::complete_join(int64_t now_ms) {
  std::vector<std::string> absent;
  for (const auto& [id, m] : members_) {
    if (!m.awaiting_join) absent.push_back(id);
  }
  for (const std::string& id : absent) members_.erase(id);
  ++generation_;
  initial_delay_ms_ = 0;
  if (members_.empty()) {
    state_ = GroupState::kEmpty;
    protocol_.clear();
    leader_.clear();
    return;
  }
  protocol_ = select_protocol();
  if (!has(leader_)) leader_ = members_.begin()->first;
  for (auto& [id, m] : members_) {
    m.awaiting_join = false;
    m.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
  }
  state_ = GroupState::kCompletingRebalance;
}

void GroupMetadata::complete_sync(const std::vector<SyncGroupRequest::Assignment>& assignments) {
  for (auto& [id, m] : members_) m.assignment.clear();
  for (const auto& a : assignments) {
    if (MemberMetadata* m = member(a.member_id)) m->assignment = a.partitions;
  }
  state_ = GroupState::kStable;
}

std::vector<std::string> GroupMetadata::expired_members(int64_t now_ms) const {
  std::vector<std::string> out;
  for (const auto& [id, m] : members_) {
    if (!m.awaiting_join && now_ms >= m.heartbeat_deadline_ms) out.push_back(id);
  }
  return out;
}

void GroupMetadata::renew(const std::string& member_id, int64_t now_ms) {
  if (MemberMetadata* m = member(member_id)) m->heartbeat_deadline_ms = now_ms + m->session_timeout_ms;
}

Errc GroupMetadata::validate_heartbeat(const std::string& member_id, int32_t generation) const {
  if (state_ == GroupState::kDead) return Errc::kCoordinatorNotAvailable;
  if (!has(member_id)) return Errc::kUnknownMemberId;
  if (generation != generation_) return Errc::kIllegalGeneration;
  if (state_ == GroupState::kPreparingRebalance) return Errc::kRebalanceInProgress;
  return Errc::kNone;
}

Errc GroupMetadata::validate_offset_commit(const std::string& member_id, int32_t generation, bool transactional,
                                           bool accept_stale) const {
  if (state_ == GroupState::kDead) return Errc::kCoordinatorNotAvailable;
  if (generation >= 0 || !member_id.empty()) {
    if (accept_stale) return Errc::kNone;
    if (!has(member_id)) return Errc::kUnknownMemberId;
    // The member has its JoinGroup answer but not yet its assignment.
    if (!transactional && state_ == GroupState::kCompletingRebalance) return Errc::kRebalanceInProgress;
    if (generation != generation_) return Errc::kIllegalGeneration;
    return Errc::kNone;
  }
  if (!transactional && state_ != GroupState::kEmpty) return Errc::kUnknownMemberId;
  return Errc::kNone;
}

JoinGroupResponse GroupMetadata::join_response(const std::string& member_id) const {
  JoinGroupResponse r;
  r.generation_id = generation_;
  r.protocol_name = protocol_;
  r.leader = leader_;
  r.member_id = member_id;
  if (member_id == leader_) {
    for (const auto& [id, m] : members_) {
      const Subscription* s = m.metadata_for(protocol_);
      r.members.push_back(JoinGroupResponse::Member{id, s ? *s : Subscription{}});
    }
  }
  return r;
}

void GroupMetadata::restore(int32_t generation, std::string protocol, std::string leader,
                            std::vector<MemberMetadata> members, int64_t now_ms) {
  generation_ = generation;
  protocol_ = std::move(protocol);
  leader_ = std::move(leader);
  members_.clear();
  for (MemberMetadata& m : members) {
    m.awaiting_join = false;
    m.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
    members_[m.member_id] = std::move(m);
  }
  state_ = members_.empty() ? GroupState::kEmpty : GroupState::kStable;
  if (!has(leader_)) leader_ = members_.empty() ? "" : members_.begin()->first;
}

}  // namespace kafkasim::kafka
