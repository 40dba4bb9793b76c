#include "checker/check.h"

#include <stdexcept>

#include "checker/analysis.h"

namespace kafkasim::checker {

Verdict check(const History& h, const Options& opts) {
  Verdict v;
  if (opts.allow) {
    for (const std::string& name : *opts.allow)
      if (!is_anomaly_name(name)) throw std::invalid_argument("unknown anomaly name \"" + name + "\"");
    v.allowed = *opts.allow;
  } else {
    v.allowed = default_allowed(h, opts);
  }

  Facts facts(h);
  Findings found(facts);
  find_offset_anomalies(facts, found);
  find_read_anomalies(facts, found);
  find_lost_writes(facts, found);
  find_order_anomalies(facts, found);
  find_cycles(facts, opts.ww_deps, found);
  v.anomalies = found.take();

  v.stats.ops = h.size();
  v.stats.keys = h.key_count();
  v.stats.values = h.elem_count();
  v.valid = v.invalidating().empty();
  return v;
}

std::vector<std::string> Verdict::invalidating() const {
  std::vector<std::string> out;
  for (const auto& [name, witnesses] : anomalies)
    if (!witnesses.empty() && !is_informational(name) && !allowed.count(name)) out.push_back(name);
  return out;
}

}  // namespace kafkasim::checker
