// The `workload.rides` block of a ride-sharing scenario
// (docs/scenario-format.md, docs/ride-sharing.md).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

struct RideSpec {
  int riders = 20;                        // r1..rN, spread over the rider-app instances
  int drivers = 8;                        // d1..dN, spread over the driver-app instances
  int city_size = 10;                     // the city is a square grid of this many blocks a side
  double request_rate_per_s = 2;          // new ride requests per second, all riders together
  double cancel_ratio = 0.1;              // the share of requests their rider cancels
  std::int64_t cancel_after_ms = 500;     // a cancelling rider cancels this long after requesting
  double decline_ratio = 0.2;             // the share of matches a driver declines
  int max_offers = 3;                     // a request declined this often is rejected
  std::int64_t max_wait_ms = 15000;       // a request waiting this long for a free driver is rejected
  std::int64_t trip_duration_ms = 3000;   // a trip completes at the driver's first location update after this
  std::int64_t location_interval_ms = 500;  // each driver publishes its location this often
  int instances = 2;                      // client nodes per service (rider-app-N, driver-app-N, ...)
  // workload.streams' processing.guarantee, set by the scenario reader.
  std::string processing_guarantee = "at_least_once";  // or "exactly_once_v2"
  bool idempotency = true;                // billing sends the trip id as the gateway's idempotency key
  double slow_ratio = 0;                  // the share of the gateway's answers that come late
  std::int64_t slow_delay_ms = 2000;      // how late
  std::int64_t charge_timeout_ms = 1000;  // billing waits this long for the gateway's answer
  // Rush hour: from spike_at_ms for spike_duration_ms, requests come at
  // spike_rate_per_s instead (-1: no spike).
  std::int64_t spike_at_ms = -1;
  std::int64_t spike_duration_ms = 0;
  double spike_rate_per_s = 0;
  bool operator==(const RideSpec&) const = default;
};

// Every key, for the canonical scenario form.
nlohmann::json to_json(const RideSpec& r);
// The keys that differ from the defaults, for a scenario file.
nlohmann::ordered_json non_default_json(const RideSpec& r);
// Reads the block (already checked against the schema).
RideSpec ride_spec_from_json(const nlohmann::json& j);

}  // namespace kafkasim::harness
