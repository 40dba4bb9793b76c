// The consumer client, after librdkafka, in assign mode: fetches from each
// assigned partition's leader, starting where auto.offset.reset says when
// it has no position or when its position is out of range (retention
// deleted it): earliest, latest, or error (the partition stops, with
// partition_error() set).
//
// KIP-320: the consumer remembers the leader epoch of the last record it
// consumed; when the partition's leader epoch changes it asks the new
// leader (OffsetsForLeaderEpoch) where that epoch ends, and if the log was
// truncated below its position it moves back to the end of that epoch
// instead of reading on past the truncation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker-model/client_metadata.h"
#include "broker-model/config_catalog.h"
#include "broker-model/types.h"
#include "sim/simulation.h"

namespace kafkasim::kafka {

struct ConsumedRecord {
  TopicPartition tp;
  int64_t offset = kNoOffset;
  int32_t leader_epoch = kNoEpoch;
  std::string key;
  std::string value;
  bool null_value = false;  // a tombstone
};

class Consumer {
 public:
  Consumer(sim::Node& node, std::vector<int32_t> bootstrap, Config config);

  // Replaces the assignment; positions of partitions kept stay.
  void assign(const std::vector<TopicPartition>& partitions);
  const std::vector<TopicPartition>& assignment() const { return assignment_; }
  // Moves the position of an assigned partition.
  void seek(const TopicPartition& tp, int64_t offset);
  // The next offset to consume, or kNoOffset when unknown.
  int64_t position(const TopicPartition& tp) const;

  // Fetches once from every assigned partition's leader and returns what
  // arrived, in partition order, waiting up to `timeout` for data.
  std::vector<ConsumedRecord> poll(sim::Duration timeout);

  // The high watermark last seen for `tp` (kNoOffset before any fetch).
  int64_t high_watermark(const TopicPartition& tp) const;
  // OFFSET_OUT_OF_RANGE with auto.offset.reset=error (librdkafka's
  // ERR__AUTO_OFFSET_RESET): the partition is not fetched until seek()
  // gives it a position. kNone otherwise.
  Errc partition_error(const TopicPartition& tp) const;

  // KIP-320 position validation after a leader change (on by default; the
  // uncommitted-fetch bug turns it off).
  void set_validate_leader_epochs(bool on) { validate_epochs_ = on; }

 private:
  struct Position {
    int64_t offset = kNoOffset;
    int32_t last_epoch = kNoEpoch;     // epoch of the last consumed record
    int32_t leader_epoch_seen = kNoEpoch;  // leader epoch the position was validated against
    int64_t high_watermark = kNoOffset;
    Errc error = Errc::kNone;  // see partition_error()
  };
  // The fetch position of `tp` fell outside [log start, HW] of its leader.
  void offset_out_of_range(const TopicPartition& tp, Position& p, int64_t log_start_offset);
  bool reset_position(const TopicPartition& tp, const PartitionState& state);
  bool validate_position(const TopicPartition& tp, const PartitionState& state);

  sim::Node& node_;
  Config config_;
  ClientMetadata metadata_;
  std::vector<TopicPartition> assignment_;
  std::map<TopicPartition, Position> positions_;
  bool read_committed_;
  std::string auto_offset_reset_;
  int32_t fetch_wait_max_ms_;
  int64_t fetch_max_bytes_;
  sim::Duration request_timeout_;
  bool validate_epochs_;
};

}  // namespace kafkasim::kafka
