#include "harness/ride_sharing_topology.h"

#include <sstream>

#include "reports/escape.h"

namespace kafkasim::harness {

const RideTopology& ride_sharing_topology() {
  static const RideTopology t = [] {
    RideTopology t;
    t.topics = {
        {"ride-requests", "rider", false, "request, cancel"},
        {"driver-locations", "driver", true, "latest position of each driver"},
        {"ride-matches", "driver", false, "match, reject, accept, decline"},
        {"trip-events", "driver", false, "started, completed"},
        {"payments", "trip", false, "charged"},
        {"dispatcher-availability-changelog", "driver", true, "the dispatcher's driver-availability store"},
    };
    t.external = {"payment-gateway"};
    t.services = {
        {"rider-app", "", {}, {"ride-requests"}, {}, "riders request rides and may cancel"},
        {"driver-app",
         "drivers",
         {"ride-matches"},
         {"driver-locations", "ride-matches"},
         {},
         "drivers publish their location periodically and accept or decline matches"},
        {"dispatcher",
         "dispatcher",
         {"ride-requests", "driver-locations", "ride-matches", "trip-events"},
         {"ride-matches", "dispatcher-availability-changelog"},
         {},
         "matches each request with the nearest free driver; driver availability is a state store "
         "backed by a compacted changelog"},
        {"trip-service",
         "trips",
         {"ride-matches", "driver-locations"},
         {"trip-events"},
         {},
         "turns accepted matches into trips; a trip completes at its driver's first location update after the trip "
         "duration"},
        {"billing",
         "billing",
         {"trip-events"},
         {"payments"},
         {"payment-gateway"},
         "charges each completed trip, with an idempotency key per trip"},
    };
    return t;
  }();
  return t;
}

std::string ride_sharing_dot(const RideTopology& t) {
  using reports::escape_dot;
  auto id = [](const std::string& kind, const std::string& name) { return "\"" + kind + ":" + escape_dot(name) + "\""; };
  std::ostringstream o;
  o << "digraph \"ride-sharing\" {\n  rankdir=LR;\n  node [fontname=\"Helvetica\" fontsize=10];\n";
  for (const RideTopic& topic : t.topics) {
    o << "  " << id("topic", topic.name) << " [shape=cylinder label=\"" << escape_dot(topic.name)
      << "\\nkey: " << escape_dot(topic.key) << (topic.compacted ? "\\ncompacted" : "") << "\""
      << (topic.compacted ? " style=filled fillcolor=\"#e8f0ff\"" : "") << "];\n";
  }
  for (const RideService& s : t.services) {
    o << "  " << id("service", s.name) << " [shape=box style=rounded label=\"" << escape_dot(s.name)
      << (s.group_id.empty() ? "" : "\\ngroup " + escape_dot(s.group_id)) << "\"];\n";
  }
  for (const std::string& e : t.external) o << "  " << id("external", e) << " [shape=hexagon label=\"" << escape_dot(e) << "\"];\n";
  for (const RideService& s : t.services) {
    for (const std::string& r : s.reads) o << "  " << id("topic", r) << " -> " << id("service", s.name) << ";\n";
    for (const std::string& w : s.writes) o << "  " << id("service", s.name) << " -> " << id("topic", w) << ";\n";
    for (const std::string& c : s.calls) {
      o << "  " << id("service", s.name) << " -> " << id("external", c) << " [style=dashed label=\"charge\"];\n";
    }
  }
  o << "}\n";
  return o.str();
}

}  // namespace kafkasim::harness
