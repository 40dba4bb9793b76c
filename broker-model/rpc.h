// Request/response over the simulated network.
//
// RpcClient: the client end of one connection to one destination, shared by
// the fibers of one node. Requests are pipelined in send order; a receiver
// fiber matches responses to waiters by correlation id. A timeout or a
// broken connection closes the connection (as librdkafka does on a request
// timeout): every request still waiting gets no response, and the next call
// connects again.
//
// serve(): the server end. One fiber per accepted connection handles its
// requests one at a time, in order, and sends each response.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "broker-model/protocol.h"
#include "sim/simulation.h"
#include "sim/wait_queue.h"

namespace kafkasim::kafka {

class RpcClient {
 public:
  RpcClient(sim::Node& self, int32_t destination, int port);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  int32_t destination() const { return destination_; }

  // Sends and waits. nullptr when no response came by `deadline`.
  std::unique_ptr<Response> call(std::unique_ptr<Request> request, sim::SimTime deadline);

  template <typename Resp, typename Req>
  std::unique_ptr<Resp> call(std::unique_ptr<Req> request, sim::SimTime deadline) {
    std::unique_ptr<Response> r = call(std::unique_ptr<Request>(std::move(request)), deadline);
    if (!r || r->api != Resp::kApi) return nullptr;
    return std::unique_ptr<Resp>(static_cast<Resp*>(r.release()));
  }

  // Pipelining: send() returns a correlation id (or -1 if no connection could
  // be made by `deadline`); await() waits for that id's response.
  int64_t send(std::unique_ptr<Request> request, sim::SimTime deadline);
  std::unique_ptr<Response> await(int64_t correlation_id, sim::SimTime deadline);

  // Closes the connection; waiting requests get no response.
  void reset();
  bool connected() const;

 private:
  struct Connection;
  bool ensure_connected(sim::SimTime deadline);

  sim::Node& self_;
  int32_t destination_;
  int port_;
  std::shared_ptr<Connection> conn_;
  int64_t next_correlation_id_ = 1;
  sim::Duration connect_timeout_;
};

using Handler = std::function<std::unique_ptr<Response>(Request& request, int32_t peer_node)>;

// Listens on `port` of `node` (current incarnation) and answers requests
// with `handler`, which may park.
void serve(sim::Node& node, int port, Handler handler);

}  // namespace kafkasim::kafka
