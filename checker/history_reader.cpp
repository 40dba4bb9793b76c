#include "checker/history_reader.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "checker/json_cursor.h"

namespace kafkasim::checker {

namespace {

std::string error_message(const std::string& file, std::size_t line, const std::string& detail) {
  std::string m = file;
  if (line) {
    m.append(":");
    m.append(std::to_string(line));
  }
  m.append(": ");
  m.append(detail);
  return m;
}

}  // namespace

HistoryError::HistoryError(std::string file, std::size_t line, std::string detail)
    : std::runtime_error(error_message(file, line, detail)),
      file_(std::move(file)),
      line_(line),
      detail_(std::move(detail)) {}

namespace {

// A line that is JSON but not a well-formed op. The message is final.
struct LineError {
  std::string what;
};

[[noreturn]] void bad(std::string what) { throw LineError{std::move(what)}; }

std::string mop_path(std::size_t i) { return "value[" + std::to_string(i) + "]"; }

std::string records_path(std::size_t i, std::string_view key) {
  return mop_path(i) + "[1][\"" + std::string(key) + "\"]";
}

std::string record_path(std::size_t i, std::string_view key, std::size_t j) {
  return records_path(i, key) + "[" + std::to_string(j) + "]";
}

constexpr const char* kMopShape = "a micro-op [\"send\", KEY, VALUE] or [\"poll\", {KEY: [[OFFSET, VALUE], ...]}]";

// Parses one line into the History.
class LineParser {
 public:
  explicit LineParser(History& h) : h_(h) {}

  void parse(std::string_view line) {
    JsonCursor c(line);
    if (c.peek() != '{') {
      std::string_view raw = c.skip_value();
      bad("expected a JSON object (one op per line), got " + describe_json(raw));
    }
    c.consume('{');
    Fields fl;
    began_ = false;
    if (!c.consume('}')) {
      for (;;) {
        if (c.peek() != '"') c.fail("expected a field name");
        std::string_view name = c.string(name_scratch_);
        c.expect(':', "after a field name");
        field(c, name, fl);
        if (c.consume(',')) continue;
        c.expect('}', "or ',' after a field");
        break;
      }
    }
    if (!c.at_end()) c.fail("unexpected text after the op's object");
    finish(c, fl);
  }

 private:
  struct Fields {
    std::optional<std::string_view> index, time, process, value, rebalance;
    std::optional<OpType> type;
    std::optional<OpFn> f;
  };

  static void once(std::optional<std::string_view>& slot, std::string_view name,
                   std::string_view raw) {
    if (slot) bad("duplicate field \"" + std::string(name) + "\"");
    slot = raw;
  }

  void field(JsonCursor& c, std::string_view name, Fields& fl) {
    if (name == "type") {
      if (fl.type) bad("duplicate field \"type\"");
      std::string_view raw = c.skip_value();
      std::optional<OpType> t;
      if (!raw.empty() && raw.front() == '"') {
        JsonCursor s = c.sub(raw);
        s.peek();
        t = parse_op_type(s.string(scratch_));
      }
      if (!t) bad("\"type\" must be one of invoke, ok, fail, info, got " + describe_json(raw));
      fl.type = t;
    } else if (name == "f") {
      if (fl.f) bad("duplicate field \"f\"");
      std::string_view raw = c.skip_value();
      if (raw.empty() || raw.front() != '"') bad("\"f\" must be a string, got " + describe_json(raw));
      JsonCursor s = c.sub(raw);
      s.peek();
      fl.f = parse_op_fn(s.string(scratch_));
    } else if (name == "value") {
      if (fl.value || began_) bad("duplicate field \"value\"");
      if (fl.type && fl.f) {
        value(c, *fl.type, *fl.f);
      } else {
        fl.value = c.skip_value();
      }
    } else if (name == "index") {
      once(fl.index, name, c.skip_value());
    } else if (name == "time") {
      once(fl.time, name, c.skip_value());
    } else if (name == "process") {
      once(fl.process, name, c.skip_value());
    } else if (name == "rebalance-log") {
      once(fl.rebalance, name, c.skip_value());
    } else {
      c.skip_value();
    }
  }

  void finish(JsonCursor& c, Fields& fl) {
    if (!fl.type) bad("missing \"type\"");
    if (!fl.f) bad("missing \"f\"");
    OpType type = *fl.type;
    OpFn f = *fl.f;
    if (!began_) {
      if (fl.value) {
        JsonCursor v = c.sub(*fl.value);
        value(v, type, f);
      } else {
        if (type == OpType::ok && is_client_fn(f))
          bad("missing \"value\" in an ok " + std::string(name(f)) + " op");
        h_.begin_op(type, f);
        began_ = true;
      }
    }
    if (fl.rebalance) rebalance_log(c.sub(*fl.rebalance));

    std::optional<std::int64_t> index;
    if (fl.index) {
      auto n = integer(c, *fl.index);
      if (!n || *n < 0) bad("\"index\" must be a non-negative integer, got " + describe_json(*fl.index));
      index = n;
    }
    std::int64_t time = -1;
    if (fl.time && *fl.time != "null") {
      auto n = integer(c, *fl.time);
      if (!n) bad("\"time\" must be an integer, got " + describe_json(*fl.time));
      time = *n;
    }
    std::int32_t process = kNoProcess;
    if (fl.process) {
      auto n = integer(c, *fl.process);
      if (n && *n > INT32_MIN && *n <= INT32_MAX) {
        process = static_cast<std::int32_t>(*n);
      } else if (is_client_fn(f)) {
        bad("\"process\" must be an integer (32-bit) in a " + std::string(name(f)) + " op, got " +
            describe_json(*fl.process));
      }
    } else if (is_client_fn(f)) {
      bad("missing \"process\" in a " + std::string(name(f)) + " op");
    }
    try {
      h_.end_op(index, time, process);
    } catch (const std::invalid_argument& e) {
      bad(e.what());
    }
  }

  static std::optional<std::int64_t> integer(const JsonCursor& c, std::string_view raw) {
    if (raw.empty() || !(raw.front() == '-' || (raw.front() >= '0' && raw.front() <= '9')))
      return std::nullopt;
    JsonCursor s = c.sub(raw);
    s.peek();
    JsonCursor::Number n = s.number();
    if (!n.in_range) return std::nullopt;
    return n.value;
  }

  // Parses the "value" field at `c` and begins the op.
  void value(JsonCursor& c, OpType type, OpFn f) {
    h_.begin_op(type, f);
    began_ = true;
    if (f == OpFn::other) {
      c.skip_value();
      return;
    }
    bool keys = f == OpFn::assign || f == OpFn::subscribe;
    if (!c.consume('[')) {
      std::string_view raw = c.skip_value();
      if (raw == "null" && type != OpType::ok) return;
      bad(std::string("\"value\" of ") + (type == OpType::ok ? "an ok " : "a ") +
          std::string(name(f)) + " op must be a list of " + (keys ? "KEYs" : "micro-ops") +
          ", got " + describe_json(raw));
    }
    if (c.consume(']')) return;
    for (std::size_t i = 0;; ++i) {
      if (keys) {
        h_.key(key(c, [&] { return "value[" + std::to_string(i) + "]"; }));
      } else {
        mop(c, f, i);
      }
      if (c.consume(',')) continue;
      c.expect(']', "or ',' in \"value\"");
      return;
    }
  }

  [[noreturn]] void bad_mop(JsonCursor& c, std::size_t m, std::size_t i) {
    std::string_view raw = c.sub(c.from(m)).skip_value();
    bad(mop_path(i) + " must be " + kMopShape + ", got " + describe_json(raw));
  }

  void mop(JsonCursor& c, OpFn f, std::size_t i) {
    std::size_t m = c.mark();
    if (!c.consume('[') || c.peek() != '"') bad_mop(c, m, i);
    std::string_view verb = c.string(scratch_);
    if (verb == "send") {
      if (f == OpFn::poll) bad(mop_path(i) + ": a poll op may contain only poll micro-ops");
      if (!c.consume(',')) bad_mop(c, m, i);
      KeyId k = key(c, [&] { return mop_path(i) + "[1]"; });
      if (!c.consume(',')) bad_mop(c, m, i);
      std::int64_t offset = kUnknownOffset;
      ValueRef v;
      if (c.consume('[')) {
        offset = this->offset(c, [&] { return mop_path(i) + "[2][0]"; });
        if (!c.consume(',')) bad(mop_path(i) + "[2] must be VALUE or [OFFSET, VALUE]");
        v = value_ref(c, [&] { return mop_path(i) + "[2][1]"; });
        if (!c.consume(']')) bad(mop_path(i) + "[2] must be VALUE or [OFFSET, VALUE]");
      } else {
        v = value_ref(c, [&] { return mop_path(i) + "[2]"; });
      }
      if (!c.consume(']')) bad_mop(c, m, i);
      h_.send(k, v, offset);
      return;
    }
    if (verb != "poll") bad_mop(c, m, i);
    if (f == OpFn::send) bad(mop_path(i) + ": a send op may contain only send micro-ops");
    h_.poll();
    if (c.consume(']')) return;
    if (!c.consume(',')) bad_mop(c, m, i);
    std::size_t rm = c.mark();
    if (c.peek() == 'n') {
      if (c.skip_value() != "null") bad_mop(c, m, i);
    } else if (!c.consume('{')) {
      std::string_view raw = c.sub(c.from(rm)).skip_value();
      bad(mop_path(i) + "[1] must be an object {KEY: [[OFFSET, VALUE], ...]}, got " +
          describe_json(raw));
    } else if (!c.consume('}')) {
      for (;;) {
        if (c.peek() != '"') c.fail("expected a field name");
        std::string_view kname = c.string(key_scratch_);
        KeyId k = intern(kname);
        c.expect(':', "after a field name");
        records(c, i, k);
        if (c.consume(',')) continue;
        c.expect('}', "or ',' in a poll's records");
        break;
      }
    }
    if (!c.consume(']')) bad_mop(c, m, i);
  }

  void records(JsonCursor& c, std::size_t i, KeyId k) {
    auto path = [&](std::size_t j) { return record_path(i, h_.key_name(k), j); };
    if (!c.consume('[')) {
      std::string_view raw = c.skip_value();
      bad(records_path(i, h_.key_name(k)) + " must be a list of [OFFSET, VALUE], got " +
          describe_json(raw));
    }
    if (c.consume(']')) return;
    for (std::size_t j = 0;; ++j) {
      std::size_t rm = c.mark();
      if (!c.consume('[')) {
        std::string_view raw = c.sub(c.from(rm)).skip_value();
        bad(path(j) + " must be [OFFSET, VALUE], got " + describe_json(raw));
      }
      std::int64_t offset = this->offset(c, [&] { return path(j) + "[0]"; });
      if (!c.consume(',')) bad(path(j) + " must be [OFFSET, VALUE]");
      ValueRef v = value_ref(c, [&] { return path(j) + "[1]"; });
      if (!c.consume(']')) bad(path(j) + " must be [OFFSET, VALUE]");
      h_.read(k, offset, v);
      if (c.consume(',')) continue;
      c.expect(']', "or ',' in a list of records");
      return;
    }
  }

  void rebalance_log(JsonCursor c) {
    if (!c.consume('[')) bad("\"rebalance-log\" must be a list of {\"keys\": [KEY, ...]}");
    if (c.consume(']')) return;
    for (std::size_t i = 0;; ++i) {
      std::string_view entry = c.skip_value();
      JsonCursor e = c.sub(entry);
      if (!e.consume('{'))
        bad("rebalance-log[" + std::to_string(i) + "] must be an object, got " + describe_json(entry));
      if (!e.consume('}')) {
        for (;;) {
          if (e.peek() != '"') e.fail("expected a field name");
          std::string_view name = e.string(name_scratch_);
          e.expect(':', "after a field name");
          if (name == "keys") {
            if (!e.consume('['))
              bad("rebalance-log[" + std::to_string(i) + "].keys must be a list of KEYs");
            if (!e.consume(']')) {
              for (std::size_t j = 0;; ++j) {
                h_.rebalanced(key(e, [&] {
                  return "rebalance-log[" + std::to_string(i) + "].keys[" + std::to_string(j) + "]";
                }));
                if (e.consume(',')) continue;
                e.expect(']', "or ',' in a list");
                break;
              }
            }
          } else {
            e.skip_value();
          }
          if (e.consume(',')) continue;
          e.expect('}', "or ',' in an object");
          break;
        }
      }
      if (c.consume(',')) continue;
      c.expect(']', "or ',' in \"rebalance-log\"");
      return;
    }
  }

  // Through a small direct-mapped cache: histories name few keys, and
  // nearly every micro-op names one.
  KeyId intern(std::string_view name) {
    std::size_t slot = name.size();
    for (std::size_t i = name.size() > 3 ? name.size() - 3 : 0; i < name.size(); ++i)
      slot = slot * 31 + static_cast<unsigned char>(name[i]);
    CachedKey& c = key_cache_[slot % key_cache_.size()];
    if (c.id != kNone && name == c.name) return c.id;
    c.id = h_.intern_key(name);
    c.name.assign(name);
    return c.id;
  }

  template <class Path>
  KeyId key(JsonCursor& c, Path path) {
    char p = c.peek();
    if (p == '"') return intern(c.string(key_scratch_));
    if (p == '-' || (p >= '0' && p <= '9')) {
      std::size_t m = c.mark();
      JsonCursor::Number n = c.number();
      if (n.in_range) {
        char buf[24];
        int len = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n.value));
        return intern(std::string_view(buf, static_cast<std::size_t>(len)));
      }
      std::string_view raw = c.sub(c.from(m)).skip_value();
      bad(path() + ": KEY must be a string or an integer, got " + describe_json(raw));
    }
    std::string_view raw = c.skip_value();
    bad(path() + ": KEY must be a string or an integer, got " + describe_json(raw));
  }

  template <class Path>
  ValueRef value_ref(JsonCursor& c, Path path) {
    char p = c.peek();
    if (p == '"') return ValueRef::string(c.string(value_scratch_));
    std::size_t m = c.mark();
    if (p == '-' || (p >= '0' && p <= '9')) {
      JsonCursor::Number n = c.number();
      if (n.in_range) return ValueRef::integer(n.value);
      std::string_view raw = c.sub(c.from(m)).skip_value();
      bad(path() + ": VALUE must be an integer (64-bit) or a string, got " + describe_json(raw));
    }
    std::string_view raw = c.skip_value();
    bad(path() + ": VALUE must be an integer or a string, got " + describe_json(raw));
  }

  template <class Path>
  std::int64_t offset(JsonCursor& c, Path path) {
    char p = c.peek();
    std::size_t m = c.mark();
    if (p == '-' || (p >= '0' && p <= '9')) {
      JsonCursor::Number n = c.number();
      if (n.in_range && n.value >= 0) return n.value;
    } else if (p == 'n') {
      if (c.skip_value() == "null") return kUnknownOffset;
    } else {
      c.skip_value();
    }
    std::string_view raw = c.sub(c.from(m)).skip_value();
    bad(path() + ": OFFSET must be a non-negative integer or null, got " + describe_json(raw));
  }

  History& h_;
  bool began_ = false;
  std::string name_scratch_, key_scratch_, value_scratch_, scratch_;
  struct CachedKey {
    KeyId id = kNone;
    std::string name;
  };
  std::array<CachedKey, 64> key_cache_;
};

}  // namespace

struct HistoryReader::Impl {
  explicit Impl(std::string n) : name(std::move(n)), parser(history) {}
  std::string name;
  History history;
  LineParser parser;
};

HistoryReader::HistoryReader(std::string name) : impl_(std::make_unique<Impl>(std::move(name))) {}
HistoryReader::~HistoryReader() = default;

void HistoryReader::line(std::string_view text, std::size_t line_no) {
  if (line_no == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return;
  try {
    impl_->parser.parse(text);
  } catch (const LineError& e) {
    impl_->history.abandon_op();
    throw HistoryError(impl_->name, line_no, e.what);
  } catch (const JsonSyntaxError& e) {
    impl_->history.abandon_op();
    throw HistoryError(impl_->name, line_no, e.what());
  } catch (const std::invalid_argument& e) {
    impl_->history.abandon_op();
    throw HistoryError(impl_->name, line_no, e.what());
  } catch (const std::length_error& e) {
    impl_->history.abandon_op();
    throw HistoryError(impl_->name, line_no, e.what());
  }
}

History HistoryReader::finish() {
  impl_->history.shrink_to_fit();
  return std::move(impl_->history);
}

History read_history_string(std::string_view text, const std::string& name) {
  HistoryReader r(name);
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    r.line(line, ++line_no);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return r.finish();
}

History read_history_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw HistoryError(path, 0, std::string("cannot open: ") + std::strerror(errno));
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{f};

  HistoryReader r(path);
  std::vector<char> buf(1 << 20);
  std::size_t have = 0;  // bytes of buf holding an incomplete line
  std::size_t line_no = 0;
  for (;;) {
    if (have == buf.size()) buf.resize(buf.size() * 2);
    std::size_t n = std::fread(buf.data() + have, 1, buf.size() - have, f);
    if (n == 0) {
      if (std::ferror(f)) throw HistoryError(path, 0, std::string("read error: ") + std::strerror(errno));
      if (have) r.line(std::string_view(buf.data(), have), ++line_no);
      break;
    }
    std::size_t end = have + n;
    std::size_t start = 0;
    for (;;) {
      const void* nl = std::memchr(buf.data() + start, '\n', end - start);
      if (!nl) break;
      std::size_t pos = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data());
      r.line(std::string_view(buf.data() + start, pos - start), ++line_no);
      start = pos + 1;
    }
    have = end - start;
    if (start) std::memmove(buf.data(), buf.data() + start, have);
  }
  return r.finish();
}

}  // namespace kafkasim::checker
