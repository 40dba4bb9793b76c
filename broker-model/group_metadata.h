// One consumer group's membership as its coordinator keeps it (Kafka's
// GroupMetadata, classic protocol): members, generation, selected protocol,
// leader, and the group state machine
//
//   Empty --join--> PreparingRebalance --all joined or rebalance timeout-->
//   CompletingRebalance --leader's SyncGroup stored--> Stable
//   Stable / CompletingRebalance --join, leave, session expiry-->
//   PreparingRebalance;  PreparingRebalance --no member left--> Empty
//   any --coordinator unloads it--> Dead
//
// Plain logic over millisecond timestamps (no fibers): the coordinator
// (group_coordinator.h) parks requests and persists; this class decides.
//
// Invariants: the generation only grows; every member of a group in
// CompletingRebalance or Stable joined in the current generation; the
// leader is a member whenever the group has members.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker-model/group_protocol.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

enum class GroupState : uint8_t { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
const char* group_state_name(GroupState s);

struct MemberMetadata {
  std::string member_id;
  std::string client_id;
  int32_t session_timeout_ms = 45000;
  int32_t rebalance_timeout_ms = 300000;
  std::vector<JoinGroupRequest::Protocol> protocols;  // in preference order
  std::vector<TopicPartition> assignment;             // from the last completed SyncGroup
  bool awaiting_join = false;  // has joined the rebalance in progress
  int64_t heartbeat_deadline_ms = 0;  // session expiry
  bool operator==(const MemberMetadata&) const = default;
  // The member's metadata for `protocol`, or nullptr.
  const Subscription* metadata_for(const std::string& protocol) const;
};

class GroupMetadata {
 public:
  explicit GroupMetadata(std::string group_id) : group_id_(std::move(group_id)) {}

  const std::string& group_id() const { return group_id_; }
  GroupState state() const { return state_; }
  int32_t generation() const { return generation_; }
  const std::string& protocol() const { return protocol_; }
  const std::string& leader() const { return leader_; }
  const std::map<std::string, MemberMetadata>& members() const { return members_; }
  bool has(const std::string& member_id) const { return members_.count(member_id) > 0; }
  MemberMetadata* member(const std::string& member_id);
  // When the join phase of the rebalance in progress ends at the latest.
  int64_t join_deadline_ms() const { return join_deadline_ms_; }

  // True if a member with `protocols` could join: the group is empty, or
  // some protocol is supported by every member and by it.
  bool supports(const std::vector<JoinGroupRequest::Protocol>& protocols) const;

  // Kafka's answer to a known member rejoining with unchanged protocols
  // while the group is CompletingRebalance, or Stable and it is not the
  // leader (say, its JoinGroup answer was lost): the current generation,
  // no rebalance.
  bool rejoin_keeps_generation(const std::string& member_id,
                               const std::vector<JoinGroupRequest::Protocol>& protocols) const;
  // Adds (member_id new) or updates a member joining now; it is awaiting
  // the join phase. Starts a rebalance unless one is in progress. Empty
  // groups wait `initial_delay_ms` for more members (KIP-134).
  void join(MemberMetadata member, int64_t now_ms, int64_t initial_delay_ms);
  // Removes a member (LeaveGroup, session expiry) and, unless the group is
  // empty or already rebalancing, starts a rebalance.
  void remove(const std::string& member_id, int64_t now_ms);
  // Starts a rebalance (PreparingRebalance) now.
  void prepare_rebalance(int64_t now_ms);
  // True when the join phase may end: every member has joined, or the
  // rebalance timeout (or the initial delay) has passed.
  bool join_complete(int64_t now_ms) const;
  // Ends the join phase: members that did not join are removed, the
  // generation grows, the protocol is selected, the leader chosen; the
  // group goes to CompletingRebalance, or Empty when no member is left.
  // REQUIRES: state() == kPreparingRebalance.
  void complete_join(int64_t now_ms);
  // The leader's assignment is stored: the group is Stable.
  // REQUIRES: state() == kCompletingRebalance.
  void complete_sync(const std::vector<SyncGroupRequest::Assignment>& assignments);
  // Members whose session expired by `now_ms` (those awaiting the join
  // phase are kept alive by their parked JoinGroup).
  std::vector<std::string> expired_members(int64_t now_ms) const;
  // A heartbeat or any request of a live member renews its session.
  void renew(const std::string& member_id, int64_t now_ms);
  void mark_dead() { state_ = GroupState::kDead; }

  // Heartbeat: NONE, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION or
  // REBALANCE_IN_PROGRESS (the member must rejoin).
  Errc validate_heartbeat(const std::string& member_id, int32_t generation) const;
  // OffsetCommit and (with `transactional`, KIP-447) TxnOffsetCommit: a
  // commit carrying a member id or a generation must come from a current
  // member in the current generation; a commit with neither is accepted
  // only while the group is Empty (a consumer outside group management).
  // `accept_stale` is the stale-generation-commit bug: member and
  // generation are not checked.
  Errc validate_offset_commit(const std::string& member_id, int32_t generation, bool transactional,
                              bool accept_stale) const;

  // The response a member that joined gets once the join phase ended
  // (members' metadata only for the leader).
  JoinGroupResponse join_response(const std::string& member_id) const;

  // Loading from the offsets topic: the last stored generation.
  void restore(int32_t generation, std::string protocol, std::string leader, std::vector<MemberMetadata> members,
               int64_t now_ms);

 private:
  std::string select_protocol() const;

  std::string group_id_;
  GroupState state_ = GroupState::kEmpty;
  int32_t generation_ = 0;
  std::string protocol_;
  std::string leader_;
  std::map<std::string, MemberMetadata> members_;
  int64_t join_deadline_ms_ = 0;
  int64_t initial_delay_ms_ = 0;  // > 0 while an initial delayed join runs
};

}  // namespace kafkasim::kafka
