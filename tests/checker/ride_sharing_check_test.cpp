#include <catch2/catch.hpp>

#include "checker/ride_sharing.h"

using namespace kafkasim::checker;

namespace {

// A clean run: one request matched, accepted, driven and charged once.
RideSharingRun good_run() {
  RideSharingRun run;
  run.duration_ms = 2000;
  run.records = {
      {"ride-requests", 0, 0, "request r1-1 1 100 3 4"},
      {"ride-matches", 0, 0, "match r1-1 d2 130 "},
      {"ride-matches", 0, 1, "accept r1-1 d2 140"},
      {"trip-events", 0, 0, "started r1-1 d2 150"},
      {"trip-events", 0, 1, "completed r1-1 d2 150 12"},
      {"payments", 0, 0, "charged r1-1 12 170"},
  };
  run.ledger = {{"r1-1", "r1-1", 12, 160}};
  run.acked = {{"r1-1", 105}};
  return run;
}

}  // namespace

TEST_CASE("a clean ride-sharing run is valid and its figures are measured") {
  const RideSharingRun run = good_run();
  const Verdict v = check_ride_sharing(run, {});
  CHECK(v.valid);
  CHECK(v.anomalies.empty());
  const RideFigures f = ride_figures(run);
  CHECK(f.matched == 1);
  CHECK(f.latency_p50_ms == 30);
  CHECK(f.latency_p99_ms == 30);
  CHECK(f.matches_per_s == Approx(0.5));
}

TEST_CASE("a driver whose second trip starts before the first completes is double-booked") {
  RideSharingRun run = good_run();
  run.records = {{"trip-events", 1, 0, "started r1-1 d2 150"},
                 {"trip-events", 1, 1, "started r1-1 d2 151"},  // a redelivered start of the same trip is no second trip
                 {"trip-events", 1, 2, "started r5-1 d2 160"},
                 {"trip-events", 1, 3, "completed r1-1 d2 170 12"},
                 {"trip-events", 1, 4, "completed r5-1 d2 180 9"}};
  run.ledger = {{"r1-1", "r1-1", 12, 171}, {"r5-1", "r5-1", 9, 181}};
  run.acked.clear();
  const Verdict v = check_ride_sharing(run, {});
  REQUIRE(v.anomalies.count("double-booked-driver"));
  REQUIRE(v.anomalies.at("double-booked-driver").size() == 1);
  const auto& w = v.anomalies.at("double-booked-driver").front();
  CHECK(w["driver"] == "d2");
  CHECK(w["trip"] == "r1-1");
  CHECK(w["second_trip"] == "r5-1");
  CHECK(w["second_started"] == "trip-events/1@2");
  CHECK_FALSE(v.valid);
}

TEST_CASE("two ledger charges of one trip are a double-charge naming both") {
  RideSharingRun run = good_run();
  run.ledger.push_back({"r1-1", "", 12, 190});
  const Verdict v = check_ride_sharing(run, {});
  REQUIRE(v.anomalies.count("double-charge"));
  CHECK(v.anomalies.at("double-charge").front()["charges"].size() == 2);
  CHECK(v.anomalies.at("double-charge").front()["charges"][1]["ledger_index"] == 1);
  CHECK_FALSE(v.valid);
}

TEST_CASE("a completed trip the ledger never charged is a missing-charge") {
  RideSharingRun run = good_run();
  run.ledger.clear();
  const Verdict v = check_ride_sharing(run, {});
  REQUIRE(v.anomalies.count("missing-charge"));
  CHECK(v.anomalies.at("missing-charge").front()["completed"] == "trip-events/0@1");
}

TEST_CASE("a charge for a trip that never completed is a charge-without-trip") {
  RideSharingRun run = good_run();
  run.ledger.push_back({"r9-9", "r9-9", 5, 300});
  const Verdict v = check_ride_sharing(run, {});
  REQUIRE(v.anomalies.count("charge-without-trip"));
  CHECK(v.anomalies.at("charge-without-trip").front()["trip"] == "r9-9");
  CHECK(v.anomalies.at("charge-without-trip").front()["ledger_index"] == 1);
}

TEST_CASE("an acknowledged request with no match, rejection or cancellation is a lost-request") {
  RideSharingRun run = good_run();
  run.acked.push_back({"r2-1", 200});   // lost from the log
  run.acked.push_back({"r3-1", 210});   // rejected: no driver free
  run.acked.push_back({"r4-1", 220});   // cancelled by the rider
  run.records.push_back({"ride-matches", 1, 0, "reject r3-1 230"});
  run.records.push_back({"ride-requests", 1, 0, "request r4-1 4 215 1 1"});
  run.records.push_back({"ride-requests", 1, 1, "cancel r4-1 4 225"});
  const Verdict v = check_ride_sharing(run, {});
  REQUIRE(v.anomalies.count("lost-request"));
  REQUIRE(v.anomalies.at("lost-request").size() == 1);
  CHECK(v.anomalies.at("lost-request").front()["request"] == "r2-1");
  CHECK(v.anomalies.at("lost-request").front()["in_ride_requests"] == false);
}

TEST_CASE("an allowed ride-sharing anomaly is reported but leaves the run valid") {
  RideSharingRun run = good_run();
  run.ledger.push_back({"r1-1", "", 12, 190});
  const Verdict v = check_ride_sharing(run, {"double-charge"});
  CHECK(v.anomalies.count("double-charge"));
  CHECK(v.valid);
}
