// The scenario's queue workload (harness/queue_workload.h) with real
// librdkafka clients, in threads, on the wall clock:
//
//   producers  producer-1..P, each one rd_kafka_t producer with
//              kWorkersPerProducer processes; a generator thread spreads
//              rate_per_s sends over the producers and hands each to a free
//              process of its producer (skipped when all are busy, as in the
//              simulator). A send's op completes from its delivery report
//              (delivery_outcome.h).
//   consumers  consumer-1..C, each one rd_kafka_t consumer in its own
//              thread: one process that assigns every key (or subscribes,
//              with workload.subscribe) and records every poll.
//   final reads  sends stop; each consumer becomes a new process that
//              assigns every key from offset 0 and polls until its position
//              has reached every key's high watermark on two polls in a row.
//
// Every pending op is completed as `info` when the history is taken.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "checker/history.h"
#include "harness/scenario.h"
#include "harness/workload.h"

namespace kafkasim::real {

class RealWorkload {
 public:
  static constexpr int kWorkersPerProducer = 8;

  // Builds every client's configuration; throws ClientConfigError for a
  // setting librdkafka refuses (before anything starts).
  RealWorkload(const harness::Scenario& scenario, const std::string& bootstrap);
  ~RealWorkload();

  // Asks the cluster for each key's high watermark, where this run's
  // records start (0 on a fresh mock cluster; a real cluster may hold older
  // records, which the consumers skip); with create_topics, first creates
  // the scenario's topics the cluster lacks. Throws std::runtime_error.
  void prepare(bool create_topics);
  // Creates the clients and starts the threads. REQUIRES: prepare().
  void start();
  // Stops new sends, then waits up to `budget` for pending deliveries.
  void stop_sends(std::chrono::milliseconds budget);
  // Runs the final reads until every consumer has caught up or `budget`
  // has passed; true when they all caught up.
  bool final_reads(std::chrono::milliseconds budget);
  // Stops and joins every thread, destroys the clients, closes the history.
  void stop();

  // REQUIRES: stop() was called.
  const checker::History& history() const;
  harness::WorkloadStats stats() const;
  // Why a client thread stopped early, or "".
  std::string thread_error() const;

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace kafkasim::real
