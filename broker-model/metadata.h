// The cluster metadata, as KRaft keeps it (KIP-500, KIP-631): a log of
// records written by the active controller and applied, in order, by the
// controller itself and by every broker that fetches it. A MetadataImage is
// the state after applying a prefix of that log.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker-model/config_catalog.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

// One partition's replication state (PartitionRecord / PartitionChangeRecord).
struct PartitionState {
  TopicPartition tp;
  std::vector<int32_t> replicas;  // assignment, in preference order
  std::vector<int32_t> isr;
  int32_t leader = kNoLeader;
  int32_t leader_epoch = 0;       // bumped at every leader change (KIP-101)
  int32_t partition_epoch = 0;    // bumped at every change (KIP-841)
  bool operator==(const PartitionState&) const = default;
  bool in_isr(int32_t broker) const;
};

struct BrokerRegistration {
  int32_t id = 0;
  int64_t epoch = -1;  // the metadata offset of its registration (KIP-631)
  bool fenced = true;
  bool operator==(const BrokerRegistration&) const = default;
};

struct TopicInfo {
  std::string name;
  int32_t partitions = 0;
  int32_t min_insync_replicas = 1;
  bool unclean_leader_election = false;
  bool operator==(const TopicInfo&) const = default;
};

// KRaft's LeaderChangeMessage control record: the first entry a new
// quorum leader appends in its epoch (KIP-595); committing it is what lets
// the leader expose a high watermark.
struct LeaderChange {
  int32_t leader = -1;  // controller id (controller-N)
  int32_t epoch = 0;    // quorum epoch
  bool operator==(const LeaderChange&) const = default;
};

struct MetadataRecord {
  enum class Kind : uint8_t { kRegisterBroker, kFenceBroker, kUnfenceBroker, kTopic, kPartition, kLeaderChange };
  Kind kind = Kind::kPartition;
  BrokerRegistration broker;  // kRegisterBroker, kFenceBroker, kUnfenceBroker
  TopicInfo topic;            // kTopic
  PartitionState partition;   // kPartition (full state after the change)
  bool unclean = false;       // kPartition: the leader came from outside the ISR
  LeaderChange leader_change; // kLeaderChange

  nlohmann::json to_json() const;
  static MetadataRecord from_json(const nlohmann::json& j);
  std::string describe() const;
};

class MetadataImage {
 public:
  // Applies the record at `offset`. REQUIRES: offset == next_offset().
  void apply(int64_t offset, const MetadataRecord& record);
  // The records that rebuild this image (a KIP-630 snapshot's contents).
  std::vector<MetadataRecord> snapshot_records() const;
  // The image a snapshot of the log below `end_offset` describes.
  static MetadataImage from_snapshot(int64_t end_offset, const std::vector<MetadataRecord>& records);
  int64_t next_offset() const { return next_offset_; }

  const std::map<int32_t, BrokerRegistration>& brokers() const { return brokers_; }
  const std::map<TopicPartition, PartitionState>& partitions() const { return partitions_; }
  const std::map<std::string, TopicInfo>& topics() const { return topics_; }
  const PartitionState* partition(const TopicPartition& tp) const;
  const BrokerRegistration* broker(int32_t id) const;
  const TopicInfo* topic(const std::string& name) const;

 private:
  int64_t next_offset_ = 0;
  std::map<int32_t, BrokerRegistration> brokers_;
  std::map<TopicPartition, PartitionState> partitions_;
  std::map<std::string, TopicInfo> topics_;
};

}  // namespace kafkasim::kafka
