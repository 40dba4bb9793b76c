// History: a compact in-memory copy of a Kafka-queue history (SPEC.md §4,
// the shape of jepsen.tests.kafka).
//
// Keys are interned to KeyIds; each distinct (key, value) pair is interned
// to an ElemId. An op is a fixed-size header plus a run of events; an event
// costs 5 bytes (a value seen at one offset keeps that offset once), so a
// history of N ops costs O(N + micro-ops) small records and no per-op
// allocation.
//
// Built either by the JSONL reader (history_reader.h) or directly, e.g. by
// the simulator, through add_op() or the lower-level begin_op()/end_op().
#pragma once

#include <cstddef>
#include <iterator>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "checker/chunked.h"
#include "checker/id_table.h"
#include "checker/value.h"

namespace kafkasim::checker {

enum class OpType : std::uint8_t { invoke, ok, fail, info };
// `other` stands for any f the checker ignores (crash, debug, nemesis...).
enum class OpFn : std::uint8_t { send, poll, txn, assign, subscribe, other };

std::string_view name(OpType t);
std::string_view name(OpFn f);
std::optional<OpType> parse_op_type(std::string_view s);
OpFn parse_op_fn(std::string_view s);
// True for send, poll, txn, assign and subscribe.
bool is_client_fn(OpFn f);

using KeyId = std::uint32_t;
using ElemId = std::uint32_t;
inline constexpr std::int64_t kUnknownOffset = -1;
// Offsets are below 2^62.
inline constexpr std::int64_t kMaxOffset = (std::int64_t{1} << 62) - 1;
inline constexpr std::int32_t kNoProcess = INT32_MIN;

enum class EventKind : std::uint8_t {
  send,        // id: ElemId sent; offset: acknowledged offset or kUnknownOffset
  poll,        // starts a poll micro-op; id: kNone
  read,        // a record returned by the preceding poll; id: ElemId
  key,         // a key of an assign/subscribe op; id: KeyId
  rebalanced,  // a key of the op's Jepsen "rebalance-log"; id: KeyId
};

class History;

// One micro-op event of an op. Cheap to copy; offset() is decoded on demand.
class Event {
 public:
  std::uint32_t id;
  EventKind kind;
  // The acknowledged (send) or returned (read) offset, or kUnknownOffset.
  std::int64_t offset() const;

 private:
  friend class History;
  const History* h_;
  std::uint64_t i_;
  std::uint8_t tag_;
};

struct Op {
  std::int64_t index;    // SPEC §4 "index"; strictly increasing in a history
  std::int64_t time;     // SPEC §4 "time", or -1 when absent
  std::int32_t process;  // kNoProcess when absent or not an integer
  OpType type;
  OpFn f;
  std::uint32_t events_begin;
  std::uint32_t events_count;
};

// The events of one op, decoded on access.
class EventRange {
 public:
  class iterator {
   public:
    using value_type = Event;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const History* h, std::uint64_t i) : h_(h), i_(i) {}
    Event operator*() const;
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator t = *this;
      ++i_;
      return t;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const History* h_ = nullptr;
    std::uint64_t i_ = 0;
  };

  EventRange(const History* h, std::uint64_t begin, std::uint32_t count)
      : h_(h), begin_(begin), count_(count) {}
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Event operator[](std::size_t i) const { return *iterator(h_, begin_ + i); }
  iterator begin() const { return iterator(h_, begin_); }
  iterator end() const { return iterator(h_, begin_ + count_); }

 private:
  const History* h_;
  std::uint64_t begin_;
  std::uint32_t count_;
};

// Micro-ops for add_op().
struct Send {
  std::string key;
  Value value;
  std::optional<std::int64_t> offset;  // absent: invoked, or offset unknown
};
struct Record {
  std::optional<std::int64_t> offset;
  Value value;
};
struct Poll {
  // Per key, the records returned, in order. Empty for an invoked poll.
  std::vector<std::pair<std::string, std::vector<Record>>> records;
};
using MicroOp = std::variant<Send, Poll>;

// Move-only.
class History {
 public:
  History() = default;
  History(History&&) = default;
  History& operator=(History&&) = default;

  // Appends one op. `index` defaults to the previous op's index + 1 (0 for
  // the first). Throws std::invalid_argument when the op breaks a rule below
  // (see begin_op/end_op).
  void add_op(std::int32_t process, OpType type, OpFn f, const std::vector<MicroOp>& mops,
              std::int64_t time = -1, std::optional<std::int64_t> index = std::nullopt);
  // Appends an assign or subscribe op whose value is `keys`.
  void add_keys_op(std::int32_t process, OpType type, OpFn f, const std::vector<std::string>& keys,
                   std::int64_t time = -1, std::optional<std::int64_t> index = std::nullopt);

  // Lower-level builder: begin_op, then events, then end_op. Event methods
  // throw std::invalid_argument when f does not allow them: send for
  // send/txn; poll and read for poll/txn (a read follows a poll); key for
  // assign/subscribe; rebalanced for any f. Offsets are >= 0 or
  // kUnknownOffset.
  void begin_op(OpType type, OpFn f);
  void send(KeyId key, ValueRef value, std::int64_t offset = kUnknownOffset);
  void poll();
  void read(KeyId key, std::int64_t offset, ValueRef value);
  void key(KeyId key);
  void rebalanced(KeyId key);
  // REQUIRES: an op begun. Throws std::invalid_argument (and drops the op)
  // if `index` is negative or not greater than the previous op's, or if a
  // client op (is_client_fn) has no process.
  void end_op(std::optional<std::int64_t> index, std::int64_t time, std::int32_t process);
  // Drops the op begun, if any.
  void abandon_op();

  KeyId intern_key(std::string_view name);

  // Releases memory needed only while building (the index from values to
  // ElemIds). Building may go on afterwards: the index is rebuilt on demand.
  void shrink_to_fit();

  std::size_t size() const { return ops_.size(); }
  const Op& op(std::size_t pos) const { return ops_[pos]; }
  EventRange events(const Op& op) const { return EventRange(this, op.events_begin, op.events_count); }

  // Micro-op events in all ops: sends, polls, records read, keys.
  std::size_t event_count() const { return event_ids_.size(); }
  std::size_t key_count() const { return key_names_.size(); }
  const std::string& key_name(KeyId k) const { return key_names_[k]; }
  std::size_t elem_count() const { return elems_.size(); }
  KeyId elem_key(ElemId e) const { return elems_[e].key; }
  ValueRef elem_value(ElemId e) const;
  // The first offset any event gave the value, or kUnknownOffset.
  std::int64_t elem_offset(ElemId e) const { return elems_[e].offset; }

  // True if some op has f subscribe (Jepsen's :sub-via includes :subscribe).
  bool has_subscribe() const { return has_subscribe_; }

 private:
  friend class EventRange::iterator;
  friend class Event;

  // An event is stored as its id and a tag: the kind in the low bits, and
  // how to find its offset: unknown, the value's first offset (the common
  // case), or in explicit_offsets_ (a value seen at several offsets).
  enum : std::uint8_t { kOffsetUnknown = 0, kOffsetOfElem = 1 << 3, kOffsetExplicit = 2 << 3 };
  static constexpr std::uint8_t kKindMask = 7;

  struct Elem {
    KeyId key;
    std::uint32_t str;  // index into strings_, or kNone for an integer value
    std::int64_t num;
    std::int64_t offset;
  };
  ElemId intern_elem(KeyId key, ValueRef value);
  // intern_elem for a value seen at a known offset, through by_offset_.
  ElemId intern_elem_at(KeyId key, std::int64_t offset, ValueRef value);
  static std::uint64_t elem_hash(KeyId key, std::uint32_t str, std::int64_t num);
  void push_event(EventKind kind, std::uint32_t id, std::int64_t offset);
  void require_open(const char* what, bool allowed) const;
  Event event_at(std::uint64_t i) const {
    Event ev;
    ev.id = event_ids_[i];
    ev.tag_ = event_tags_[i];
    ev.kind = static_cast<EventKind>(ev.tag_ & kKindMask);
    ev.h_ = this;
    ev.i_ = i;
    return ev;
  }

  Chunked<Op> ops_;
  Chunked<std::uint32_t> event_ids_;
  Chunked<std::uint8_t> event_tags_;
  std::vector<std::pair<std::uint64_t, std::int64_t>> explicit_offsets_;  // by event
  StringPool key_names_;
  StringPool strings_;
  std::vector<Elem> elems_;
  // Every element is found either in by_value_ (integer values: the slot
  // of its value, set once, when it was interned into an empty slot) or in
  // elem_index_ (all others). Jepsen's values are unique integers sent in
  // increasing order, so by_value_ is dense and finds most values without
  // a cache miss; a value sent to two keys keeps the first in its slot.
  std::vector<ElemId> by_value_;
  IdTable elem_index_;  // empty after shrink_to_fit() until the next intern
  bool elem_index_complete_ = true;
  // Per key, the value last interned at each offset, in a dense array kept
  // at least about half full: consumers read consecutive offsets, so this
  // finds most values without a cache miss in elem_index_. A hint only:
  // checked against the value, and absent for sparse offsets.
  struct OffsetIndex {
    std::vector<ElemId> ids;
    std::size_t filled = 0;
  };
  std::vector<OffsetIndex> by_offset_;

  bool open_ = false;
  OpType open_type_ = OpType::invoke;
  OpFn open_f_ = OpFn::other;
  std::size_t open_events_ = 0;
  bool open_polled_ = false;
  bool has_subscribe_ = false;
};

inline Event EventRange::iterator::operator*() const { return h_->event_at(i_); }

}  // namespace kafkasim::checker
