#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "harness/ride_sharing_gateway.h"

using namespace kafkasim;
using namespace kafkasim::harness;

namespace {

// A billing client that charges trip "r1-1" until the gateway answers,
// `timeout` per attempt, against a gateway whose first answer is late.
struct GatewayRun {
  GatewayRun(bool idempotency, double slow_ratio, sim::Duration timeout) : sim(options()) {
    gateway = std::make_shared<PaymentGateway>(GatewayOptions{idempotency, slow_ratio, sim::seconds(2)},
                                               sim.stream("payment-gateway"));
    auto g = gateway;
    sim::Node& gw = sim.add_node("payment-gateway", [g](sim::Node& n) { g->serve(n); });
    const int32_t gw_id = gw.id();
    auto out = outcomes;
    sim::Node& billing = sim.add_node("billing-1", [gw_id, out, timeout](sim::Node& n) {
      n.spawn("charge", [&n, gw_id, out, timeout] {
        for (int attempt = 0; attempt < 5; ++attempt) {
          out->push_back(charge(n, gw_id, "r1-1", "r1-1", 12, timeout));
          if (out->back() == ChargeOutcome::kCharged) return;
        }
      });
    });
    sim.start(gw);
    sim.start(billing);
    sim.run_until(sim::seconds(30));
  }
  static sim::SimulationOptions options() {
    sim::SimulationOptions o;
    o.seed = 7;
    return o;
  }
  sim::Simulation sim;
  std::shared_ptr<PaymentGateway> gateway;
  std::shared_ptr<std::vector<ChargeOutcome>> outcomes = std::make_shared<std::vector<ChargeOutcome>>();
};

}  // namespace

TEST_CASE("a charge the gateway answers in time is booked once") {
  GatewayRun run(true, 0, sim::seconds(1));
  REQUIRE(*run.outcomes == std::vector<ChargeOutcome>{ChargeOutcome::kCharged});
  REQUIRE(run.gateway->ledger().size() == 1);
  CHECK(run.gateway->ledger()[0].trip == "r1-1");
  CHECK(run.gateway->ledger()[0].amount == 12);
}

TEST_CASE("a retried charge that timed out is booked twice without idempotency and once with it") {
  // Every answer takes 2 s, the client waits 1 s: each attempt times out
  // after the gateway has booked it.
  GatewayRun without(false, 1.0, sim::seconds(1));
  CHECK(without.outcomes->size() == 5);
  CHECK(without.outcomes->front() == ChargeOutcome::kNoAnswer);
  CHECK(without.gateway->ledger().size() == 5);

  GatewayRun with(true, 1.0, sim::seconds(1));
  CHECK(with.outcomes->size() == 5);
  CHECK(with.gateway->ledger().size() == 1);
  CHECK(with.gateway->ledger()[0].idempotency_key == "r1-1");
}
