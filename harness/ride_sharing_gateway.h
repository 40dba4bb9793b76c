// The ride-sharing system's payment gateway (docs/ride-sharing.md): an
// external system, outside Kafka, with its own ledger, reached over the
// simulated network. Billing charges a trip with a ChargeRequest; the
// gateway books the charge and answers. Its answer can come too late: with
// probability `slow_ratio` it answers only after `slow_delay`, so a client
// waiting less than that times out on a charge the ledger has booked (the
// case an idempotency key exists for).
//
// With idempotency on, a charge whose idempotency key the ledger has seen
// is answered ok and not booked again (as payment APIs' Idempotency-Key);
// with it off, or for a request without a key, every request is booked.
// The ledger is durable: it survives the gateway node's crashes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checker/ride_sharing.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

struct ChargeRequest : sim::Message {
  std::string trip;
  std::string idempotency_key;  // empty: none
  std::int64_t amount = 0;
  std::string describe() const override { return "Charge " + trip; }
};

struct ChargeResponse : sim::Message {
  std::string trip;
  bool booked = false;  // false: answered from the idempotency record
  std::string describe() const override { return "Charged " + trip; }
};

struct GatewayOptions {
  bool idempotency = true;
  double slow_ratio = 0;
  sim::Duration slow_delay = sim::seconds(2);
};

class PaymentGateway {
 public:
  static constexpr int kPort = 7443;

  // `rng`: the gateway's own stream of the run's seed.
  PaymentGateway(GatewayOptions options, sim::Prng rng) : options_(options), rng_(rng) {}

  // The gateway node's program: listens on kPort and serves each
  // connection in a fiber of the node's incarnation.
  void serve(sim::Node& node);

  const std::vector<checker::LedgerEntry>& ledger() const { return ledger_; }

 private:
  void handle(sim::Socket socket);

  GatewayOptions options_;
  sim::Prng rng_;
  std::vector<checker::LedgerEntry> ledger_;
  std::map<std::string, std::size_t> by_key_;  // idempotency key -> ledger index
};

enum class ChargeOutcome { kCharged, kNoAnswer, kUnreachable };

// One charge from a fiber of `from`: connects, sends, waits up to
// `timeout` for the answer. kNoAnswer (a timeout, or the gateway's
// connection closed) leaves the outcome unknown: the ledger may have
// booked it. kUnreachable: not connected, nothing was sent.
ChargeOutcome charge(sim::Node& from, std::int32_t gateway_node, const std::string& trip, const std::string& idempotency_key,
                     std::int64_t amount, sim::Duration timeout);

}  // namespace kafkasim::harness
