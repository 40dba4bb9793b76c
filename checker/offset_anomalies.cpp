// inconsistent-offsets (Jepsen's version-orders :errors): two or more
// values observed at one offset of a key.
// duplicate (Jepsen's duplicate-cases): one value observed at two or more
// offsets of a key.
// Both are judged on the version orders, so an info send counts only once a
// read proves it took effect.
#include <algorithm>
#include <map>
#include <utility>

#include "checker/analysis.h"

namespace kafkasim::checker {

namespace {

// For each (value, offset) of interest, the index of the first op that
// observed that value at that offset (a poll, or a send that took effect).
class Observers {
 public:
  Observers(const Facts& f, const std::vector<std::pair<ElemId, std::int64_t>>& wanted) {
    if (wanted.empty()) return;
    std::vector<std::uint8_t> interesting(f.h.elem_count(), 0);
    for (const auto& w : wanted) {
      interesting[w.first] = 1;
      first_.emplace(w, -1);
    }
    for (std::size_t pos = 0; pos < f.h.size(); ++pos) {
      const Op& op = f.h.op(pos);
      if (op.type == OpType::invoke) continue;
      for (const Event& ev : f.h.events(op)) {
        if (ev.kind != EventKind::read && !(ev.kind == EventKind::send && f.committed[pos])) continue;
        if (!interesting[ev.id]) continue;
        auto it = first_.find({ev.id, ev.offset()});
        if (it != first_.end() && it->second < 0) it->second = op.index;
      }
    }
  }
  std::int64_t operator()(ElemId e, std::int64_t offset) const {
    auto it = first_.find({e, offset});
    return it == first_.end() ? -1 : it->second;
  }

 private:
  std::map<std::pair<ElemId, std::int64_t>, std::int64_t> first_;
};

}  // namespace

void find_offset_anomalies(const Facts& f, Findings& out) {
  const VersionOrders& vo = f.vo;
  std::vector<std::pair<ElemId, std::int64_t>> wanted;
  for (const auto& [k, p] : vo.conflicts())
    for (ElemId e : vo.values_at(k, p)) wanted.emplace_back(e, vo.offset_at(k, p));
  std::vector<ElemId> dups;
  for (ElemId e = 0; e < f.h.elem_count(); ++e) {
    if (vo.first_pos(e) < 0 || !vo.multi(e)) continue;
    dups.push_back(e);
    KeyId k = f.h.elem_key(e);
    for (std::int32_t p : vo.positions_of(e)) wanted.emplace_back(e, vo.offset_at(k, p));
  }
  Observers observer(f, wanted);

  for (const auto& [k, p] : vo.conflicts()) {
    std::int64_t offset = vo.offset_at(k, p);
    std::vector<ElemId> group(vo.values_at(k, p).begin(), vo.values_at(k, p).end());
    std::sort(group.begin(), group.end(), [&](ElemId a, ElemId b) {
      return compare_values(f.h.elem_value(a), f.h.elem_value(b)) < 0;
    });
    nlohmann::json values = nlohmann::json::array(), ops = nlohmann::json::array();
    for (ElemId e : group) {
      values.push_back(f.value_json(e));
      ops.push_back(observer(e, offset));
    }
    out.add("inconsistent-offsets", k, offset, kNone,
            {{"key", f.key_json(k)}, {"offset", offset}, {"position", p}, {"values", values}, {"ops", ops}});
  }

  for (ElemId e : dups) {
    KeyId k = f.h.elem_key(e);
    nlohmann::json offsets = nlohmann::json::array(), ops = nlohmann::json::array();
    std::vector<std::int32_t> ps = vo.positions_of(e);
    for (std::int32_t p : ps) {
      offsets.push_back(vo.offset_at(k, p));
      ops.push_back(observer(e, vo.offset_at(k, p)));
    }
    out.add("duplicate", k, vo.offset_at(k, ps.front()), e,
            {{"key", f.key_json(k)},
             {"value", f.value_json(e)},
             {"count", ps.size()},
             {"offsets", offsets},
             {"ops", ops}});
  }
}

}  // namespace kafkasim::checker
