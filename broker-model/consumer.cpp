#include "broker-model/consumer.h"

#include <algorithm>

#include "broker-model/aborted_txn_filter.h"
#include "broker-model/protocol.h"

namespace kafkasim::kafka {
namespace {
// librdkafka fetches from each broker on its own thread, so one silent
// broker never holds up the others. The model polls every leader from one
// loop; it bounds each request instead, so that a connection broken by a
// partition costs a few seconds, not socket.timeout.ms.
constexpr sim::Duration kFetchResponseSlack = sim::seconds(5);
}  // namespace

Consumer::Consumer(sim::Node& node, std::vector<int32_t> bootstrap, Config config)
    : node_(node), config_(std::move(config)), metadata_(node, std::move(bootstrap)) {
  read_committed_ = config_.get_string("isolation.level") == "read_committed";
  auto_offset_reset_ = config_.get_string("auto.offset.reset");
  fetch_wait_max_ms_ = config_.get_int("fetch.wait.max.ms");
  fetch_max_bytes_ = config_.get_long("fetch.max.bytes");
  request_timeout_ = kFetchResponseSlack;
  validate_epochs_ = true;
}

void Consumer::assign(const std::vector<TopicPartition>& partitions) {
  assignment_ = partitions;
  std::map<TopicPartition, Position> kept;
  for (const TopicPartition& tp : partitions) {
    auto it = positions_.find(tp);
    kept[tp] = it == positions_.end() ? Position{} : it->second;
  }
  positions_ = std::move(kept);
}

void Consumer::seek(const TopicPartition& tp, int64_t offset) {
  Position& p = positions_[tp];
  p.offset = offset;
  p.last_epoch = kNoEpoch;
  p.error = Errc::kNone;
}

Errc Consumer::partition_error(const TopicPartition& tp) const {
  auto it = positions_.find(tp);
  return it == positions_.end() ? Errc::kNone : it->second.error;
}

void Consumer::offset_out_of_range(const TopicPartition& tp, Position& p, int64_t log_start_offset) {
  const bool stop = auto_offset_reset_ == "error";
  sim::Simulation::current()->record(
      node_.id(), node_.name() + " fetch of " + tp.str() + " at offset " + std::to_string(p.offset) +
                      " out of range (log start offset " + std::to_string(log_start_offset) + "): " +
                      (stop ? "auto.offset.reset=error, the partition stops"
                            : "resets to the " + auto_offset_reset_ + " offset (auto.offset.reset)"));
  p.offset = kNoOffset;
  if (stop) p.error = Errc::kOffsetOutOfRange;
}

int64_t Consumer::position(const TopicPartition& tp) const {
  auto it = positions_.find(tp);
  return it == positions_.end() ? kNoOffset : it->second.offset;
}

int64_t Consumer::high_watermark(const TopicPartition& tp) const {
  auto it = positions_.find(tp);
  return it == positions_.end() ? kNoOffset : it->second.high_watermark;
}

bool Consumer::reset_position(const TopicPartition& tp, const PartitionState& state) {
  if (auto_offset_reset_ == "error") return false;
  RpcClient* rpc = metadata_.connection(state.leader);
  if (rpc == nullptr) return false;
  auto req = std::make_unique<ListOffsetsRequest>();
  req->tp = tp;
  req->timestamp = auto_offset_reset_ == "earliest" ? ListOffsetsRequest::kEarliest : ListOffsetsRequest::kLatest;
  req->current_leader_epoch = state.leader_epoch;
  req->read_committed = read_committed_;
  auto resp = rpc->call<ListOffsetsResponse>(std::move(req), sim::now() + request_timeout_);
  if (!resp || resp->error != Errc::kNone) return false;
  Position& p = positions_[tp];
  p.offset = resp->offset;
  p.last_epoch = kNoEpoch;
  p.leader_epoch_seen = state.leader_epoch;
  return true;
}

bool Consumer::validate_position(const TopicPartition& tp, const PartitionState& state) {
  Position& p = positions_[tp];
  if (p.leader_epoch_seen == state.leader_epoch) return true;
  if (p.last_epoch == kNoEpoch || !validate_epochs_) {
    p.leader_epoch_seen = state.leader_epoch;
    return true;
  }
  RpcClient* rpc = metadata_.connection(state.leader);
  if (rpc == nullptr) return false;
  auto req = std::make_unique<OffsetsForLeaderEpochRequest>();
  req->tp = tp;
  req->current_leader_epoch = state.leader_epoch;
  req->leader_epoch = p.last_epoch;
  auto resp = rpc->call<OffsetsForLeaderEpochResponse>(std::move(req), sim::now() + request_timeout_);
  if (!resp || resp->error != Errc::kNone) return false;
  if (resp->end_offset >= 0 && resp->end_offset < p.offset) {
    // Truncation detected (librdkafka: "log truncation detected"): resume
    // at the end of the last epoch both logs share.
    sim::Simulation::current()->record(node_.id(), node_.name() + " detected log truncation of " + tp.str() +
                                                       ": position " + std::to_string(p.offset) + " moves to " +
                                                       std::to_string(resp->end_offset));
    p.offset = resp->end_offset;
  }
  p.leader_epoch_seen = state.leader_epoch;
  return true;
}

std::vector<ConsumedRecord> Consumer::poll(sim::Duration timeout) {
  std::vector<ConsumedRecord> out;
  const sim::SimTime deadline = sim::now() + timeout;
  if (assignment_.empty()) {
    sim::sleep_until(deadline);
    return out;
  }
  bool need_metadata = metadata_.last_refresh() < 0;
  for (const TopicPartition& tp : assignment_) {
    if (metadata_.partition(tp) == nullptr) need_metadata = true;
  }
  if (need_metadata && !metadata_.refresh(deadline)) {
    sim::sleep_until(deadline);
    return out;
  }
  // One Fetch per leader, sent together, then awaited in turn.
  std::map<int32_t, std::unique_ptr<FetchRequest>> requests;
  bool leaderless = false;  // librdkafka refreshes the metadata of a partition without a leader
  // ... and after a ListOffsets or OffsetsForLeaderEpoch that failed (the
  // leader it was sent to may have moved: NOT_LEADER_OR_FOLLOWER,
  // FENCED_LEADER_EPOCH, no answer); else a partition whose metadata went
  // stale would never be fetched again while the others keep fetching.
  bool position_failed = false;
  for (const TopicPartition& tp : assignment_) {
    const PartitionState* state = metadata_.partition(tp);
    if (state == nullptr || state->leader == kNoLeader) {
      leaderless = true;
      continue;
    }
    Position& p = positions_[tp];
    if (p.error != Errc::kNone) continue;
    if (p.offset == kNoOffset && !reset_position(tp, *state)) {
      if (auto_offset_reset_ != "error") position_failed = true;
      continue;
    }
    if (!validate_position(tp, *state)) {
      position_failed = true;
      continue;
    }
    auto& req = requests[state->leader];
    if (!req) {
      req = std::make_unique<FetchRequest>();
      req->max_wait_ms = static_cast<int32_t>(std::min<sim::Duration>(fetch_wait_max_ms_, std::max<sim::Duration>(
                                                  (deadline - sim::now()) / sim::milliseconds(1), 0)));
      req->read_committed = read_committed_;
    }
    FetchRequest::PartitionData pd;
    pd.tp = tp;
    pd.fetch_offset = p.offset;
    pd.current_leader_epoch = state->leader_epoch;
    pd.max_bytes = fetch_max_bytes_;
    req->partitions.push_back(pd);
  }
  std::vector<std::pair<RpcClient*, int64_t>> sent;
  bool refresh = requests.empty() || leaderless || position_failed;
  for (auto& [leader, req] : requests) {
    RpcClient* rpc = metadata_.connection(leader);
    if (rpc == nullptr) continue;
    const int64_t id = rpc->send(std::move(req), deadline + request_timeout_);
    if (id >= 0) {
      sent.emplace_back(rpc, id);
    } else {
      refresh = true;  // the leader is unreachable (down): its metadata may be stale
    }
  }
  const sim::SimTime answer_by = deadline + kFetchResponseSlack;
  for (auto& [rpc, id] : sent) {
    std::unique_ptr<Response> r = rpc->await(id, answer_by);
    if (!r || r->api != ApiKey::kFetch) {
      refresh = true;
      continue;
    }
    auto& resp = static_cast<FetchResponse&>(*r);
    for (FetchResponse::PartitionData& d : resp.partitions) {
      Position& p = positions_[d.tp];
      if (d.error == Errc::kOffsetOutOfRange) {
        offset_out_of_range(d.tp, p, d.log_start_offset);
        continue;
      }
      if (d.error != Errc::kNone) {
        refresh = true;
        continue;
      }
      p.high_watermark = d.high_watermark;
      AbortedTransactionFilter filter(read_committed_, std::move(d.aborted_transactions));
      for (const BatchPtr& batch : d.batches) {
        if (filter.skip(*batch)) {
          // Markers and aborted records take offsets the position moves past.
          if (batch->last_offset() >= p.offset) p.offset = batch->last_offset() + 1;
          continue;
        }
        for (size_t i = 0; i < batch->records.size(); ++i) {
          const int64_t offset = batch->offset_of(i);
          if (offset < p.offset) continue;
          const Record& rec = batch->records[i];
          out.push_back(ConsumedRecord{d.tp, offset, batch->partition_leader_epoch, rec.key, rec.value, rec.null_value});
          p.offset = offset + 1;
          p.last_epoch = batch->partition_leader_epoch;
        }
        // A compacted batch may end in a hole: the next position is past
        // its last offset, as the consumer's nextFetchOffset is.
        if (batch->compacted && batch->last_offset() >= p.offset) {
          p.offset = batch->last_offset() + 1;
          p.last_epoch = batch->partition_leader_epoch;
        }
      }
    }
  }
  if (refresh || need_metadata) metadata_.refresh(deadline + request_timeout_);
  if (out.empty() && sim::now() < deadline && (refresh || sent.empty())) sim::sleep_until(std::min(deadline, sim::now() + sim::milliseconds(100)));
  return out;
}

}  // namespace kafkasim::kafka
