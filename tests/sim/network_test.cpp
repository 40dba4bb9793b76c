#include <catch2/catch.hpp>

#include "fixtures.h"

using namespace kafkasim::sim;
using namespace kafkasim::test;

namespace {
SimulationOptions options(uint64_t seed) {
  SimulationOptions o = options_for_seed(seed);
  o.network.latency_min = milliseconds(1);
  o.network.latency_max = milliseconds(5);
  return o;
}

struct PingPong {
  explicit PingPong(uint64_t seed, int64_t count = 20) : sim(options(seed)) {
    server = &sim.add_node("server", echo_server(server_log));
    client = &sim.add_node("client", ping_client(server->id(), count, client_log));
    sim.start(*server);
    sim.start(*client);
  }
  Simulation sim;
  std::shared_ptr<EchoLog> server_log = std::make_shared<EchoLog>();
  std::shared_ptr<PingClientLog> client_log = std::make_shared<PingClientLog>();
  Node* server;
  Node* client;
};
}  // namespace

TEST_CASE("ping-pong over a healthy network answers every ping in order") {
  PingPong pp(1);
  REQUIRE(pp.sim.run_until(seconds(10)) == Outcome::kQuiescent);
  REQUIRE(pp.client_log->done);
  REQUIRE(pp.client_log->answered.size() == 20);
  for (int64_t i = 0; i < 20; ++i) REQUIRE(pp.client_log->answered[i].first == i);
  REQUIRE(pp.client_log->timeouts == 0);
}

TEST_CASE("messages on one connection arrive in the order they were sent") {
  Simulation sim(options(8));
  std::vector<int64_t> received;
  auto& server = sim.add_node("server", [&](Node& n) {
    Listener* l = &sim.network().listen(n.id(), 9);
    n.spawn("accept", [&, l] {
      Socket s = l->accept();
      for (;;) {
        auto got = s.receive();
        if (got.status != Socket::Status::kMessage) return;
        received.push_back(static_cast<Ping*>(got.message.get())->n);
      }
    });
  });
  auto& client = sim.add_node("client", [&](Node& n) {
    n.spawn("burst", [&, id = n.id()] {
      Socket s = sim.network().connect(id, server.id(), 9, seconds(1));
      for (int64_t i = 0; i < 200; ++i) s.send(std::make_unique<Ping>(i));
      s.close();
    });
  });
  sim.start(server);
  sim.start(client);
  REQUIRE(sim.run_until(seconds(10)) == Outcome::kQuiescent);
  REQUIRE(received.size() == 200);
  for (int64_t i = 0; i < 200; ++i) REQUIRE(received[i] == i);
}

TEST_CASE("no message crosses a cut link, and the client notices by timeout") {
  PingPong pp(2, 1000000);
  size_t handled_at_cut = 0;
  pp.sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(100));
    pp.sim.network().cut(pp.client->id(), pp.server->id());
    pp.sim.network().cut(pp.server->id(), pp.client->id());
    sleep_for(milliseconds(20));  // let in-flight messages drain
    handled_at_cut = pp.server_log->handled.size();
  });
  pp.sim.run_until(seconds(5));
  REQUIRE(handled_at_cut > 0);
  REQUIRE(pp.server_log->handled.size() == handled_at_cut);
  REQUIRE(pp.client_log->timeouts > 0);
}

TEST_CASE("a one-way partition blocks one direction only") {
  Simulation sim(options(3));
  std::vector<int64_t> at_server, at_client;
  Socket server_side;
  auto& server = sim.add_node("server", [&](Node& n) {
    Listener* l = &sim.network().listen(n.id(), 9);
    n.spawn("accept", [&, l] {
      server_side = l->accept();
      for (;;) {
        auto got = server_side.receive();
        if (got.status != Socket::Status::kMessage) return;
        at_server.push_back(static_cast<Ping*>(got.message.get())->n);
      }
    });
  });
  auto& client = sim.add_node("client", [&](Node& n) {
    n.spawn("talk", [&, id = n.id()] {
      Socket s = sim.network().connect(id, server.id(), 9, seconds(1));
      sleep_for(milliseconds(10));
      sim.network().cut(id, server.id());  // client -> server only
      for (int64_t i = 0; i < 10; ++i) {
        s.send(std::make_unique<Ping>(i));
        server_side.send(std::make_unique<Ping>(100 + i));
      }
      for (int i = 0; i < 10; ++i) {
        auto got = s.receive(now() + seconds(1));
        if (got.status == Socket::Status::kMessage) at_client.push_back(static_cast<Ping*>(got.message.get())->n);
      }
    });
  });
  sim.start(server);
  sim.start(client);
  sim.run_until(seconds(10));
  REQUIRE(at_server.empty());
  REQUIRE(at_client.size() == 10);
}

TEST_CASE("after heal new connections work again") {
  PingPong pp(4, 1000000);
  size_t answered_before_heal = 0;
  pp.sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(100));
    pp.sim.network().cut(pp.client->id(), pp.server->id());
    sleep_for(seconds(1));
    answered_before_heal = pp.client_log->answered.size();
    pp.sim.network().heal_all();
  });
  pp.sim.run_until(seconds(3));
  REQUIRE(pp.client_log->timeouts > 0);
  REQUIRE(pp.client_log->answered.size() > answered_before_heal + 10);
}

TEST_CASE("a message sent to an old incarnation is never delivered to the new one") {
  PingPong pp(5, 1000000);
  pp.sim.spawn_harness("nemesis", [&] {
    for (int i = 0; i < 5; ++i) {
      sleep_for(milliseconds(57));
      pp.sim.crash(*pp.server);
      sleep_for(milliseconds(13));
      pp.sim.restart(*pp.server);
    }
  });
  pp.sim.run_until(seconds(2));
  REQUIRE(pp.server->incarnation() == 6);
  REQUIRE(pp.server_log->zombie_steps == 0);
  // Every answer comes from the incarnation that received the ping; pings
  // answered by a server incarnation are answered in order per incarnation.
  uint64_t last_incarnation = 0;
  for (auto [n, incarnation] : pp.client_log->answered) {
    REQUIRE(incarnation >= last_incarnation);
    last_incarnation = incarnation;
  }
  REQUIRE(last_incarnation == 6);
  REQUIRE(pp.client_log->refused > 0);
}

TEST_CASE("a crash resets connections at once, a power loss leaves the peer to time out") {
  for (bool power : {false, true}) {
    PingPong pp(6, 1000000);
    pp.sim.spawn_harness("nemesis", [&] {
      sleep_for(milliseconds(100));
      if (power) {
        pp.sim.power_loss(*pp.server, false);
      } else {
        pp.sim.crash(*pp.server);
      }
    });
    pp.sim.run_until(milliseconds(150));
    if (power) {
      REQUIRE(pp.client_log->refused == 0);
    } else {
      REQUIRE(pp.client_log->refused > 0);
    }
  }
}

TEST_CASE("a clogged link delays messages without losing them") {
  PingPong fast(7, 50), slow(7, 50);
  slow.sim.network().clog(slow.client->id(), slow.server->id(), milliseconds(40));
  fast.sim.run_until(seconds(60));
  slow.sim.run_until(seconds(60));
  REQUIRE(slow.client_log->answered.size() == 50);
  REQUIRE(slow.sim.now() > fast.sim.now() + 50 * milliseconds(30));
  REQUIRE(slow.client_log->timeouts == 0);
}
