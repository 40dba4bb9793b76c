// The transactional producers of the queue workload (`txn: true`), as in
// Jepsen's Kafka workload: each op is one transaction of 1 to 4 sends to
// random keys, recorded as an `f: txn` op (SPEC.md §4):
//   ok    committed: every send with its offset;
//   fail  definitely not committed: aborted (on purpose, as `abort_ratio`
//         draws, or after an abortable error), or fenced before EndTxn(commit)
//         was sent;
//   info  EndTxn(commit) was sent without a definite answer (a timeout, or a
//         fatal error answering it).
// The process waits 50 ms between two sends of a transaction (the
// application's work). Each producer node has one transactional producer (one transaction at a
// time). Its transactional.id is the scenario's `transactional.id` when set
// (then every producer node shares it and they fence each other: zombies),
// else "<node name>" (stable across restarts, so a restarted node fences
// its earlier incarnation). After a fatal error the process retires the
// producer and, after 5 s (1 s after a commit of unknown outcome), starts a new instance, whose
// init_transactions fences any older one.
// Txn ops hold sends only: Jepsen also mixes polls into transactions, which
// needs the consumer-in-transaction path of KIP-447 (not built yet).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "broker-model/config_catalog.h"
#include "broker-model/transactional_producer.h"
#include "broker-model/types.h"
#include "checker/history.h"
#include "harness/workload.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

struct TxnJob {
  std::vector<std::pair<size_t, int64_t>> sends;  // (key index, value)
  bool abort = false;                              // abort instead of committing
};

// What a transactional producer process needs from its workload.
struct QueueTxnContext {
  std::function<void(int32_t process, checker::OpFn f, std::vector<checker::MicroOp> mops)> invoke;
  std::function<void(int32_t process, checker::OpType type, const std::vector<checker::MicroOp>& mops)> complete;
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
// incarnation ends), and must outlive the process.
void txn_producer_process(const std::shared_ptr<QueueTxnContext>& ctx, sim::Node& node, sim::Channel<TxnJob>& work,
                          int& idle, std::vector<std::unique_ptr<kafka::TransactionalProducer>>& producers,
                          int32_t process);

}  // namespace kafkasim::harness
