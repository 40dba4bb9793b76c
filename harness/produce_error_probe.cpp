#include "harness/produce_error_probe.h"

#include <memory>
#include <stdexcept>

#include "broker-model/cluster.h"
#include "broker-model/producer.h"
#include "broker-model/request_error_injection.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

namespace {

std::string op_type(const kafka::DeliveryReport& r) {
  switch (r.status) {
    case kafka::DeliveryReport::Status::kPersisted: return "ok";
    case kafka::DeliveryReport::Status::kNotPersisted: return "fail";
    case kafka::DeliveryReport::Status::kPossiblyPersisted: return "info";
    case kafka::DeliveryReport::Status::kPending: break;
  }
  return "none";  // no report within the probe's time
}

}  // namespace

ProbeOutcome probe_simulated_producer(const std::string& error) {
  auto injected = kafka::parse_injected_error(error);
  if (!injected) throw std::invalid_argument("unknown request error " + error);
  sim::SimulationOptions so;
  so.seed = 1;
  sim::Simulation sim(so);
  kafka::ClusterSpec spec;
  spec.brokers = 1;
  spec.controllers = 1;
  kafka::TopicSpec t;
  t.name = "t";
  spec.topics.push_back(t);
  kafka::Cluster cluster(sim, spec);
  sim::Node& client = sim.add_node("producer-1", nullptr);
  cluster.start();
  sim.start(client);
  const kafka::Config config = kafka::Config::resolve(
      kafka::Scope::producer,
      nlohmann::json{{"acks", "all"}, {"enable.idempotence", true}, {"delivery.timeout.ms", 10000},
                     {"request.timeout.ms", 2000}},
      "probe");
  auto outcome = std::make_shared<ProbeOutcome>();
  auto done = std::make_shared<bool>(false);
  kafka::Cluster* c = &cluster;
  const std::vector<int32_t> bootstrap = cluster.bootstrap();
  client.spawn("probe", [=, &client] {
    kafka::Producer producer(client, bootstrap, config);
    const kafka::TopicPartition tp{"t", 0};
    auto a = producer.send(tp, "", "A");
    a->wait(sim::now() + sim::seconds(30));
    c->request_errors().push(kafka::ApiKey::kProduce, {*injected});
    auto b = producer.send(tp, "", "B");
    b->wait(sim::now() + sim::seconds(30));
    auto next = producer.send(tp, "", "C");
    next->wait(sim::now() + sim::seconds(30));
    outcome->report = op_type(b->report());
    outcome->batch = b->report().status == kafka::DeliveryReport::Status::kPersisted ? "retried" : "failed";
    outcome->next = op_type(next->report());
    *done = true;
  });
  while (!*done && sim.now() < sim::seconds(120)) sim.run_until(sim.now() + sim::seconds(1));
  sim.scheduler().shutdown();
  return *outcome;
}

}  // namespace kafkasim::harness
