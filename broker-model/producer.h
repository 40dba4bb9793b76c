// The producer client, after librdkafka: the configuration names and
// defaults are librdkafka's, and so is what the application is told.
//
// Messages are queued per partition and sent in batches (linger.ms,
// batch.num.messages, batch.size) to the partition's leader, at most
// max.in.flight.requests.per.connection batches unanswered per partition.
// Retriable errors refresh the metadata and resend, in order, with the same
// sequence numbers under enable.idempotence (KIP-98), until retries or
// delivery.timeout.ms run out.
//
// Every message gets exactly one delivery report, with librdkafka's
// persistence status (rd_kafka_message_status):
//   kPersisted          acknowledged at `offset`;
//   kNotPersisted       definitely not written (never sent, or rejected by
//                       the broker before any attempt that might have
//                       been written);
//   kPossiblyPersisted  sent without a definite answer (a timeout, a lost
//                       connection, NOT_ENOUGH_REPLICAS_AFTER_APPEND...).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker-model/client_metadata.h"
#include "broker-model/config_catalog.h"
#include "broker-model/record_batch.h"
#include "broker-model/types.h"
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

struct DeliveryReport {
  enum class Status : uint8_t { kPending, kPersisted, kNotPersisted, kPossiblyPersisted };
  Status status = Status::kPending;
  Errc error = Errc::kNone;
  int64_t offset = kNoOffset;
};

class Delivery {
 public:
  const DeliveryReport& report() const { return report_; }
  bool done() const { return report_.status != DeliveryReport::Status::kPending; }
  // Parks until the report is in or `deadline`. Returns done().
  bool wait(sim::SimTime deadline = sim::kNever);

 private:
  friend class Producer;
  void complete(DeliveryReport report);
  DeliveryReport report_;
  sim::WaitQueue waiters_;
};

class Producer {
 public:
  Producer(sim::Node& node, std::vector<int32_t> bootstrap, Config config);
  ~Producer();

  // Queues a message for `tp`. The report arrives through the Delivery.
  std::shared_ptr<Delivery> send(const TopicPartition& tp, std::string key, std::string value);

  // Stops the sender fibers' work; queued messages keep their state.
  const Config& config() const { return config_; }

 private:
  struct Message {
    std::string key;
    std::string value;
    sim::SimTime enqueued = 0;
    bool maybe_written = false;  // some attempt may have been written
    std::shared_ptr<Delivery> delivery;
  };
  struct Batch {
    std::vector<Message> messages;
    int64_t producer_id = kNoProducerId;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int attempts = 0;
  };
  struct InFlight {
    Batch batch;
    RpcClient* rpc = nullptr;
    int64_t correlation_id = -1;
    int32_t leader = kNoLeader;
  };
  struct PartitionQueue {
    std::deque<Message> pending;  // not yet in a batch
    std::deque<Batch> ready;      // built batches waiting to be (re)sent, in order
    sim::WaitQueue wake;
    int32_t next_sequence = 0;
    int64_t sequence_producer_id = kNoProducerId;
  };

  void sender_loop(TopicPartition tp);
  bool ensure_producer_id(sim::SimTime deadline);
  void reset_producer_id();
  void assign_sequence(PartitionQueue& q, Batch& batch);
  Batch build_batch(PartitionQueue& q);
  void fail(Batch& batch, Errc error);
  void expire(PartitionQueue& q, sim::SimTime now);

  sim::Node& node_;
  Config config_;
  ClientMetadata metadata_;
  std::map<TopicPartition, std::unique_ptr<PartitionQueue>> queues_;
  bool idempotent_;
  int16_t acks_;
  int64_t max_in_flight_;
  int64_t retries_;
  sim::Duration retry_backoff_;
  sim::Duration request_timeout_;
  sim::Duration delivery_timeout_;
  sim::Duration linger_;
  int64_t batch_num_messages_;
  int64_t batch_size_;
  int64_t producer_id_ = kNoProducerId;
  int16_t producer_epoch_ = -1;
  bool initializing_ = false;
  sim::WaitQueue producer_id_ready_;
};

}  // namespace kafkasim::kafka
