// Small purpose-written node programs that exercise the kernel before (and
// independently of) the Kafka model: a ping-pong echo server and client, and
// a counter that persists increments to its disk. Test fixtures only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/simulation.h"

namespace kafkasim::test {

using namespace kafkasim::sim;

struct Ping final : Message {
  explicit Ping(int64_t n, uint64_t incarnation = 0) : n(n), incarnation(incarnation) {}
  int64_t n;
  uint64_t incarnation;  // sender's incarnation
  std::string describe() const override { return "ping " + std::to_string(n); }
};

struct Pong final : Message {
  explicit Pong(int64_t n, uint64_t incarnation) : n(n), incarnation(incarnation) {}
  int64_t n;
  uint64_t incarnation;  // the server incarnation that answered
  std::string describe() const override { return "pong " + std::to_string(n); }
};

constexpr int kEchoPort = 7;

inline SimulationOptions options_for_seed(uint64_t seed) {
  SimulationOptions o;
  o.seed = seed;
  return o;
}

// What the echo server saw, shared with the test (outlives incarnations).
struct EchoLog {
  // (server incarnation, ping n) for every ping handled.
  std::vector<std::pair<uint64_t, int64_t>> handled;
  // Fibers of an incarnation that ran after it was declared dead.
  int64_t zombie_steps = 0;
};

// Echo server: answers every Ping with a Pong carrying its incarnation.
inline NodeProgram echo_server(std::shared_ptr<EchoLog> log) {
  return [log](Node& node) {
    const uint64_t incarnation = node.incarnation();
    Listener* listener = &Simulation::current()->network().listen(node.id(), kEchoPort);
    Node* self = &node;
    node.spawn("accept", [listener, self, incarnation, log] {
      for (;;) {
        Socket socket = listener->accept();
        if (!socket.valid()) continue;
        self->spawn("conn", [socket, self, incarnation, log]() mutable {
          for (;;) {
            auto got = socket.receive();
            if (self->incarnation() != incarnation || !self->up()) ++log->zombie_steps;
            if (got.status != Socket::Status::kMessage) return;
            auto* ping = static_cast<Ping*>(got.message.get());
            log->handled.emplace_back(incarnation, ping->n);
            socket.send(std::make_unique<Pong>(ping->n, incarnation));
          }
        }, /*daemon=*/true);
      }
    }, /*daemon=*/true);
  };
}

struct PingClientLog {
  std::vector<std::pair<int64_t, uint64_t>> answered;  // (n, server incarnation)
  int64_t timeouts = 0;
  int64_t refused = 0;
  bool done = false;
};

// Pings `server` `count` times, one at a time, reconnecting on any error.
inline NodeProgram ping_client(int32_t server, int64_t count, std::shared_ptr<PingClientLog> log,
                               Duration timeout = milliseconds(200)) {
  return [=](Node& node) {
    Node* self = &node;
    node.spawn("pinger", [=] {
      Simulation& sim = *Simulation::current();
      Socket socket;
      int64_t n = log->answered.empty() ? 0 : log->answered.back().first + 1;
      while (n < count) {
        if (!socket.open()) {
          ConnectError error;
          socket = sim.network().connect(self->id(), server, kEchoPort, timeout, &error);
          if (!socket.valid()) {
            if (error == ConnectError::kRefused) ++log->refused;
            if (error == ConnectError::kTimeout) ++log->timeouts;
            sleep_for(milliseconds(10));
            continue;
          }
        }
        socket.send(std::make_unique<Ping>(n));
        auto got = socket.receive(sim.now() + timeout);
        if (got.status == Socket::Status::kMessage) {
          auto* pong = static_cast<Pong*>(got.message.get());
          log->answered.emplace_back(pong->n, pong->incarnation);
          ++n;
        } else {
          if (got.status == Socket::Status::kTimeout) ++log->timeouts;
          socket.close();
        }
      }
      log->done = true;
    });
  };
}

// A counter that appends one byte per increment to its disk and flushes
// every `flush_every` increments; at start it recovers from the disk.
struct CounterLog {
  int64_t value = 0;            // the live incarnation's value
  std::vector<int64_t> recovered;  // value found on disk at each start
};

inline NodeProgram disk_counter(int64_t increments, int64_t flush_every, std::shared_ptr<CounterLog> log) {
  return [=](Node& node) {
    log->value = static_cast<int64_t>(node.disk().size("counter.log"));
    log->recovered.push_back(log->value);
    Node* self = &node;
    node.spawn("incrementer", [=] {
      while (log->value < increments) {
        sleep_for(milliseconds(1));
        self->disk().append("counter.log", "+");
        ++log->value;
        if (log->value % flush_every == 0) self->disk().flush("counter.log");
      }
    });
  };
}

}  // namespace kafkasim::test
