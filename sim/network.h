// The simulated network. Kafka runs over TCP, so the network carries
// connections, not datagrams:
//   - each direction of a connection is FIFO; every message's latency is
//     drawn from the network's stream, plus any clog on the link, and a
//     message is never delivered before one sent earlier on the same
//     direction;
//   - a cut link drops what crosses it, and a dropped message breaks that
//     direction of the connection for good (a byte stream cannot skip), so
//     in-flight requests get no answer and the peer notices by timeout;
//     a one-way cut breaks one direction only;
//   - connecting across a cut link times out; connecting to a node that is
//     down, or does not listen, is refused after one round trip;
//   - a process crash closes the node's connections (the peer's kernel sees
//     a reset one latency later); a power loss closes nothing: peers notice
//     only by timeout;
//   - connections belong to node incarnations: nothing sent to an old
//     incarnation ever reaches a new one.
// Messages are typed C++ values (subclasses of Message), never bytes.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/random.h"
#include "sim/scheduler.h"
#include "sim/sync.h"
#include "sim/time.h"
#include "sim/timer_queue.h"
#include "sim/wait_queue.h"

namespace kafkasim::sim {

class Simulation;

struct Message {
  virtual ~Message() = default;
  // A short human description for traces and reports ("Produce orders/0 v3").
  virtual std::string describe() const { return "message"; }
};
using MessagePtr = std::unique_ptr<Message>;

struct Connection;

class Socket {
 public:
  enum class Status : uint8_t { kMessage, kClosed, kTimeout };
  struct Received {
    Status status;
    MessagePtr message;
  };

  Socket() = default;
  bool valid() const { return conn_ != nullptr; }
  uint64_t id() const;
  int32_t local_node() const;
  int32_t peer_node() const;
  // False when this end is closed or the peer's close has arrived. True does
  // not mean delivery: a cut link loses it silently.
  bool send(MessagePtr message);
  // Parks until a message, the peer's close, or `deadline`. Throws FiberKilled.
  Received receive(SimTime deadline = kNever);
  void close();
  bool open() const;

 private:
  friend class Network;
  Socket(std::shared_ptr<Connection> conn, int side) : conn_(std::move(conn)), side_(side) {}
  std::shared_ptr<Connection> conn_;
  int side_ = 0;
};

class Listener {
 public:
  // Parks until a connection arrives or `deadline`. Invalid socket on timeout.
  Socket accept(SimTime deadline = kNever);

 private:
  friend class Network;
  Channel<Socket> pending_;
};

struct NetworkOptions {
  Duration latency_min = milliseconds(1);
  Duration latency_max = milliseconds(5);
};

enum class ConnectError : uint8_t { kOk, kRefused, kTimeout };

class Network {
 public:
  Network(Simulation* sim, uint64_t seed, NetworkOptions options);
  ~Network();

  void resize(size_t nodes);

  // The listener of `node` on `port` in its current incarnation.
  Listener& listen(int32_t node, int port);
  // Opens a connection from the running fiber's node. Parks for the
  // handshake; on failure the socket is invalid and `error` says why.
  Socket connect(int32_t from, int32_t to, int port, Duration timeout, ConnectError* error = nullptr);

  // Link faults, on directed links.
  void cut(int32_t from, int32_t to);
  void heal(int32_t from, int32_t to);
  void heal_all();
  bool is_cut(int32_t from, int32_t to) const { return link(from, to).cut; }
  // Extra latency on a directed link (0 removes it).
  void clog(int32_t from, int32_t to, Duration extra);
  Duration clog_of(int32_t from, int32_t to) const { return link(from, to).clog; }

  // Called by the Simulation when a node's incarnation ends. `reset`: the
  // node's kernel closes its connections (crash); otherwise they go silent
  // (power loss).
  void node_down(int32_t node, bool reset);

  uint64_t messages_sent() const { return sent_; }
  uint64_t messages_delivered() const { return delivered_; }
  uint64_t messages_dropped() const { return dropped_; }

 private:
  friend class Socket;
  struct Link {
    bool cut = false;
    uint64_t generation = 0;  // bumped at every cut: in-flight messages die
    Duration clog = 0;
  };
  struct InFlight;

  Link& link(int32_t from, int32_t to) { return links_[static_cast<size_t>(from) * nodes_ + to]; }
  const Link& link(int32_t from, int32_t to) const { return links_[static_cast<size_t>(from) * nodes_ + to]; }
  Duration draw_latency(int32_t from, int32_t to);
  // Sends on `conn` from `side`; a null message is the close (FIN/RST).
  void transmit(const std::shared_ptr<Connection>& conn, int side, MessagePtr message);
  void deliver(InFlight* flight);
  void release(InFlight* flight);

  Simulation* sim_;
  Prng rng_;
  NetworkOptions options_;
  size_t nodes_ = 0;
  std::vector<Link> links_;
  std::map<std::pair<int32_t, int>, std::unique_ptr<Listener>> listeners_;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;  // by id
  InFlight* flights_ = nullptr;  // intrusive list of undelivered messages
  uint64_t next_connection_id_ = 1;
  uint64_t next_message_seq_ = 1;
  uint64_t sent_ = 0, delivered_ = 0, dropped_ = 0;
};

}  // namespace kafkasim::sim
