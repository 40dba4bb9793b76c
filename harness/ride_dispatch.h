// The dispatcher's state for one shard (one partition index of the
// co-partitioned ride topics, docs/ride-sharing.md): which of the shard's
// drivers are free, offered a request or on a trip, and the requests
// waiting for a driver. Every change is also a changelog record (key,
// value) of dispatcher-availability-changelog, and a store rebuilt from
// those records (restore) is the store that wrote them.
//
// Changelog values:
//   driver D   "free" | "offered R" | "trip R"
//   request R  "waiting RIDER T X Y OFFERS OFFERED_TO DECLINED" | "done"
// (OFFERED_TO "-" when not offered; DECLINED the drivers that declined R,
// comma-separated, "-" for none). A request is matched first come, first
// served, to the nearest free driver (Manhattan distance, then name) with
// a known location that has not declined it.
//
// Plain logic, no simulation: tests/harness/ride_dispatch_test.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kafkasim::harness {

// An output of a ride service: to ride-matches or to its changelog.
struct RideOutput {
  enum class To { kMatches, kChangelog } to = To::kMatches;
  std::string key;
  std::string value;
  bool operator==(const RideOutput&) const = default;
};

class DispatchStore {
 public:
  DispatchStore(int max_offers, std::int64_t max_wait_ms) : max_offers_(max_offers), max_wait_ms_(max_wait_ms) {}

  // A changelog record, in log order.
  void restore(const std::string& key, const std::string& value);
  // The latest position of a driver of the shard (driver-locations).
  void location(const std::string& driver, int x, int y) { positions_[driver] = {x, y}; }

  // The shard's events; each appends its outputs. A request already known
  // (redelivered) is ignored, as is an accept, decline or completion that
  // does not match the driver's state.
  void request(const std::string& r, const std::string& rider, std::int64_t t, int x, int y, std::int64_t now,
               std::vector<RideOutput>& out);
  void cancel(const std::string& r, std::vector<RideOutput>& out);
  void accept(const std::string& r, const std::string& driver, std::vector<RideOutput>& out);
  void decline(const std::string& r, const std::string& driver, std::int64_t now, std::vector<RideOutput>& out);
  void completed(const std::string& r, const std::string& driver, std::int64_t now, std::vector<RideOutput>& out);
  // Offers waiting requests to free drivers; rejects a request that has
  // waited max_wait_ms without an offer.
  void dispatch(std::int64_t now, std::vector<RideOutput>& out);

  // "free", "offered R", "trip R" (unknown drivers are free).
  std::string driver_state(const std::string& driver) const;
  // The changelog value of request R, or "" when unknown.
  std::string request_state(const std::string& r) const;

 private:
  struct Waiting {
    std::string rider;
    std::int64_t t = 0;
    int x = 0, y = 0;
    int offers = 0;
    std::string offered_to;  // empty: not offered
    std::set<std::string> declined;
  };
  struct Driver {
    std::string status = "free";  // free, offered, trip
    std::string request;
  };
  void set_driver(const std::string& d, std::string status, std::string r, std::vector<RideOutput>& out);
  void set_waiting(const std::string& r, const Waiting& w, std::vector<RideOutput>& out);
  void set_done(const std::string& r, std::vector<RideOutput>& out);
  static std::string encode(const Waiting& w);

  int max_offers_;
  std::int64_t max_wait_ms_;
  std::map<std::string, Driver> drivers_;
  std::map<std::string, Waiting> waiting_;
  std::set<std::string> done_;
  std::map<std::string, std::pair<int, int>> positions_;
};

// The trip service's state for one shard: the trips started, which of them
// are under way, rebuilt from the shard's trip-events (its own output,
// read to the end) on restore.
class TripBook {
 public:
  explicit TripBook(std::int64_t trip_duration_ms) : duration_ms_(trip_duration_ms) {}
  // A trip-events record value, in log order.
  void restore(const std::string& value);
  // An accepted match: "started R DRIVER NOW" unless R has started already.
  void accept(const std::string& r, const std::string& driver, std::int64_t now, std::vector<std::string>& out);
  // A location update of `driver`: completes each of its trips under way
  // for trip_duration_ms ("completed R DRIVER NOW FARE").
  void tick(const std::string& driver, std::int64_t now, std::vector<std::string>& out);
  std::size_t under_way() const { return active_.size(); }

 private:
  std::int64_t duration_ms_;
  std::set<std::string> started_;
  std::map<std::string, std::pair<std::string, std::int64_t>> active_;  // trip -> (driver, started at)
};

// A trip's fare in cents: a function of the trip id, so that a trip
// processed again is charged the same amount.
std::int64_t ride_fare(const std::string& trip);

// Space-separated words of a record value.
std::vector<std::string> ride_words(const std::string& value);
std::int64_t ride_number(const std::vector<std::string>& words, std::size_t i);

}  // namespace kafkasim::harness
