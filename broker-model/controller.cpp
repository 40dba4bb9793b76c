#include "broker-model/controller.h"

#include <algorithm>
#include <sstream>

#include "broker-model/rpc.h"

namespace kafkasim::kafka {
namespace {
const char* kMetadataLog = "__cluster_metadata-0/records.jsonl";
constexpr sim::Duration kTickInterval = sim::milliseconds(100);
}  // namespace

Controller::Controller(sim::Node& node, std::shared_ptr<ClusterState> cluster)
    : node_(node), cluster_(std::move(cluster)),
      session_timeout_ms_(cluster_->spec.broker_config.get_long("broker.session.timeout.ms")) {}

void Controller::start() {
  recover();
  // A new controller incarnation gives every registered broker a fresh
  // session (KIP-631: sessions live in the active controller's memory).
  for (const auto& [id, reg] : image_.brokers()) last_heartbeat_[id] = node_.local_now();
  serve(node_, kControllerPort, [this](Request& r, int32_t) { return handle(r); });
  node_.spawn("tick", [this] {
    for (;;) {
      node_.sleep_local(kTickInterval);
      tick();
    }
  }, /*daemon=*/true);
}

void Controller::recover() {
  std::istringstream in(node_.disk().read(kMetadataLog));
  std::string line;
  uint64_t good_bytes = 0;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: a torn last record
    MetadataRecord record;
    try {
      record = MetadataRecord::from_json(nlohmann::json::parse(line));
    } catch (const std::exception&) {
      break;
    }
    image_.apply(static_cast<int64_t>(log_.size()), record);
    log_.push_back(record);
    good_bytes += line.size() + 1;
  }
  if (good_bytes < node_.disk().size(kMetadataLog)) {
    node_.disk().truncate(kMetadataLog, good_bytes);
    node_.disk().flush(kMetadataLog);
  }
}

void Controller::commit(const MetadataRecord& record) {
  node_.disk().append(kMetadataLog, record.to_json().dump() + "\n");
  node_.disk().flush(kMetadataLog);
  const auto offset = static_cast<int64_t>(log_.size());
  image_.apply(offset, record);
  log_.push_back(record);
  sim::Simulation& sim = *sim::Simulation::current();
  sim.record(node_.id(), "metadata " + std::to_string(offset) + ": " + record.describe());
  if (cluster_->truth.next_offset() == offset) {
    cluster_->truth.apply(offset, record);
    if (record.kind == MetadataRecord::Kind::kPartition) {
      cluster_->invariants.on_partition_change(sim.now(), record.partition, record.unclean);
    }
  }
  metadata_waiters_.notify_all();
}

void Controller::commit_partition(const PartitionState& state, bool unclean) {
  MetadataRecord record;
  record.kind = MetadataRecord::Kind::kPartition;
  record.partition = state;
  record.unclean = unclean;
  commit(record);
}

std::unique_ptr<Response> Controller::handle(Request& request) {
  switch (request.api) {
    case ApiKey::kBrokerRegistration:
      return register_broker(static_cast<BrokerRegistrationRequest&>(request));
    case ApiKey::kBrokerHeartbeat:
      return heartbeat(static_cast<BrokerHeartbeatRequest&>(request));
    case ApiKey::kAlterPartition:
      return alter_partition(static_cast<AlterPartitionRequest&>(request));
    case ApiKey::kFetchMetadata:
      return fetch_metadata(static_cast<FetchMetadataRequest&>(request));
    default:
      return nullptr;
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
  record.broker = BrokerRegistration{r.broker_id, static_cast<int64_t>(log_.size()), true};
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
  auto response = std::make_unique<FetchMetadataResponse>();
  const sim::SimTime deadline = sim::now() + sim::milliseconds(r.max_wait_ms);
  while (r.from_offset >= static_cast<int64_t>(log_.size())) {
    if (!metadata_waiters_.wait(deadline)) break;
  }
  const auto from = static_cast<size_t>(std::clamp<int64_t>(r.from_offset, 0, static_cast<int64_t>(log_.size())));
  response->base_offset = static_cast<int64_t>(from);
  response->records.assign(log_.begin() + static_cast<std::ptrdiff_t>(from), log_.end());
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
