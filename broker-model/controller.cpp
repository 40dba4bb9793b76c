#include "broker-model/controller.h"

#include <algorithm>
#include <sstream>

#include "broker-model/rpc.h"

namespace kafkasim::kafka {
namespace {
constexpr sim::Duration kTickInterval = sim::milliseconds(100);
// How long a request waits for the active controller to be caught up, and
// for its records to be committed, before it answers with an error.
constexpr sim::Duration kCommitTimeout = sim::milliseconds(2000);

template <typename Resp>
std::unique_ptr<Response> refused(Errc error, int32_t hint) {
  auto resp = std::make_unique<Resp>();
  resp->error = error;
  resp->leader_hint = hint;
  return resp;
}
}  // namespace

Controller::Controller(sim::Node& node, int32_t id, std::shared_ptr<ClusterState> cluster)
    : node_(node), cluster_(std::move(cluster)), raft_(node, id, cluster_),
      session_timeout_ms_(cluster_->spec.broker_config.get_long("broker.session.timeout.ms")) {}

void Controller::start() {
  raft_.start();
  serve(node_, kControllerPort, [this](Request& r, int32_t) { return handle(r); });
  node_.spawn("tick", [this] {
    for (;;) {
      node_.sleep_local(kTickInterval);
      if (!raft_.is_leader()) continue;
      if (acquire(sim::now() + kTickInterval) != Errc::kNone) continue;
      tick();
      release(sim::now() + kCommitTimeout);
    }
  }, /*daemon=*/true);
}

Errc Controller::acquire(sim::SimTime deadline) {
  if (!raft_.is_leader()) return Errc::kNotController;
  mutex_.lock();
  while (!raft_.caught_up_leader()) {
    if (!raft_.is_leader() || sim::now() >= deadline) {
      mutex_.unlock();
      return raft_.is_leader() ? Errc::kRequestTimedOut : Errc::kNotController;
    }
    raft_.wait_progress(deadline);
  }
  if (active_epoch_ != raft_.epoch()) {
    // Newly active: sessions and log reports lived in the previous active
    // controller's memory (KIP-631).
    active_epoch_ = raft_.epoch();
    last_heartbeat_.clear();
    log_info_.clear();
    for (const auto& [id, reg] : raft_.committed().brokers()) last_heartbeat_[id] = node_.local_now();
    sim::Simulation::current()->record(node_.id(), "active controller in quorum epoch " + std::to_string(active_epoch_));
  }
  image_ = raft_.committed();
  last_appended_ = -1;
  return Errc::kNone;
}

bool Controller::release(sim::SimTime deadline) {
  const bool committed = last_appended_ < 0 || raft_.wait_committed(last_appended_, active_epoch_, deadline);
  mutex_.unlock();
  return committed;
}

void Controller::commit(const MetadataRecord& record) {
  const int64_t offset = raft_.append(record);
  image_.apply(offset, record);
  last_appended_ = offset;
}

void Controller::commit_partition(const PartitionState& state, bool unclean) {
  MetadataRecord record;
  record.kind = MetadataRecord::Kind::kPartition;
  record.partition = state;
  record.unclean = unclean;
  commit(record);
}

std::unique_ptr<Response> Controller::handle(Request& request) {
  if (request.api == ApiKey::kFetchMetadata) return fetch_metadata(static_cast<FetchMetadataRequest&>(request));
  // A request of the active controller: decided and committed as one.
  auto run = [&]<typename Resp>(auto body) -> std::unique_ptr<Response> {
    const Errc error = acquire(sim::now() + kCommitTimeout);
    if (error != Errc::kNone) return refused<Resp>(error, leader_hint());
    std::unique_ptr<Response> resp = body();
    if (!release(sim::now() + kCommitTimeout)) return refused<Resp>(Errc::kRequestTimedOut, leader_hint());
    return resp;
  };
  switch (request.api) {
    case ApiKey::kBrokerRegistration:
      return run.operator()<BrokerRegistrationResponse>(
          [&] { return register_broker(static_cast<BrokerRegistrationRequest&>(request)); });
    case ApiKey::kBrokerHeartbeat:
      return run.operator()<BrokerHeartbeatResponse>(
          [&] { return heartbeat(static_cast<BrokerHeartbeatRequest&>(request)); });
    case ApiKey::kAlterPartition:
      return run.operator()<AlterPartitionResponse>(
          [&] { return alter_partition(static_cast<AlterPartitionRequest&>(request)); });
    default:
      return raft_.handle(request);
  }
}

std::unique_ptr<Response> Controller::register_broker(const BrokerRegistrationRequest& r) {
  auto response = std::make_unique<BrokerRegistrationResponse>();
  if (const BrokerRegistration* old = image_.broker(r.broker_id); old != nullptr && !old->fenced) {
    // A new incarnation: the old registration's replicas leave the ISRs.
    fence(r.broker_id);
  }
  log_info_.erase(r.broker_id);
  if (!cluster_->bugs.hw_ignores_min_isr) {
    // KIP-966: after an unclean shutdown the broker may have lost records
    // below the HW; it must not lead again as the last ISR member.
    std::vector<PartitionState> sole;
    for (const auto& [tp, state] : image_.partitions()) {
      if (state.isr.size() == 1 && state.isr.front() == r.broker_id) sole.push_back(state);
    }
    for (PartitionState next : sole) {
      next.isr.clear();
      if (next.leader != kNoLeader) {
        next.leader = kNoLeader;
        next.leader_epoch++;
      }
      next.partition_epoch++;
      commit_partition(next, /*unclean=*/false);
    }
  }
  MetadataRecord record;
  record.kind = MetadataRecord::Kind::kRegisterBroker;
  record.broker = BrokerRegistration{r.broker_id, raft_.log_end_offset(), true};
  commit(record);
  last_heartbeat_[r.broker_id] = node_.local_now();
  response->broker_epoch = record.broker.epoch;
  return response;
}

std::unique_ptr<Response> Controller::heartbeat(const BrokerHeartbeatRequest& r) {
  auto response = std::make_unique<BrokerHeartbeatResponse>();
  const BrokerRegistration* reg = image_.broker(r.broker_id);
  if (reg == nullptr || reg->epoch != r.broker_epoch) {
    response->error = Errc::kStaleBrokerEpoch;
    return response;
  }
  last_heartbeat_[r.broker_id] = node_.local_now();
  auto& info = log_info_[r.broker_id];
  for (const ReplicaLogInfo& replica : r.replicas) info[replica.tp] = replica;
  // KIP-631: a broker is unfenced once it has caught up with the metadata
  // log up to its own registration.
  if (reg->fenced && !r.want_fence && r.metadata_offset >= reg->epoch) unfence(r.broker_id);
  response->fenced = image_.broker(r.broker_id)->fenced;
  maybe_create_topics();
  return response;
}

std::unique_ptr<Response> Controller::alter_partition(const AlterPartitionRequest& r) {
  auto response = std::make_unique<AlterPartitionResponse>();
  const PartitionState* current = image_.partition(r.tp);
  const BrokerRegistration* sender = image_.broker(r.broker_id);
  if (current == nullptr) {
    response->error = Errc::kUnknownTopicOrPartition;
    return response;
  }
  response->state = *current;
  if (sender == nullptr || sender->epoch != r.broker_epoch) {
    response->error = Errc::kStaleBrokerEpoch;
  } else if (current->leader != r.broker_id || current->leader_epoch != r.leader_epoch) {
    response->error = Errc::kFencedLeaderEpoch;
  } else if (current->partition_epoch != r.partition_epoch) {
    response->error = Errc::kInvalidUpdateVersion;
  }
  if (response->error != Errc::kNone) return response;
  PartitionState next = *current;
  next.isr.clear();
  for (const auto& member : r.new_isr) {
    const bool joining = !current->in_isr(member.broker_id);
    const BrokerRegistration* reg = image_.broker(member.broker_id);
    // KIP-841: a joining replica must be unfenced and fetching with its
    // current broker epoch.
    if (joining && (reg == nullptr || reg->fenced || (member.broker_epoch != -1 && reg->epoch != member.broker_epoch))) {
      response->error = Errc::kIneligibleReplica;
      return response;
    }
    next.isr.push_back(member.broker_id);
  }
  if (!next.in_isr(next.leader)) {
    response->error = Errc::kInvalidUpdateVersion;
    return response;
  }
  next.partition_epoch++;
  commit_partition(next, /*unclean=*/false);
  response->state = next;
  return response;
}

std::unique_ptr<Response> Controller::fetch_metadata(const FetchMetadataRequest& r) {
  // Brokers learn only committed metadata, from the active controller.
  const sim::SimTime deadline = sim::now() + sim::milliseconds(r.max_wait_ms);
  while (raft_.is_leader() && r.from_offset >= raft_.high_watermark() && sim::now() < deadline) {
    raft_.wait_progress(deadline);
  }
  if (!raft_.is_leader()) return refused<FetchMetadataResponse>(Errc::kNotController, leader_hint());
  auto response = std::make_unique<FetchMetadataResponse>();
  int64_t from = std::max<int64_t>(r.from_offset, 0);
  if (from < raft_.log_start_offset()) {
    // KIP-630: the log below the snapshot is gone; the broker loads it.
    response->snapshot = std::make_shared<const MetadataSnapshot>(*raft_.log().snapshot());
    from = raft_.log_start_offset();
  }
  response->base_offset = from;
  for (int64_t o = from; o < raft_.high_watermark(); ++o) response->records.push_back(raft_.log().at(o).record);
  return response;
}

bool Controller::alive(int32_t broker) const {
  const BrokerRegistration* reg = image_.broker(broker);
  return reg != nullptr && !reg->fenced;
}

void Controller::tick() {
  const sim::SimTime now = node_.local_now();
  std::vector<int32_t> expired;
  for (const auto& [id, reg] : image_.brokers()) {
    if (reg.fenced) continue;
    auto it = last_heartbeat_.find(id);
    if (it == last_heartbeat_.end() || now - it->second > sim::milliseconds(session_timeout_ms_)) expired.push_back(id);
  }
  for (int32_t id : expired) fence(id);
  elect_leaderless();
  maybe_create_topics();
}

void Controller::maybe_create_topics() {
  if (!image_.topics().empty() || cluster_->spec.topics.empty()) return;
  // Bootstrap: create the scenario's topics once every broker is unfenced.
  for (int32_t b = 1; b <= cluster_->spec.brokers; ++b) {
    if (!alive(b)) return;
  }
  const int32_t brokers = cluster_->spec.brokers;
  for (const TopicSpec& spec : cluster_->spec.topics) {
    MetadataRecord topic;
    topic.kind = MetadataRecord::Kind::kTopic;
    topic.topic = TopicInfo{spec.name, spec.partitions, spec.config.get_int("min.insync.replicas"),
                            spec.config.get_bool("unclean.leader.election.enable")};
    commit(topic);
  }
  int32_t start = 0;
  for (const TopicSpec& spec : cluster_->spec.topics) {
    for (int32_t p = 0; p < spec.partitions; ++p) {
      PartitionState state;
      state.tp = TopicPartition{spec.name, p};
      for (int32_t i = 0; i < spec.replication_factor; ++i) {
        state.replicas.push_back((start + p + i) % brokers + 1);
      }
      state.isr = state.replicas;
      state.leader = state.replicas.front();
      commit_partition(state, /*unclean=*/false);
    }
    start += spec.partitions;
  }
}

int32_t Controller::choose_leader(const PartitionState& state, bool* unclean) const {
  *unclean = false;
  for (int32_t r : state.replicas) {
    if (state.in_isr(r) && alive(r)) return r;
  }
  const TopicInfo* topic = image_.topic(state.tp.topic);
  if (topic != nullptr && topic->unclean_leader_election) {
    for (int32_t r : state.replicas) {
      if (alive(r)) {
        *unclean = true;
        return r;
      }
    }
  }
  return kNoLeader;
}

PartitionState Controller::without_broker(const PartitionState& state, int32_t broker, bool* unclean) const {
  PartitionState next = state;
  *unclean = false;
  // KRaft keeps the last ISR member in the ISR (the partition goes offline)
  // so that it can lead again when it comes back.
  if (next.in_isr(broker) && next.isr.size() > 1) {
    next.isr.erase(std::find(next.isr.begin(), next.isr.end(), broker));
  }
  if (next.leader == broker) {
    PartitionState candidates = next;
    next.leader = choose_leader(candidates, unclean);
    if (*unclean) next.isr = {next.leader};
    next.leader_epoch++;
  }
  return next;
}

void Controller::fence(int32_t broker) {
  const BrokerRegistration* reg = image_.broker(broker);
  if (reg == nullptr || reg->fenced) return;
  MetadataRecord record;
  record.kind = MetadataRecord::Kind::kFenceBroker;
  record.broker = *reg;
  record.broker.fenced = true;
  commit(record);
  std::vector<PartitionState> affected;
  for (const auto& [tp, state] : image_.partitions()) {
    if (state.leader == broker || (state.in_isr(broker) && state.isr.size() > 1)) affected.push_back(state);
  }
  for (const PartitionState& state : affected) {
    bool unclean = false;
    PartitionState next = without_broker(state, broker, &unclean);
    if (next == state) continue;
    next.partition_epoch++;
    commit_partition(next, unclean);
  }
}

void Controller::unfence(int32_t broker) {
  const BrokerRegistration* reg = image_.broker(broker);
  if (reg == nullptr || !reg->fenced) return;
  MetadataRecord record;
  record.kind = MetadataRecord::Kind::kUnfenceBroker;
  record.broker = *reg;
  record.broker.fenced = false;
  commit(record);
  elect_leaderless();
}

int32_t Controller::recover_leader(const PartitionState& state) const {
  int32_t best = kNoLeader;
  std::pair<int32_t, int64_t> best_end{kNoEpoch, -1};
  for (int32_t r : state.replicas) {
    if (!alive(r)) return kNoLeader;
    auto broker = log_info_.find(r);
    if (broker == log_info_.end()) return kNoLeader;
    auto info = broker->second.find(state.tp);
    const std::pair<int32_t, int64_t> end = info == broker->second.end()
                                                ? std::make_pair(kNoEpoch, int64_t{0})
                                                : std::make_pair(info->second.last_epoch, info->second.log_end_offset);
    if (best == kNoLeader || end > best_end) {
      best = r;
      best_end = end;
    }
  }
  return best;
}

void Controller::elect_leaderless() {
  std::vector<PartitionState> offline;
  for (const auto& [tp, state] : image_.partitions()) {
    if (state.leader == kNoLeader) offline.push_back(state);
  }
  for (PartitionState next : offline) {
    bool unclean = false;
    next.leader = choose_leader(next, &unclean);
    if (next.leader == kNoLeader && next.isr.empty()) {
      next.leader = recover_leader(next);
      if (next.leader != kNoLeader) next.isr = {next.leader};
    }
    if (next.leader == kNoLeader) continue;
    if (unclean) next.isr = {next.leader};
    next.leader_epoch++;
    next.partition_epoch++;
    commit_partition(next, unclean);
  }
}

}  // namespace kafkasim::kafka
