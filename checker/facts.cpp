#include <algorithm>
#include <numeric>

#include "checker/analysis.h"

namespace kafkasim::checker {

namespace {

std::vector<std::uint8_t> writer_facts(const History& h, std::vector<OpPos>& writer,
                                       std::vector<std::uint8_t>& flags,
                                       std::vector<OpPos>& first_ok_reader) {
  const std::size_t E = h.elem_count();
  writer.assign(E, kNone);
  flags.assign(E, 0);
  first_ok_reader.assign(E, kNone);
  for (std::size_t pos = 0; pos < h.size(); ++pos) {
    const Op& op = h.op(pos);
    if (op.type == OpType::invoke) continue;
    for (const Event& ev : h.events(op)) {
      if (ev.kind == EventKind::send) {
        writer[ev.id] = static_cast<OpPos>(pos);
        if (op.type == OpType::ok) flags[ev.id] |= kOkSent;
        if (op.type == OpType::fail) flags[ev.id] |= kFailSent;
      } else if (ev.kind == EventKind::read && op.type == OpType::ok) {
        flags[ev.id] |= kReadOk;
        if (first_ok_reader[ev.id] == kNone) first_ok_reader[ev.id] = static_cast<OpPos>(pos);
      }
    }
  }
  std::vector<std::uint8_t> committed(h.size(), 0);
  for (std::size_t pos = 0; pos < h.size(); ++pos) {
    const Op& op = h.op(pos);
    if (op.type == OpType::ok) {
      committed[pos] = 1;
    } else if (op.type == OpType::info) {
      for (const Event& ev : h.events(op))
        if (ev.kind == EventKind::send && (flags[ev.id] & kReadOk)) committed[pos] = 1;
    }
  }
  return committed;
}

}  // namespace

Facts::Facts(const History& hist)
    : h(hist),
      committed(writer_facts(hist, writer, flags, first_ok_reader)),
      vo(hist, committed) {
  std::vector<KeyId> keys(h.key_count());
  std::iota(keys.begin(), keys.end(), KeyId{0});
  std::sort(keys.begin(), keys.end(), [&](KeyId a, KeyId b) {
    return compare_keys(h.key_name(a), h.key_name(b)) < 0;
  });
  key_rank.assign(keys.size(), 0);
  for (std::size_t r = 0; r < keys.size(); ++r) key_rank[keys[r]] = static_cast<std::uint32_t>(r);
}

nlohmann::json Facts::value_json(ElemId e) const {
  ValueRef v = h.elem_value(e);
  if (v.is_string) return std::string(v.str);
  return v.num;
}

nlohmann::json Facts::values_between(KeyId k, std::int32_t from, std::int32_t to) const {
  nlohmann::json out = nlohmann::json::array();
  for (std::int32_t p = from + 1; p < to && p - from <= kMaxListed; ++p) out.push_back(value_json(vo.at(k, p)));
  return out;
}

void Findings::add(std::string_view anomaly, KeyId key, std::int64_t index, ElemId elem,
                   nlohmann::json witness) {
  auto it = by_name_.find(anomaly);
  if (it == by_name_.end()) it = by_name_.emplace(std::string(anomaly), std::vector<Finding>{}).first;
  std::uint32_t rank = key == kNone ? 0 : facts_.key_rank[key];
  it->second.push_back(Finding{rank, index, elem, std::move(witness)});
}

std::map<std::string, std::vector<nlohmann::json>> Findings::take() {
  std::map<std::string, std::vector<nlohmann::json>> out;
  for (auto& [name, list] : by_name_) {
    std::stable_sort(list.begin(), list.end(), [&](const Finding& a, const Finding& b) {
      if (a.key_rank != b.key_rank) return a.key_rank < b.key_rank;
      if (a.index != b.index) return a.index < b.index;
      if (a.elem == b.elem || a.elem == kNone || b.elem == kNone) return a.elem < b.elem;
      return compare_values(facts_.h.elem_value(a.elem), facts_.h.elem_value(b.elem)) < 0;
    });
    auto& dst = out[name];
    dst.reserve(list.size());
    for (Finding& f : list) dst.push_back(std::move(f.witness));
  }
  by_name_.clear();
  return out;
}

}  // namespace kafkasim::checker
