// The consume-transform-produce loop of the ml-pipeline services
// (harness/ml_services.cpp) under the scenario's processing.guarantee, on
// harness/stream_task.h (harness/ml_service_loop.cpp).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker-model/consumer.h"
#include "harness/ml_workload.h"
#include "harness/stream_task.h"

namespace kafkasim::harness::ml {

using Shared = MlWorkload::Shared;

using Output = StreamOutput;
using Transform = StreamTask::Process;
using Partitions = std::function<void(const std::vector<kafka::TopicPartition>&)>;

// One service of consumer-group instances, as its instances run it.
struct Service {
  Service(std::string group_id, std::string input, std::shared_ptr<void> state, Transform transform)
      : group_id(std::move(group_id)), input(std::move(input)), state(std::move(state)), transform(std::move(transform)) {}

  std::string group_id;
  std::string input;
  std::shared_ptr<void> state;  // kept alive with the incarnation
  Transform transform;
  // Called before every poll; false: do not poll yet (the service is not
  // ready). Empty: always ready.
  std::function<bool()> ready;
  // Input partitions assigned to the instance (restore their local state
  // before their records are processed), and released (revoked or lost:
  // drop it). Empty: the service keeps no such state.
  Partitions assigned;
  Partitions released;
  // After a failed step: drop every local state derived from the input
  // (under exactly_once_v2 it may hold records of an aborted transaction).
  // Empty: keep it.
  std::function<void()> reset;
};

// Runs the service on node `n`: joins `group_id`, subscribed to `input`,
// and produces transform's outputs. Returns at once; the loop runs in a
// fiber of the node.
void run_service(const std::shared_ptr<Shared>& shared, sim::Node& n, Service service);

}  // namespace kafkasim::harness::ml
