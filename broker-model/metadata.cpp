#include "broker-model/metadata.h"

#include <algorithm>
#include <stdexcept>

namespace kafkasim::kafka {

bool PartitionState::in_isr(int32_t broker) const {
  return std::find(isr.begin(), isr.end(), broker) != isr.end();
}

nlohmann::json MetadataRecord::to_json() const {
  nlohmann::json j;
  j["kind"] = static_cast<int>(kind);
  switch (kind) {
    case Kind::kRegisterBroker:
    case Kind::kFenceBroker:
    case Kind::kUnfenceBroker:
      j["broker"] = {broker.id, broker.epoch, broker.fenced};
      break;
    case Kind::kTopic:
      j["topic"] = {topic.name, topic.partitions, topic.min_insync_replicas, topic.unclean_leader_election};
      break;
    case Kind::kPartition:
      j["partition"] = {partition.tp.topic, partition.tp.partition, partition.replicas, partition.isr,
                        partition.leader, partition.leader_epoch, partition.partition_epoch, unclean};
      break;
    case Kind::kLeaderChange:
      j["leader_change"] = {leader_change.leader, leader_change.epoch};
      break;
  }
  return j;
}

MetadataRecord MetadataRecord::from_json(const nlohmann::json& j) {
  MetadataRecord r;
  r.kind = static_cast<Kind>(j.at("kind").get<int>());
  switch (r.kind) {
    case Kind::kRegisterBroker:
    case Kind::kFenceBroker:
    case Kind::kUnfenceBroker: {
      const auto& b = j.at("broker");
      r.broker = BrokerRegistration{b[0].get<int32_t>(), b[1].get<int64_t>(), b[2].get<bool>()};
      break;
    }
    case Kind::kTopic: {
      const auto& t = j.at("topic");
      r.topic = TopicInfo{t[0].get<std::string>(), t[1].get<int32_t>(), t[2].get<int32_t>(), t[3].get<bool>()};
      break;
    }
    case Kind::kPartition: {
      const auto& p = j.at("partition");
      r.partition.tp = TopicPartition{p[0].get<std::string>(), p[1].get<int32_t>()};
      r.partition.replicas = p[2].get<std::vector<int32_t>>();
      r.partition.isr = p[3].get<std::vector<int32_t>>();
      r.partition.leader = p[4].get<int32_t>();
      r.partition.leader_epoch = p[5].get<int32_t>();
      r.partition.partition_epoch = p[6].get<int32_t>();
      r.unclean = p[7].get<bool>();
      break;
    }
    case Kind::kLeaderChange: {
      const auto& l = j.at("leader_change");
      r.leader_change = LeaderChange{l[0].get<int32_t>(), l[1].get<int32_t>()};
      break;
    }
    default:
      throw std::invalid_argument("unknown metadata record kind");
  }
  return r;
}

namespace {
std::string list(const std::vector<int32_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}
}  // namespace

std::string MetadataRecord::describe() const {
  switch (kind) {
    case Kind::kRegisterBroker:
      return "broker-" + std::to_string(broker.id) + " registered with broker epoch " + std::to_string(broker.epoch);
    case Kind::kFenceBroker: return "broker-" + std::to_string(broker.id) + " fenced";
    case Kind::kUnfenceBroker: return "broker-" + std::to_string(broker.id) + " unfenced";
    case Kind::kTopic: return "topic " + topic.name + " created";
    case Kind::kPartition:
      return partition.tp.str() + ": leader " + std::to_string(partition.leader) + " epoch " +
             std::to_string(partition.leader_epoch) + " isr " + list(partition.isr) + " partition epoch " +
             std::to_string(partition.partition_epoch) + (unclean ? " (unclean election)" : "");
    case Kind::kLeaderChange:
      return "controller-" + std::to_string(leader_change.leader) + " leads the quorum in epoch " +
             std::to_string(leader_change.epoch);
  }
  return "?";
}

void MetadataImage::apply(int64_t offset, const MetadataRecord& record) {
  next_offset_ = offset + 1;
  switch (record.kind) {
    case MetadataRecord::Kind::kRegisterBroker:
    case MetadataRecord::Kind::kFenceBroker:
    case MetadataRecord::Kind::kUnfenceBroker:
      brokers_[record.broker.id] = record.broker;
      break;
    case MetadataRecord::Kind::kTopic:
      topics_[record.topic.name] = record.topic;
      break;
    case MetadataRecord::Kind::kPartition:
      partitions_[record.partition.tp] = record.partition;
      break;
    case MetadataRecord::Kind::kLeaderChange:
      break;  // a control record: no metadata
  }
}

std::vector<MetadataRecord> MetadataImage::snapshot_records() const {
  std::vector<MetadataRecord> out;
  for (const auto& [id, reg] : brokers_) {
    MetadataRecord r;
    r.kind = reg.fenced ? MetadataRecord::Kind::kFenceBroker : MetadataRecord::Kind::kUnfenceBroker;
    r.broker = reg;
    out.push_back(r);
  }
  for (const auto& [name, topic] : topics_) {
    MetadataRecord r;
    r.kind = MetadataRecord::Kind::kTopic;
    r.topic = topic;
    out.push_back(r);
  }
  for (const auto& [tp, state] : partitions_) {
    MetadataRecord r;
    r.kind = MetadataRecord::Kind::kPartition;
    r.partition = state;
    out.push_back(r);
  }
  return out;
}

MetadataImage MetadataImage::from_snapshot(int64_t end_offset, const std::vector<MetadataRecord>& records) {
  MetadataImage image;
  for (const MetadataRecord& r : records) image.apply(image.next_offset_, r);
  image.next_offset_ = end_offset;
  return image;
}

const PartitionState* MetadataImage::partition(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

const BrokerRegistration* MetadataImage::broker(int32_t id) const {
  auto it = brokers_.find(id);
  return it == brokers_.end() ? nullptr : &it->second;
}

const TopicInfo* MetadataImage::topic(const std::string& name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

}  // namespace kafkasim::kafka
