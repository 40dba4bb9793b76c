#include "harness/request_errors_schedule.h"

#include <algorithm>
#include <stdexcept>

namespace kafkasim::harness {

void schedule_request_errors(sim::Simulation& sim, kafka::Cluster& cluster, const Scenario& scenario) {
  if (scenario.request_errors.empty()) return;
  std::vector<RequestErrors> entries = scenario.request_errors;
  std::stable_sort(entries.begin(), entries.end(),
                   [](const RequestErrors& a, const RequestErrors& b) { return a.at_ms < b.at_ms; });
  const std::int64_t end_ms = scenario.duration_ms;
  sim.spawn_harness("request-errors", [&cluster, entries, end_ms] {
    for (const RequestErrors& e : entries) {
      sim::sleep_until(sim::milliseconds(e.at_ms));
      std::vector<kafka::InjectedError> errors;
      for (const std::string& name : e.errors) {
        auto parsed = kafka::parse_injected_error(name);
        if (!parsed) throw std::logic_error("request_errors: unknown error " + name);  // the schema's enum
        errors.push_back(*parsed);
      }
      cluster.request_errors().push(kafka::ApiKey::kProduce, errors);
    }
    sim::sleep_until(sim::milliseconds(end_ms));
    cluster.request_errors().clear(kafka::ApiKey::kProduce);
  });
}

}  // namespace kafkasim::harness
