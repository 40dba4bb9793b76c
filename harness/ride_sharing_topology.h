// The ride-sharing system's shape (docs/ride-sharing.md): its topics and
// its services, each a consumer group of client nodes, with the topics
// each reads and writes. The ride-sharing workload (harness/ride_workload.h)
// takes its topics and client names from this definition, and the
// documentation's diagram is generated from it
// (ride_sharing_dot), so the two cannot drift apart.
#pragma once

#include <string>
#include <vector>

namespace kafkasim::harness {

struct RideTopic {
  std::string name;
  std::string key;      // what the records are keyed by
  bool compacted = false;
  std::string carries;  // the events (checker/ride_sharing.h gives their values)
};

struct RideService {
  std::string name;      // client nodes NAME-1..NAME-N
  std::string group_id;  // empty: a producer only, no consumer group
  std::vector<std::string> reads;
  std::vector<std::string> writes;
  std::vector<std::string> calls;  // external systems reached over the simulated network
  std::string does;
};

struct RideTopology {
  std::vector<RideTopic> topics;
  std::vector<RideService> services;
  std::vector<std::string> external;  // systems outside Kafka (the payment gateway)
};

// The system as docs/ride-sharing.md describes it.
const RideTopology& ride_sharing_topology();

// A Graphviz digraph: services as boxes, topics as cylinders (compacted
// ones marked), external systems as hexagons; an edge per read, write and
// call. Deterministic: same topology, same text.
std::string ride_sharing_dot(const RideTopology& t);

}  // namespace kafkasim::harness
