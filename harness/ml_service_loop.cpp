// processing.guarantee at_least_once: produce the outputs of a poll, wait
// until every one is acknowledged, and commit the consumed offsets every
// commit_interval_ms (commit_sync); a crash replays everything since the
// last commit, so outputs may repeat.
#include <memory>

#include "broker-model/group_consumer.h"
#include "broker-model/producer.h"
#include "harness/ml_services.h"
#include "harness/ml_shared.h"

namespace kafkasim::harness::ml {

namespace {

struct ServiceClient {
  std::shared_ptr<void> state;
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<kafka::GroupConsumer> group;
  std::unique_ptr<kafka::Producer> producer;
  std::vector<std::unique_ptr<kafka::Producer>> retired;  // replaced producers, kept for their fibers
};

// Produces `out` until each is acknowledged. An outcome that is not known
// (possibly written) is sent again: at-least-once may repeat, never lose.
// After a failure the producer is replaced, as Kafka Streams does when a
// task's producer fails: a fresh producer id, no stuck sequence state.
void produce_all(const std::shared_ptr<Shared>& shared, sim::Node& n, ServiceClient& c, const std::vector<Output>& out) {
  std::vector<std::shared_ptr<kafka::Delivery>> pending;
  for (const Output& o : out) pending.push_back(c.producer->send(o.tp, o.key, o.value));
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (;;) {
      pending[i]->wait();
      if (pending[i]->report().status == kafka::DeliveryReport::Status::kPersisted) break;
      sim::sleep_for(sim::milliseconds(100));
      c.retired.push_back(std::move(c.producer));
      c.producer = std::make_unique<kafka::Producer>(n, shared->bootstrap, shared->producer_config());
      for (std::size_t j = i; j < out.size(); ++j) pending[j] = c.producer->send(out[j].tp, out[j].key, out[j].value);
    }
  }
}

}  // namespace

void run_service(const std::shared_ptr<Shared>& shared, sim::Node& n, Service service) {
  if (shared->ml.processing_guarantee == "exactly_once_v2") {
    run_exactly_once(shared, n, std::move(service));
  } else {
    run_at_least_once(shared, n, std::move(service));
  }
}

void run_at_least_once(const std::shared_ptr<Shared>& shared, sim::Node& n, Service service) {
  auto client = std::make_shared<ServiceClient>();
  client->state = std::move(service.state);
  const kafka::Config config = shared->consumer_config(service.group_id);
  client->consumer = std::make_unique<kafka::Consumer>(n, shared->bootstrap, config);
  client->group = std::make_unique<kafka::GroupConsumer>(n, shared->bootstrap, config, *client->consumer);
  client->producer = std::make_unique<kafka::Producer>(n, shared->bootstrap, shared->producer_config());
  n.set_state(client);
  ServiceClient* c = client.get();
  const int64_t interval = shared->ml.commit_interval_ms;
  n.spawn("service", [shared, c, &n, interval, service = std::move(service)] {
    c->group->subscribe({service.input}, kafka::RebalanceListener{});
    int64_t last_commit = shared->now_ms();
    for (;;) {
      if (service.ready && !service.ready()) {
        sim::sleep_for(sim::milliseconds(50));
        continue;
      }
      const auto records = c->group->poll(sim::milliseconds(100));
      if (!records.empty()) produce_all(shared, n, *c, service.transform(records));
      if (shared->now_ms() - last_commit >= interval) {
        c->group->commit_sync();
        last_commit = shared->now_ms();
      }
    }
  });
}

}  // namespace kafkasim::harness::ml
