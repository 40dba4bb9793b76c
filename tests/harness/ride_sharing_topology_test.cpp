#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "harness/ride_sharing_topology.h"

using namespace kafkasim::harness;

TEST_CASE("every topic a ride-sharing service reads or writes is a topic of the system") {
  const RideTopology& t = ride_sharing_topology();
  std::set<std::string> topics;
  for (const RideTopic& topic : t.topics) topics.insert(topic.name);
  for (const RideService& s : t.services) {
    for (const std::string& r : s.reads) CHECK(topics.count(r));
    for (const std::string& w : s.writes) CHECK(topics.count(w));
    // A service that reads is a consumer group.
    if (!s.reads.empty()) CHECK_FALSE(s.group_id.empty());
  }
}

TEST_CASE("the ride-sharing diagram shows every service, topic and the gateway") {
  const std::string dot = ride_sharing_dot(ride_sharing_topology());
  for (const char* name : {"rider-app", "driver-app", "dispatcher", "trip-service", "billing", "ride-requests",
                           "driver-locations", "ride-matches", "trip-events", "payments", "payment-gateway"}) {
    CHECK(dot.find(name) != std::string::npos);
  }
  CHECK(dot.find("\"topic:driver-locations\" [shape=cylinder label=\"driver-locations\\nkey: driver\\ncompacted\"") !=
        std::string::npos);
  CHECK(dot.find("\"service:billing\" -> \"external:payment-gateway\"") != std::string::npos);
}

TEST_CASE("docs/ride-sharing.dot is the diagram generated from the workload definition") {
  const std::string dot = ride_sharing_dot(ride_sharing_topology());
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/docs/ride-sharing.dot");
  std::stringstream committed;
  committed << in.rdbuf();
  // On a change the generated text is left in ride-sharing.dot in the test's
  // working directory: copy it to docs/ and render docs/ride-sharing.svg
  // with `dot -Tsvg docs/ride-sharing.dot -o docs/ride-sharing.svg`.
  if (committed.str() != dot) std::ofstream("ride-sharing.dot") << dot;
  INFO("docs/ride-sharing.dot is stale: see ride-sharing.dot in the test's working directory");
  CHECK(committed.str() == dot);
}
