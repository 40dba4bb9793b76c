// The ride-sharing stream services (docs/ride-sharing.md): driver-app's
// answers to matches, the dispatcher, the trip service and billing, each a
// StreamTask per node with the scenario's processing.guarantee. The
// topics they read are co-partitioned (keyed by driver, or by rider for
// ride-requests, with the same partition count) and the groups use the
// range assignor, so partition i of every input goes to one task: shard i,
// whose drivers are the drivers whose key hashes to i.
#include <map>

#include "broker-model/consumer.h"
#include "harness/ride_dispatch.h"
#include "harness/ride_shared.h"

namespace kafkasim::harness::rides {

namespace {

struct ServiceNode {
  // Tasks of this incarnation, the failed ones kept for their fibers.
  std::vector<std::unique_ptr<StreamTask>> tasks;
  std::shared_ptr<void> keep;
};

kafka::TopicPartition tp_of(const char* topic, int partition) { return kafka::TopicPartition{topic, partition}; }

// Answers each match with accept or decline: the driver's decision is a
// function of the run's seed, the request and the driver, so a match
// processed again is answered the same.
class DriverAppHandler final : public StreamHandler {
 public:
  explicit DriverAppHandler(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  std::vector<StreamOutput> process(const std::vector<kafka::ConsumedRecord>& records) override {
    std::vector<StreamOutput> out;
    for (const kafka::ConsumedRecord& r : records) {
      const std::vector<std::string> w = ride_words(r.value);
      if (w.size() < 3 || w[0] != "match") continue;
      const uint64_t h = sim::fnv1a64(std::to_string(shared_->seed) + " " + w[1] + " " + w[2]);
      const bool decline = static_cast<double>(h % 10000) / 10000.0 < shared_->rides.decline_ratio;
      out.push_back(StreamOutput{r.tp, w[2],
                                 std::string(decline ? "decline " : "accept ") + w[1] + " " + w[2] + " " +
                                     std::to_string(shared_->now_ms())});
    }
    return out;
  }

 private:
  std::shared_ptr<Shared> shared_;
};

class DispatcherHandler final : public StreamHandler {
 public:
  DispatcherHandler(std::shared_ptr<Shared> shared, sim::Node& n) : shared_(std::move(shared)), node_(n) {}

  std::vector<StreamOutput> process(const std::vector<kafka::ConsumedRecord>& records) override {
    std::map<int, std::vector<RideOutput>> outs;
    const std::int64_t now = shared_->now_ms();
    for (const kafka::ConsumedRecord& r : records) {
      const int shard = r.tp.partition;
      DispatchStore& s = store(shard);
      std::vector<RideOutput>& out = outs[shard];
      const std::vector<std::string> w = ride_words(r.value);
      if (w.size() < 3) continue;
      if (r.tp.topic == kRideRequests && w[0] == "request" && w.size() >= 6) {
        s.request(w[1], w[2], ride_number(w, 3), static_cast<int>(ride_number(w, 4)), static_cast<int>(ride_number(w, 5)),
                  now, out);
      } else if (r.tp.topic == kRideRequests && w[0] == "cancel") {
        s.cancel(w[1], out);
      } else if (r.tp.topic == kDriverLocations && w[0] == "location" && w.size() >= 4) {
        s.location(w[1], static_cast<int>(ride_number(w, 2)), static_cast<int>(ride_number(w, 3)));
      } else if (r.tp.topic == kRideMatches && w[0] == "accept") {
        s.accept(w[1], w[2], out);
      } else if (r.tp.topic == kRideMatches && w[0] == "decline") {
        s.decline(w[1], w[2], now, out);
      } else if (r.tp.topic == kTripEvents && w[0] == "completed") {
        s.completed(w[1], w[2], now, out);
      }
    }
    std::vector<StreamOutput> result;
    for (auto& [shard, out] : outs) {
      store(shard).dispatch(now, out);
      for (RideOutput& o : out) {
        result.push_back(StreamOutput{tp_of(o.to == RideOutput::To::kMatches ? kRideMatches : kAvailabilityChangelog, shard),
                                      std::move(o.key), std::move(o.value)});
      }
    }
    return result;
  }

  void drop(int shard) override { stores_.erase(shard); }

 private:
  // The shard's store, restored from its changelog and the latest driver
  // locations when the task first meets the shard.
  DispatchStore& store(int shard) {
    auto it = stores_.find(shard);
    if (it != stores_.end()) return *it->second;
    auto s = std::make_unique<DispatchStore>(shared_->rides.max_offers, shared_->rides.max_wait_ms);
    DispatchStore* p = s.get();
    read_to_end(*shared_, node_, tp_of(kAvailabilityChangelog, shard),
                [p](const kafka::ConsumedRecord& r) { p->restore(r.key, r.value); });
    read_to_end(*shared_, node_, tp_of(kDriverLocations, shard), [p](const kafka::ConsumedRecord& r) {
      const std::vector<std::string> w = ride_words(r.value);
      if (w.size() >= 4 && w[0] == "location") p->location(w[1], static_cast<int>(ride_number(w, 2)), static_cast<int>(ride_number(w, 3)));
    });
    return *stores_.emplace(shard, std::move(s)).first->second;
  }

  std::shared_ptr<Shared> shared_;
  sim::Node& node_;
  std::map<int, std::unique_ptr<DispatchStore>> stores_;
};

class TripHandler final : public StreamHandler {
 public:
  TripHandler(std::shared_ptr<Shared> shared, sim::Node& n) : shared_(std::move(shared)), node_(n) {}

  std::vector<StreamOutput> process(const std::vector<kafka::ConsumedRecord>& records) override {
    std::vector<StreamOutput> result;
    const std::int64_t now = shared_->now_ms();
    for (const kafka::ConsumedRecord& r : records) {
      const std::vector<std::string> w = ride_words(r.value);
      if (w.size() < 3) continue;
      TripBook& book = trips(r.tp.partition);
      std::vector<std::string> out;
      if (r.tp.topic == kRideMatches && w[0] == "accept") book.accept(w[1], w[2], now, out);
      if (r.tp.topic == kDriverLocations && w[0] == "location") book.tick(w[1], now, out);
      for (std::string& v : out) {
        const std::vector<std::string> ow = ride_words(v);
        result.push_back(StreamOutput{tp_of(kTripEvents, r.tp.partition), ow[2], std::move(v)});
      }
    }
    return result;
  }

  void drop(int shard) override { books_.erase(shard); }

 private:
  // The shard's trips, from its trip-events (the service's own output).
  TripBook& trips(int shard) {
    auto it = books_.find(shard);
    if (it != books_.end()) return *it->second;
    auto b = std::make_unique<TripBook>(shared_->rides.trip_duration_ms);
    TripBook* p = b.get();
    read_to_end(*shared_, node_, tp_of(kTripEvents, shard), [p](const kafka::ConsumedRecord& r) { p->restore(r.value); });
    return *books_.emplace(shard, std::move(b)).first->second;
  }

  std::shared_ptr<Shared> shared_;
  sim::Node& node_;
  std::map<int, std::unique_ptr<TripBook>> books_;
};

// Charges each completed trip through the gateway, again and again until
// the gateway answers (an unknown outcome is retried), then records it in
// payments. With idempotency the trip id is the charge's idempotency key.
class BillingHandler final : public StreamHandler {
 public:
  BillingHandler(std::shared_ptr<Shared> shared, sim::Node& n) : shared_(std::move(shared)), node_(n) {}

  std::vector<StreamOutput> process(const std::vector<kafka::ConsumedRecord>& records) override {
    std::vector<StreamOutput> result;
    const int payments = shared_->partitions.at(kPayments);
    for (const kafka::ConsumedRecord& r : records) {
      const std::vector<std::string> w = ride_words(r.value);
      if (w.size() < 5 || w[0] != "completed") continue;
      const std::string& trip = w[1];
      const std::int64_t fare = ride_number(w, 4);
      const std::string key = shared_->rides.idempotency ? trip : "";
      while (charge(node_, shared_->gateway_node, trip, key, fare, sim::milliseconds(shared_->rides.charge_timeout_ms)) !=
             ChargeOutcome::kCharged) {
        sim::sleep_for(sim::milliseconds(100));
      }
      const int p = static_cast<int>(sim::fnv1a64(trip) % static_cast<uint64_t>(payments));
      result.push_back(StreamOutput{tp_of(kPayments, p), trip,
                                    "charged " + trip + " " + std::to_string(fare) + " " + std::to_string(shared_->now_ms())});
    }
    return result;
  }

 private:
  std::shared_ptr<Shared> shared_;
  sim::Node& node_;
};

}  // namespace

void run_stream_service(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& group,
                        std::vector<std::string> inputs, std::function<std::unique_ptr<StreamHandler>()> make,
                        std::shared_ptr<void> keep) {
  auto state = std::make_shared<ServiceNode>();
  state->keep = std::move(keep);
  n.set_state(state);
  ServiceNode* s = state.get();
  n.spawn(group, [shared, s, &n, group, inputs = std::move(inputs), make = std::move(make)] {
    for (;;) {
      std::shared_ptr<StreamHandler> handler = make();
      StreamTaskConfig c;
      c.guarantee = shared->guarantee;
      c.input_topics = inputs;
      c.consumer = shared->service_consumer(group);
      c.producer = shared->service_producer(n.name());
      auto drop = [handler](const std::vector<kafka::TopicPartition>& tps) {
        for (const kafka::TopicPartition& tp : tps) handler->drop(tp.partition);
      };
      kafka::RebalanceListener listener;
      listener.on_revoked = drop;
      listener.on_lost = drop;
      s->tasks.push_back(std::make_unique<StreamTask>(
          n, shared->bootstrap, c, listener,
          [handler](const std::vector<kafka::ConsumedRecord>& records) { return handler->process(records); }));
      StreamTask& task = *s->tasks.back();
      if (task.init(sim::seconds(10))) {
        while (!task.step().failed) {
        }
      }
      task.close();
      sim::sleep_for(sim::milliseconds(200));
    }
  });
}

void read_to_end(const Shared& shared, sim::Node& n, const kafka::TopicPartition& tp,
                 const std::function<void(const kafka::ConsumedRecord&)>& each) {
  kafka::Consumer reader(n, shared.bootstrap, shared.reader_config());
  reader.assign({tp});
  reader.seek(tp, 0);
  for (;;) {
    for (const kafka::ConsumedRecord& r : reader.poll(sim::milliseconds(100))) {
      if (!r.null_value) each(r);
    }
    const int64_t hw = reader.high_watermark(tp);
    if (hw >= 0 && reader.position(tp) >= hw) return;
  }
}

void driver_app_answers(const std::shared_ptr<Shared>& shared, sim::Node& n, std::shared_ptr<void> keep) {
  run_stream_service(shared, n, "drivers", {kRideMatches},
                     [shared] { return std::make_unique<DriverAppHandler>(shared); }, std::move(keep));
}

void dispatcher_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  run_stream_service(shared, n, "dispatcher", {kRideRequests, kDriverLocations, kRideMatches, kTripEvents},
                     [shared, &n] { return std::make_unique<DispatcherHandler>(shared, n); });
}

void trip_service_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  run_stream_service(shared, n, "trips", {kRideMatches, kDriverLocations},
                     [shared, &n] { return std::make_unique<TripHandler>(shared, n); });
}

void billing_program(const std::shared_ptr<Shared>& shared, sim::Node& n) {
  run_stream_service(shared, n, "billing", {kTripEvents}, [shared, &n] { return std::make_unique<BillingHandler>(shared, n); });
}

}  // namespace kafkasim::harness::rides
