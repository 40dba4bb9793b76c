// The consumer's group membership (classic protocol), after librdkafka's
// cgrp: `subscribe` to topics in group `group.id`; the group's leader
// member assigns partitions with the assignor the group selected
// (`partition.assignment.strategy`); committed offsets are fetched for
// newly assigned partitions (auto.offset.reset when there are none).
//
// It drives a Consumer (consumer.h) it does not own: the assignment it
// gets is handed to Consumer::assign, positions come from the Consumer.
//
// Rebalances run inside poll(), on the application's fiber, as the Java
// client and librdkafka's rebalance callbacks do:
//   eager (range, roundrobin): every owned partition is revoked before
//     rejoining (on_revoked), the whole new assignment assigned after
//     SyncGroup (on_assigned);
//   cooperative (cooperative-sticky, KIP-429): only the difference is
//     revoked or assigned; a revocation is followed by a rejoin.
//   A member the coordinator no longer knows (session expired, fenced)
//   loses its partitions (on_lost) without committing them.
// A background fiber heartbeats every heartbeat.interval.ms; errors make
// the next poll rejoin. As in the Java client, a member learns that it is
// gone only from the coordinator's answers (librdkafka also gives up on
// its own after a session without a successful heartbeat). A member that has not polled for
// max.poll.interval.ms leaves the group (KIP-62).
//
// enable.auto.commit: a background fiber commits the consumed positions
// every auto.commit.interval.ms, and they are committed on revocation and
// on close; like librdkafka, these send only offsets that changed since
// the last successful commit. A commit carries the member id and
// generation the client last joined with; the coordinator rejects it when
// they are stale (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID), and the member
// rejoins.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "broker-model/client_metadata.h"
#include "broker-model/config_catalog.h"
#include "broker-model/consumer.h"
#include "broker-model/group_protocol.h"
#include "sim/simulation.h"

namespace kafkasim::kafka {

struct RebalanceListener {
  std::function<void(const std::vector<TopicPartition>&)> on_assigned;
  std::function<void(const std::vector<TopicPartition>&)> on_revoked;
  std::function<void(const std::vector<TopicPartition>&)> on_lost;
};

class GroupConsumer {
 public:
  // REQUIRES: config has group.id. `consumer` outlives this object.
  GroupConsumer(sim::Node& node, std::vector<int32_t> bootstrap, Config config, Consumer& consumer);
  ~GroupConsumer();

  // Joins the group (on the next poll) with this subscription; starts the
  // heartbeat and auto-commit fibers.
  void subscribe(std::vector<std::string> topics, RebalanceListener listener);
  // Rebalances if needed, then polls the consumer for up to `timeout`.
  std::vector<ConsumedRecord> poll(sim::Duration timeout);
  // Commits the consumed position of every assigned partition, changed or
  // not (as the Java client's commitSync(); librdkafka's rd_kafka_commit
  // sends only changed ones). kNone, or the coordinator's error
  // (ILLEGAL_GENERATION..., REQUEST_TIMED_OUT when no answer came).
  Errc commit_sync();
  // Commits every assigned position as commit_sync does, from a fiber of
  // its own (rd_kafka_commit with async); `done`, if set, gets the result.
  void commit_async(std::function<void(Errc)> done = {});
  // Commits the positions, then leaves the group; the fibers stop.
  void close();

  const std::vector<TopicPartition>& assignment() const { return owned_; }
  const std::string& member_id() const { return member_id_; }
  int32_t generation() const { return generation_; }
  // The last committed offsets this client knows of (from its commits and
  // its OffsetFetch answers).
  const std::map<TopicPartition, int64_t>& committed() const { return committed_; }

 private:
  enum class State : uint8_t { kUnjoined, kJoining, kStable, kClosed };

  bool ensure_coordinator(sim::SimTime deadline);
  void coordinator_dead();
  // Runs JoinGroup and SyncGroup until assigned or `deadline`.
  bool rebalance(sim::SimTime deadline);
  std::vector<SyncGroupRequest::Assignment> leader_assign(const JoinGroupResponse& join, sim::SimTime deadline);
  void revoke(const std::vector<TopicPartition>& partitions);
  void lose_all();
  void install(std::vector<TopicPartition> assignment, sim::SimTime deadline);
  bool fetch_committed(const std::vector<TopicPartition>& partitions, sim::SimTime deadline);
  // The consumed positions of `partitions` (`changed_only`: not those equal
  // to this client's last commit).
  std::vector<OffsetCommitRequest::PartitionOffset> positions(const std::vector<TopicPartition>& partitions,
                                                             bool changed_only) const;
  Errc commit(const std::vector<TopicPartition>& partitions, sim::SimTime deadline, bool changed_only);
  Errc send_commit(std::vector<OffsetCommitRequest::PartitionOffset> offsets, const std::string& member_id,
                   int32_t generation, sim::SimTime deadline);
  // Notes a coordinator's answer: coordinator gone, rebalance, or this
  // member gone (lost_, acted on by forget_membership on the next poll).
  void handle_group_error(Errc e);
  // The member is gone: its partitions are lost, its generation reset.
  void forget_membership();
  void heartbeat_loop(uint64_t epoch);
  void auto_commit_loop(uint64_t epoch);

  sim::Node& node_;
  Config config_;
  Consumer& consumer_;
  ClientMetadata metadata_;
  std::string group_id_;
  std::string client_id_;
  std::vector<std::string> strategies_;
  std::vector<std::string> topics_;
  RebalanceListener listener_;
  bool cooperative_ = false;
  bool auto_commit_ = true;

  State state_ = State::kUnjoined;
  bool rejoin_needed_ = false;
  Errc lost_ = Errc::kNone;  // UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION seen
  std::string member_id_;
  int32_t generation_ = -1;
  int32_t coordinator_ = -1;  // broker id, -1: unknown
  std::vector<TopicPartition> owned_;
  std::set<TopicPartition> awaiting_offsets_;  // assigned, committed offset not fetched yet
  std::map<TopicPartition, int64_t> committed_;
  sim::SimTime last_poll_ = 0;
  uint64_t fiber_epoch_ = 0;  // bumped by close: older fibers end
  std::shared_ptr<bool> alive_;
};

}  // namespace kafkasim::kafka
