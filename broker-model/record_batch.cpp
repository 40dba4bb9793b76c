#include "broker-model/record_batch.h"

#include <limits>
#include <stdexcept>

#include "broker-model/crc32c.h"

namespace kafkasim::kafka {

namespace {

// Fixed part of the on-disk form, up to and including record_count.
constexpr size_t kLengthBytes = 4;
constexpr size_t kCrcBytes = 4;
constexpr size_t kHeaderBytes = kLengthBytes + kCrcBytes + 1 + 8 + 4 + 8 + 2 + 4 + 1 + 4;
// Per record, besides key and value: timestamp, key length, value length.
constexpr size_t kRecordOverheadBytes = 8 + 4 + 4;

// Besides them, when compacted: last_offset_delta, delete_horizon_ms; per
// record, its offset delta.
constexpr size_t kCompactedHeaderBytes = 4 + 8;
constexpr size_t kOffsetDeltaBytes = 4;
constexpr uint32_t kNullLength = 0xFFFFFFFFu;

constexpr uint8_t kTransactionalBit = 1;
constexpr uint8_t kControlBit = 2;
constexpr uint8_t kCompactedBit = 4;

// Offset deltas strictly increasing in [0, last_offset_delta], one per record.
bool valid_offset_deltas(const RecordBatch& b) {
  if (b.offset_deltas.size() != b.records.size() || b.last_offset_delta < 0) return false;
  int64_t previous = -1;
  for (int32_t d : b.offset_deltas) {
    if (d <= previous || d > b.last_offset_delta) return false;
    previous = d;
  }
  return true;
}

void put_u8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }

template <typename T>
void put_le(std::string* out, T value) {
  auto v = static_cast<uint64_t>(value);
  for (size_t i = 0; i < sizeof(T); ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
}

// Reads fixed-width little-endian fields from a byte range; any read past
// the end sets `overrun` and returns zero.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  template <typename T>
  T get() {
    if (data_.size() - pos_ < sizeof(T)) {
      overrun_ = true;
      pos_ = data_.size();
      return T{};
    }
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    pos_ += sizeof(T);
    return static_cast<T>(v);
  }

  std::string bytes(size_t n) {
    if (data_.size() - pos_ < n) {
      overrun_ = true;
      pos_ = data_.size();
      return {};
    }
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  bool overrun() const { return overrun_; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool overrun_ = false;
};

}  // namespace

int32_t RecordBatch::last_sequence() const {
  if (base_sequence < 0) return -1;
  const int32_t increment = compacted ? last_offset_delta : record_count() - 1;
  if (base_sequence > std::numeric_limits<int32_t>::max() - increment)
    return increment - (std::numeric_limits<int32_t>::max() - base_sequence) - 1;
  return base_sequence + increment;
}

size_t RecordBatch::size_bytes() const {
  size_t size = kHeaderBytes;
  if (compacted) size += kCompactedHeaderBytes + kOffsetDeltaBytes * records.size();
  for (const Record& r : records) size += kRecordOverheadBytes + r.key.size() + r.value.size();
  return size;
}

void encode_batch(const RecordBatch& batch, std::string* out) {
  if (batch.records.empty() && !batch.compacted)
    throw std::logic_error("encode_batch: a batch needs at least one record");
  if (batch.compacted && !valid_offset_deltas(batch))
    throw std::logic_error("encode_batch: a compacted batch needs increasing offset deltas, one per record");
  const size_t start = out->size();
  const size_t size = batch.size_bytes();
  if (size - kLengthBytes > std::numeric_limits<uint32_t>::max())
    throw std::logic_error("encode_batch: batch larger than 4 GiB");
  out->reserve(start + size);
  put_le<uint32_t>(out, static_cast<uint32_t>(size - kLengthBytes));
  put_le<uint32_t>(out, 0);  // the CRC, filled in below
  put_u8(out, kBatchMagic);
  put_le<int64_t>(out, batch.base_offset);
  put_le<int32_t>(out, batch.partition_leader_epoch);
  put_le<int64_t>(out, batch.producer_id);
  put_le<int16_t>(out, batch.producer_epoch);
  put_le<int32_t>(out, batch.base_sequence);
  put_u8(out, static_cast<uint8_t>((batch.transactional ? kTransactionalBit : 0) |
                                   (batch.control ? kControlBit : 0) | (batch.compacted ? kCompactedBit : 0)));
  put_le<int32_t>(out, batch.record_count());
  if (batch.compacted) {
    put_le<int32_t>(out, batch.last_offset_delta);
    put_le<int64_t>(out, batch.delete_horizon_ms);
  }
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const Record& r = batch.records[i];
    if (batch.compacted) put_le<int32_t>(out, batch.offset_deltas[i]);
    put_le<int64_t>(out, r.timestamp_ms);
    put_le<uint32_t>(out, static_cast<uint32_t>(r.key.size()));
    out->append(r.key);
    put_le<uint32_t>(out, r.null_value ? kNullLength : static_cast<uint32_t>(r.value.size()));
    if (!r.null_value) out->append(r.value);
  }
  const size_t covered = start + kLengthBytes + kCrcBytes;
  const uint32_t crc = crc32c(std::string_view(*out).substr(covered));
  for (size_t i = 0; i < kCrcBytes; ++i)
    (*out)[start + kLengthBytes + i] = static_cast<char>((crc >> (8 * i)) & 0xFFu);
}

DecodedBatch decode_batch(std::string_view data) {
  DecodedBatch result;
  if (data.size() < kLengthBytes + kCrcBytes) {
    result.status = DecodeStatus::kTorn;
    return result;
  }
  Reader frame(data);
  const uint64_t length = frame.get<uint32_t>();
  const uint32_t stored_crc = frame.get<uint32_t>();
  if (length < kHeaderBytes - kLengthBytes) return result;  // corrupt: shorter than any batch
  if (length > data.size() - kLengthBytes) {
    result.status = DecodeStatus::kTorn;
    return result;
  }
  const std::string_view covered = data.substr(kLengthBytes + kCrcBytes, length - kCrcBytes);
  if (crc32c(covered) != stored_crc) return result;

  Reader in(covered);
  if (in.get<uint8_t>() != kBatchMagic) return result;
  auto batch = std::make_shared<RecordBatch>();
  batch->base_offset = in.get<int64_t>();
  batch->partition_leader_epoch = in.get<int32_t>();
  batch->producer_id = in.get<int64_t>();
  batch->producer_epoch = in.get<int16_t>();
  batch->base_sequence = in.get<int32_t>();
  const uint8_t attributes = in.get<uint8_t>();
  batch->transactional = (attributes & kTransactionalBit) != 0;
  batch->control = (attributes & kControlBit) != 0;
  batch->compacted = (attributes & kCompactedBit) != 0;
  const int32_t count = in.get<int32_t>();
  if (count < (batch->compacted ? 0 : 1) || static_cast<uint64_t>(count) > covered.size() / kRecordOverheadBytes)
    return result;
  if (batch->compacted) {
    batch->last_offset_delta = in.get<int32_t>();
    batch->delete_horizon_ms = in.get<int64_t>();
    batch->offset_deltas.resize(static_cast<size_t>(count));
  }
  batch->records.resize(static_cast<size_t>(count));
  for (size_t i = 0; i < batch->records.size(); ++i) {
    Record& r = batch->records[i];
    if (batch->compacted) batch->offset_deltas[i] = in.get<int32_t>();
    r.timestamp_ms = in.get<int64_t>();
    r.key = in.bytes(in.get<uint32_t>());
    const uint32_t value_length = in.get<uint32_t>();
    r.null_value = value_length == kNullLength;
    if (!r.null_value) r.value = in.bytes(value_length);
    if (in.overrun()) return result;
  }
  if (!in.at_end()) return result;
  if (batch->compacted && !valid_offset_deltas(*batch)) return result;
  result.status = DecodeStatus::kOk;
  result.batch = std::move(batch);
  result.size_bytes = kLengthBytes + length;
  return result;
}

std::string_view to_string(DecodeStatus status) {
  switch (status) {
    case DecodeStatus::kOk: return "ok";
    case DecodeStatus::kTorn: return "torn";
    case DecodeStatus::kCorrupt: return "corrupt";
  }
  return "?";
}

}  // namespace kafkasim::kafka
