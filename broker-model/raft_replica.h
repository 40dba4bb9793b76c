// One voter of the KRaft controller quorum (KIP-595): elections, the
// replicated metadata log, the high watermark, and the metadata image of
// the committed log (the state machine the controller acts on).
//
// Roles, as in Kafka's QuorumState:
//   unattached  knows an epoch but no leader (may have voted in it)
//   follower    fetches from the epoch's leader
//   candidate   voted for itself in a new epoch and asks the others
//   leader      won a majority; appends and serves fetches
//   resigned    a leader that left: a restart of a leader (KAFKA-10527: it
//               never leads the same epoch twice) or a leader that did not
//               hear from a majority for 1.5 x fetch timeout (check quorum)
//
// Rules (KIP-595, Raft §5):
//   - every change of epoch, vote or leader is written to the quorum-state
//     file and flushed before the voter acts on it or answers;
//   - a voter grants one vote per epoch, to a candidate whose log (last
//     epoch, end offset) is at least as up to date as its own;
//   - a follower whose fetches fail for controller.quorum.fetch.timeout.ms,
//     or an unattached voter after a random election timeout in
//     [T, 2T) (T = controller.quorum.election.timeout.ms), stands for the
//     next epoch;
//   - followers fetch with (offset, last fetched epoch); the leader answers
//     a diverging epoch (truncate, fetch again) or a snapshot id (fetch the
//     snapshot) when the log does not match;
//   - the leader's high watermark is the largest offset a majority has
//     flushed; it is known only once above the leader's epoch start offset,
//     i.e. once the LeaderChange entry of its own epoch is committed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "broker-model/cluster_state.h"
#include "broker-model/metadata.h"
#include "broker-model/protocol.h"
#include "broker-model/raft_log.h"
#include "broker-model/raft_quorum_state.h"
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

class RaftReplica {
 public:
  enum class Role : uint8_t { kUnattached, kFollower, kCandidate, kLeader, kResigned };

  // `id`: this voter's controller id (1-based).
  RaftReplica(sim::Node& node, int32_t id, std::shared_ptr<ClusterState> cluster);

  // Reads the election state, snapshot and log, and starts the timers.
  void start();
  // Answers a quorum RPC (Vote, BeginQuorumEpoch, Fetch, FetchSnapshot);
  // nullptr for any other request.
  std::unique_ptr<Response> handle(Request& request);

  Role role() const { return role_; }
  bool is_leader() const { return role_ == Role::kLeader; }
  int32_t epoch() const { return state_.epoch; }
  // The sim node of the leader this voter knows, or -1.
  int32_t leader_node() const;
  // A leader whose high watermark is known and covers its whole log: every
  // entry it appended is committed and applied to committed().
  bool caught_up_leader() const;
  int64_t log_start_offset() const { return log_.start_offset(); }
  int64_t log_end_offset() const { return log_.end_offset(); }
  int64_t high_watermark() const { return hw_; }
  // The metadata image of the log below the high watermark.
  const MetadataImage& committed() const { return image_; }
  const RaftLog& log() const { return log_; }

  // Leader only: appends `record` in the current epoch; returns its offset.
  int64_t append(const MetadataRecord& record);
  // Waits until `offset` is committed. False when this voter stops leading
  // epoch `epoch` or at `deadline`.
  bool wait_committed(int64_t offset, int32_t epoch, sim::SimTime deadline);
  // Parks until the high watermark or the role changes, or `deadline`.
  void wait_progress(sim::SimTime deadline) { progress_.wait(deadline); }

 private:
  std::unique_ptr<Response> handle_vote(const VoteRequest& r);
  std::unique_ptr<Response> handle_begin_epoch(const BeginQuorumEpochRequest& r);
  std::unique_ptr<Response> handle_fetch(const QuorumFetchRequest& r);
  std::unique_ptr<Response> handle_fetch_snapshot(const FetchSnapshotRequest& r);

  // Transitions; each persists the election state first.
  void become_unattached(int32_t epoch, bool durable = true);
  void become_follower(int32_t epoch, int32_t leader);
  void become_candidate();
  void become_leader();
  void resign();
  // A response or request showed `epoch` (and its leader, if known).
  void observe_epoch(int32_t epoch, int32_t leader);
  void persist(bool flush = true);
  void changed_role();

  void timer_loop();
  void fetch_loop();
  void on_timeout();
  void request_vote(int32_t voter, int32_t epoch);
  void begin_epoch(int32_t voter, int32_t epoch);
  void handle_fetch_response(const QuorumFetchResponse& r);
  void fetch_snapshot();

  // The leader's high watermark from the voters' flushed end offsets.
  void maybe_advance_hw();
  void set_hw(int64_t hw);
  void apply_committed();
  void maybe_snapshot();
  void truncate(int64_t end);
  bool check_quorum();

  sim::Duration random_election_timeout();
  int32_t node_of(int32_t voter) const;
  int majority() const { return voters_ / 2 + 1; }
  void trace(const std::string& text);

  sim::Node& node_;
  int32_t id_;
  std::shared_ptr<ClusterState> cluster_;
  int voters_;
  sim::Duration election_timeout_;
  sim::Duration fetch_timeout_;
  int64_t snapshot_bytes_;

  QuorumStateFile state_file_;
  ElectionState state_;
  Role role_ = Role::kUnattached;
  RaftLog log_;
  int64_t hw_ = 0;
  MetadataImage image_;
  int64_t bytes_since_snapshot_ = 0;

  // Candidate.
  std::set<int32_t> votes_;
  // Leader.
  int64_t epoch_start_offset_ = 0;
  struct FollowerProgress {
    int64_t end_offset = 0;
    sim::SimTime last_fetch = 0;
  };
  std::map<int32_t, FollowerProgress> followers_;

  sim::SimTime timer_deadline_ = sim::kNever;
  sim::WaitQueue timer_changed_;
  sim::WaitQueue role_changed_;
  sim::WaitQueue appended_;   // new entries or a new HW (long-polling fetches)
  sim::WaitQueue progress_;   // HW or role changes (the controller)
};

const char* role_name(RaftReplica::Role role);

}  // namespace kafkasim::kafka
