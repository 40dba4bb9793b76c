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
//   attributes              u8   bit 0: transactional, bit 1: control
//   record_count            i32  >= 1
//   record_count times:     timestamp_ms i64, key_length u32, key,
//                           value_length u32, value
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

  // base_offset + record_count() - 1. Meaningful once base_offset is set.
  int64_t last_offset() const { return base_offset + record_count() - 1; }
  int32_t record_count() const { return static_cast<int32_t>(records.size()); }
  // The sequence of the last record, wrapping from INT32_MAX to 0 as Kafka's
  // DefaultRecordBatch.incrementSequence does; -1 when base_sequence is -1.
  int32_t last_sequence() const;
  // The exact size of the on-disk form (encode_batch appends this many bytes).
  size_t size_bytes() const;

  bool operator==(const RecordBatch&) const = default;
};

using BatchPtr = std::shared_ptr<const RecordBatch>;

inline constexpr uint8_t kBatchMagic = 1;

// Appends the on-disk form of `batch` to *out.
// REQUIRES: 1 <= batch.record_count(); every key and value < 4 GiB.
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
