// processing.guarantee exactly_once_v2 (KIP-447) for the ml-pipeline
// services, on harness/stream_task.h: each instance has a transactional
// producer whose transactional.id is its node name (stable across its
// restarts, so a restarted instance fences its former incarnation and
// settles its open transaction), and each poll's outputs commit in one
// transaction with the consumed offsets. Downstream readers
// (read_committed) see each input record's outputs exactly once.
//
// A failed step (a fenced or lost member, an unknown commit outcome, an
// abortable or fatal transaction error) is Kafka Streams' task-corrupted
// path: the task leaves the group, the instance drops every local state
// derived from its input, and a new task rejoins, resumes from the
// committed offsets and restores its state (harness/ml_services.cpp).
#include <memory>

#include "harness/ml_services.h"
#include "harness/ml_shared.h"
#include "harness/stream_task.h"

namespace kafkasim::harness::ml {

namespace {

struct EosClient {
  std::shared_ptr<void> state;
  // Every task this incarnation made; a failed one stays (closed) because
  // its clients' fibers refer to it.
  std::vector<std::unique_ptr<StreamTask>> tasks;
};

}  // namespace

void run_exactly_once(const std::shared_ptr<Shared>& shared, sim::Node& n, Service service) {
  auto client = std::make_shared<EosClient>();
  client->state = std::move(service.state);
  n.set_state(client);
  EosClient* c = client.get();
  StreamTaskConfig config;
  config.guarantee = ProcessingGuarantee::kExactlyOnceV2;
  config.input_topics = {service.input};
  config.consumer = shared->consumer_config(service.group_id);
  config.producer = shared->producer_config(n.name());
  n.spawn("service", [shared, c, &n, config, service = std::move(service)] {
    const kafka::RebalanceListener listener{service.assigned, service.released, service.released};
    const StreamTask::Process process = [&service](const std::vector<kafka::ConsumedRecord>& records) {
      std::vector<StreamOutput> out;
      for (Output& o : service.transform(records)) out.push_back(StreamOutput{o.tp, std::move(o.key), std::move(o.value)});
      return out;
    };
    for (;;) {
      c->tasks.push_back(std::make_unique<StreamTask>(n, shared->bootstrap, config, listener, process));
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
