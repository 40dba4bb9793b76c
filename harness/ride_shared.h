// What the ride-sharing workload's client nodes share with the harness:
// the scenario's settings, the facts the checker needs (the requests the
// riders' producers acknowledged, the auditor's final read, the gateway
// with its ledger), and the riders' and drivers' physical state (a
// rider's request counter and a driver's position survive their phone's
// app crashing). Services talk to each other only through the cluster.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "broker-model/config_catalog.h"
#include "broker-model/types.h"
#include "checker/ride_sharing.h"
#include "harness/ride_sharing_gateway.h"
#include "harness/ride_workload.h"
#include "harness/stream_task.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

inline constexpr const char* kRideRequests = "ride-requests";
inline constexpr const char* kDriverLocations = "driver-locations";
inline constexpr const char* kRideMatches = "ride-matches";
inline constexpr const char* kTripEvents = "trip-events";
inline constexpr const char* kPayments = "payments";
inline constexpr const char* kAvailabilityChangelog = "dispatcher-availability-changelog";

struct RideWorkload::Shared {
  RideSpec rides;
  ProcessingGuarantee guarantee = ProcessingGuarantee::kExactlyOnceV2;
  kafka::Config app_producer;  // the scenario's workload.producer: rider-app and driver locations
  std::map<std::string, int> partitions;  // topic -> partition count
  int shards = 1;                         // the co-partitioned topics' partition count
  std::vector<int32_t> bootstrap;
  sim::Simulation* sim = nullptr;
  uint64_t seed = 0;
  sim::Prng rng;  // the "workload" stream
  std::int64_t duration_ms = 0;
  bool final_reads = false;
  bool audit_done = false;
  WorkloadStats stats;
  std::unique_ptr<PaymentGateway> gateway;
  std::int32_t gateway_node = -1;

  std::map<std::string, std::int64_t> next_request;          // rider -> its next request's number
  std::map<std::string, std::pair<int, int>> driver_at;      // driver -> position
  std::vector<checker::AckedRequest> acked;
  std::vector<checker::RideRecord> records;   // the auditor's final read
  std::vector<checker::LedgerEntry> ledger;   // the ledger when the auditor finished

  std::int64_t now_ms() const { return sim::to_ms(sim->now()); }
  int shard_of(const std::string& key) const {
    return static_cast<int>(sim::fnv1a64(key) % static_cast<uint64_t>(shards));
  }
  kafka::Config service_consumer(const std::string& group_id) const;
  kafka::Config service_producer(const std::string& transactional_id) const;
  kafka::Config reader_config() const;
};

namespace rides {

using Shared = RideWorkload::Shared;

// The client node programs (harness/ride_apps.cpp, ride_services.cpp, ride_auditor.cpp).
// rider-app-N and driver-app-N own the riders and drivers whose number is
// N modulo the instances (r1, d1 on instance 1).
void rider_app_program(const std::shared_ptr<Shared>& shared, sim::Node& n, int index);
void driver_app_program(const std::shared_ptr<Shared>& shared, sim::Node& n, int index);
void dispatcher_program(const std::shared_ptr<Shared>& shared, sim::Node& n);
void trip_service_program(const std::shared_ptr<Shared>& shared, sim::Node& n);
void billing_program(const std::shared_ptr<Shared>& shared, sim::Node& n);
void auditor_program(const std::shared_ptr<Shared>& shared, sim::Node& n);

// One incarnation of a stream service's task: its state, derived from its
// input. A failed task's handler is dropped with it.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual std::vector<StreamOutput> process(const std::vector<kafka::ConsumedRecord>& records) = 0;
  // The shard's partitions were revoked or lost: forget its state.
  virtual void drop(int /*shard*/) {}
};

// The node's stream service (harness/stream_task.h) in consumer group
// `group` over `inputs`: a new task with a new handler after every failed
// one (Kafka Streams' "task corrupted": close dirty, wipe, restore).
// Sets the node's state; `keep` is kept with it (the node's other objects).
void run_stream_service(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& group,
                        std::vector<std::string> inputs, std::function<std::unique_ptr<StreamHandler>()> make,
                        std::shared_ptr<void> keep = nullptr);

// Reads partition `tp` from its start to its end (read_committed under
// exactly_once_v2), calling `each` for every record: the restore of a
// store from its changelog.
void read_to_end(const Shared& shared, sim::Node& n, const kafka::TopicPartition& tp,
                 const std::function<void(const kafka::ConsumedRecord&)>& each);

}  // namespace rides
}  // namespace kafkasim::harness
