// A group's committed offsets as its coordinator caches them, and the
// records of the `__consumer_offsets` topic that persist them and the
// group's metadata.
//
// The log is the truth: a commit is answered only once its record is
// replicated (acks=all), and a new coordinator rebuilds the cache by
// replaying the log in order. Commits of one partition may complete out
// of log order (each waits for the high watermark), so the cache keeps,
// per partition, the commit with the highest log offset.
//
// KIP-98/KIP-447: a transactional commit (TxnOffsetCommit) is held as
// pending per producer id until the transaction's marker reaches the
// offsets partition: a commit marker applies the pending offsets (each
// with the log offset of its own TxnOffsetCommit record, so the cache's
// "stored later in the log wins" rule holds), an abort marker drops them.
// OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT while one
// is pending for the partition.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker-model/group_metadata.h"
#include "broker-model/record_batch.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

inline const std::string kOffsetsTopic = "__consumer_offsets";

// The partition of the offsets topic that holds `group_id`: Kafka's
// Utils.abs(groupId.hashCode) % offsets.topic.num.partitions, with Java's
// String.hashCode.
int32_t offsets_partition_for(const std::string& group_id, int32_t partitions);

struct CommittedOffset {
  int64_t offset = kNoOffset;
  int32_t leader_epoch = kNoEpoch;
  int64_t record_offset = -1;  // where the commit is in the offsets topic
  bool operator==(const CommittedOffset&) const = default;
};

class OffsetStore {
 public:
  // Keeps `c` unless the cache holds a commit stored later in the log.
  void apply(const TopicPartition& tp, const CommittedOffset& c);
  std::optional<CommittedOffset> get(const TopicPartition& tp) const;
  const std::map<TopicPartition, CommittedOffset>& all() const { return offsets_; }

  // Holds `c` until the marker of `producer_id`'s transaction.
  void add_pending(int64_t producer_id, const TopicPartition& tp, const CommittedOffset& c);
  // The marker of `producer_id`'s transaction: applies (commit) or drops
  // (abort) its pending offsets.
  void complete_txn(int64_t producer_id, bool commit);
  bool has_pending(const TopicPartition& tp) const;

 private:
  std::map<TopicPartition, CommittedOffset> offsets_;
  std::map<int64_t, std::map<TopicPartition, CommittedOffset>> pending_;  // by producer id
};

// ---- records of __consumer_offsets ----

struct OffsetCommitRecord {
  std::string group_id;
  TopicPartition tp;
  int64_t offset = kNoOffset;
  int32_t leader_epoch = kNoEpoch;
};

struct GroupMetadataRecord {
  std::string group_id;
  int32_t generation = 0;
  std::string protocol;
  std::string leader;
  std::vector<MemberMetadata> members;  // with their assignments
};

Record encode(const OffsetCommitRecord& r);
// The group's current generation, members and assignments.
Record encode_group(const GroupMetadata& group);

// nullopt-like monostate for a record that is neither (another format).
using OffsetsTopicRecord = std::variant<std::monostate, OffsetCommitRecord, GroupMetadataRecord>;
OffsetsTopicRecord decode(const Record& record);

}  // namespace kafkasim::kafka
