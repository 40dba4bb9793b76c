#include "checker/history.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace kafkasim::checker {

std::string_view name(OpType t) {
  switch (t) {
    case OpType::invoke: return "invoke";
    case OpType::ok: return "ok";
    case OpType::fail: return "fail";
    case OpType::info: return "info";
  }
  return "?";
}

std::string_view name(OpFn f) {
  switch (f) {
    case OpFn::send: return "send";
    case OpFn::poll: return "poll";
    case OpFn::txn: return "txn";
    case OpFn::assign: return "assign";
    case OpFn::subscribe: return "subscribe";
    case OpFn::other: return "other";
  }
  return "?";
}

std::optional<OpType> parse_op_type(std::string_view s) {
  if (s == "invoke") return OpType::invoke;
  if (s == "ok") return OpType::ok;
  if (s == "fail") return OpType::fail;
  if (s == "info") return OpType::info;
  return std::nullopt;
}

OpFn parse_op_fn(std::string_view s) {
  if (s == "send") return OpFn::send;
  if (s == "poll") return OpFn::poll;
  if (s == "txn") return OpFn::txn;
  if (s == "assign") return OpFn::assign;
  if (s == "subscribe") return OpFn::subscribe;
  return OpFn::other;
}

bool is_client_fn(OpFn f) { return f != OpFn::other; }

KeyId History::intern_key(std::string_view name) { return key_names_.intern(name); }

std::uint64_t History::elem_hash(KeyId key, std::uint32_t str, std::int64_t num) {
  return mix64(mix64(key) ^ static_cast<std::uint64_t>(num) ^ (static_cast<std::uint64_t>(str) << 32));
}

ElemId History::intern_elem(KeyId key, ValueRef value) {
  if (!elem_index_complete_) {
    for (ElemId e = 0; e < elems_.size(); ++e) {
      const Elem& x = elems_[e];
      elem_index_.insert(elem_hash(x.key, x.str, x.num), e);
    }
    elem_index_complete_ = true;
  }
  std::uint32_t str = value.is_string ? strings_.intern(value.str) : kNone;
  std::int64_t num = value.is_string ? 0 : value.num;
  // The value's dense slot: within about twice the values seen so far, so
  // a few huge values cannot make it large.
  ElemId* slot = nullptr;
  if (!value.is_string && num >= 0) {
    const auto v = static_cast<std::uint64_t>(num);
    if (v >= by_value_.size() && v < 2 * elems_.size() + 1024) by_value_.resize(v + 1 + v / 2, kNone);
    if (v < by_value_.size()) slot = &by_value_[v];
  }
  if (slot != nullptr && *slot != kNone) {
    const Elem& x = elems_[*slot];
    if (x.key == key && x.str == kNone && x.num == num) return *slot;
  }
  std::uint64_t h = elem_hash(key, str, num);
  ElemId id = elem_index_.find(h, [&](std::uint32_t e) {
    const Elem& x = elems_[e];
    return x.key == key && x.str == str && x.num == num;
  });
  if (id != kNone) return id;
  if (elems_.size() >= kNone) throw std::length_error("history has too many distinct values");
  id = static_cast<ElemId>(elems_.size());
  elems_.push_back(Elem{key, str, num, kUnknownOffset});
  if (slot != nullptr && *slot == kNone) {
    *slot = id;
  } else {
    elem_index_.insert(h, id);
  }
  return id;
}

ElemId History::intern_elem_at(KeyId key, std::int64_t offset, ValueRef value) {
  if (offset < 0 || value.is_string) return intern_elem(key, value);
  if (by_offset_.size() <= key) by_offset_.resize(key + 1);
  OffsetIndex& index = by_offset_[key];
  auto i = static_cast<std::uint64_t>(offset);
  if (i < index.ids.size()) {
    ElemId hint = index.ids[i];
    if (hint != kNone && elems_[hint].key == key && elems_[hint].str == kNone && elems_[hint].num == value.num)
      return hint;
  }
  ElemId id = intern_elem(key, value);
  if (i >= index.ids.size() && i < 2 * index.filled + 1024) index.ids.resize(i + 1, kNone);
  if (i < index.ids.size()) {
    if (index.ids[i] == kNone) ++index.filled;
    index.ids[i] = id;
  }
  return id;
}

void History::shrink_to_fit() {
  by_offset_ = {};
  by_value_ = {};
  elem_index_ = IdTable();
  elem_index_complete_ = elems_.empty();
  elems_.shrink_to_fit();
}

ValueRef History::elem_value(ElemId e) const {
  const Elem& x = elems_[e];
  if (x.str == kNone) return ValueRef::integer(x.num);
  return ValueRef::string(strings_[x.str]);
}

void History::require_open(const char* what, bool allowed) const {
  if (!open_) throw std::invalid_argument(std::string(what) + " outside an op");
  if (!allowed)
    throw std::invalid_argument(std::string("a ") + std::string(name(open_f_)) +
                                " op may not contain " + what);
}

void History::push_event(EventKind kind, std::uint32_t id, std::int64_t offset) {
  if (offset < kUnknownOffset || offset > kMaxOffset)
    throw std::invalid_argument("offset must be non-negative and below 2^62");
  if (event_ids_.size() >= kNone) throw std::length_error("history has too many micro-ops");
  std::uint8_t tag = static_cast<std::uint8_t>(kind);
  if (offset >= 0 && (kind == EventKind::send || kind == EventKind::read)) {
    Elem& el = elems_[id];
    if (el.offset < 0) el.offset = offset;
    if (el.offset == offset) {
      tag |= kOffsetOfElem;
    } else {
      tag |= kOffsetExplicit;
      explicit_offsets_.emplace_back(event_ids_.size(), offset);
    }
  }
  event_ids_.push_back(id);
  event_tags_.push_back(tag);
}

std::int64_t Event::offset() const {
  if (tag_ & History::kOffsetOfElem) return h_->elems_[id].offset;
  if (tag_ & History::kOffsetExplicit) {
    const auto& xs = h_->explicit_offsets_;
    auto it = std::lower_bound(xs.begin(), xs.end(), i_,
                               [](const auto& x, std::uint64_t y) { return x.first < y; });
    return it->second;
  }
  return kUnknownOffset;
}

void History::begin_op(OpType type, OpFn f) {
  if (open_) abandon_op();
  open_ = true;
  open_type_ = type;
  open_f_ = f;
  open_events_ = event_ids_.size();
  open_polled_ = false;
}

void History::send(KeyId key, ValueRef value, std::int64_t offset) {
  require_open("a send", open_f_ == OpFn::send || open_f_ == OpFn::txn);
  push_event(EventKind::send, intern_elem_at(key, offset, value), offset);
}

void History::poll() {
  require_open("a poll", open_f_ == OpFn::poll || open_f_ == OpFn::txn);
  push_event(EventKind::poll, kNone, kUnknownOffset);
  open_polled_ = true;
}

void History::read(KeyId key, std::int64_t offset, ValueRef value) {
  require_open("a read", open_f_ == OpFn::poll || open_f_ == OpFn::txn);
  if (!open_polled_) throw std::invalid_argument("a read must follow a poll");
  push_event(EventKind::read, intern_elem_at(key, offset, value), offset);
}

void History::key(KeyId key) {
  require_open("a key list", open_f_ == OpFn::assign || open_f_ == OpFn::subscribe);
  push_event(EventKind::key, key, kUnknownOffset);
}

void History::rebalanced(KeyId key) {
  require_open("a rebalance-log", true);
  push_event(EventKind::rebalanced, key, kUnknownOffset);
}

void History::abandon_op() {
  if (!open_) return;
  event_ids_.truncate(open_events_);
  event_tags_.truncate(open_events_);
  while (!explicit_offsets_.empty() && explicit_offsets_.back().first >= open_events_)
    explicit_offsets_.pop_back();
  open_ = false;
}

void History::end_op(std::optional<std::int64_t> index, std::int64_t time, std::int32_t process) {
  if (!open_) throw std::invalid_argument("end_op without begin_op");
  std::int64_t prev = ops_.empty() ? -1 : ops_.back().index;
  std::int64_t idx = index ? *index : prev + 1;
  if (idx < 0) {
    abandon_op();
    throw std::invalid_argument("index must be non-negative, got " + std::to_string(idx));
  }
  if (idx <= prev) {
    abandon_op();
    throw std::invalid_argument("index " + std::to_string(idx) +
                                " is not greater than the previous op's index " +
                                std::to_string(prev));
  }
  if (is_client_fn(open_f_) && process == kNoProcess) {
    abandon_op();
    throw std::invalid_argument(std::string("a ") + std::string(name(open_f_)) +
                                " op needs an integer process");
  }
  if (ops_.size() >= kNone) {
    abandon_op();
    throw std::length_error("history has too many ops");
  }
  Op op;
  op.index = idx;
  op.time = time;
  op.process = process;
  op.type = open_type_;
  op.f = open_f_;
  op.events_begin = static_cast<std::uint32_t>(open_events_);
  op.events_count = static_cast<std::uint32_t>(event_ids_.size() - open_events_);
  ops_.push_back(op);
  if (open_f_ == OpFn::subscribe) has_subscribe_ = true;
  open_ = false;
}

void History::add_op(std::int32_t process, OpType type, OpFn f, const std::vector<MicroOp>& mops,
                     std::int64_t time, std::optional<std::int64_t> index) {
  begin_op(type, f);
  try {
    for (const MicroOp& m : mops) {
      if (const auto* s = std::get_if<Send>(&m)) {
        send(intern_key(s->key), ValueRef::of(s->value), s->offset.value_or(kUnknownOffset));
        continue;
      }
      poll();
      for (const auto& [k, records] : std::get<Poll>(m).records) {
        KeyId key_id = intern_key(k);
        for (const Record& r : records)
          read(key_id, r.offset.value_or(kUnknownOffset), ValueRef::of(r.value));
      }
    }
  } catch (...) {
    abandon_op();
    throw;
  }
  end_op(index, time, process);
}

void History::add_keys_op(std::int32_t process, OpType type, OpFn f,
                          const std::vector<std::string>& keys, std::int64_t time,
                          std::optional<std::int64_t> index) {
  begin_op(type, f);
  try {
    for (const std::string& k : keys) key(intern_key(k));
  } catch (...) {
    abandon_op();
    throw;
  }
  end_op(index, time, process);
}

}  // namespace kafkasim::checker
