// Internal to checker/: the facts every analysis shares, the collector of
// findings, and the analyses themselves (one file each), all named and
// defined as in jepsen.tests.kafka.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/history.h"
#include "checker/version_order.h"

namespace kafkasim::checker {

using OpPos = std::uint32_t;  // position of an op in History::ops()

enum ElemFlag : std::uint8_t {
  kOkSent = 1,    // sent by an ok op
  kFailSent = 2,  // sent by a fail op
  kReadOk = 4,    // read by an ok op
};

struct Facts {
  explicit Facts(const History& h);

  const History& h;
  // Per value: Jepsen's writer-of, the last completed send/txn op sending
  // it (kNone if none); ElemFlags; the first ok op reading it (kNone).
  std::vector<OpPos> writer;
  std::vector<std::uint8_t> flags;
  std::vector<OpPos> first_ok_reader;
  // Per op: Jepsen's must-have-committed?: ok, or info with some value it
  // sent read by an ok op.
  std::vector<std::uint8_t> committed;
  VersionOrders vo;
  // Per key: its rank in compare_keys order, for sorting output.
  std::vector<std::uint32_t> key_rank;

  bool has(ElemId e, ElemFlag f) const { return (flags[e] & f) != 0; }
  std::int64_t index(OpPos pos) const { return h.op(pos).index; }
  nlohmann::json key_json(KeyId k) const { return h.key_name(k); }
  nlohmann::json value_json(ElemId e) const;
  static nlohmann::json offset_json(std::int64_t offset) {
    return offset < 0 ? nlohmann::json(nullptr) : nlohmann::json(offset);
  }
  // Up to kMaxListed values at positions (from, to) of key k, exclusive.
  nlohmann::json values_between(KeyId k, std::int32_t from, std::int32_t to) const;
  static constexpr std::int32_t kMaxListed = 32;
};

// Witnesses by anomaly name, each with a sort key: (key rank, an op index
// or offset, value). Output lists are sorted by it.
class Findings {
 public:
  explicit Findings(const Facts& facts) : facts_(facts) {}
  void add(std::string_view anomaly, KeyId key, std::int64_t index, ElemId elem,
           nlohmann::json witness);
  // Sorted lists; leaves this empty.
  std::map<std::string, std::vector<nlohmann::json>> take();

 private:
  struct Finding {
    std::uint32_t key_rank;
    std::int64_t index;
    ElemId elem;
    nlohmann::json witness;
  };
  const Facts& facts_;
  std::map<std::string, std::vector<Finding>, std::less<>> by_name_;
};

// inconsistent-offsets and duplicate.
void find_offset_anomalies(const Facts& f, Findings& out);
// G1a and precommitted-read.
void find_read_anomalies(const Facts& f, Findings& out);
// lost-write and unseen.
void find_lost_writes(const Facts& f, Findings& out);
// poll-skip, nonmonotonic-poll, nonmonotonic-send, int-poll-skip,
// int-nonmonotonic-poll, int-send-skip, int-nonmonotonic-send.
void find_order_anomalies(const Facts& f, Findings& out);
// G0 and G1c.
void find_cycles(const Facts& f, bool ww_deps, Findings& out);

}  // namespace kafkasim::checker
