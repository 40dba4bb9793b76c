// The loop every ml-pipeline service instance runs: a StreamTask
// (harness/stream_task.h) under the scenario's processing.guarantee.
//
// exactly_once_v2 (KIP-447): a transactional producer whose
// transactional.id is the node name (stable across the instance's
// restarts, so a restarted instance fences its former incarnation and
// settles its open transaction); each poll's outputs commit in one
// transaction with the consumed offsets, so read_committed readers
// downstream see each input record's outputs exactly once.
//
// at_least_once: an idempotent producer; each poll's outputs are
// acknowledged before the consumed offsets are committed, at most every
// commit_interval_ms (Kafka Streams' commit.interval.ms). An instance that
// restarts, or a task that failed, processes again everything since the
// last commit: outputs repeat.
//
// A failed step (fenced, an abortable or fatal transaction error, an
// unknown commit outcome, a failed delivery or offset commit) is Kafka
// Streams' task-corrupted path: the task leaves the group, the service
// drops its local state derived from the input (Service::reset), and a new
// task rejoins and resumes from the committed offsets.
#include <memory>

#include "harness/ml_services.h"
#include "harness/ml_shared.h"

namespace kafkasim::harness::ml {

namespace {

struct ServiceClient {
  std::shared_ptr<void> state;
  // Every task this incarnation made; a failed one stays (closed) because
  // its clients' fibers refer to it.
  std::vector<std::unique_ptr<StreamTask>> tasks;
};

}  // namespace

void run_service(const std::shared_ptr<Shared>& shared, sim::Node& n, Service service) {
  auto client = std::make_shared<ServiceClient>();
  client->state = std::move(service.state);
  n.set_state(client);
  ServiceClient* c = client.get();
  StreamTaskConfig config;
  config.input_topics = {service.input};
  config.consumer = shared->consumer_config(service.group_id);
  if (shared->ml.processing_guarantee == "exactly_once_v2") {
    config.guarantee = ProcessingGuarantee::kExactlyOnceV2;
    config.producer = shared->producer_config(n.name());
  } else {
    config.guarantee = ProcessingGuarantee::kAtLeastOnce;
    config.producer = shared->producer_config();
    config.commit_interval = sim::milliseconds(shared->ml.commit_interval_ms);
  }
  n.spawn("service", [shared, c, &n, config, service = std::move(service)] {
    const kafka::RebalanceListener listener{service.assigned, service.released, service.released};
    for (;;) {
      c->tasks.push_back(std::make_unique<StreamTask>(n, shared->bootstrap, config, listener, service.transform));
      StreamTask& task = *c->tasks.back();
      bool ok = task.init(config.commit_timeout);
      while (ok) {
        if (service.ready && !service.ready()) {
          sim::sleep_for(sim::milliseconds(50));
          continue;
        }
        ok = !task.step().failed;
      }
      task.close();
      // The next task restores the state of the partitions it is assigned.
      if (service.reset) service.reset();
      sim::sleep_for(sim::milliseconds(100));
    }
  });
}

}  // namespace kafkasim::harness::ml
