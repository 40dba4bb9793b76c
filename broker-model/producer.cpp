#include "broker-model/producer.h"

#include <algorithm>

#include "broker-model/protocol.h"

namespace kafkasim::kafka {

bool Delivery::wait(sim::SimTime deadline) {
  while (!done()) {
    if (!waiters_.wait(deadline)) return done();
  }
  return true;
}

void Delivery::complete(DeliveryReport report) {
  if (done()) return;
  report_ = report;
  waiters_.notify_all();
}

Producer::Producer(sim::Node& node, std::vector<int32_t> bootstrap, Config config)
    : node_(node), config_(std::move(config)), metadata_(node, std::move(bootstrap)) {
  idempotent_ = config_.get_bool("enable.idempotence");
  acks_ = static_cast<int16_t>(config_.get_long("acks"));
  max_in_flight_ = config_.get_long("max.in.flight.requests.per.connection");
  if (idempotent_) max_in_flight_ = std::min<int64_t>(max_in_flight_, 5);
  retries_ = config_.get_long("retries");
  retry_backoff_ = sim::milliseconds(config_.get_long("retry.backoff.ms"));
  request_timeout_ = sim::milliseconds(config_.get_long("request.timeout.ms"));
  delivery_timeout_ = sim::milliseconds(config_.get_long("delivery.timeout.ms"));
  linger_ = static_cast<sim::Duration>(config_.get_double("linger.ms") * 1e6);
  batch_num_messages_ = config_.get_long("batch.num.messages");
  batch_size_ = config_.get_long("batch.size");
}

Producer::~Producer() = default;

std::shared_ptr<Delivery> Producer::send(const TopicPartition& tp, std::string key, std::string value) {
  auto delivery = std::make_shared<Delivery>();
  auto& q = queues_[tp];
  if (!q) {
    q = std::make_unique<PartitionQueue>();
    node_.spawn("producer-sender " + tp.str(), [this, tp] { sender_loop(tp); }, /*daemon=*/true);
  }
  q->pending.push_back(Message{std::move(key), std::move(value), sim::now(), false, delivery, purge_generation_});
  q->wake.notify_all();
  return delivery;
}

std::shared_ptr<Delivery> Producer::send_tombstone(const TopicPartition& tp, std::string key) {
  std::shared_ptr<Delivery> delivery = send(tp, std::move(key), "");
  queues_[tp]->pending.back().null_value = true;
  return delivery;
}

void Producer::set_producer_id(int64_t producer_id, int16_t producer_epoch) {
  producer_id_ = producer_id;
  producer_epoch_ = producer_epoch;
  bump_required_ = false;
  producer_id_ready_.notify_all();
  for (auto& [tp, q] : queues_) q->wake.notify_all();
}

void Producer::purge_queued() {
  ++purge_generation_;
  for (auto& [tp, q] : queues_) {
    for (Message& m : q->pending) {
      DeliveryReport r;
      r.status = DeliveryReport::Status::kNotPersisted;
      r.error = Errc::kRequestTimedOut;
      m.delivery->complete(r);
    }
    q->pending.clear();
    for (Batch& b : q->ready) {
      // A batch sent before leaves a gap in the sequence (it may still be
      // in flight): the epoch must be bumped before the next transaction.
      if (b.base_sequence >= 0) bump_required_ = true;
      fail(b, Errc::kRequestTimedOut);
    }
    q->ready.clear();
  }
}

bool Producer::ensure_producer_id(sim::SimTime deadline) {
  if (!idempotent_ || producer_id_ >= 0) return true;
  if (!transactional_id_.empty()) {
    // The transactional producer sets it (init_transactions, epoch bump).
    while (producer_id_ < 0) {
      if (!producer_id_ready_.wait(deadline)) return false;
    }
    return true;
  }
  if (initializing_) {
    while (initializing_) {
      if (!producer_id_ready_.wait(deadline)) return false;
    }
    return producer_id_ >= 0;
  }
  initializing_ = true;
  auto resp = metadata_.any_connection().call<InitProducerIdResponse>(std::make_unique<InitProducerIdRequest>(),
                                                                       std::min(deadline, sim::now() + request_timeout_));
  if (resp && resp->error == Errc::kNone) {
    producer_id_ = resp->producer_id;
    producer_epoch_ = resp->producer_epoch;
  }
  initializing_ = false;
  producer_id_ready_.notify_all();
  return producer_id_ >= 0;
}

void Producer::reset_producer_id() {
  if (!transactional_id_.empty()) bump_required_ = true;
  producer_id_ = kNoProducerId;
  producer_epoch_ = -1;
}

void Producer::assign_sequence(PartitionQueue& q, Batch& batch) {
  if (!idempotent_) return;
  if (batch.producer_id == producer_id_ && batch.producer_epoch == producer_epoch_ && batch.base_sequence >= 0) return;
  if (q.sequence_producer_id != producer_id_ || q.sequence_producer_epoch != producer_epoch_) {
    q.sequence_producer_id = producer_id_;
    q.sequence_producer_epoch = producer_epoch_;
    q.next_sequence = 0;
  }
  batch.producer_id = producer_id_;
  batch.producer_epoch = producer_epoch_;
  batch.base_sequence = q.next_sequence;
  q.next_sequence += static_cast<int32_t>(batch.messages.size());
}

Producer::Batch Producer::build_batch(PartitionQueue& q) {
  Batch batch;
  int64_t bytes = 0;
  while (!q.pending.empty() && static_cast<int64_t>(batch.messages.size()) < batch_num_messages_) {
    const Message& m = q.pending.front();
    const int64_t size = static_cast<int64_t>(m.key.size() + m.value.size()) + 20;
    if (!batch.messages.empty() && bytes + size > batch_size_) break;
    bytes += size;
    batch.messages.push_back(std::move(q.pending.front()));
    q.pending.pop_front();
  }
  return batch;
}

void Producer::fail(Batch& batch, Errc error) {
  for (Message& m : batch.messages) {
    DeliveryReport r;
    r.status = m.maybe_written ? DeliveryReport::Status::kPossiblyPersisted : DeliveryReport::Status::kNotPersisted;
    r.error = error;
    m.delivery->complete(r);
  }
}

void Producer::expire(PartitionQueue& q, sim::SimTime now) {
  // delivery.timeout.ms counts from the send() call (librdkafka's
  // message.timeout.ms).
  while (!q.pending.empty() && now - q.pending.front().enqueued >= delivery_timeout_) {
    DeliveryReport r;
    r.status = DeliveryReport::Status::kNotPersisted;
    r.error = Errc::kRequestTimedOut;
    q.pending.front().delivery->complete(r);
    q.pending.pop_front();
  }
  bool sequenced_expired = false;
  while (!q.ready.empty() && now - q.ready.front().messages.front().enqueued >= delivery_timeout_) {
    sequenced_expired |= q.ready.front().base_sequence >= 0;
    fail(q.ready.front(), Errc::kRequestTimedOut);
    q.ready.pop_front();
  }
  // A failed batch leaves a gap in the sequence: librdkafka then drains and
  // starts over with a new producer id (KIP-360 style epoch bump).
  if (sequenced_expired) reset_producer_id();
}

void Producer::sender_loop(TopicPartition tp) {
  PartitionQueue& q = *queues_[tp];
  std::deque<InFlight> inflight;
  std::vector<Batch> retry;
  bool error_round = false;
  bool sequence_gap = false;  // a sequenced batch of this window failed for good
  for (;;) {
    if (inflight.empty()) {
      while (q.pending.empty() && q.ready.empty()) q.wake.wait();
      expire(q, sim::now());
      if (q.pending.empty() && q.ready.empty()) continue;
      if (q.ready.empty()) {
        // linger.ms: wait for more messages unless a batch is full.
        const sim::SimTime due = q.pending.front().enqueued + linger_;
        while (sim::now() < due && static_cast<int64_t>(q.pending.size()) < batch_num_messages_) q.wake.wait(due);
      }
      if (!ensure_producer_id(sim::now() + request_timeout_)) {
        sim::sleep_for(retry_backoff_);
        continue;
      }
    }
    const PartitionState* state = metadata_.partition(tp);
    RpcClient* rpc = state != nullptr && state->leader != kNoLeader ? metadata_.connection(state->leader) : nullptr;
    if (rpc == nullptr && inflight.empty()) {
      metadata_.refresh(sim::now() + request_timeout_);
      state = metadata_.partition(tp);
      rpc = state != nullptr && state->leader != kNoLeader ? metadata_.connection(state->leader) : nullptr;
      if (rpc == nullptr) {
        sim::sleep_for(retry_backoff_);
        continue;
      }
    }
    // Fill the window, unless an error this round means resending in order.
    while (!error_round && rpc != nullptr && static_cast<int64_t>(inflight.size()) < max_in_flight_ &&
           (!q.ready.empty() || !q.pending.empty()) && (!idempotent_ || producer_id_ >= 0)) {
      Batch batch;
      if (!q.ready.empty()) {
        batch = std::move(q.ready.front());
        q.ready.pop_front();
        if (batch.messages.front().purge_generation != purge_generation_) {
          if (batch.base_sequence >= 0) bump_required_ = true;
          fail(batch, Errc::kRequestTimedOut);  // purged by abort_transaction
          continue;
        }
      } else {
        batch = build_batch(q);
      }
      assign_sequence(q, batch);
      auto req = std::make_unique<ProduceRequest>();
      req->acks = acks_;
      req->timeout_ms = static_cast<int32_t>(request_timeout_ / sim::milliseconds(1));
      ProduceRequest::PartitionData pd;
      pd.tp = tp;
      pd.batch.producer_id = batch.producer_id;
      pd.batch.producer_epoch = batch.producer_epoch;
      pd.batch.base_sequence = batch.base_sequence;
      pd.batch.transactional = !transactional_id_.empty();
      req->transactional_id = transactional_id_;
      for (const Message& m : batch.messages) pd.batch.records.push_back(Record{m.key, m.value, node_.local_now() / sim::milliseconds(1), m.null_value});
      req->partitions.push_back(std::move(pd));
      ++batch.attempts;
      InFlight f;
      f.rpc = rpc;
      f.leader = state->leader;
      f.correlation_id = rpc->send(std::move(req), sim::now() + request_timeout_);
      if (acks_ == 0 && f.correlation_id >= 0) {
        for (Message& m : batch.messages) {
          DeliveryReport r;
          r.status = DeliveryReport::Status::kPossiblyPersisted;
          m.delivery->complete(r);
        }
        continue;
      }
      f.batch = std::move(batch);
      const bool sent = f.correlation_id >= 0;
      inflight.push_back(std::move(f));
      if (!sent) break;
    }
    if (inflight.empty()) continue;

    InFlight f = std::move(inflight.front());
    inflight.pop_front();
    std::unique_ptr<ProduceResponse> resp;
    if (f.correlation_id >= 0) {
      std::unique_ptr<Response> r = f.rpc->await(f.correlation_id, sim::now() + request_timeout_);
      if (r && r->api == ApiKey::kProduce) resp.reset(static_cast<ProduceResponse*>(r.release()));
    }
    Errc error = Errc::kRequestTimedOut;
    int64_t base_offset = kNoOffset;
    if (resp && !resp->partitions.empty()) {
      error = resp->partitions.front().error;
      base_offset = resp->partitions.front().base_offset;
    } else if (f.correlation_id >= 0) {
      // Sent without an answer: it may have been written.
      for (Message& m : f.batch.messages) m.maybe_written = true;
    }
    if (error == Errc::kNone || error == Errc::kDuplicateSequenceNumber) {
      if (base_offset >= 0) {
        // For reports: which broker acknowledged which offsets to this producer.
        const int64_t last = base_offset + static_cast<int64_t>(f.batch.messages.size()) - 1;
        sim::Simulation::current()->record_detail(node_.id(), base_offset, last, [&] {
          return node_.name() + " got offsets " + std::to_string(base_offset) + ".." + std::to_string(last) + " of " +
                 tp.str() + " acknowledged by broker-" + std::to_string(f.leader);
        });
      }
      for (size_t i = 0; i < f.batch.messages.size(); ++i) {
        DeliveryReport r;
        r.status = DeliveryReport::Status::kPersisted;
        r.offset = base_offset >= 0 ? base_offset + static_cast<int64_t>(i) : kNoOffset;
        f.batch.messages[i].delivery->complete(r);
      }
    } else {
      if (error == Errc::kNotEnoughReplicasAfterAppend || error == Errc::kRequestTimedOut) {
        for (Message& m : f.batch.messages) m.maybe_written = true;
      }
      // librdkafka (rdkafka_request.c): OUT_OF_ORDER_SEQUENCE_NUMBER at the head
      // of the line fails the batch (possibly persisted); behind a batch that
      // failed for good it is caused by that gap ("skipped sequence numbers"):
      // bump the epoch (here: a new producer id) and retry the batch.
      const bool skipped = error == Errc::kOutOfOrderSequenceNumber && sequence_gap;
      bool retriable = is_retriable(error) || error == Errc::kUnknownProducerId ||
                       (error == Errc::kOutOfOrderSequenceNumber && (error_round || skipped));
      if (error == Errc::kUnknownProducerId) reset_producer_id();
      if (error == Errc::kOutOfOrderSequenceNumber && !error_round) reset_producer_id();
      if (retriable && f.batch.attempts <= retries_) {
        retry.push_back(std::move(f.batch));
        error_round = true;
      } else {
        fail(f.batch, error);
        sequence_gap |= f.batch.base_sequence >= 0;
        // librdkafka (conformance table, docs/real-clients.md): after a
        // sequenced batch fails for good with nothing else in flight, the
        // next batch starts a new sequence (an epoch bump, KIP-360) instead
        // of running into the gap with OUT_OF_ORDER_SEQUENCE_NUMBER.
        if (f.batch.base_sequence >= 0 && inflight.empty() && !error_round) reset_producer_id();
      }
    }
    if (inflight.empty()) sequence_gap = false;
    if (inflight.empty() && error_round) {
      // Resend the failed batches first, in their original order.
      for (auto it = retry.rbegin(); it != retry.rend(); ++it) q.ready.push_front(std::move(*it));
      retry.clear();
      error_round = false;
      metadata_.refresh(sim::now() + request_timeout_);
      sim::sleep_for(retry_backoff_);
    }
  }
}

}  // namespace kafkasim::kafka
