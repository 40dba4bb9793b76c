// A broker's way to the active controller (KIP-631 over a KIP-595 quorum):
// requests go to the controller it believes active; NOT_CONTROLLER moves it
// to the leader named in the answer, and no answer (or a timeout while the
// quorum elects) moves it to the next voter, until the deadline.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "broker-model/protocol.h"
#include "broker-model/rpc.h"
#include "sim/simulation.h"

namespace kafkasim::kafka {

class ControllerChannel {
 public:
  // `controllers`: the sim nodes of the voters, controller-1 first.
  ControllerChannel(sim::Node& self, std::vector<int32_t> controllers);

  // Sends `request` to the active controller, retrying on other voters
  // until an answer that is not NOT_CONTROLLER / REQUEST_TIMED_OUT, or
  // `deadline`. Resp must have `error` and `leader_hint`.
  template <typename Resp, typename Req>
  std::unique_ptr<Resp> call(std::unique_ptr<Req> request, sim::SimTime deadline) {
    for (;;) {
      auto copy = std::make_unique<Req>(*request);
      const int32_t node = current_;
      auto resp = connection(node).template call<Resp>(std::move(copy), std::min(deadline, sim::now() + kAttempt));
      if (resp && resp->error != Errc::kNotController && resp->error != Errc::kRequestTimedOut) return resp;
      if (sim::now() >= deadline) return resp;
      moved(node, resp ? resp->leader_hint : -1);
    }
  }

 private:
  static constexpr sim::Duration kAttempt = sim::milliseconds(3000);
  RpcClient& connection(int32_t node);
  // The attempt at `node` failed; `hint` names the leader it knows (-1).
  void moved(int32_t node, int32_t hint);

  sim::Node& self_;
  std::vector<int32_t> controllers_;
  int32_t current_;
  std::map<int32_t, std::unique_ptr<RpcClient>> connections_;
};

}  // namespace kafkasim::kafka
