#include "checker/ride_sharing.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <tuple>

namespace kafkasim::checker {
namespace {

struct RideEvent {
  std::vector<std::string> words;
  const RideRecord* record = nullptr;
  const std::string& kind() const { return words[0]; }
  std::int64_t number(std::size_t i) const {
    if (i >= words.size()) return 0;
    try {
      return std::stoll(words[i]);
    } catch (const std::exception&) {
      return 0;
    }
  }
};

std::string where(const RideRecord& r) {
  return r.topic + "/" + std::to_string(r.partition) + "@" + std::to_string(r.offset);
}

// Every record as an event, sorted by topic, partition and offset.
std::vector<RideEvent> events(const RideSharingRun& run, const std::string& topic) {
  std::vector<const RideRecord*> rs;
  for (const RideRecord& r : run.records)
    if (r.topic == topic) rs.push_back(&r);
  std::sort(rs.begin(), rs.end(), [](const RideRecord* a, const RideRecord* b) {
    return std::tie(a->partition, a->offset) < std::tie(b->partition, b->offset);
  });
  std::vector<RideEvent> out;
  for (const RideRecord* r : rs) {
    RideEvent e;
    std::istringstream in(r->value);
    for (std::string w; in >> w;) e.words.push_back(w);
    if (e.words.size() < 2) continue;
    e.record = r;
    out.push_back(std::move(e));
  }
  return out;
}

double nearest_rank(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]);
}

}  // namespace

const std::vector<std::string>& ride_sharing_anomaly_names() {
  static const std::vector<std::string> n = {"double-booked-driver", "double-charge", "missing-charge",
                                             "charge-without-trip", "lost-request"};
  return n;
}

Verdict check_ride_sharing(const RideSharingRun& run, const std::set<std::string>& allow) {
  Verdict v;
  v.allowed = allow;
  auto add = [&v](const std::string& name, nlohmann::json w) { v.anomalies[name].push_back(std::move(w)); };

  // double-booked-driver: per driver, the trip it is on.
  std::map<std::string, std::pair<std::string, const RideRecord*>> active;  // driver -> (trip, its start)
  std::map<std::string, const RideRecord*> completed;                      // trip -> its completion
  for (const RideEvent& e : events(run, "trip-events")) {
    if (e.words.size() < 3) continue;
    const std::string& trip = e.words[1];
    const std::string& driver = e.words[2];
    if (e.kind() == "started") {
      auto it = active.find(driver);
      if (it != active.end() && it->second.first != trip) {
        add("double-booked-driver", {{"driver", driver},
                                     {"trip", it->second.first},
                                     {"started", where(*it->second.second)},
                                     {"second_trip", trip},
                                     {"second_started", where(*e.record)}});
      }
      if (it == active.end() || it->second.first != trip) active[driver] = {trip, e.record};
    } else if (e.kind() == "completed") {
      auto it = active.find(driver);
      if (it != active.end() && it->second.first == trip) active.erase(it);
      completed.emplace(trip, e.record);
    }
  }

  // Charges, by trip, in ledger order.
  std::map<std::string, std::vector<std::size_t>> charges;
  for (std::size_t i = 0; i < run.ledger.size(); ++i) charges[run.ledger[i].trip].push_back(i);
  for (const auto& [trip, idx] : charges) {
    if (idx.size() > 1) {
      nlohmann::json entries = nlohmann::json::array();
      for (std::size_t i : idx) {
        entries.push_back({{"ledger_index", i},
                           {"amount", run.ledger[i].amount},
                           {"idempotency_key", run.ledger[i].idempotency_key},
                           {"at_ms", run.ledger[i].at_ms}});
      }
      add("double-charge", {{"trip", trip}, {"charges", entries}});
    }
    if (!completed.count(trip)) {
      add("charge-without-trip", {{"trip", trip}, {"ledger_index", idx.front()}, {"at_ms", run.ledger[idx.front()].at_ms}});
    }
  }
  for (const auto& [trip, record] : completed) {
    if (!charges.count(trip)) add("missing-charge", {{"trip", trip}, {"completed", where(*record)}});
  }

  // lost-request: an acknowledged request with no outcome.
  std::set<std::string> resolved;
  for (const RideEvent& e : events(run, "ride-matches"))
    if (e.kind() == "match" || e.kind() == "reject") resolved.insert(e.words[1]);
  std::set<std::string> requested;
  for (const RideEvent& e : events(run, "ride-requests")) {
    if (e.kind() == "cancel") resolved.insert(e.words[1]);
    if (e.kind() == "request") requested.insert(e.words[1]);
  }
  std::set<std::string> reported;
  for (const AckedRequest& a : run.acked) {
    if (resolved.count(a.request) || !reported.insert(a.request).second) continue;
    add("lost-request", {{"request", a.request}, {"acked_at_ms", a.at_ms}, {"in_ride_requests", requested.count(a.request) > 0}});
  }

  v.valid = v.invalidating().empty();
  return v;
}

RideFigures ride_figures(const RideSharingRun& run) {
  RideFigures f;
  std::map<std::string, std::int64_t> requested_at;
  for (const RideEvent& e : events(run, "ride-requests"))
    if (e.kind() == "request") requested_at.emplace(e.words[1], e.number(3));
  std::map<std::string, std::int64_t> matched_at;
  for (const RideEvent& e : events(run, "ride-matches")) {
    if (e.kind() != "match") continue;
    auto [it, fresh] = matched_at.emplace(e.words[1], e.number(3));
    if (!fresh) it->second = std::min(it->second, e.number(3));
  }
  std::vector<std::int64_t> latencies;
  for (const auto& [request, at] : matched_at) {
    auto it = requested_at.find(request);
    if (it != requested_at.end()) latencies.push_back(at - it->second);
  }
  std::sort(latencies.begin(), latencies.end());
  f.requests = static_cast<std::int64_t>(requested_at.size());
  f.matched = static_cast<std::int64_t>(matched_at.size());
  f.latency_p50_ms = nearest_rank(latencies, 0.5);
  f.latency_p99_ms = nearest_rank(latencies, 0.99);
  if (run.duration_ms > 0) f.matches_per_s = static_cast<double>(f.matched) * 1000.0 / static_cast<double>(run.duration_ms);
  return f;
}

nlohmann::json RideFigures::to_json() const {
  return {{"requests", requests},
          {"matched", matched},
          {"request_to_match_p50_ms", latency_p50_ms},
          {"request_to_match_p99_ms", latency_p99_ms},
          {"matches_per_s", matches_per_s}};
}

}  // namespace kafkasim::checker
