#include "sim/node.h"

#include "sim/simulation.h"

namespace kafkasim::sim {

Node::Node(Simulation* sim, int32_t id, std::string name, NodeProgram program, uint64_t seed)
    : sim_(sim), id_(id), name_(std::move(name)), program_(std::move(program)),
      rng_(derive_seed(seed, "node/" + name_)) {}

SimTime Node::local_now() const { return clock_.at(sim_->now()); }

void Node::sleep_local(Duration local) { sleep_for(clock_.to_sim(local)); }

uint64_t Node::spawn(std::string name, std::function<void()> body, bool daemon) {
  if (!incarnation_) return 0;
  return sim_->scheduler().spawn(incarnation_, name_ + "/" + name, std::move(body), daemon);
}

}  // namespace kafkasim::sim
