#include "checker/history_writer.h"

#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

namespace kafkasim::checker {

namespace {

void put_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void put_int(std::string& out, std::int64_t n) { out += std::to_string(n); }

void put_value(std::string& out, const History& h, ElemId e) {
  ValueRef v = h.elem_value(e);
  if (v.is_string) {
    put_string(out, v.str);
  } else {
    put_int(out, v.num);
  }
}

void put_offset(std::string& out, std::int64_t o) {
  if (o < 0) {
    out += "null";
  } else {
    put_int(out, o);
  }
}

// Writes the records of one poll, grouped by key in order of first
// appearance.
void put_records(std::string& out, const History& h, const std::vector<Event>& reads) {
  out += '{';
  std::vector<KeyId> keys;
  for (const Event& ev : reads) {
    KeyId k = h.elem_key(ev.id);
    bool known = false;
    for (KeyId x : keys) known = known || x == k;
    if (!known) keys.push_back(k);
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ',';
    put_string(out, h.key_name(keys[i]));
    out += ":[";
    bool first = true;
    for (const Event& ev : reads) {
      if (h.elem_key(ev.id) != keys[i]) continue;
      if (!first) out += ',';
      first = false;
      out += '[';
      put_offset(out, ev.offset());
      out += ',';
      put_value(out, h, ev.id);
      out += ']';
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

void append_op_jsonl(const History& h, std::size_t pos, std::string& out) {
  const Op& op = h.op(pos);
  out += "{\"index\":";
  put_int(out, op.index);
  if (op.time != -1) {
    out += ",\"time\":";
    put_int(out, op.time);
  }
  if (op.process != kNoProcess) {
    out += ",\"process\":";
    put_int(out, op.process);
  }
  out += ",\"type\":\"";
  out += name(op.type);
  out += "\",\"f\":\"";
  out += name(op.f);
  out += '"';
  auto events = h.events(op);
  if (op.f != OpFn::other) {
    out += ",\"value\":[";
    bool first = true;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const Event& ev = events[i];
      if (ev.kind == EventKind::rebalanced || ev.kind == EventKind::read) continue;
      if (!first) out += ',';
      first = false;
      if (ev.kind == EventKind::key) {
        put_string(out, h.key_name(ev.id));
      } else if (ev.kind == EventKind::send) {
        out += "[\"send\",";
        put_string(out, h.key_name(h.elem_key(ev.id)));
        out += ',';
        bool pair = op.type != OpType::invoke && (ev.offset() >= 0 || op.type == OpType::ok);
        if (pair) {
          out += '[';
          put_offset(out, ev.offset());
          out += ',';
        }
        put_value(out, h, ev.id);
        if (pair) out += ']';
        out += ']';
      } else {  // poll
        std::vector<Event> reads;
        for (std::size_t j = i + 1; j < events.size() && events[j].kind == EventKind::read; ++j)
          reads.push_back(events[j]);
        out += "[\"poll\"";
        if (op.type != OpType::invoke || !reads.empty()) {
          out += ',';
          put_records(out, h, reads);
        }
        out += ']';
      }
    }
    out += ']';
  }
  bool any_rebalance = false;
  for (const Event& ev : events) {
    if (ev.kind != EventKind::rebalanced) continue;
    out += any_rebalance ? "," : ",\"rebalance-log\":[{\"keys\":[";
    any_rebalance = true;
    put_string(out, h.key_name(ev.id));
  }
  if (any_rebalance) out += "]}]";
  out += "}\n";
}

void write_history_jsonl(const History& h, std::ostream& out) {
  std::string buf;
  for (std::size_t pos = 0; pos < h.size(); ++pos) {
    append_op_jsonl(h, pos, buf);
    if (buf.size() > (1 << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

}  // namespace kafkasim::checker
