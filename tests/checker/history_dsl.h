// A small DSL for hand-built histories in checker tests. Each call appends
// an invocation and its completion for one process and returns the
// completion's index, so witnesses can be written with the indices they
// must name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check.h"
#include "checker/history.h"

namespace kafkasim::checker::test {

using Records = std::vector<std::pair<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>>>;

// ["send", key, [offset, value]]; no offset for an unknown one.
inline MicroOp send(const std::string& key, std::int64_t value, std::optional<std::int64_t> offset) {
  return Send{key, Value(value), offset};
}

// ["poll", {key: [[offset, value], ...]}]
inline MicroOp poll(const Records& records) {
  Poll p;
  for (const auto& [k, rs] : records) {
    std::vector<Record> out;
    for (const auto& [o, v] : rs) out.push_back(Record{o, Value(v)});
    p.records.emplace_back(k, std::move(out));
  }
  return p;
}

class Hist {
 public:
  // A completed op with micro-ops; the invocation carries them in invoked
  // form (sends without offsets, polls without records).
  std::int64_t op(int process, OpType type, OpFn f, const std::vector<MicroOp>& mops) {
    std::vector<MicroOp> invoked;
    for (const MicroOp& m : mops) {
      if (const auto* s = std::get_if<Send>(&m)) {
        invoked.push_back(Send{s->key, s->value, std::nullopt});
      } else {
        invoked.push_back(Poll{});
      }
    }
    h.add_op(process, OpType::invoke, f, invoked, time_++);
    h.add_op(process, type, f, mops, time_++);
    return h.op(h.size() - 1).index;
  }

  std::int64_t send(int process, const std::string& key, std::int64_t value,
                    std::optional<std::int64_t> offset, OpType type = OpType::ok) {
    return op(process, type, OpFn::send, {test::send(key, value, offset)});
  }
  std::int64_t poll(int process, const Records& records, OpType type = OpType::ok) {
    return op(process, type, OpFn::poll, {test::poll(records)});
  }
  std::int64_t txn(int process, const std::vector<MicroOp>& mops, OpType type = OpType::ok) {
    return op(process, type, OpFn::txn, mops);
  }
  std::int64_t assign(int process, const std::vector<std::string>& keys, OpFn f = OpFn::assign) {
    h.add_keys_op(process, OpType::invoke, f, keys, time_++);
    h.add_keys_op(process, OpType::ok, f, keys, time_++);
    return h.op(h.size() - 1).index;
  }

  Verdict check(const Options& o = {}) const { return checker::check(h, o); }

  History h;

 private:
  std::int64_t time_ = 0;
};

// The witnesses of one anomaly, or an empty list.
inline std::vector<nlohmann::json> found(const Verdict& v, const std::string& name) {
  auto it = v.anomalies.find(name);
  return it == v.anomalies.end() ? std::vector<nlohmann::json>{} : it->second;
}

inline std::vector<std::string> names(const Verdict& v) {
  std::vector<std::string> out;
  for (const auto& [name, ws] : v.anomalies) out.push_back(name);
  return out;
}

}  // namespace kafkasim::checker::test
