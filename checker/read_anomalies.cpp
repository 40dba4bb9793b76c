// G1a (Jepsen's g1a-cases, aborted read): an ok poll/txn read a value that
// a failed send/txn wrote.
// precommitted-read (Jepsen's precommitted-read-cases): a txn read a value
// it sent itself. Kafka consumers at read_committed never see records of
// an open transaction, their own included. One witness per op and key.
#include <algorithm>
#include <vector>

#include "checker/analysis.h"

namespace kafkasim::checker {

void find_read_anomalies(const Facts& f, Findings& out) {
  std::vector<ElemId> sent;
  std::vector<KeyId> reported;
  for (std::size_t pos = 0; pos < f.h.size(); ++pos) {
    const Op& op = f.h.op(pos);
    if (op.type == OpType::invoke) continue;
    auto events = f.h.events(op);

    if (op.type == OpType::ok) {
      for (const Event& ev : events) {
        if (ev.kind != EventKind::read || !f.has(ev.id, kFailSent)) continue;
        KeyId k = f.h.elem_key(ev.id);
        out.add("G1a", k, op.index, ev.id,
                {{"key", f.key_json(k)},
                 {"value", f.value_json(ev.id)},
                 {"offset", Facts::offset_json(ev.offset())},
                 {"writer", f.index(f.writer[ev.id])},
                 {"reader", op.index}});
      }
    }

    if (op.f != OpFn::txn) continue;
    sent.clear();
    for (const Event& ev : events)
      if (ev.kind == EventKind::send) sent.push_back(ev.id);
    if (sent.empty()) continue;
    std::sort(sent.begin(), sent.end());
    reported.clear();
    for (const Event& ev : events) {
      if (ev.kind != EventKind::read || !std::binary_search(sent.begin(), sent.end(), ev.id)) continue;
      KeyId k = f.h.elem_key(ev.id);
      if (std::find(reported.begin(), reported.end(), k) != reported.end()) continue;
      reported.push_back(k);
      out.add("precommitted-read", k, op.index, ev.id,
              {{"key", f.key_json(k)},
               {"value", f.value_json(ev.id)},
               {"offset", Facts::offset_json(ev.offset())},
               {"op", op.index}});
    }
  }
}

}  // namespace kafkasim::checker
