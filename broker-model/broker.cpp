#include "broker-model/broker.h"

#include <algorithm>
#include <set>

#include "broker-model/log_manager.h"

namespace kafkasim::kafka {
namespace {

// Partition directories are "<topic>-<partition>/", as in Kafka's log dirs.
std::string log_dir(const TopicPartition& tp) { return tp.topic + "-" + std::to_string(tp.partition) + "/"; }

std::optional<TopicPartition> parse_log_dir(const std::string& file) {
  const size_t slash = file.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string dir = file.substr(0, slash);
  const size_t dash = dir.rfind('-');
  if (dash == std::string::npos || dash + 1 >= dir.size()) return std::nullopt;
  const std::string number = dir.substr(dash + 1);
  if (!std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  if (dir.compare(0, 18, "__cluster_metadata") == 0) return std::nullopt;  // the controller's log
  return TopicPartition{dir.substr(0, dash), std::stoi(number)};
}

constexpr sim::Duration kHwCheckpointInterval = sim::milliseconds(5000);  // replica.high.watermark.checkpoint.interval.ms

}  // namespace

Broker::Broker(sim::Node& node, int32_t id, std::shared_ptr<ClusterState> cluster)
    : node_(node), id_(id), cluster_(std::move(cluster)),
      heartbeat_rpc_(node, cluster_->controller_nodes),
      metadata_rpc_(node, cluster_->controller_nodes),
      alter_partition_rpc_(node, cluster_->controller_nodes) {}

int32_t Broker::node_of(int32_t broker_id) const {
  auto it = cluster_->broker_node.find(broker_id);
  return it == cluster_->broker_node.end() ? -1 : it->second;
}

namespace {
// A long setting whose Kafka default is null (unset) means "never".
int64_t long_or_never(const Config& config, const char* name) {
  return config.is_null(name) ? INT64_MAX : config.get_long(name);
}
}  // namespace

LogConfig Broker::log_config(const TopicPartition& tp) const {
  const Config& broker = cluster_->spec.broker_config;
  LogConfig c;
  c.segment_bytes = broker.get_long("log.segment.bytes");
  c.flush_interval_messages = long_or_never(broker, "log.flush.interval.messages");
  c.flush_interval_ms = long_or_never(broker, "log.flush.interval.ms");
  for (const TopicSpec& t : cluster_->spec.topics) {
    if (t.name != tp.topic) continue;
    c.segment_bytes = t.config.get_long("segment.bytes");
    c.flush_interval_messages = long_or_never(t.config, "flush.messages");
    c.flush_interval_ms = long_or_never(t.config, "flush.ms");
  }
  return c;
}

void Broker::recover_logs() {
  std::vector<TopicPartition> found;
  for (const std::string& file : node_.disk().list()) {
    std::optional<TopicPartition> tp = parse_log_dir(file);
    if (tp && (found.empty() || found.back() != *tp)) found.push_back(*tp);
  }
  for (const TopicPartition& tp : found) {
    if (partitions_.count(tp)) continue;
    partition(tp);
  }
}

Partition& Broker::partition(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it != partitions_.end()) return *it->second;
  std::unique_ptr<Log> log = Log::open(node_.disk(), log_dir(tp), log_config(tp));
  cluster_->invariants.on_log_recovered(sim::now(), tp, id_, *log);
  auto p = std::make_unique<Partition>(*this, tp, std::move(log));
  Partition& ref = *p;
  partitions_.emplace(tp, std::move(p));
  return ref;
}

void Broker::start() {
  recover_logs();
  serve(node_, kBrokerPort, [this](Request& r, int32_t) { return handle(r); });
  node_.spawn("lifecycle", [this] { lifecycle_loop(); }, /*daemon=*/true);
  node_.spawn("metadata", [this] { metadata_loop(); }, /*daemon=*/true);
  txn_coordinator_.start();
  node_.spawn("isr-shrink", [this] {
    const sim::Duration every = sim::milliseconds(std::max<int64_t>(config_long("replica.lag.time.max.ms") / 2, 1));
    for (;;) {
      node_.sleep_local(every);
      for (auto& [tp, p] : partitions_) p->maybe_shrink_isr();
    }
  }, /*daemon=*/true);
  node_.spawn("hw-checkpoint", [this] {
    for (;;) {
      node_.sleep_local(kHwCheckpointInterval);
      for (auto& [tp, p] : partitions_) p->log().checkpoint_high_watermark();
    }
  }, /*daemon=*/true);
  start_log_manager(*this);
  groups_.start();
  const int64_t flush_ms = long_or_never(cluster_->spec.broker_config, "log.flush.interval.ms");
  if (flush_ms > 0 && flush_ms < INT64_MAX / 2) {
    node_.spawn("log-flusher", [this, flush_ms] {
      for (;;) {
        node_.sleep_local(sim::milliseconds(std::min<int64_t>(flush_ms, 1000)));
        for (auto& [tp, p] : partitions_) p->log().maybe_flush(now_ms());
      }
    }, /*daemon=*/true);
  }
}

void Broker::lifecycle_loop() {
  const sim::Duration heartbeat = sim::milliseconds(config_long("broker.heartbeat.interval.ms"));
  for (;;) {
    // Register (again, after STALE_BROKER_EPOCH: the controller lost us).
    while (broker_epoch_ < 0) {
      auto req = std::make_unique<BrokerRegistrationRequest>();
      req->broker_id = id_;
      req->incarnation = node_.incarnation();
      auto resp = heartbeat_rpc_.call<BrokerRegistrationResponse>(std::move(req), sim::now() + sim::seconds(5));
      if (resp && resp->error == Errc::kNone) {
        broker_epoch_ = resp->broker_epoch;
        fenced_ = true;
      } else {
        node_.sleep_local(sim::milliseconds(500));
      }
    }
    auto req = std::make_unique<BrokerHeartbeatRequest>();
    req->broker_id = id_;
    req->broker_epoch = broker_epoch_;
    req->metadata_offset = image_.next_offset() - 1;
    for (auto& [tp, p] : partitions_) {
      req->replicas.push_back(ReplicaLogInfo{tp, p->log().last_batch_epoch(), p->log().log_end_offset()});
    }
    auto resp = heartbeat_rpc_.call<BrokerHeartbeatResponse>(std::move(req), sim::now() + heartbeat);
    if (resp && resp->error == Errc::kStaleBrokerEpoch) {
      broker_epoch_ = -1;
      continue;
    }
    if (resp) fenced_ = resp->fenced;
    // While fenced, heartbeat often: unfencing waits on it (KIP-631).
    node_.sleep_local(fenced_ ? sim::milliseconds(100) : heartbeat);
  }
}

void Broker::metadata_loop() {
  for (;;) {
    auto req = std::make_unique<FetchMetadataRequest>();
    req->broker_id = id_;
    req->from_offset = image_.next_offset();
    auto resp = metadata_rpc_.call<FetchMetadataResponse>(std::move(req), sim::now() + sim::seconds(5));
    if (!resp || resp->error != Errc::kNone) {
      node_.sleep_local(sim::milliseconds(100));
      continue;
    }
    if (resp->snapshot && resp->snapshot->end_offset > image_.next_offset()) {
      // KIP-630: behind the controller's log start; load its snapshot.
      image_ = resp->snapshot->image();
      for (const auto& [tp, state] : image_.partitions()) unpublished_.insert(tp);
    }
    int64_t offset = resp->base_offset;
    for (const MetadataRecord& record : resp->records) {
      if (offset == image_.next_offset()) {
        image_.apply(offset, record);
        if (record.kind == MetadataRecord::Kind::kPartition) unpublished_.insert(record.partition.tp);
      }
      ++offset;
    }
    // Like KRaft's metadata publisher, act once on each changed partition's
    // final state, and only after catching up past this incarnation's own
    // registration (KIP-631): a restarted broker never acts on the state it
    // had before it crashed.
    if (broker_epoch_ < 0 || image_.next_offset() <= broker_epoch_) continue;
    std::set<TopicPartition> changed;
    changed.swap(unpublished_);
    for (const TopicPartition& tp : changed) publish(*image_.partition(tp));
  }
}

void Broker::publish(const PartitionState& state) {
  const bool replica = std::find(state.replicas.begin(), state.replicas.end(), id_) != state.replicas.end();
  if (!replica && !partitions_.count(state.tp)) return;
  partition(state.tp).apply(state);
}

std::unique_ptr<Response> Broker::handle(Request& request) {
  switch (request.api) {
    case ApiKey::kProduce:
      return produce(static_cast<ProduceRequest&>(request));
    case ApiKey::kFetch:
      return fetch(static_cast<FetchRequest&>(request));
    case ApiKey::kMetadata:
      return metadata_response();
    case ApiKey::kInitProducerId: {
      auto& r = static_cast<InitProducerIdRequest&>(request);
      if (!r.transactional_id.empty()) return txn_coordinator_.init_producer_id(r);
      return init_producer_id();
    }
    case ApiKey::kFindCoordinator: {
      auto& r = static_cast<FindCoordinatorRequest&>(request);
      if (r.key_type == FindCoordinatorRequest::KeyType::kTransaction) return find_coordinator(r.key);
      return groups_.handle(request);
    }
    case ApiKey::kAddPartitionsToTxn:
      return txn_coordinator_.add_partitions(static_cast<AddPartitionsToTxnRequest&>(request));
    case ApiKey::kEndTxn:
      return txn_coordinator_.end_txn(static_cast<EndTxnRequest&>(request));
    case ApiKey::kWriteTxnMarkers:
      return write_txn_markers(static_cast<WriteTxnMarkersRequest&>(request));
    case ApiKey::kAddOffsetsToTxn:
      return txn_coordinator_.add_offsets(static_cast<AddOffsetsToTxnRequest&>(request));
    case ApiKey::kListOffsets: {
      auto& r = static_cast<ListOffsetsRequest&>(request);
      return at_leader<ListOffsetsResponse>(r.tp, [&](Partition& p) { return p.list_offsets(r); });
    }
    case ApiKey::kOffsetsForLeaderEpoch: {
      auto& r = static_cast<OffsetsForLeaderEpochRequest&>(request);
      return at_leader<OffsetsForLeaderEpochResponse>(
          r.tp, [&](Partition& p) { return p.end_offset_for(r.current_leader_epoch, r.leader_epoch); });
    }
    default:
      return groups_.handle(request);
  }
}

Partition* Broker::leader_partition(const TopicPartition& tp, Errc* error) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) {
    *error = image_.partition(tp) ? Errc::kNotLeaderOrFollower : Errc::kUnknownTopicOrPartition;
    return nullptr;
  }
  if (it->second->role() != Partition::Role::kLeader) {
    *error = Errc::kNotLeaderOrFollower;
    return nullptr;
  }
  return it->second.get();
}

std::unique_ptr<Response> Broker::produce(const ProduceRequest& r) {
  auto resp = std::make_unique<ProduceResponse>();
  if (auto injected = cluster_->request_errors.next(ApiKey::kProduce)) {
    // Answered with the error, nothing appended (as librdkafka's mock does).
    for (const auto& pd : r.partitions) resp->partitions.push_back({pd.tp, injected->error});
    resp->close_connection = injected->disconnect;
    return resp;
  }
  const sim::SimTime deadline = sim::now() + sim::milliseconds(r.timeout_ms);
  for (const auto& pd : r.partitions) {
    Errc error = Errc::kNone;
    Partition* p = leader_partition(pd.tp, &error);
    if (p == nullptr) {
      ProduceResponse::PartitionResult result;
      result.tp = pd.tp;
      result.error = error;
      resp->partitions.push_back(result);
      continue;
    }
    resp->partitions.push_back(p->produce(pd.batch, r.acks, deadline, r.transactional_id));
  }
  if (r.acks == 0) return nullptr;  // acks=0: the broker sends no response
  return resp;
}

std::unique_ptr<Response> Broker::fetch(const FetchRequest& r) {
  const sim::SimTime deadline = sim::now() + sim::milliseconds(r.max_wait_ms);
  for (;;) {
    auto resp = std::make_unique<FetchResponse>();
    bool answer_now = false;
    for (const auto& pd : r.partitions) {
      Errc error = Errc::kNone;
      Partition* p = leader_partition(pd.tp, &error);
      FetchResponse::PartitionData d;
      if (p == nullptr) {
        d.tp = pd.tp;
        d.error = error;
      } else {
        d = p->fetch(r, pd);
      }
      if (d.error != Errc::kNone || !d.batches.empty() || d.diverging_epoch != kNoEpoch ||
          d.diverging_end_offset != kNoOffset) {
        answer_now = true;
      }
      resp->partitions.push_back(std::move(d));
    }
    if (answer_now || sim::now() >= deadline) return resp;
    // A follower's fetch is how it reports its LEO: answer when the HW it
    // might be waiting for moves, too.
    if (!fetch_waiters_.wait(deadline)) return resp;
  }
}

std::unique_ptr<Response> Broker::metadata_response() {
  auto resp = std::make_unique<MetadataResponse>();
  for (const auto& [id, reg] : image_.brokers()) {
    if (!reg.fenced) resp->brokers.push_back(MetadataResponse::BrokerAddress{id, node_of(id)});
  }
  for (const auto& [tp, state] : image_.partitions()) resp->partitions.push_back(state);
  return resp;
}

std::unique_ptr<Response> Broker::init_producer_id() {
  auto resp = std::make_unique<InitProducerIdResponse>();
  resp->producer_id = allocate_producer_id();
  resp->producer_epoch = 0;
  return resp;
}

int64_t Broker::allocate_producer_id() {
  // Unique without coordination: broker id, incarnation and a counter
  // (a stand-in for KIP-730's producer id blocks).
  return (static_cast<int64_t>(id_) << 40) | (static_cast<int64_t>(node_.incarnation() & 0xfffff) << 20) |
         (next_producer_id_++ & 0xfffff);
}

}  // namespace kafkasim::kafka
