#include <sstream>

#include "checker/check.h"

namespace kafkasim::checker {

nlohmann::json to_json(const Verdict& v) {
  nlohmann::json anomalies = nlohmann::json::object();
  for (const auto& [name, witnesses] : v.anomalies) anomalies[name] = witnesses;
  return {{"valid", v.valid},
          {"anomalies", std::move(anomalies)},
          {"stats", {{"ops", v.stats.ops}, {"keys", v.stats.keys}, {"values", v.stats.values}}}};
}

std::string summary(const Verdict& v, std::size_t examples) {
  std::ostringstream out;
  out << (v.valid ? "valid" : "INVALID") << ": " << v.stats.ops << " ops, " << v.stats.keys
      << " keys, " << v.stats.values << " values";
  if (v.anomalies.empty()) {
    out << "; no anomalies\n";
    return out.str();
  }
  out << "\n";
  for (const std::string& name : anomaly_names()) {
    auto it = v.anomalies.find(name);
    if (it == v.anomalies.end()) continue;
    const auto& ws = it->second;
    const char* status = is_informational(name) ? "information" : v.allowed.count(name) ? "allowed" : "INVALID";
    out << "  " << name << ": " << ws.size() << " (" << status << ") - " << describe_anomaly(name)
        << "\n";
    for (std::size_t i = 0; i < ws.size() && i < examples; ++i)
      out << "      " << ws[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (ws.size() > examples) out << "      ... " << ws.size() - examples << " more\n";
  }
  return out.str();
}

}  // namespace kafkasim::checker
