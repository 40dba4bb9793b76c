#include <algorithm>
#include <set>
#include <tuple>

#include "checker/compaction.h"

namespace kafkasim::checker {
namespace {

constexpr std::string_view kTombstone = "null";
constexpr std::int64_t kNsPerMs = 1'000'000;

// One record as a send acknowledged it or a poll returned it.
struct Seen {
  std::int64_t offset = kUnknownOffset;
  std::string value;  // the whole VALUE, "k=v" or "k=null"
  bool tombstone = false;
  std::int64_t index = -1;        // the op's index
  std::int64_t invoke_time = -1;  // sends: when the send was invoked
  std::int64_t time = -1;         // the op's completion time
};

struct KeyState {
  // Acknowledged sends by record key.
  std::map<std::string, std::vector<Seen>> acked;
  // Record keys with an info send of a tombstone (it may have happened).
  std::set<std::string> maybe_tombstone;
};

struct Process {
  std::int64_t first_time = -1;
  std::int64_t last_invoke_time = -1;
  std::int64_t last_poll_time = -1;  // completion of its last ok poll
  std::vector<KeyId> covered;                          // from assign/subscribe
  std::map<KeyId, std::vector<std::pair<std::string, Seen>>> reads;  // record key, record; in read order
};

nlohmann::json seen_json(const Seen* s) {
  if (s == nullptr) return nullptr;
  return nlohmann::json{{"value", s->value}, {"offset", s->offset}, {"index", s->index}};
}

class Collector {
 public:
  void add(const std::string& anomaly, const std::string& key, const std::string& record_key, nlohmann::json w) {
    if (!seen_.insert(std::make_tuple(anomaly, key, record_key)).second) return;
    found_[anomaly].emplace_back(std::make_tuple(key, record_key), std::move(w));
  }
  std::map<std::string, std::vector<nlohmann::json>> take() {
    std::map<std::string, std::vector<nlohmann::json>> out;
    for (auto& [name, list] : found_) {
      std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        const auto& [ka, ra] = a.first;
        const auto& [kb, rb] = b.first;
        const auto c = compare_keys(ka, kb);
        if (c != 0) return c < 0;
        return ra < rb;
      });
      for (auto& [sort_key, w] : list) out[name].push_back(std::move(w));
    }
    return out;
  }

 private:
  std::set<std::tuple<std::string, std::string, std::string>> seen_;
  std::map<std::string, std::vector<std::pair<std::tuple<std::string, std::string>, nlohmann::json>>> found_;
};

}  // namespace

std::optional<KvValue> parse_kv_value(ValueRef v) {
  if (!v.is_string) return std::nullopt;
  const size_t eq = v.str.rfind('=');
  if (eq == std::string_view::npos) return std::nullopt;
  KvValue kv;
  kv.record_key = std::string(v.str.substr(0, eq));
  const std::string_view rest = v.str.substr(eq + 1);
  kv.tombstone = rest == kTombstone;
  if (!kv.tombstone) kv.value = std::string(rest);
  return kv;
}

std::string kv_value(std::string_view record_key, std::optional<std::string_view> value) {
  std::string out(record_key);
  out += '=';
  out += value ? *value : kTombstone;
  return out;
}

const std::vector<std::string>& compaction_anomaly_names() {
  static const std::vector<std::string> names = {"compaction-lost-key", "compaction-stale-value",
                                                 "compaction-early-delete", "inconsistent-offsets"};
  return names;
}

Verdict check_compaction(const History& h, const CompactionOptions& opts) {
  Verdict v;
  v.allowed = opts.allow;
  std::vector<KeyState> keys(h.key_count());
  std::map<std::int32_t, Process> processes;
  std::int64_t last_send_done = -1;
  // Every VALUE at each (KEY, offset), with the first op that showed it.
  std::map<std::pair<KeyId, std::int64_t>, std::map<std::string, std::int64_t>> at_offset;

  for (std::size_t pos = 0; pos < h.size(); ++pos) {
    const Op& op = h.op(pos);
    if (!is_client_fn(op.f)) continue;
    Process& p = processes[op.process];
    if (p.first_time < 0) p.first_time = op.time;
    if (op.type == OpType::invoke) {
      p.last_invoke_time = op.time;
      continue;
    }
    if ((op.f == OpFn::send || op.f == OpFn::txn) && op.type != OpType::info) last_send_done = std::max(last_send_done, op.time);
    if (op.type == OpType::ok && (op.f == OpFn::poll || op.f == OpFn::txn)) p.last_poll_time = op.time;
    for (Event ev : h.events(op)) {
      if (ev.kind == EventKind::key) {
        p.covered.push_back(ev.id);
        continue;
      }
      if (ev.kind != EventKind::send && ev.kind != EventKind::read) continue;
      const KeyId key = h.elem_key(ev.id);
      std::optional<KvValue> kv = parse_kv_value(h.elem_value(ev.id));
      if (!kv) continue;
      Seen s;
      s.offset = ev.offset();
      s.value = std::get<std::string>(h.elem_value(ev.id).to_value());
      s.tombstone = kv->tombstone;
      s.index = op.index;
      s.invoke_time = p.last_invoke_time;
      s.time = op.time;
      if (ev.kind == EventKind::send) {
        if (op.type == OpType::ok && s.offset >= 0) {
          keys[key].acked[kv->record_key].push_back(s);
          at_offset[{key, s.offset}].emplace(s.value, s.index);
        } else if (op.type == OpType::info && kv->tombstone) {
          keys[key].maybe_tombstone.insert(kv->record_key);
        }
      } else if (op.type == OpType::ok) {
        if (s.offset >= 0) at_offset[{key, s.offset}].emplace(s.value, s.index);
        p.reads[key].emplace_back(kv->record_key, std::move(s));
      }
    }
  }

  Collector found;
  for (const auto& [where, values] : at_offset) {
    if (values.size() < 2) continue;
    nlohmann::json list = nlohmann::json::array();
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& [value, index] : values) {
      list.push_back(value);
      ops.push_back(index);
    }
    found.add("inconsistent-offsets", h.key_name(where.first), std::to_string(where.second),
              {{"key", h.key_name(where.first)}, {"offset", where.second}, {"values", list}, {"ops", ops}});
  }

  for (const auto& [process, p] : processes) {
    if (p.first_time < last_send_done || p.first_time < 0) continue;  // not a final read
    std::vector<KeyId> covered = p.covered;
    if (covered.empty())
      for (const auto& [key, reads] : p.reads) covered.push_back(key);
    for (KeyId key : covered) {
      const std::string& key_name = h.key_name(key);
      const std::int64_t retention_ms = opts.delete_retention_ms.count(key_name)
                                            ? opts.delete_retention_ms.at(key_name)
                                            : opts.default_delete_retention_ms;
      static const std::vector<std::pair<std::string, Seen>> kNoReads;
      auto r = p.reads.find(key);
      const auto& reads = r == p.reads.end() ? kNoReads : r->second;
      // Each record key's records in this final read, in read order.
      std::map<std::string, std::vector<const Seen*>> by_record_key;
      for (const auto& [record_key, s] : reads) by_record_key[record_key].push_back(&s);
      for (const auto& [record_key, seen] : by_record_key) {
        for (std::size_t i = 1; i < seen.size(); ++i) {
          if (seen[i]->offset > seen[i - 1]->offset) continue;
          found.add("compaction-stale-value", key_name, record_key,
                    {{"key", key_name}, {"record_key", record_key}, {"process", process},
                     {"read", seen_json(seen[i - 1])}, {"then_read", seen_json(seen[i])}});
        }
      }
      for (const auto& [record_key, acked] : keys[key].acked) {
        const Seen& w = *std::max_element(acked.begin(), acked.end(),
                                          [](const Seen& a, const Seen& b) { return a.offset < b.offset; });
        auto it = by_record_key.find(record_key);
        const Seen* last = it == by_record_key.end() ? nullptr : it->second.back();
        nlohmann::json witness = {{"key", key_name}, {"record_key", record_key}, {"process", process},
                                  {"latest_acked", seen_json(&w)}, {"final_read", seen_json(last)}};
        if (last != nullptr) {
          if (last->offset < w.offset) found.add("compaction-stale-value", key_name, record_key, witness);
          continue;
        }
        if (!w.tombstone) {
          if (!keys[key].maybe_tombstone.count(record_key)) found.add("compaction-lost-key", key_name, record_key, witness);
          continue;
        }
        // The tombstone is gone: when did this reader pass its offset? At
        // the first poll beyond it, or else by its last poll, which reached
        // the end of the partition.
        std::int64_t passed = p.last_poll_time;
        for (const auto& [rk, s] : reads) {
          if (s.offset > w.offset) {
            passed = s.time;
            break;
          }
        }
        if (passed >= 0 && w.invoke_time >= 0 && passed < w.invoke_time + retention_ms * kNsPerMs) {
          witness["passed_time"] = passed;
          witness["delete_retention_ms"] = retention_ms;
          found.add("compaction-early-delete", key_name, record_key, witness);
        }
      }
    }
  }
  v.anomalies = found.take();
  v.stats.ops = h.size();
  v.stats.keys = h.key_count();
  v.stats.values = h.elem_count();
  v.valid = v.invalidating().empty();
  return v;
}

}  // namespace kafkasim::checker
