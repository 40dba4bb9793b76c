// Jepsen's Kafka queue workload (jepsen.tests.kafka), assign mode.
//
// Producers producer-1..P and consumers consumer-1..C are client nodes.
// Keys are the partitions of the workload's topics ("orders/0"). Each
// producer node runs kWorkersPerProducer processes; an op generator spreads
// `rate_per_s` sends over the producers, and hands each send to a free
// process of its node (skipped when all are busy, as Jepsen's generator
// would wait). A send op carries one micro-op: a value unique in its key.
// Each consumer node runs one process that assigns every key and polls;
// with `subscribe`, it subscribes to the workload's topics in one consumer
// group instead (group.id, default "kafkasim-queue"), and each poll op
// lists, as its rebalance-log, the keys assigned or revoked during it.
//
// Final reads (recovery phase): sends stop; on every consumer node a fresh
// process assigns every key, reads from offset 0 and polls until its
// position has reached every key's high watermark on two polls in a row.
//
// With poll_interval_ms, consumers wait that long after each poll of the
// fault phase: a slow application, which retention can overtake.
//
// With txn, each producer node runs one process whose ops are transactions
// of sends and (txn_poll_ratio) polls of a consumer of its own, the polled
// offsets committed inside the transaction (queue_txn.h).
//
// The compacted-kv kind is this workload on compacted topics: each send
// carries a record key k0..k<record_keys-1> drawn per send, and is a
// tombstone with probability tombstone_ratio; history VALUEs are
// "k3=17" and "k3=null" (checker/compaction.h). Its final reads start
// once every send of a live producer has completed.
//
// A process whose node crashes leaves its op pending; a restarted node gets
// new processes. Every op still pending when the history is taken is
// completed as `info` (indeterminate), as Jepsen does.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker-model/cluster.h"
#include "checker/history.h"
#include "harness/scenario.h"
#include "harness/workload.h"

namespace kafkasim::harness {

// The queue workload's consumers read from the start of each partition, as
// Jepsen's do (librdkafka's default is the end): `consumer` with
// auto.offset.reset earliest unless the scenario set it. Applied when the
// scenario is read, so that its canonical form (scenario.json, minimal.json)
// says so and runs the same.
kafka::Config queue_consumer_config(const kafka::Config& consumer);

class QueueWorkload final : public Workload {
 public:
  static constexpr int kWorkersPerProducer = 8;
  // group.id of the subscribing consumers when workload.consumer sets none.
  static constexpr const char* kDefaultGroupId = "kafkasim-queue";

  explicit QueueWorkload(const Scenario& scenario);
  ~QueueWorkload() override;

  void setup(sim::Simulation& sim, kafka::Cluster& cluster) override;
  void start() override;
  void begin_final_reads() override;
  bool finished() const override;
  std::vector<sim::Node*> client_nodes() const override { return clients_; }
  const checker::History& history() const override;
  WorkloadStats stats() const override;

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
  std::vector<sim::Node*> clients_;
};

}  // namespace kafkasim::harness
