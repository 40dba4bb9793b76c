#include <catch2/catch.hpp>

#include "broker-model/record_batch.h"

using namespace kafkasim::kafka;

TEST_CASE("a compacted batch keeps its offsets, holes and tombstones through encoding") {
  RecordBatch b;
  b.base_offset = 100;
  b.partition_leader_epoch = 3;
  b.producer_id = 9;
  b.producer_epoch = 1;
  b.base_sequence = 40;
  b.compacted = true;
  b.last_offset_delta = 9;
  b.delete_horizon_ms = 12345;
  b.records = {Record{"a", "a7", 5, false}, Record{"b", "", 6, true}};
  b.offset_deltas = {2, 9};
  std::string bytes;
  encode_batch(b, &bytes);
  REQUIRE(bytes.size() == b.size_bytes());
  const DecodedBatch d = decode_batch(bytes);
  REQUIRE(d.status == DecodeStatus::kOk);
  REQUIRE(*d.batch == b);
  REQUIRE(d.batch->last_offset() == 109);
  REQUIRE(d.batch->offset_of(0) == 102);
  REQUIRE(d.batch->offset_of(1) == 109);
  REQUIRE(d.batch->records[1].null_value);
  // The producer's sequence covers every offset the batch had.
  REQUIRE(d.batch->last_sequence() == 49);
}

TEST_CASE("a compacted batch may be empty but an ordinary one may not") {
  RecordBatch b;
  b.base_offset = 0;
  b.compacted = true;
  b.last_offset_delta = 4;
  std::string bytes;
  encode_batch(b, &bytes);
  REQUIRE(decode_batch(bytes).status == DecodeStatus::kOk);
  REQUIRE(decode_batch(bytes).batch->last_offset() == 4);
  b.compacted = false;
  REQUIRE_THROWS_AS(encode_batch(b, &bytes), std::logic_error);
}

TEST_CASE("offset deltas out of order are rejected") {
  RecordBatch b;
  b.base_offset = 0;
  b.compacted = true;
  b.last_offset_delta = 4;
  b.records = {Record{"a", "1", 0, false}, Record{"b", "2", 0, false}};
  b.offset_deltas = {3, 1};
  std::string bytes;
  REQUIRE_THROWS_AS(encode_batch(b, &bytes), std::logic_error);
  b.offset_deltas = {1, 5};
  REQUIRE_THROWS_AS(encode_batch(b, &bytes), std::logic_error);
}
