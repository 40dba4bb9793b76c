// lost-write (Jepsen's lost-write-cases): for each key, take the highest
// position any ok op read (the latest of the first positions of the values
// read); every value whose last position is at or below it should have
// been read by some ok op. One that was not, sent by an op that must have
// taken effect (ok, or info with a value read), was lost.
//
// unseen (Jepsen's unseen): values sent by ok ops and never read by an ok
// op, per key. Information only: a poller may simply not have got there.
#include <algorithm>
#include <vector>

#include "checker/analysis.h"

namespace kafkasim::checker {

void find_lost_writes(const Facts& f, Findings& out) {
  const VersionOrders& vo = f.vo;
  for (KeyId k = 0; k < f.h.key_count(); ++k) {
    std::int32_t bound = -1;
    ElemId bound_elem = kNone;
    for (std::int32_t p = 0; p < vo.positions(k); ++p) {
      for (ElemId e : vo.values_at(k, p)) {
        if (f.has(e, kReadOk) && vo.first_pos(e) > bound) {
          bound = vo.first_pos(e);
          bound_elem = e;
        }
      }
    }
    if (bound < 0) continue;
    for (std::int32_t p = 0; p <= bound; ++p) {
      for (ElemId e : vo.values_at(k, p)) {
        if (vo.last_pos(e) != p || f.has(e, kReadOk)) continue;
        OpPos w = f.writer[e];
        if (w == kNone || !f.committed[w]) continue;
        std::int32_t first = vo.first_pos(e);
        out.add("lost-write", k, f.index(w), e,
                {{"key", f.key_json(k)},
                 {"value", f.value_json(e)},
                 {"offset", vo.offset_at(k, first)},
                 {"position", first},
                 {"max_read_position", bound},
                 {"max_read_offset", vo.offset_at(k, bound)},
                 {"writer", f.index(w)},
                 {"max_read", f.index(f.first_ok_reader[bound_elem])}});
      }
    }
  }

  std::vector<std::vector<ElemId>> unseen(f.h.key_count());
  for (ElemId e = 0; e < f.h.elem_count(); ++e)
    if (f.has(e, kOkSent) && !f.has(e, kReadOk)) unseen[f.h.elem_key(e)].push_back(e);
  for (KeyId k = 0; k < unseen.size(); ++k) {
    auto& es = unseen[k];
    if (es.empty()) continue;
    std::sort(es.begin(), es.end(), [&](ElemId a, ElemId b) {
      return compare_values(f.h.elem_value(a), f.h.elem_value(b)) < 0;
    });
    nlohmann::json values = nlohmann::json::array();
    for (ElemId e : es) values.push_back(f.value_json(e));
    out.add("unseen", k, 0, kNone, {{"key", f.key_json(k)}, {"count", es.size()}, {"values", values}});
  }
}

}  // namespace kafkasim::checker
