#include "sim/network.h"

#include <algorithm>

#include "sim/simulation.h"

namespace kafkasim::sim {

// Both ends of one TCP connection. Side 0 connected, side 1 accepted.
struct Connection {
  Network* net = nullptr;
  uint64_t id = 0;
  int32_t node[2] = {kNoNode, kNoNode};
  bool open[2] = {true, true};          // side has neither closed nor died
  bool peer_closed[2] = {false, false};  // side has received the other's close
  bool broken[2] = {false, false};      // direction side -> other lost a message
  SimTime last_delivery[2] = {0, 0};
  std::deque<MessagePtr> inbox[2];
  WaitQueue waiters[2];
};

struct Network::InFlight final : Timer {
  Network* net = nullptr;
  std::shared_ptr<Connection> conn;
  int side = 0;  // sender's side
  MessagePtr message;  // null: the sender's close
  uint64_t generation = 0;
  uint64_t seq = 0;
  InFlight* prev = nullptr;
  InFlight* next = nullptr;
  void fire() override { net->deliver(this); }
};

uint64_t Socket::id() const { return conn_ ? conn_->id : 0; }
int32_t Socket::local_node() const { return conn_ ? conn_->node[side_] : kNoNode; }
int32_t Socket::peer_node() const { return conn_ ? conn_->node[1 - side_] : kNoNode; }
bool Socket::open() const { return conn_ && conn_->open[side_] && !conn_->peer_closed[side_]; }

bool Socket::send(MessagePtr message) {
  if (!open()) return false;
  conn_->net->transmit(conn_, side_, std::move(message));
  return true;
}

Socket::Received Socket::receive(SimTime deadline) {
  Connection& c = *conn_;
  for (;;) {
    if (!c.inbox[side_].empty()) {
      MessagePtr m = std::move(c.inbox[side_].front());
      c.inbox[side_].pop_front();
      return {Status::kMessage, std::move(m)};
    }
    if (c.peer_closed[side_] || !c.open[side_]) return {Status::kClosed, nullptr};
    if (!c.waiters[side_].wait(deadline) && c.inbox[side_].empty() && !c.peer_closed[side_] &&
        c.open[side_]) {
      return {Status::kTimeout, nullptr};
    }
  }
}

void Socket::close() {
  if (!conn_ || !conn_->open[side_]) return;
  conn_->open[side_] = false;
  conn_->inbox[side_].clear();
  conn_->waiters[side_].notify_all();
  conn_->net->transmit(conn_, side_, nullptr);
}

Socket Listener::accept(SimTime deadline) {
  auto socket = pending_.receive(deadline);
  return socket ? std::move(*socket) : Socket();
}

Network::Network(Simulation* sim, uint64_t seed, NetworkOptions options)
    : sim_(sim), rng_(derive_seed(seed, "network")), options_(options) {}

Network::~Network() {
  while (flights_ != nullptr) {
    InFlight* f = flights_;
    sim_->scheduler().cancel_timer(f);
    release(f);
  }
}

void Network::resize(size_t nodes) {
  std::vector<Link> links(nodes * nodes);
  for (size_t from = 0; from < nodes_; ++from) {
    for (size_t to = 0; to < nodes_; ++to) links[from * nodes + to] = links_[from * nodes_ + to];
  }
  links_ = std::move(links);
  nodes_ = nodes;
}

Listener& Network::listen(int32_t node, int port) {
  auto& slot = listeners_[{node, port}];
  if (!slot) slot = std::make_unique<Listener>();
  return *slot;
}

Duration Network::draw_latency(int32_t from, int32_t to) {
  return rng_.between(options_.latency_min, options_.latency_max) + link(from, to).clog;
}

Socket Network::connect(int32_t from, int32_t to, int port, Duration timeout, ConnectError* error) {
  Scheduler& s = sim_->scheduler();
  const SimTime deadline = s.now() + timeout;
  auto fail = [&](ConnectError why) {
    if (why == ConnectError::kTimeout) sleep_until(deadline);
    if (error != nullptr) *error = why;
    return Socket();
  };
  if (link(from, to).cut) return fail(ConnectError::kTimeout);
  const uint64_t generation = link(from, to).generation;
  sleep_for(draw_latency(from, to));  // SYN
  if (link(from, to).generation != generation) return fail(ConnectError::kTimeout);
  auto listener = listeners_.find({to, port});
  if (listener == listeners_.end()) {
    if (link(to, from).cut) return fail(ConnectError::kTimeout);
    sleep_for(draw_latency(to, from));  // RST
    return fail(ConnectError::kRefused);
  }
  auto conn = std::make_shared<Connection>();
  conn->net = this;
  conn->id = next_connection_id_++;
  conn->node[0] = from;
  conn->node[1] = to;
  connections_.emplace(conn->id, conn);
  s.trace().add(s.now(), EventKind::kConnect, from, static_cast<int64_t>(conn->id), to);
  listener->second->pending_.send(Socket(conn, 1));
  Socket client(conn, 0);
  if (link(to, from).cut) {
    client.close();
    return fail(ConnectError::kTimeout);
  }
  sleep_for(draw_latency(to, from));  // SYN-ACK
  if (error != nullptr) *error = ConnectError::kOk;
  return client;
}

void Network::transmit(const std::shared_ptr<Connection>& conn, int side, MessagePtr message) {
  Scheduler& s = sim_->scheduler();
  const int32_t from = conn->node[side];
  const int32_t to = conn->node[1 - side];
  const uint64_t seq = next_message_seq_++;
  ++sent_;
  Trace& trace = s.trace();
  const bool describe = trace.record_level() != RecordLevel::kNone;
  if (message) {
    trace.add(s.now(), EventKind::kSend, from, static_cast<int64_t>(conn->id), static_cast<int64_t>(seq),
              describe ? message->describe() : std::string(), /*hash_text=*/false);
  }
  Link& l = link(from, to);
  if (l.cut || conn->broken[side]) {
    conn->broken[side] = true;
    ++dropped_;
    trace.add(s.now(), EventKind::kDrop, from, static_cast<int64_t>(conn->id), static_cast<int64_t>(seq));
    return;
  }
  const SimTime at = std::max(s.now() + draw_latency(from, to), conn->last_delivery[side]);
  conn->last_delivery[side] = at;
  auto* flight = new InFlight();
  flight->net = this;
  flight->conn = conn;
  flight->side = side;
  flight->message = std::move(message);
  flight->generation = l.generation;
  flight->seq = seq;
  flight->next = flights_;
  if (flights_ != nullptr) flights_->prev = flight;
  flights_ = flight;
  s.schedule_timer(flight, at);
}

void Network::release(InFlight* flight) {
  if (flight->prev != nullptr) {
    flight->prev->next = flight->next;
  } else {
    flights_ = flight->next;
  }
  if (flight->next != nullptr) flight->next->prev = flight->prev;
  delete flight;
}

void Network::deliver(InFlight* flight) {
  Scheduler& s = sim_->scheduler();
  Connection& c = *flight->conn;
  const int from_side = flight->side;
  const int to_side = 1 - from_side;
  const int32_t from = c.node[from_side];
  const int32_t to = c.node[to_side];
  Trace& trace = s.trace();
  const Link& l = link(from, to);
  if (l.generation != flight->generation || c.broken[from_side]) {
    c.broken[from_side] = true;
    ++dropped_;
    trace.add(s.now(), EventKind::kDrop, to, static_cast<int64_t>(c.id), static_cast<int64_t>(flight->seq));
  } else if (!c.open[to_side]) {
    ++dropped_;
    trace.add(s.now(), EventKind::kDrop, to, static_cast<int64_t>(c.id), static_cast<int64_t>(flight->seq));
  } else if (!flight->message) {
    c.peer_closed[to_side] = true;
    c.waiters[to_side].notify_all();
    trace.add(s.now(), EventKind::kClose, to, static_cast<int64_t>(c.id), from);
  } else {
    ++delivered_;
    c.inbox[to_side].push_back(std::move(flight->message));
    c.waiters[to_side].notify_one();
    trace.add(s.now(), EventKind::kDeliver, to, static_cast<int64_t>(c.id), static_cast<int64_t>(flight->seq));
  }
  release(flight);
}

void Network::cut(int32_t from, int32_t to) {
  Link& l = link(from, to);
  if (l.cut) return;
  l.cut = true;
  ++l.generation;
  Scheduler& s = sim_->scheduler();
  s.trace().add(s.now(), EventKind::kPartition, from, to, 0);
}

void Network::heal(int32_t from, int32_t to) {
  Link& l = link(from, to);
  if (!l.cut) return;
  l.cut = false;
  Scheduler& s = sim_->scheduler();
  s.trace().add(s.now(), EventKind::kHeal, from, to, 0);
}

void Network::heal_all() {
  for (size_t from = 0; from < nodes_; ++from) {
    for (size_t to = 0; to < nodes_; ++to) {
      heal(static_cast<int32_t>(from), static_cast<int32_t>(to));
      clog(static_cast<int32_t>(from), static_cast<int32_t>(to), 0);
    }
  }
}

void Network::clog(int32_t from, int32_t to, Duration extra) {
  Link& l = link(from, to);
  if (l.clog == extra) return;
  l.clog = extra;
  Scheduler& s = sim_->scheduler();
  s.trace().add(s.now(), EventKind::kClog, from, to, extra);
}

void Network::node_down(int32_t node, bool reset) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    it = it->first.first == node ? listeners_.erase(it) : std::next(it);
  }
  for (auto it = connections_.begin(); it != connections_.end();) {
    std::shared_ptr<Connection> conn = it->second.lock();
    if (!conn) {
      it = connections_.erase(it);
      continue;
    }
    for (int side = 0; side < 2; ++side) {
      if (conn->node[side] != node || !conn->open[side]) continue;
      conn->open[side] = false;
      conn->inbox[side].clear();
      if (reset) transmit(conn, side, nullptr);
    }
    ++it;
  }
}

}  // namespace kafkasim::sim
