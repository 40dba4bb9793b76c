#include <catch2/catch.hpp>

#include "broker-model/producer_state.h"

using namespace kafkasim::kafka;

namespace {
RecordBatch batch(int64_t pid, int16_t epoch, int32_t seq, int records, int64_t base_offset) {
  RecordBatch b;
  b.producer_id = pid;
  b.producer_epoch = epoch;
  b.base_sequence = seq;
  b.base_offset = base_offset;
  for (int i = 0; i < records; ++i) b.records.push_back(Record{"", std::to_string(i), 0});
  return b;
}
}  // namespace

TEST_CASE("a retried batch within the last five is answered with its original offset") {
  ProducerStateManager state;
  for (int i = 0; i < 5; ++i) state.update(batch(7, 0, i * 2, 2, 100 + i * 2));
  const auto check = state.check(batch(7, 0, 2, 2, -1));
  REQUIRE(check.error == Errc::kNone);
  REQUIRE(check.duplicate);
  REQUIRE(check.duplicate_base_offset == 102);
  REQUIRE(check.duplicate_last_offset == 103);
}

TEST_CASE("a batch older than the window is out of order, not a duplicate") {
  ProducerStateManager state;
  for (int i = 0; i < 6; ++i) state.update(batch(7, 0, i, 1, 100 + i));
  const auto check = state.check(batch(7, 0, 0, 1, -1));
  REQUIRE_FALSE(check.duplicate);
  REQUIRE(check.error == Errc::kOutOfOrderSequenceNumber);
}

TEST_CASE("the window of one batch lets an earlier in-flight retry be appended again") {
  // The no-dedup-window bug (redpanda#3038) remembers only the last batch.
  ProducerStateManager broken(1);
  broken.update(batch(7, 0, 0, 1, 100));
  broken.update(batch(7, 0, 1, 1, 101));
  const auto check = broken.check(batch(7, 0, 0, 1, -1));
  REQUIRE_FALSE(check.duplicate);
}

TEST_CASE("sequences must follow on, and a new epoch must start at zero") {
  ProducerStateManager state;
  state.update(batch(7, 0, 0, 3, 0));
  REQUIRE(state.check(batch(7, 0, 3, 1, -1)).error == Errc::kNone);
  REQUIRE(state.check(batch(7, 0, 4, 1, -1)).error == Errc::kOutOfOrderSequenceNumber);
  REQUIRE(state.check(batch(7, 1, 0, 1, -1)).error == Errc::kNone);
  REQUIRE(state.check(batch(7, 1, 5, 1, -1)).error == Errc::kOutOfOrderSequenceNumber);
}

TEST_CASE("an older producer epoch is fenced and an unknown producer must start at zero") {
  ProducerStateManager state;
  state.update(batch(7, 3, 0, 1, 0));
  REQUIRE(state.check(batch(7, 2, 1, 1, -1)).error == Errc::kInvalidProducerEpoch);
  REQUIRE(state.check(batch(8, 0, 5, 1, -1)).error == Errc::kUnknownProducerId);
  REQUIRE(state.check(batch(8, 0, 0, 1, -1)).error == Errc::kNone);
}

TEST_CASE("sequence numbers wrap from INT32_MAX to zero") {
  ProducerStateManager state;
  state.update(batch(7, 0, INT32_MAX, 1, 0));
  REQUIRE(state.check(batch(7, 0, 0, 1, -1)).error == Errc::kNone);
}
