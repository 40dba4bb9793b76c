#include "harness/ride_sharing_gateway.h"

namespace kafkasim::harness {

void PaymentGateway::serve(sim::Node& node) {
  sim::Listener* listener = &sim::Simulation::current()->network().listen(node.id(), kPort);
  node.spawn("gateway-accept", [this, listener, &node] {
    for (;;) {
      sim::Socket socket = listener->accept();
      if (!socket.valid()) continue;
      node.spawn("gateway-connection", [this, socket] { handle(socket); }, /*daemon=*/true);
    }
  }, /*daemon=*/true);
}

void PaymentGateway::handle(sim::Socket socket) {
  for (;;) {
    sim::Socket::Received got = socket.receive();
    if (got.status != sim::Socket::Status::kMessage) return;
    const auto* request = dynamic_cast<const ChargeRequest*>(got.message.get());
    if (!request) continue;
    auto response = std::make_unique<ChargeResponse>();
    response->trip = request->trip;
    const bool keyed = options_.idempotency && !request->idempotency_key.empty();
    if (!keyed || !by_key_.count(request->idempotency_key)) {
      if (keyed) by_key_[request->idempotency_key] = ledger_.size();
      ledger_.push_back(checker::LedgerEntry{request->trip, request->idempotency_key, request->amount,
                                             sim::to_ms(sim::now())});
      response->booked = true;
    }
    if (rng_.unit() < options_.slow_ratio) sim::sleep_for(options_.slow_delay);
    socket.send(std::move(response));
  }
}

ChargeOutcome charge(sim::Node& from, std::int32_t gateway_node, const std::string& trip, const std::string& idempotency_key,
                     std::int64_t amount, sim::Duration timeout) {
  sim::Simulation* sim = sim::Simulation::current();
  const sim::SimTime deadline = sim::now() + timeout;
  sim::ConnectError error = sim::ConnectError::kOk;
  sim::Socket socket = sim->network().connect(from.id(), gateway_node, PaymentGateway::kPort,
                                              timeout, &error);
  if (!socket.valid()) return ChargeOutcome::kUnreachable;
  auto request = std::make_unique<ChargeRequest>();
  request->trip = trip;
  request->idempotency_key = idempotency_key;
  request->amount = amount;
  socket.send(std::move(request));
  for (;;) {
    sim::Socket::Received got = socket.receive(deadline);
    if (got.status == sim::Socket::Status::kTimeout) {
      socket.close();
      return ChargeOutcome::kNoAnswer;
    }
    if (got.status == sim::Socket::Status::kClosed) return ChargeOutcome::kNoAnswer;
    if (const auto* r = dynamic_cast<const ChargeResponse*>(got.message.get()); r && r->trip == trip) {
      socket.close();
      return ChargeOutcome::kCharged;
    }
  }
}

}  // namespace kafkasim::harness
