// The ride-sharing checker: business invariants of the ride-sharing system
// (docs/ride-sharing.md), judged from the topics' final contents (read
// with read_committed after recovery), the payment gateway's ledger and
// the requests the riders' producers had acknowledged.
//
// Record values are space-separated words; the first names the event:
//   ride-requests   "request R RIDER T X Y"   "cancel R RIDER T"
//   ride-matches    "match R DRIVER T"        "reject R T"
//                   "accept R DRIVER T"       "decline R DRIVER T"
//   trip-events     "started R DRIVER T"      "completed R DRIVER T FARE"
//   payments        "charged R FARE T"
// R is a request id ("r3-7": rider 3's seventh request), which is also the
// trip's id; T is the simulated time in ms the event was produced.
//
// Anomalies:
//   double-booked-driver  a driver's trip started while another of its
//                         trips had started and not completed (trip-events
//                         of one driver are in one partition, in order);
//   double-charge         the ledger holds two or more charges of one trip;
//   missing-charge        a completed trip the ledger never charged;
//   charge-without-trip   a ledger charge of a trip with no committed
//                         "completed" event;
//   lost-request          a request acknowledged to its rider that has no
//                         match, rejection or cancellation.
// Figures: request-to-match latency (the first match's T minus the
// request's T) p50/p99, and matched requests per second of the fault phase.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check.h"

namespace kafkasim::checker {

struct RideRecord {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string value;
};

// One charge the gateway booked, in booking order.
struct LedgerEntry {
  std::string trip;
  std::string idempotency_key;  // empty: the request carried none
  std::int64_t amount = 0;
  std::int64_t at_ms = 0;
};

// A request whose send to ride-requests the rider's producer acknowledged.
struct AckedRequest {
  std::string request;
  std::int64_t at_ms = 0;
};

struct RideSharingRun {
  std::vector<RideRecord> records;  // every topic's final contents, any order
  std::vector<LedgerEntry> ledger;
  std::vector<AckedRequest> acked;
  std::int64_t duration_ms = 0;  // the fault phase, for the match rate
};

struct RideFigures {
  std::int64_t requests = 0;  // distinct requests in ride-requests
  std::int64_t matched = 0;   // requests with a match
  double latency_p50_ms = 0;  // request-to-match, nearest rank
  double latency_p99_ms = 0;
  double matches_per_s = 0;
  nlohmann::json to_json() const;
};

const std::vector<std::string>& ride_sharing_anomaly_names();

// Witnesses name the trip or request, the driver, and the records
// (topic/partition@offset) or ledger entries that prove the anomaly.
Verdict check_ride_sharing(const RideSharingRun& run, const std::set<std::string>& allow);
RideFigures ride_figures(const RideSharingRun& run);

}  // namespace kafkasim::checker
