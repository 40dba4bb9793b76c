// Kafka's record batch (the v2 "RecordBatch" of KIP-98), as the model stores
// and replicates it, and its on-disk encoding.
//
// Batches are immutable once a log stores them: the leader's log, every
// follower's log and every fetch response share one `BatchPtr`, so record
// payloads are never copied between replicas in memory.
//
// On-disk form of one batch (integers little-endian, fixed width):
//   length                  u32  number of bytes after this field
//   crc                     u32  CRC-32C of the bytes after this field
//   magic                   u8   kBatchMagic
//   base_offset             i64
//   partition_leader_epoch  i32
//   producer_id             i64
//   producer_epoch          i16
//   base_sequence           i32
//   attributes              u8   bit 0: transactional, bit 1: control,
//                                bit 2: compacted
//   record_count            i32  >= 1 (>= 0 when compacted)
//   when compacted:         last_offset_delta i32, delete_horizon_ms i64
//   record_count times:     [offset_delta i32, when compacted]
//                           timestamp_ms i64, key_length u32, key,
//                           value_length u32 (0xFFFFFFFF: null), value
// Unlike Kafka's v2 format, the CRC covers the base offset and the leader
// epoch too: the model stamps both before it encodes, never after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::kafka {

struct Record {
  std::string key;
  std::string value;
  int64_t timestamp_ms = 0;
  // Kafka's null value: on a compacted topic, a tombstone that deletes its
  // key (docs/log-storage.md, "Compaction"). `value` is empty then.
  bool null_value = false;

  bool operator==(const Record&) const = default;
};

struct RecordBatch {
  int64_t base_offset = -1;             // assigned by the leader's log
  int32_t partition_leader_epoch = -1;  // stamped by the leader's log (KIP-101)
  int64_t producer_id = -1;             // KIP-98; -1: not idempotent
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;           // -1: no sequence (Kafka's NO_SEQUENCE)
  bool transactional = false;
  // A transaction marker (Kafka's control batch): its one record's key says
  // COMMIT or ABORT.
  bool control = false;
  std::vector<Record> records;
  // A batch the log cleaner rewrote (log_cleaner.h). As in Kafka's v2
  // format, it keeps its base offset, last offset delta and header, but
  // holds only the records it retained, each at its own offset: record i is
  // at base_offset + offset_deltas[i] (strictly increasing, at most
  // last_offset_delta). It may hold no record at all: the model keeps every
  // batch header, so batches stay contiguous (docs/log-storage.md).
  bool compacted = false;
  std::vector<int32_t> offset_deltas;  // when compacted: one per record
  int32_t last_offset_delta = 0;       // when compacted
  // KIP-534: when compacted, the time after which its tombstones may be
  // removed, stamped by the first cleaning that retained one; -1: not set.
  int64_t delete_horizon_ms = -1;

  // The offset of the batch's last record as produced (compaction keeps it).
  // Meaningful once base_offset is set.
  int64_t last_offset() const {
    return base_offset + (compacted ? last_offset_delta : record_count() - 1);
  }
  // The offset of records[i].
  int64_t offset_of(size_t i) const {
    return base_offset + (compacted ? offset_deltas[i] : static_cast<int64_t>(i));
  }
  int32_t record_count() const { return static_cast<int32_t>(records.size()); }
  // The sequence of the batch's last record as produced (base_sequence +
  // the last offset delta), wrapping from INT32_MAX to 0 as Kafka's
  // DefaultRecordBatch.incrementSequence does; -1 when base_sequence is -1.
  int32_t last_sequence() const;
  // The exact size of the on-disk form (encode_batch appends this many bytes).
  size_t size_bytes() const;

  bool operator==(const RecordBatch&) const = default;
};

using BatchPtr = std::shared_ptr<const RecordBatch>;

inline constexpr uint8_t kBatchMagic = 1;

// Appends the on-disk form of `batch` to *out.
// REQUIRES: 1 <= batch.record_count() unless compacted; a compacted batch
// has one offset delta per record, strictly increasing in
// [0, last_offset_delta]; every key and value < 4 GiB.
void encode_batch(const RecordBatch& batch, std::string* out);

enum class DecodeStatus {
  kOk,
  kTorn,     // the data ends inside the batch: a torn (partially written) tail
  kCorrupt,  // a wrong CRC, magic, length or record layout
};

struct DecodedBatch {
  DecodeStatus status = DecodeStatus::kCorrupt;
  BatchPtr batch;         // set when status == kOk
  size_t size_bytes = 0;  // bytes the batch takes when status == kOk
};

// Decodes the batch at the start of `data`. REQUIRES: !data.empty().
// A length field that claims more bytes than `data` holds counts as torn:
// after a power loss that is what a cut tail looks like.
DecodedBatch decode_batch(std::string_view data);

std::string_view to_string(DecodeStatus status);

}  // namespace kafkasim::kafka
