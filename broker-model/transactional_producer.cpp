#include "broker-model/transactional_producer.h"

#include "broker-model/offset_store.h"

namespace kafkasim::kafka {
namespace {

bool coordinator_retriable(Errc e) {
  return e == Errc::kCoordinatorNotAvailable || e == Errc::kNotCoordinator || e == Errc::kCoordinatorLoadInProgress;
}

}  // namespace

const char* to_string(TxnErrorClass c) {
  switch (c) {
    case TxnErrorClass::kNone: return "none";
    case TxnErrorClass::kRetriable: return "retriable";
    case TxnErrorClass::kAbortable: return "abortable";
    case TxnErrorClass::kFatal: return "fatal";
  }
  return "?";
}

TransactionalProducer::TransactionalProducer(sim::Node& node, std::vector<int32_t> bootstrap, Config config)
    : node_(node), config_(config), producer_(node, bootstrap, config), bootstrap_(std::move(bootstrap)) {
  transactional_id_ = config_.get_string("transactional.id");
  transaction_timeout_ms_ = config_.get_int("transaction.timeout.ms");
  retry_backoff_ = sim::milliseconds(config_.get_long("retry.backoff.ms"));
  producer_.set_transactional(transactional_id_);
}

bool TransactionalProducer::find_coordinator(sim::SimTime deadline) {
  if (bootstrap_.empty()) return false;
  const int32_t node = bootstrap_[next_bootstrap_++ % bootstrap_.size()];
  RpcClient rpc(node_, node, kBrokerPort);
  auto req = std::make_unique<FindCoordinatorRequest>();
  req->key_type = FindCoordinatorRequest::KeyType::kTransaction;
  req->key = transactional_id_;
  auto resp = rpc.call<FindCoordinatorResponse>(std::move(req), std::min(deadline, sim::now() + sim::seconds(5)));
  if (!resp || resp->error != Errc::kNone || resp->node < 0) return false;
  if (!coordinator_ || coordinator_->destination() != resp->node) {
    coordinator_ = std::make_unique<RpcClient>(node_, resp->node, kBrokerPort);
  }
  return true;
}

template <typename Resp, typename Req>
std::unique_ptr<Resp> TransactionalProducer::coordinator_call(const Req& request, sim::SimTime deadline) {
  const sim::Duration request_timeout = sim::milliseconds(config_.get_long("request.timeout.ms"));
  while (sim::now() < deadline) {
    if (!coordinator_ && !find_coordinator(deadline)) {
      sim::sleep_until(std::min(deadline, sim::now() + retry_backoff_));
      continue;
    }
    auto resp = coordinator_->call<Resp>(std::make_unique<Req>(request), std::min(deadline, sim::now() + request_timeout));
    if (!resp || coordinator_retriable(resp->error)) {
      coordinator_.reset();  // find it again
      sim::sleep_until(std::min(deadline, sim::now() + retry_backoff_));
      continue;
    }
    if (resp->error == Errc::kConcurrentTransactions) {
      sim::sleep_until(std::min(deadline, sim::now() + retry_backoff_));
      continue;
    }
    return resp;
  }
  return nullptr;
}

TxnError TransactionalProducer::set_error(Errc code, bool coordinator) {
  TxnError e;
  e.code = code;
  // librdkafka: INVALID_TXN_STATE is fatal from a partition leader's
  // produce answer (KIP-890 verification) as from the coordinator.
  const bool fenced = code == Errc::kProducerFenced || code == Errc::kInvalidProducerEpoch ||
                      code == Errc::kTransactionCoordinatorFenced || code == Errc::kInvalidTxnState;
  const bool fatal = fenced || (coordinator && (code == Errc::kInvalidProducerIdMapping ||
                                                code == Errc::kInvalidTransactionTimeout));
  e.kind = fatal ? TxnErrorClass::kFatal : TxnErrorClass::kAbortable;
  if (state_ != State::kFatal) {
    state_ = fatal ? State::kFatal : State::kAbortable;
    last_error_ = e;
  }
  if (fatal) {
    sim::Simulation::current()->record(node_.id(), node_.name() + " transactional producer " + transactional_id_ +
                                                       " fatal error: " + errc_name(code));
  }
  return state_ == State::kFatal ? last_error_ : e;
}

TxnError TransactionalProducer::init_producer_id(sim::SimTime deadline, bool bump) {
  InitProducerIdRequest req;
  req.transactional_id = transactional_id_;
  req.transaction_timeout_ms = transaction_timeout_ms_;
  if (bump) {
    req.producer_id = pid_;
    req.producer_epoch = epoch_;
  }
  auto resp = coordinator_call<InitProducerIdResponse>(req, deadline);
  if (!resp) return TxnError{TxnErrorClass::kRetriable, Errc::kRequestTimedOut};
  if (resp->error != Errc::kNone) return set_error(resp->error, /*coordinator=*/true);
  pid_ = resp->producer_id;
  epoch_ = resp->producer_epoch;
  producer_.set_producer_id(pid_, epoch_);
  return TxnError{};
}

TxnError TransactionalProducer::init_transactions(sim::Duration timeout) {
  if (state_ == State::kFatal) return last_error_;
  if (state_ != State::kUninitialized) return TxnError{};
  TxnError e = init_producer_id(sim::now() + timeout, /*bump=*/false);
  if (e.ok()) state_ = State::kReady;
  return e;
}

TxnError TransactionalProducer::begin_transaction() {
  if (state_ == State::kFatal || state_ == State::kAbortable) return last_error_;
  if (state_ != State::kReady) return TxnError{TxnErrorClass::kFatal, Errc::kInvalidTxnState};
  state_ = State::kInTransaction;
  partitions_.clear();
  deliveries_.clear();
  commit_requested_ = false;
  return TxnError{};
}

std::shared_ptr<Delivery> TransactionalProducer::send(const TopicPartition& tp, std::string key, std::string value,
                                                      TxnError* error) {
  *error = TxnError{};
  if (state_ == State::kInTransaction && producer_.epoch_bump_required()) {
    *error = set_error(Errc::kOutOfOrderSequenceNumber, /*coordinator=*/false);
    return nullptr;
  }
  if (state_ != State::kInTransaction) {
    *error = state_ == State::kFatal || state_ == State::kAbortable ? last_error_
                                                                    : TxnError{TxnErrorClass::kFatal, Errc::kInvalidTxnState};
    return nullptr;
  }
  if (!partitions_.count(tp)) {
    AddPartitionsToTxnRequest req;
    req.transactional_id = transactional_id_;
    req.producer_id = pid_;
    req.producer_epoch = epoch_;
    req.partitions.push_back(tp);
    auto resp = coordinator_call<AddPartitionsToTxnResponse>(req, sim::now() + sim::milliseconds(transaction_timeout_ms_));
    if (!resp) {
      *error = set_error(Errc::kRequestTimedOut, /*coordinator=*/false);
      return nullptr;
    }
    if (resp->error != Errc::kNone) {
      *error = set_error(resp->error, /*coordinator=*/true);
      return nullptr;
    }
    partitions_.insert(tp);
  }
  auto delivery = producer_.send(tp, std::move(key), std::move(value));
  deliveries_.push_back(delivery);
  return delivery;
}

Errc TransactionalProducer::flush(sim::SimTime deadline) {
  Errc first = Errc::kNone;
  for (const auto& d : deliveries_) {
    if (!d->wait(deadline)) return Errc::kRequestTimedOut;
    if (first == Errc::kNone && d->report().status != DeliveryReport::Status::kPersisted) {
      first = d->report().error == Errc::kNone ? Errc::kRequestTimedOut : d->report().error;
    }
  }
  return first;
}

bool TransactionalProducer::find_group_coordinator(const std::string& group_id, sim::SimTime deadline) {
  if (bootstrap_.empty()) return false;
  const int32_t node = bootstrap_[next_bootstrap_++ % bootstrap_.size()];
  RpcClient rpc(node_, node, kBrokerPort);
  auto req = std::make_unique<FindCoordinatorRequest>();
  req->key_type = FindCoordinatorRequest::KeyType::kGroup;
  req->key = group_id;
  auto resp = rpc.call<FindCoordinatorResponse>(std::move(req), std::min(deadline, sim::now() + sim::seconds(5)));
  if (!resp || resp->error != Errc::kNone || resp->node < 0) return false;
  if (!group_coordinator_ || group_coordinator_->destination() != resp->node) {
    group_coordinator_ = std::make_unique<RpcClient>(node_, resp->node, kBrokerPort);
  }
  return true;
}

TxnError TransactionalProducer::send_offsets_to_transaction(
    const std::vector<OffsetCommitRequest::PartitionOffset>& offsets, const ConsumerGroupMetadata& group,
    sim::Duration timeout) {
  if (state_ == State::kFatal || state_ == State::kAbortable) return last_error_;
  if (state_ != State::kInTransaction) return TxnError{TxnErrorClass::kFatal, Errc::kInvalidTxnState};
  if (offsets.empty()) return TxnError{};
  const sim::SimTime deadline = sim::now() + timeout;
  const TopicPartition offsets_tp{kOffsetsTopic, -1};  // stands for the group's partition in partitions_
  AddOffsetsToTxnRequest add;
  add.transactional_id = transactional_id_;
  add.producer_id = pid_;
  add.producer_epoch = epoch_;
  add.group_id = group.group_id;
  auto added = coordinator_call<AddOffsetsToTxnResponse>(add, deadline);
  if (!added) return TxnError{TxnErrorClass::kRetriable, Errc::kRequestTimedOut};
  if (added->error != Errc::kNone) return set_error(added->error, /*coordinator=*/true);
  partitions_.insert(offsets_tp);
  TxnOffsetCommitRequest req;
  req.transactional_id = transactional_id_;
  req.group_id = group.group_id;
  req.producer_id = pid_;
  req.producer_epoch = epoch_;
  req.generation_id = group.generation_id;
  req.member_id = group.member_id;
  req.offsets = offsets;
  const sim::Duration request_timeout = sim::milliseconds(config_.get_long("request.timeout.ms"));
  while (sim::now() < deadline) {
    if (!group_coordinator_ && !find_group_coordinator(group.group_id, deadline)) {
      sim::sleep_until(std::min(deadline, sim::now() + retry_backoff_));
      continue;
    }
    auto resp = group_coordinator_->call<TxnOffsetCommitResponse>(std::make_unique<TxnOffsetCommitRequest>(req),
                                                                  std::min(deadline, sim::now() + request_timeout));
    if (!resp || coordinator_retriable(resp->error) || resp->error == Errc::kRequestTimedOut) {
      group_coordinator_.reset();
      sim::sleep_until(std::min(deadline, sim::now() + retry_backoff_));
      continue;
    }
    if (resp->error == Errc::kNone) return TxnError{};
    // ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS:
    // abortable; PRODUCER_FENCED, INVALID_TXN_STATE: fatal.
    return set_error(resp->error, /*coordinator=*/true);
  }
  // The offsets may or may not be pending: the transaction cannot commit.
  return set_error(Errc::kRequestTimedOut, /*coordinator=*/false);
}

TxnError TransactionalProducer::commit_transaction(sim::Duration timeout) {
  if (state_ == State::kFatal || state_ == State::kAbortable) return last_error_;
  if (state_ != State::kInTransaction) return TxnError{TxnErrorClass::kFatal, Errc::kInvalidTxnState};
  const sim::SimTime deadline = sim::now() + timeout;
  const Errc delivery = flush(deadline);
  if (delivery == Errc::kRequestTimedOut && sim::now() >= deadline) {
    return TxnError{TxnErrorClass::kRetriable, Errc::kRequestTimedOut};
  }
  if (delivery != Errc::kNone) return set_error(delivery, /*coordinator=*/false);
  if (producer_.epoch_bump_required()) return set_error(Errc::kOutOfOrderSequenceNumber, /*coordinator=*/false);
  if (partitions_.empty()) {
    state_ = State::kReady;
    return TxnError{};
  }
  EndTxnRequest req;
  req.transactional_id = transactional_id_;
  req.producer_id = pid_;
  req.producer_epoch = epoch_;
  req.commit = true;
  commit_requested_ = true;
  auto resp = coordinator_call<EndTxnResponse>(req, deadline);
  if (!resp) return TxnError{TxnErrorClass::kRetriable, Errc::kRequestTimedOut};
  if (resp->error != Errc::kNone) return set_error(resp->error, /*coordinator=*/true);
  state_ = State::kReady;
  return TxnError{};
}

TxnError TransactionalProducer::abort_transaction(sim::Duration timeout) {
  if (state_ == State::kFatal) return last_error_;
  if (state_ != State::kInTransaction && state_ != State::kAbortable) return TxnError{};
  const sim::SimTime deadline = sim::now() + timeout;
  producer_.purge_queued();
  for (const auto& d : deliveries_) {
    if (!d->wait(deadline)) return TxnError{TxnErrorClass::kRetriable, Errc::kRequestTimedOut};
  }
  if (!partitions_.empty()) {
    EndTxnRequest req;
    req.transactional_id = transactional_id_;
    req.producer_id = pid_;
    req.producer_epoch = epoch_;
    req.commit = false;
    auto resp = coordinator_call<EndTxnResponse>(req, deadline);
    if (!resp) return TxnError{TxnErrorClass::kRetriable, Errc::kRequestTimedOut};
    if (resp->error != Errc::kNone) return set_error(resp->error, /*coordinator=*/true);
  }
  if (producer_.epoch_bump_required()) {
    // KIP-360: the idempotence error that made the transaction abortable
    // left a gap in the sequences; start this producer id over at a new epoch.
    TxnError e = init_producer_id(deadline, /*bump=*/true);
    if (!e.ok()) return e;
  }
  state_ = State::kReady;
  partitions_.clear();
  deliveries_.clear();
  return TxnError{};
}

}  // namespace kafkasim::kafka
