#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"

using namespace kafkasim::sim;
using namespace kafkasim::test;

namespace {

// A busy world: two echo servers, four clients, crashes, power loss,
// partitions and clogs drawn from the seed.
uint64_t busy_world_hash(uint64_t seed) {
  SimulationOptions o;
  o.seed = seed;
  Simulation sim(o);
  std::vector<Node*> servers, clients;
  for (int i = 0; i < 2; ++i) servers.push_back(&sim.add_node("server-" + std::to_string(i),
                                                              echo_server(std::make_shared<EchoLog>())));
  for (int i = 0; i < 4; ++i) {
    clients.push_back(&sim.add_node("client-" + std::to_string(i),
                                    ping_client(servers[i % 2]->id(), 1000000, std::make_shared<PingClientLog>())));
  }
  for (Node* n : servers) sim.start(*n);
  for (Node* n : clients) sim.start(*n);
  sim.spawn_harness("nemesis", [&] {
    Prng rng = sim.stream("nemesis");
    for (;;) {
      sleep_for(milliseconds(rng.between(10, 100)));
      Node& victim = *servers[rng.below(2)];
      switch (rng.below(4)) {
        case 0: sim.crash(victim); break;
        case 1: sim.power_loss(victim, true); break;
        case 2: sim.network().cut(victim.id(), clients[rng.below(4)]->id()); break;
        default: sim.network().clog(clients[rng.below(4)]->id(), victim.id(), milliseconds(rng.between(0, 30)));
      }
      sleep_for(milliseconds(rng.between(10, 50)));
      sim.network().heal_all();
      for (Node* n : servers) sim.start(*n);
    }
  });
  sim.run_until(seconds(3));
  return sim.trace().hash();
}

}  // namespace

TEST_CASE("the same seed gives the same trace hash twice in one process") {
  REQUIRE(busy_world_hash(17) == busy_world_hash(17));
}

TEST_CASE("different seeds give different schedules") {
  REQUIRE(busy_world_hash(17) != busy_world_hash(18));
}

TEST_CASE("the same seed gives the same trace hash in another process") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const uint64_t h = busy_world_hash(23);
    (void)!write(fds[1], &h, sizeof h);
    _exit(0);
  }
  close(fds[1]);
  uint64_t from_child = 0;
  REQUIRE(read(fds[0], &from_child, sizeof from_child) == sizeof from_child);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(from_child == busy_world_hash(23));
}
