#include "harness/ride_workload.h"

#include "broker-model/cluster.h"
#include "harness/ride_shared.h"
#include "harness/ride_sharing_topology.h"

namespace kafkasim::harness {

kafka::Config RideWorkload::Shared::service_consumer(const std::string& group_id) const {
  // Range assignment keeps partition i of every input on one member (the
  // shard); short sessions move a crashed instance's shards within the
  // fault phase.
  nlohmann::json j = {{"group.id", group_id},
                      {"auto.offset.reset", "earliest"},
                      {"partition.assignment.strategy", "range"},
                      {"session.timeout.ms", 6000},
                      {"heartbeat.interval.ms", 1000}};
  return kafka::Config::resolve(kafka::Scope::consumer, j, "workload.consumer");
}

kafka::Config RideWorkload::Shared::service_producer(const std::string& transactional_id) const {
  // A request lost to a network partition is given up on (and sent again)
  // after 3 s, well within a step's commit timeout.
  nlohmann::json j = {{"acks", -1}, {"enable.idempotence", true}, {"request.timeout.ms", 3000}};
  if (guarantee == ProcessingGuarantee::kExactlyOnceV2) {
    j["transactional.id"] = transactional_id;
    // Kafka Streams' default under exactly-once: a crashed instance's open
    // transaction is aborted by its coordinator this soon.
    j["transaction.timeout.ms"] = 10000;
  }
  return kafka::Config::resolve(kafka::Scope::producer, j, "workload.producer");
}

kafka::Config RideWorkload::Shared::reader_config() const {
  nlohmann::json j = {{"auto.offset.reset", "earliest"}, {"isolation.level", "read_committed"}};
  return kafka::Config::resolve(kafka::Scope::consumer, j, "workload.consumer");
}

std::optional<std::pair<std::string, std::string>> ride_sharing_problem(const std::vector<Topic>& topics) {
  int shards = -1;
  for (const RideTopic& rt : ride_sharing_topology().topics) {
    const Topic* found = nullptr;
    for (const Topic& t : topics) {
      if (t.name == rt.name) found = &t;
    }
    if (!found) {
      return std::make_pair(std::string("topics"),
                            "a ride-sharing workload needs a topic named \"" + rt.name + "\" (" + rt.carries + ")");
    }
    if (rt.compacted && found->config.get_string("cleanup.policy").find("compact") == std::string::npos) {
      return std::make_pair(std::string("topics"),
                            "the topic \"" + rt.name + "\" must be compacted (config cleanup.policy: compact)");
    }
    if (rt.name == kPayments) continue;
    if (shards < 0) shards = found->partitions;
    if (found->partitions != shards) {
      return std::make_pair(std::string("topics"),
                            "the ride-sharing topics other than payments must be co-partitioned: \"" + rt.name + "\" has " +
                                std::to_string(found->partitions) + " partitions, \"ride-requests\" " +
                                std::to_string(shards));
    }
  }
  return std::nullopt;
}

std::vector<std::string> ride_sharing_client_names(const RideSpec& rides) {
  std::vector<std::string> names;
  for (const RideService& s : ride_sharing_topology().services) {
    for (int i = 1; i <= rides.instances; ++i) names.push_back(s.name + "-" + std::to_string(i));
  }
  names.push_back("payment-gateway");
  names.push_back("auditor-1");
  return names;
}

RideWorkload::RideWorkload(const Scenario& scenario) : shared_(std::make_shared<Shared>()) {
  shared_->rides = scenario.workload.rides;
  shared_->guarantee = *parse_processing_guarantee(scenario.workload.rides.processing_guarantee);
  shared_->app_producer = scenario.workload.producer;
  shared_->duration_ms = scenario.duration_ms;
  for (const Topic& t : scenario.topics) shared_->partitions[t.name] = t.partitions;
  shared_->shards = shared_->partitions.at(kRideRequests);
}

RideWorkload::~RideWorkload() = default;

void RideWorkload::setup(sim::Simulation& sim, kafka::Cluster& cluster) {
  shared_->sim = &sim;
  shared_->seed = sim.seed();
  shared_->rng = sim.stream("workload");
  shared_->bootstrap = cluster.bootstrap();
  GatewayOptions options;
  options.idempotency = shared_->rides.idempotency;
  options.slow_ratio = shared_->rides.slow_ratio;
  options.slow_delay = sim::milliseconds(shared_->rides.slow_delay_ms);
  shared_->gateway = std::make_unique<PaymentGateway>(options, sim.stream("payment-gateway"));
  std::shared_ptr<Shared> shared = shared_;
  const std::vector<std::string> names = ride_sharing_client_names(shared->rides);
  for (const std::string& name : names) {
    const std::string service = name.substr(0, name.rfind('-'));
    const int index = std::atoi(name.substr(name.rfind('-') + 1).c_str());
    std::function<void(sim::Node&)> program;
    if (service == "rider-app") program = [shared, index](sim::Node& n) { rides::rider_app_program(shared, n, index); };
    if (service == "driver-app") program = [shared, index](sim::Node& n) { rides::driver_app_program(shared, n, index); };
    if (service == "dispatcher") program = [shared](sim::Node& n) { rides::dispatcher_program(shared, n); };
    if (service == "trip-service") program = [shared](sim::Node& n) { rides::trip_service_program(shared, n); };
    if (service == "billing") program = [shared](sim::Node& n) { rides::billing_program(shared, n); };
    if (name == "payment-gateway") program = [shared](sim::Node& n) { shared->gateway->serve(n); };
    if (service == "auditor") program = [shared](sim::Node& n) { rides::auditor_program(shared, n); };
    sim::Node& node = sim.add_node(name, std::move(program));
    if (name == "payment-gateway") shared->gateway_node = node.id();
    clients_.push_back(&node);
  }
}

void RideWorkload::start() {
  for (sim::Node* n : clients_) shared_->sim->start(*n);
}

void RideWorkload::begin_final_reads() { shared_->final_reads = true; }

bool RideWorkload::finished() const { return shared_->audit_done; }

const checker::History& RideWorkload::history() const {
  static const checker::History empty;
  return empty;
}

WorkloadStats RideWorkload::stats() const { return shared_->stats; }

namespace {
checker::RideSharingRun ride_run(const RideWorkload::Shared& s) {
  checker::RideSharingRun run;
  run.records = s.records;
  // The ledger when the auditor finished; all of it when it never did.
  run.ledger = s.audit_done || !s.gateway ? s.ledger : s.gateway->ledger();
  run.acked = s.acked;
  run.duration_ms = s.duration_ms;
  return run;
}
}  // namespace

std::shared_ptr<checker::Verdict> RideWorkload::own_verdict(
    const std::set<std::string>& allow, const std::vector<std::pair<std::int64_t, std::int64_t>>& /*disturbed*/) const {
  return std::make_shared<checker::Verdict>(checker::check_ride_sharing(ride_run(*shared_), allow));
}

nlohmann::ordered_json RideWorkload::figures() const {
  nlohmann::ordered_json f = nlohmann::ordered_json(checker::ride_figures(ride_run(*shared_)).to_json());
  f["charges_booked"] = static_cast<std::int64_t>(shared_->ledger.size());
  f["processing_guarantee"] = shared_->rides.processing_guarantee;
  return f;
}

}  // namespace kafkasim::harness
