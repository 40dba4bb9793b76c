// The auditor: when the final reads begin it reads ride-requests,
// ride-matches, trip-events and payments from the start, read_committed,
// until the system has settled, and then keeps those records and the
// gateway's ledger for the checker. A system that does not settle within
// recovery_ms fails liveness.
//
// Settled: every partition read to its end; every request rejected,
// accepted, or cancelled with each offer answered; every accepted request
// started, every started trip completed, every completed trip charged in
// payments. Nothing is under way then, so the ledger cannot move ahead of
// the records read.
#include <map>
#include <set>

#include "broker-model/consumer.h"
#include "harness/ride_dispatch.h"
#include "harness/ride_shared.h"

namespace kafkasim::harness::rides {

namespace {

struct Reader {
  std::unique_ptr<kafka::Consumer> consumer;
};

struct Progress {
  std::set<std::string> requested, rejected, cancelled, accepted, started, completed, charged;
  std::map<std::string, int> offers, answers;

  void add(const std::string& topic, const std::string& value) {
    const std::vector<std::string> w = ride_words(value);
    if (w.size() < 2) return;
    const std::string& k = w[0];
    const std::string& r = w[1];
    if (topic == kRideRequests && k == "request") requested.insert(r);
    if (topic == kRideRequests && k == "cancel") cancelled.insert(r);
    if (topic == kRideMatches && k == "reject") rejected.insert(r);
    if (topic == kRideMatches && k == "match") offers[r]++;
    if (topic == kRideMatches && (k == "accept" || k == "decline")) answers[r]++;
    if (topic == kRideMatches && k == "accept") accepted.insert(r);
    if (topic == kTripEvents && k == "started") started.insert(r);
    if (topic == kTripEvents && k == "completed") completed.insert(r);
    if (topic == kPayments && k == "charged") charged.insert(r);
  }

  bool settled() const {
    for (const std::string& r : requested) {
      const bool answered = offers.count(r) ? answers.count(r) && answers.at(r) >= offers.at(r) : true;
      if (!rejected.count(r) && !accepted.count(r) && !(cancelled.count(r) && answered)) return false;
    }
    auto all_in = [](const std::set<std::string>& a, const std::set<std::string>& b) {
      for (const std::string& x : a) {
        if (!b.count(x)) return false;
      }
      return true;
    };
    return all_in(accepted, started) && all_in(started, completed) && all_in(completed, charged);
  }
};

}  // namespace

void auditor_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  auto state = std::make_shared<Reader>();
  n.set_state(state);
  Reader* r = state.get();
  n.spawn("auditor", [shared, r, &n] {
    while (!shared->final_reads) sim::sleep_for(sim::milliseconds(500));
    r->consumer = std::make_unique<kafka::Consumer>(n, shared->bootstrap, shared->reader_config());
    std::vector<kafka::TopicPartition> tps;
    for (const char* topic : {kRideRequests, kRideMatches, kTripEvents, kPayments}) {
      for (int p = 0; p < shared->partitions.at(topic); ++p) tps.push_back(kafka::TopicPartition{topic, p});
    }
    r->consumer->assign(tps);
    for (const auto& tp : tps) r->consumer->seek(tp, 0);
    shared->records.clear();
    Progress progress;
    for (;;) {
      const auto records = r->consumer->poll(sim::milliseconds(200));
      shared->stats.polled += static_cast<std::int64_t>(records.size());
      for (const kafka::ConsumedRecord& rec : records) {
        if (rec.null_value) continue;
        shared->records.push_back(checker::RideRecord{rec.tp.topic, rec.tp.partition, rec.offset, rec.value});
        progress.add(rec.tp.topic, rec.value);
      }
      bool caught_up = true;
      for (const auto& tp : tps) {
        const int64_t hw = r->consumer->high_watermark(tp);
        if (hw < 0 || r->consumer->position(tp) < hw) caught_up = false;
      }
      if (!caught_up) continue;
      if (progress.settled()) break;
    }
    shared->ledger = shared->gateway->ledger();
    shared->audit_done = true;
  });
}

}  // namespace kafkasim::harness::rides
