// Within one op (Jepsen's int-poll-skip+nonmonotonic-cases and
// int-send-skip+nonmonotonic-cases), consecutive reads (or sends) of a key
// should be adjacent in the key's version order:
//   int-poll-skip          two reads skip over positions in between;
//   int-nonmonotonic-poll  a read at or before the previous one;
//   int-send-skip          two sends with other values between them (normal
//                          in Kafka: producers interleave; allowed by default);
//   int-nonmonotonic-send  a send at or before the previous one.
// Keys in the op's rebalance-log are exempt from the poll checks, as in
// Jepsen. Positions, not offsets, are compared: gaps are not skips.
#include "checker/poll_order.h"

namespace kafkasim::checker {

namespace {

void check_pairs(const Facts& f, const Op& op, EventKind kind, const char* skip_name,
                 const char* nonmonotonic_name, const std::vector<KeyId>& exempt,
                 std::vector<std::pair<KeyId, std::uint32_t>>& scratch, Findings& out) {
  auto events = f.h.events(op);
  group_by_key(f, events, kind, scratch);
  for (std::size_t i = 1; i < scratch.size(); ++i) {
    KeyId k = scratch[i].first;
    if (scratch[i - 1].first != k) continue;
    if (std::find(exempt.begin(), exempt.end(), k) != exempt.end()) continue;
    Seen a = seen(f, events[scratch[i - 1].second]), b = seen(f, events[scratch[i].second]);
    std::int64_t d = delta(a, b);
    if (d == 1) continue;
    nlohmann::json w = order_witness(f, k, a, b);
    w["op"] = op.index;
    out.add(d > 1 ? skip_name : nonmonotonic_name, k, op.index, a.elem, std::move(w));
  }
}

}  // namespace

void find_internal_anomalies(const Facts& f, Findings& out) {
  std::vector<std::pair<KeyId, std::uint32_t>> scratch;
  std::vector<KeyId> rebalanced;
  for (std::size_t pos = 0; pos < f.h.size(); ++pos) {
    const Op& op = f.h.op(pos);
    if (op.type == OpType::invoke || op.events_count < 2) continue;
    rebalanced.clear();
    for (const Event& ev : f.h.events(op))
      if (ev.kind == EventKind::rebalanced) rebalanced.push_back(ev.id);
    if (op.f == OpFn::poll || op.f == OpFn::txn)
      check_pairs(f, op, EventKind::read, "int-poll-skip", "int-nonmonotonic-poll", rebalanced,
                  scratch, out);
    if (op.f == OpFn::send || op.f == OpFn::txn)
      check_pairs(f, op, EventKind::send, "int-send-skip", "int-nonmonotonic-send", {}, scratch,
                  out);
  }
}

}  // namespace kafkasim::checker
