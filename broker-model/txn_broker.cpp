// The broker's side of transactions: FindCoordinator, WriteTxnMarkers and
// KIP-890 part 1's verification, beside the coordinator (txn_coordinator.*).
#include "broker-model/broker.h"
#include "broker-model/protocol_txn.h"

namespace kafkasim::kafka {
namespace {
constexpr sim::Duration kVerifyTimeout = sim::seconds(5);
}  // namespace

void Broker::on_role_change(Partition& p) {
  if (p.tp().topic == kTransactionStateTopic) txn_coordinator_.on_role_change(p);
}

int32_t Broker::txn_coordinator_of(const std::string& transactional_id) const {
  const TopicInfo* topic = image_.topic(kTransactionStateTopic);
  if (topic == nullptr || topic->partitions <= 0) return kNoLeader;
  const PartitionState* state = image_.partition(
      TopicPartition{kTransactionStateTopic, transaction_state_partition(transactional_id, topic->partitions)});
  return state == nullptr ? kNoLeader : state->leader;
}

std::unique_ptr<Response> Broker::find_coordinator(const std::string& transactional_id) {
  auto resp = std::make_unique<FindCoordinatorResponse>();
  const int32_t leader = txn_coordinator_of(transactional_id);
  const BrokerRegistration* reg = leader == kNoLeader ? nullptr : image_.broker(leader);
  if (reg == nullptr || reg->fenced) {
    resp->error = Errc::kCoordinatorNotAvailable;
    return resp;
  }
  resp->node_id = leader;
  resp->node = node_of(leader);
  return resp;
}

std::unique_ptr<Response> Broker::write_txn_markers(const WriteTxnMarkersRequest& r) {
  auto resp = std::make_unique<WriteTxnMarkersResponse>();
  const sim::SimTime deadline = sim::now() + sim::seconds(5);
  for (const TopicPartition& tp : r.partitions) {
    resp->partitions.push_back(WriteTxnMarkersResponse::PartitionResult{tp, write_txn_marker(r, tp, deadline)});
  }
  return resp;
}

Errc Broker::write_txn_marker(const WriteTxnMarkersRequest& r, const TopicPartition& tp, sim::SimTime deadline) {
  Errc error = Errc::kNone;
  Partition* p = leader_partition(tp, &error);
  if (p != nullptr) error = p->write_marker(r, deadline);
  if (error == Errc::kNone && tp.topic == kOffsetsTopic) groups_.on_txn_marker(tp.partition, r.producer_id, r.commit);
  return error;
}

Errc Broker::verify_transaction(const std::string& transactional_id, int64_t producer_id, int16_t producer_epoch,
                                const TopicPartition& tp) {
  if (transactional_id.empty()) return Errc::kInvalidTxnState;
  AddPartitionsToTxnRequest req;
  req.transactional_id = transactional_id;
  req.producer_id = producer_id;
  req.producer_epoch = producer_epoch;
  req.partitions.push_back(tp);
  req.verify_only = true;
  const int32_t coordinator = txn_coordinator_of(transactional_id);
  if (coordinator == kNoLeader) return Errc::kCoordinatorNotAvailable;
  std::unique_ptr<Response> r;
  if (coordinator == id_) {
    r = txn_coordinator_.add_partitions(req);
  } else {
    const int32_t node = node_of(coordinator);
    if (node < 0) return Errc::kCoordinatorNotAvailable;
    r = txn_coordinator_.client(node).call(std::make_unique<AddPartitionsToTxnRequest>(req), sim::now() + kVerifyTimeout);
  }
  if (!r || r->api != ApiKey::kAddPartitionsToTxn) return Errc::kCoordinatorNotAvailable;
  const Errc error = static_cast<AddPartitionsToTxnResponse&>(*r).error;
  // The coordinator's own view may lag the leader's: retriable errors stay
  // retriable; anything else means the transaction is not ongoing here.
  if (error == Errc::kNone || is_retriable(error)) return error;
  return error == Errc::kProducerFenced ? Errc::kInvalidProducerEpoch : Errc::kInvalidTxnState;
}

}  // namespace kafkasim::kafka
