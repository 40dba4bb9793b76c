#include "harness/request_errors_schedule.h"

#include <algorithm>
#include <stdexcept>

namespace kafkasim::harness {

void schedule_request_errors(sim::Simulation& sim, kafka::Cluster& cluster, const Scenario& scenario,
                             FaultInjector& injector) {
  if (scenario.request_errors.empty()) return;
  std::vector<std::pair<RequestErrors, std::size_t>> entries;
  for (std::size_t i = 0; i < scenario.request_errors.size(); ++i) entries.emplace_back(scenario.request_errors[i], i);
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first.at_ms < b.first.at_ms; });
  const std::int64_t end_ms = scenario.duration_ms;
  sim.spawn_harness("request-errors", [&cluster, &injector, entries, end_ms] {
    for (const auto& [e, index] : entries) {
      sim::sleep_until(sim::milliseconds(e.at_ms));
      std::vector<kafka::InjectedError> errors;
      for (const std::string& name : e.errors) {
        auto parsed = kafka::parse_injected_error(name);
        if (!parsed) throw std::logic_error("request_errors: unknown error " + name);  // the schema's enum
        errors.push_back(*parsed);
      }
      cluster.request_errors().push(kafka::ApiKey::kProduce, errors);
      FaultLogEntry entry;
      entry.action = "inject";
      entry.kind = "request-errors";
      entry.target = e.api;
      for (const std::string& name : e.errors) entry.note += (entry.note.empty() ? "" : ", ") + name;
      entry.source = "request_errors[" + std::to_string(index) + "]";
      injector.log_other(std::move(entry));
    }
    sim::sleep_until(sim::milliseconds(end_ms));
    cluster.request_errors().clear(kafka::ApiKey::kProduce);
  });
}

}  // namespace kafkasim::harness
