#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "broker-model/crc32c.h"
#include "broker-model/record_batch.h"

using namespace kafkasim::kafka;

namespace {

RecordBatch sample_batch() {
  RecordBatch b;
  b.base_offset = 42;
  b.partition_leader_epoch = 7;
  b.producer_id = 1001;
  b.producer_epoch = 3;
  b.base_sequence = 17;
  b.transactional = true;
  b.records = {{"k1", "v1", 100}, {"", "value without key", 101}, {"k3", "", -5}};
  return b;
}

std::string encoded(const RecordBatch& b) {
  std::string out;
  encode_batch(b, &out);
  return out;
}

}  // namespace

TEST_CASE("crc32c matches the Castagnoli check values") {
  REQUIRE(crc32c("") == 0u);
  REQUIRE(crc32c("123456789") == 0xE3069283u);
  REQUIRE(crc32c(std::string(32, '\0')) == 0x8A9136AAu);        // RFC 3720 B.4
  REQUIRE(crc32c(std::string(32, '\xff')) == 0x62A8AB43u);      // RFC 3720 B.4
  REQUIRE(crc32c_extend(crc32c("1234"), "56789") == crc32c("123456789"));
}

TEST_CASE("a batch survives encoding and decoding unchanged") {
  const RecordBatch b = sample_batch();
  const std::string bytes = encoded(b);
  REQUIRE(bytes.size() == b.size_bytes());
  DecodedBatch d = decode_batch(bytes);
  REQUIRE(d.status == DecodeStatus::kOk);
  REQUIRE(d.size_bytes == bytes.size());
  REQUIRE(*d.batch == b);
  REQUIRE(d.batch->last_offset() == 44);
}

TEST_CASE("a control batch keeps its flags through encoding") {
  RecordBatch b;
  b.base_offset = 0;
  b.control = true;
  b.records = {{"COMMIT", "", 9}};
  DecodedBatch d = decode_batch(encoded(b));
  REQUIRE(d.status == DecodeStatus::kOk);
  REQUIRE(d.batch->control);
  REQUIRE_FALSE(d.batch->transactional);
}

TEST_CASE("decoding reads only the first of several batches") {
  RecordBatch second = sample_batch();
  second.base_offset = 45;
  const std::string bytes = encoded(sample_batch()) + encoded(second);
  DecodedBatch d = decode_batch(bytes);
  REQUIRE(d.status == DecodeStatus::kOk);
  DecodedBatch d2 = decode_batch(std::string_view(bytes).substr(d.size_bytes));
  REQUIRE(d2.status == DecodeStatus::kOk);
  REQUIRE(d2.batch->base_offset == 45);
}

TEST_CASE("every proper prefix of a batch decodes as torn") {
  const std::string bytes = encoded(sample_batch());
  for (size_t n = 1; n < bytes.size(); ++n) {
    INFO("prefix of " << n << " bytes");
    REQUIRE(decode_batch(std::string_view(bytes).substr(0, n)).status == DecodeStatus::kTorn);
  }
}

TEST_CASE("every flipped byte after the length field makes a batch corrupt") {
  const std::string bytes = encoded(sample_batch());
  for (size_t i = 4; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
    INFO("byte " << i);
    REQUIRE(decode_batch(damaged).status == DecodeStatus::kCorrupt);
  }
}

TEST_CASE("a length field below the smallest batch is corrupt, above the data is torn") {
  std::string bytes = encoded(sample_batch());
  std::string small = bytes;
  small[0] = 3, small[1] = small[2] = small[3] = 0;
  REQUIRE(decode_batch(small).status == DecodeStatus::kCorrupt);
  std::string large = bytes;
  large[3] = 0x7F;
  REQUIRE(decode_batch(large).status == DecodeStatus::kTorn);
}

TEST_CASE("the last sequence wraps past INT32_MAX as Kafka's does") {
  RecordBatch b;
  b.records.resize(3);
  REQUIRE(b.last_sequence() == -1);
  b.base_sequence = 10;
  REQUIRE(b.last_sequence() == 12);
  b.base_sequence = std::numeric_limits<int32_t>::max() - 1;
  REQUIRE(b.last_sequence() == 0);
  b.base_sequence = std::numeric_limits<int32_t>::max();
  REQUIRE(b.last_sequence() == 1);
}

TEST_CASE("encoding a batch without records is a programming error") {
  RecordBatch empty;
  std::string out;
  REQUIRE_THROWS_AS(encode_batch(empty, &out), std::logic_error);
}
