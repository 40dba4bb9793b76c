// The transaction coordinator (KIP-98) of one broker: for every partition
// of __transaction_state this broker leads, the TxnMetadata of each
// transactional.id that hashes to it (txn_metadata.h).
//
// - Every state change is first appended to the partition (acks=all) and
//   applied in memory only once the append is committed; a failed append
//   leaves the state as it was and answers NOT_COORDINATOR or
//   COORDINATOR_NOT_AVAILABLE. While a change is in flight, other requests
//   for the id get CONCURRENT_TRANSACTIONS.
// - Leadership of a __transaction_state partition makes this broker its
//   coordinator: it loads the partition's log (the last record of each id
//   wins) and finishes every transaction it finds in PrepareCommit or
//   PrepareAbort. Losing leadership unloads it. The coordinator epoch is
//   the partition's leader epoch; markers carry it, and partitions reject
//   markers of an older coordinator.
// - InitProducerId: a new id gets a producer id at epoch 0; a known one gets
//   its epoch bumped, which fences the older instance. An Ongoing
//   transaction is first aborted with a bumped epoch (PrepareEpochFence,
//   then PrepareAbort) and the caller is told CONCURRENT_TRANSACTIONS, to
//   retry once the abort completes.
// - EndTxn writes PrepareCommit or PrepareAbort, answers, then writes a
//   marker to every partition of the transaction (WriteTxnMarkers, retried
//   until each leader has it) and finally CompleteCommit or CompleteAbort.
// - A transaction Ongoing for longer than its transaction.timeout.ms is
//   aborted with the epoch bumped (KAFKA-6119, KIP-588), checked every
//   transaction.abort.timed.out.transaction.cleanup.interval.ms.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "broker-model/protocol_txn.h"
#include "broker-model/rpc.h"
#include "broker-model/txn_metadata.h"

namespace kafkasim::kafka {

class Broker;
class Partition;

class TxnCoordinator {
 public:
  explicit TxnCoordinator(Broker& broker);
  void start();

  // A __transaction_state replica of this broker changed role.
  void on_role_change(Partition& p);

  std::unique_ptr<Response> init_producer_id(const InitProducerIdRequest& r);
  std::unique_ptr<Response> add_partitions(const AddPartitionsToTxnRequest& r);
  std::unique_ptr<Response> end_txn(const EndTxnRequest& r);
  // AddOffsetsToTxn: adds the group's __consumer_offsets partition to the
  // transaction, as AddPartitionsToTxn would.
  std::unique_ptr<Response> add_offsets(const AddOffsetsToTxnRequest& r);

  // The state of `transactional_id` if this broker coordinates it (tests,
  // reports).
  const TxnMetadata* find(const std::string& transactional_id) const;
  // A connection to another broker's node, kept for markers and KIP-890
  // verification.
  RpcClient& client(int32_t node);

 private:
  struct Entry {
    TxnMetadata m;
    bool pending = false;  // a state change is being appended
  };
  struct Shard {
    int32_t coordinator_epoch = kNoEpoch;
    uint64_t generation = 0;
    std::map<std::string, Entry> txns;
  };

  int32_t partition_of(const std::string& transactional_id) const;
  // The loaded shard of `transactional_id`, or nullptr with NOT_COORDINATOR.
  Shard* shard_of(const std::string& transactional_id, Errc* error);
  Shard* shard(int32_t partition, uint64_t generation);
  // The loaded state of `id` for a request of this producer id and epoch;
  // nullptr with NOT_COORDINATOR, INVALID_PRODUCER_ID_MAPPING or
  // PRODUCER_FENCED.
  Entry* producer_entry(const std::string& id, int64_t producer_id, int16_t producer_epoch, Errc* error);
  // Appends `next` for its id and, once committed, installs it.
  Errc persist(int32_t partition, const TxnMetadata& next);
  // Aborts an Ongoing transaction with the epoch bumped (unless the
  // txn-timeout-no-fence bug is on and `timed_out`), then completes it.
  Errc fence_and_abort(int32_t partition, const std::string& id, bool timed_out);
  // Writes the markers of a Prepare* transaction and completes it.
  void spawn_completion(int32_t partition, const std::string& id);
  void complete(int32_t partition, uint64_t generation, const std::string& id);
  // Sends the markers to one leader; the partitions that have them.
  std::vector<TopicPartition> write_markers(int32_t leader, const WriteTxnMarkersRequest& r);
  void abort_timed_out();

  Broker& broker_;
  std::map<int32_t, Shard> shards_;  // __transaction_state partition -> loaded state
  uint64_t next_generation_ = 1;
  std::map<int32_t, std::unique_ptr<RpcClient>> clients_;  // by node
};

}  // namespace kafkasim::kafka
