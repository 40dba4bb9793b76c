// The read_committed consumer's filter (KIP-98; Kafka's Fetcher and
// librdkafka's rd_kafka_msgset_reader do the same): a fetch response lists
// the transactions aborted in its range as (producer id, first offset);
// walking the batches in offset order, a producer's transactional batches
// are dropped from its aborted transaction's first offset until its abort
// marker. Control batches (markers) are never returned to the application.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "broker-model/protocol.h"

namespace kafkasim::kafka {

class AbortedTransactionFilter {
 public:
  // `read_committed` false: only control batches are dropped.
  AbortedTransactionFilter(bool read_committed,
                           std::vector<FetchResponse::PartitionData::AbortedTransaction> aborted);

  // True when the batch's records are not for the application. Call for
  // every batch of the response, in offset order.
  bool skip(const RecordBatch& batch);

 private:
  bool read_committed_;
  std::vector<FetchResponse::PartitionData::AbortedTransaction> aborted_;  // by first offset
  size_t next_ = 0;
  std::set<int64_t> aborting_;  // producers inside an aborted transaction
};

}  // namespace kafkasim::kafka
