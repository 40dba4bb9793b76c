// The apps on the riders' and drivers' phones (docs/ride-sharing.md).
//
// rider-app-N: its riders request rides at the scenario's rate (the spike
// rate during rush hour) until the final reads begin, each at a random
// corner of the city, to ride-requests (keyed by rider) with the
// scenario's workload.producer settings; a request is acknowledged when
// its send is, and sent again while it is known not to be written. A
// rider cancels a cancel_ratio share of its requests cancel_after_ms
// later.
//
// driver-app-N: its drivers publish their position every
// location_interval_ms to driver-locations (keyed by driver), moving a
// block at a time; and the node answers the matches offered to drivers as
// a member of group "drivers" (harness/ride_services.cpp).
#include "broker-model/producer.h"
#include "harness/ride_shared.h"

namespace kafkasim::harness::rides {

void driver_app_answers(const std::shared_ptr<Shared>& shared, sim::Node& n, std::shared_ptr<void> keep);

namespace {

struct AppNode {
  std::unique_ptr<kafka::Producer> producer;
};

std::vector<int> owned(int count, int instances, int index) {
  std::vector<int> v;
  for (int i = 1; i <= count; ++i) {
    if ((i - 1) % instances == index - 1) v.push_back(i);
  }
  return v;
}

double rate_at(const RideSpec& r, std::int64_t t) {
  if (r.spike_at_ms >= 0 && t >= r.spike_at_ms && t < r.spike_at_ms + r.spike_duration_ms) return r.spike_rate_per_s;
  return r.request_rate_per_s;
}

// Sends until the outcome is known; true when acknowledged.
bool send_until_known(const std::shared_ptr<Shared>& shared, kafka::Producer& p, const kafka::TopicPartition& tp,
                      const std::string& key, const std::string& value) {
  for (;;) {
    shared->stats.sent++;
    auto delivery = p.send(tp, key, value);
    delivery->wait();
    const auto status = delivery->report().status;
    if (status == kafka::DeliveryReport::Status::kPersisted) {
      shared->stats.acked++;
      return true;
    }
    if (status == kafka::DeliveryReport::Status::kPossiblyPersisted || shared->final_reads) return false;
    sim::sleep_for(sim::milliseconds(200));
  }
}

}  // namespace

void rider_app_program(const std::shared_ptr<Shared>& shared, sim::Node& n, int index) {
  auto state = std::make_shared<AppNode>();
  state->producer = std::make_unique<kafka::Producer>(n, shared->bootstrap, shared->app_producer);
  n.set_state(state);
  kafka::Producer* p = state->producer.get();
  const std::vector<int> riders = owned(shared->rides.riders, shared->rides.instances, index);
  if (riders.empty()) return;
  n.spawn("rider-app", [shared, p, riders, &n] {
    const RideSpec& spec = shared->rides;
    for (;;) {
      const double rate = rate_at(spec, shared->now_ms()) / spec.instances;
      if (rate <= 0) {
        sim::sleep_for(sim::milliseconds(100));
        if (shared->final_reads) return;
        continue;
      }
      const double mean_ms = 1000.0 / rate;
      sim::sleep_for(sim::milliseconds(static_cast<std::int64_t>(mean_ms * (0.5 + shared->rng.unit()))));
      if (shared->final_reads) return;
      const std::string rider = "r" + std::to_string(riders[shared->rng.below(riders.size())]);
      const std::string id = rider + "-" + std::to_string(++shared->next_request[rider]);
      const int x = static_cast<int>(shared->rng.below(static_cast<uint64_t>(spec.city_size)));
      const int y = static_cast<int>(shared->rng.below(static_cast<uint64_t>(spec.city_size)));
      const bool cancels = shared->rng.unit() < spec.cancel_ratio;
      const kafka::TopicPartition tp{kRideRequests, shared->shard_of(rider)};
      n.spawn("request " + id, [shared, p, rider, id, x, y, cancels, tp] {
        const std::int64_t t = shared->now_ms();
        const std::string value = "request " + id + " " + rider + " " + std::to_string(t) + " " + std::to_string(x) + " " +
                                  std::to_string(y);
        if (send_until_known(shared, *p, tp, rider, value)) shared->acked.push_back(checker::AckedRequest{id, shared->now_ms()});
        if (!cancels) return;
        sim::sleep_for(sim::milliseconds(shared->rides.cancel_after_ms));
        send_until_known(shared, *p, tp, rider, "cancel " + id + " " + rider + " " + std::to_string(shared->now_ms()));
      });
    }
  });
}

void driver_app_program(const std::shared_ptr<Shared>& shared, sim::Node& n, int index) {
  auto state = std::make_shared<AppNode>();
  state->producer = std::make_unique<kafka::Producer>(n, shared->bootstrap, shared->app_producer);
  kafka::Producer* p = state->producer.get();
  const std::vector<int> drivers = owned(shared->rides.drivers, shared->rides.instances, index);
  n.spawn("driver-locations", [shared, p, drivers] {
    const int size = shared->rides.city_size;
    for (;;) {
      for (int d : drivers) {
        const std::string driver = "d" + std::to_string(d);
        auto [it, fresh] = shared->driver_at.try_emplace(driver, 0, 0);
        auto& [x, y] = it->second;
        if (fresh) {
          x = static_cast<int>(shared->rng.below(static_cast<uint64_t>(size)));
          y = static_cast<int>(shared->rng.below(static_cast<uint64_t>(size)));
        } else {
          const int step = static_cast<int>(shared->rng.below(4));
          if (step == 0 && x + 1 < size) ++x;
          if (step == 1 && x > 0) --x;
          if (step == 2 && y + 1 < size) ++y;
          if (step == 3 && y > 0) --y;
        }
        p->send(kafka::TopicPartition{kDriverLocations, shared->shard_of(driver)}, driver,
                "location " + driver + " " + std::to_string(x) + " " + std::to_string(y) + " " +
                    std::to_string(shared->now_ms()));
      }
      sim::sleep_for(sim::milliseconds(shared->rides.location_interval_ms));
    }
  });
  driver_app_answers(shared, n, state);
}

}  // namespace kafkasim::harness::rides
