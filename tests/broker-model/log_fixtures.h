// Batches and helpers for the Log tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker-model/log.h"
#include "broker-model/record_batch.h"

namespace kafkasim::test {

using kafkasim::kafka::BatchPtr;
using kafkasim::kafka::Log;
using kafkasim::kafka::RecordBatch;

inline const std::string kDir = "orders-0/";

// A produced batch (offsets unassigned) of `records` records whose values
// are "<tag>-<i>", each `value_bytes` long at least.
inline RecordBatch make_batch(int records, const std::string& tag = "v", size_t value_bytes = 0) {
  RecordBatch b;
  b.producer_id = 7;
  b.producer_epoch = 0;
  for (int i = 0; i < records; ++i) {
    std::string value = tag + "-" + std::to_string(i);
    if (value.size() < value_bytes) value.resize(value_bytes, '.');
    b.records.push_back({"key-" + std::to_string(i), value, 1000 + i});
  }
  return b;
}

// Every batch of the log, from its start to its LEO.
inline std::vector<BatchPtr> read_all(const Log& log) {
  return log.read(log.log_start_offset(), INT64_MAX, log.log_end_offset());
}

inline std::vector<int64_t> base_offsets(const std::vector<BatchPtr>& batches) {
  std::vector<int64_t> offsets;
  for (const BatchPtr& b : batches) offsets.push_back(b->base_offset);
  return offsets;
}

// Appends `count` batches of `records` records each in `epoch`.
inline std::vector<BatchPtr> append_batches(Log& log, int count, int records, int32_t epoch,
                                            size_t value_bytes = 0) {
  std::string tag = "e";
  tag += std::to_string(epoch);
  std::vector<BatchPtr> stored;
  for (int i = 0; i < count; ++i) stored.push_back(log.append_as_leader(make_batch(records, tag, value_bytes), epoch));
  return stored;
}

}  // namespace kafkasim::test
