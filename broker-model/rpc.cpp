#include "broker-model/rpc.h"

namespace kafkasim::kafka {

struct RpcClient::Connection {
  int64_t first_correlation_id = 0;  // ids below it went out on older connections
  sim::Socket socket;
  bool broken = false;
  std::map<int64_t, std::unique_ptr<Response>> arrived;
  sim::WaitQueue waiters;
};

RpcClient::RpcClient(sim::Node& self, int32_t destination, int port)
    : self_(self), destination_(destination), port_(port), connect_timeout_(sim::milliseconds(1000)) {}

RpcClient::~RpcClient() {
  if (conn_) {
    conn_->socket.close();
    conn_->broken = true;
  }
}

bool RpcClient::connected() const { return conn_ && !conn_->broken && conn_->socket.open(); }

void RpcClient::reset() {
  if (!conn_) return;
  conn_->broken = true;
  conn_->socket.close();
  conn_->waiters.notify_all();
  conn_.reset();
}

bool RpcClient::ensure_connected(sim::SimTime deadline) {
  if (connected()) return true;
  reset();
  sim::Simulation& sim = *sim::Simulation::current();
  const sim::Duration timeout = std::min<sim::Duration>(connect_timeout_, std::max<sim::Duration>(deadline - sim.now(), 0));
  if (timeout <= 0) return false;
  sim::Socket socket = sim.network().connect(self_.id(), destination_, port_, timeout);
  if (!socket.valid()) return false;
  auto conn = std::make_shared<Connection>();
  conn->first_correlation_id = next_correlation_id_;
  conn->socket = socket;
  conn_ = conn;
  self_.spawn("rpc-receiver", [conn] {
    for (;;) {
      sim::Socket::Received got = conn->socket.receive();
      if (got.status != sim::Socket::Status::kMessage) {
        conn->broken = true;
        conn->waiters.notify_all();
        return;
      }
      auto* response = static_cast<Response*>(got.message.release());
      conn->arrived[response->correlation_id] = std::unique_ptr<Response>(response);
      conn->waiters.notify_all();
    }
  }, /*daemon=*/true);
  return true;
}

int64_t RpcClient::send(std::unique_ptr<Request> request, sim::SimTime deadline) {
  if (!ensure_connected(deadline)) return -1;
  const int64_t id = next_correlation_id_++;
  request->correlation_id = id;
  if (!conn_->socket.send(std::move(request))) {
    reset();
    return -1;
  }
  return id;
}

std::unique_ptr<Response> RpcClient::await(int64_t correlation_id, sim::SimTime deadline) {
  std::shared_ptr<Connection> conn = conn_;
  if (!conn || correlation_id < conn->first_correlation_id) return nullptr;
  for (;;) {
    auto it = conn->arrived.find(correlation_id);
    if (it != conn->arrived.end()) {
      std::unique_ptr<Response> r = std::move(it->second);
      conn->arrived.erase(it);
      return r;
    }
    if (conn->broken) return nullptr;
    if (!conn->waiters.wait(deadline) && !conn->arrived.count(correlation_id)) {
      if (conn_ == conn) reset();
      return nullptr;
    }
  }
}

std::unique_ptr<Response> RpcClient::call(std::unique_ptr<Request> request, sim::SimTime deadline) {
  return await(send(std::move(request), deadline), deadline);
}

void serve(sim::Node& node, int port, Handler handler) {
  sim::Listener* listener = &sim::Simulation::current()->network().listen(node.id(), port);
  sim::Node* self = &node;
  auto shared = std::make_shared<Handler>(std::move(handler));
  node.spawn("accept", [listener, self, shared] {
    for (;;) {
      sim::Socket socket = listener->accept();
      if (!socket.valid()) continue;
      self->spawn("connection", [socket, shared]() mutable {
        for (;;) {
          sim::Socket::Received got = socket.receive();
          if (got.status != sim::Socket::Status::kMessage) return;
          auto& request = static_cast<Request&>(*got.message);
          std::unique_ptr<Response> response = (*shared)(request, socket.peer_node());
          if (!response) continue;
          if (response->close_connection) {
            socket.close();
            return;
          }
          response->correlation_id = request.correlation_id;
          if (!socket.send(std::move(response))) return;
        }
      }, /*daemon=*/true);
    }
  }, /*daemon=*/true);
}

}  // namespace kafkasim::kafka
