// The transactional producers of the queue workload (`txn: true`), as in
// Jepsen's Kafka workload (jepsen.tests.kafka with :txn?): each op is one
// transaction of 1 to 4 micro-ops, each a send to a random key or, with
// probability `txn_poll_ratio` (Jepsen draws 1/2), a poll of the process's
// own consumer, recorded as an `f: txn` op (SPEC.md §4):
//   ok    committed: every send with its offset, every poll with the
//         records it returned;
//   fail  definitely not committed: aborted (on purpose, as `abort_ratio`
//         draws, or after an abortable error), or fenced before EndTxn(commit)
//         was sent;
//   info  EndTxn(commit) was sent without a definite answer (a timeout, or a
//         fatal error answering it).
// A fail or info op keeps the records its polls returned before it ended
// (Jepsen's mutable op value) and its sends without offsets.
//
// Polls in a transaction (KIP-98, KIP-447, as Jepsen's with-txn): the
// consumer reads with the scenario's isolation.level (read_committed for
// exactly-once) and never auto-commits; before EndTxn(commit) the next
// offset after the last record polled per partition goes into the
// transaction (send_offsets_to_transaction) with the consumer's group
// metadata: generation and member id under `subscribe` (a member that lost
// its partitions is fenced), generation -1 and no member under assign. So
// a poll's reads commit atomically with the transaction's sends. A
// transaction that does not commit (fail or info) seeks the consumer back to
// the first offset its polls read per partition (Jepsen's
// rollback-consumer!), so the next transaction reads those records again.
//
// The process waits 50 ms between two micro-ops of a transaction (the
// application's work). Each producer node has one transactional producer (one transaction at a
// time). Its transactional.id is the scenario's `transactional.id` when set
// (then every producer node shares it and they fence each other: zombies),
// else "<node name>" (stable across restarts, so a restarted node fences
// its earlier incarnation). After a fatal error the process retires the
// producer and, after 5 s (1 s after a commit of unknown outcome), starts a new instance, whose
// init_transactions fences any older one; the consumer stays.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "broker-model/config_catalog.h"
#include "broker-model/consumer.h"
#include "broker-model/group_consumer.h"
#include "broker-model/transactional_producer.h"
#include "broker-model/types.h"
#include "checker/history.h"
#include "harness/workload.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

// One micro-op of a transaction: a send of `value` to key `key` (an index
// into the workload's keys), or a poll.
struct TxnMop {
  bool poll = false;
  size_t key = 0;
  int64_t value = 0;
};

struct TxnJob {
  std::vector<TxnMop> mops;
  bool abort = false;  // abort instead of committing
};

// The consumer of a producer node whose transactions poll: it assigns every
// key, or (`subscribe`) joins the workload's group; group.id names the group
// its offsets are committed to in either case.
struct TxnConsumer {
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<kafka::GroupConsumer> group;  // subscribe only
  std::string group_id;
  std::vector<std::string> rebalanced;  // keys assigned, revoked or lost since the op began

  std::vector<kafka::ConsumedRecord> poll(sim::Duration timeout);
  // The group metadata of send_offsets_to_transaction (KIP-447).
  kafka::ConsumerGroupMetadata group_metadata() const;
  // Whether the consumer still owns `tp` (always, under assign).
  bool owns(const kafka::TopicPartition& tp) const;
};

// What a transactional producer process needs from its workload.
struct QueueTxnContext {
  std::function<void(int32_t process, checker::OpFn f, std::vector<checker::MicroOp> mops)> invoke;
  // Completes the op of `process`; `rebalanced` is its rebalance-log.
  std::function<void(int32_t process, checker::OpType type, const std::vector<checker::MicroOp>& mops,
                     const std::vector<std::string>& rebalanced)>
      complete;
  // Records an assign or subscribe op of every key for `process`.
  std::function<void(int32_t process, checker::OpFn f)> keys_op;
  // The history form of a poll's records.
  std::function<checker::Poll(const std::vector<kafka::ConsumedRecord>&)> poll_value;
  std::vector<kafka::TopicPartition> keys;
  std::vector<std::string> key_names;
  std::vector<int32_t> bootstrap;
  kafka::Config producer_config = kafka::Config::defaults(kafka::Scope::producer);
  WorkloadStats* stats = nullptr;  // owned by `owner`
  std::shared_ptr<void> owner;     // keeps the workload state alive as long as its processes
};

// The producer config of node `node_name`: transactional.id set as above.
kafka::Config txn_producer_config(const kafka::Config& scenario_producer, const std::string& node_name);

// Runs one producer process on `node`: takes jobs from `work` until it
// closes; `idle` counts free processes (0 or 1). `producers` holds every
// instance it made (retired ones keep running as zombies until the node's
// incarnation ends), and must outlive the process. `consumer` (null when
// transactions do not poll) serves the jobs' polls and outlives the process.
void txn_producer_process(const std::shared_ptr<QueueTxnContext>& ctx, sim::Node& node, sim::Channel<TxnJob>& work,
                          int& idle, std::vector<std::unique_ptr<kafka::TransactionalProducer>>& producers,
                          TxnConsumer* consumer, int32_t process);

}  // namespace kafkasim::harness
