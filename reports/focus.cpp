#include "reports/focus.h"

#include <algorithm>

namespace kafkasim::reports {
namespace {

// Anomalies in the order a report prefers to explain them.
const std::vector<std::string>& preference() {
  static const std::vector<std::string> order{
      "lost-write",         "G1a",          "duplicate",          "inconsistent-offsets", "precommitted-read",
      "G1c",                "G0",           "nonmonotonic-send",  "nonmonotonic-poll",    "poll-skip",
      "int-nonmonotonic-poll", "int-poll-skip", "int-nonmonotonic-send", "int-send-skip"};
  return order;
}

int rank(const std::string& name) {
  const auto& order = preference();
  auto it = std::find(order.begin(), order.end(), name);
  return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

void add_op(const nlohmann::json& v, std::vector<std::int64_t>& out) {
  if (v.is_number_integer()) out.push_back(v.get<std::int64_t>());
  if (v.is_array()) {
    for (const auto& x : v) add_op(x, out);
  }
}

Focus from_witness(const std::string& name, const nlohmann::json& w) {
  Focus f;
  f.anomaly = name;
  f.witness = w;
  if (w.contains("key")) f.tp = value_text(w["key"]);
  if (w.contains("offset") && w["offset"].is_number_integer()) f.offsets.push_back(w["offset"].get<std::int64_t>());
  if (w.contains("offsets") && w["offsets"].is_array()) {
    for (const auto& o : w["offsets"]) {
      if (o.is_number_integer()) f.offsets.push_back(o.get<std::int64_t>());
    }
  }
  if (w.contains("value")) f.values.push_back(value_text(w["value"]));
  if (w.contains("values") && w["values"].is_array()) {
    for (const auto& v : w["values"]) f.values.push_back(value_text(v));
  }
  f.ops = witness_ops(w);
  return f;
}

}  // namespace

std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::vector<std::int64_t> witness_ops(const nlohmann::json& w) {
  std::vector<std::int64_t> ops;
  if (!w.is_object()) return ops;
  for (const char* key : {"writer", "reader", "max_read", "op", "ops", "cycle"}) {
    if (w.contains(key)) add_op(w[key], ops);
  }
  if (w.contains("steps") && w["steps"].is_array()) {
    for (const auto& s : w["steps"]) {
      if (!s.is_object()) continue;
      if (s.contains("from")) add_op(s["from"], ops);
      if (s.contains("to")) add_op(s["to"], ops);
    }
  }
  std::sort(ops.begin(), ops.end());
  ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
  return ops;
}

std::optional<std::size_t> op_position(const checker::History& h, std::int64_t index) {
  std::size_t lo = 0, hi = h.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (h.op(mid).index < index) lo = mid + 1;
    else hi = mid;
  }
  if (lo < h.size() && h.op(lo).index == index) return lo;
  return std::nullopt;
}

Focus choose_focus(const ReportInput& in) {
  if (in.verdict != nullptr) {
    std::vector<std::string> invalidating = in.verdict->invalidating();
    std::stable_sort(invalidating.begin(), invalidating.end(),
                     [](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
    for (const std::string& name : invalidating) {
      auto it = in.verdict->anomalies.find(name);
      if (it != in.verdict->anomalies.end() && !it->second.empty()) return from_witness(name, it->second.front());
    }
  }
  if (!in.invariants.empty()) {
    Focus f;
    const InvariantDetail& v = in.invariants.front();
    f.anomaly = "invariant:" + v.name;
    f.time_ns = v.time_ms * 1'000'000;
    // Details start with the partition: "orders/0: leader broker-2 ...".
    const std::size_t colon = v.detail.find(": ");
    if (colon != std::string::npos && v.detail.substr(0, colon).find('/') != std::string::npos &&
        v.detail.substr(0, colon).find(' ') == std::string::npos) {
      f.tp = v.detail.substr(0, colon);
    }
    // "... the batch acknowledged at offset 989 ...": the offset to show.
    const std::size_t at = v.detail.find("offset ");
    if (at != std::string::npos) {
      std::size_t end = at + 7;
      while (end < v.detail.size() && v.detail[end] >= '0' && v.detail[end] <= '9') ++end;
      if (end > at + 7) f.offsets.push_back(std::stoll(v.detail.substr(at + 7, end - at - 7)));
    }
    return f;
  }
  if (in.verdict != nullptr) {
    std::string best;
    for (const auto& [name, witnesses] : in.verdict->anomalies) {
      if (name == "unseen" || witnesses.empty()) continue;
      if (best.empty() || rank(name) < rank(best)) best = name;
    }
    if (!best.empty()) return from_witness(best, in.verdict->anomalies.at(best).front());
  }
  return Focus{};
}

}  // namespace kafkasim::reports
