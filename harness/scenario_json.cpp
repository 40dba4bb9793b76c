#include "harness/scenario_json.h"

#include <set>
#include <vector>

#include "broker-model/config_catalog.h"
#include "harness/json_schema.h"
#include "harness/scenario_error.h"

namespace kafkasim::harness {
namespace {

using nlohmann::json;

struct Position {
  std::size_t line = 1;
  std::size_t column = 1;  // in characters: UTF-8 continuation bytes do not count
};

Position position_of(std::string_view text, std::size_t offset) {
  Position p;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

// The offset of the first byte that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
// or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

// The offset of the first bracket that opens level max_depth + 1 outside
// strings, or npos. Does not judge syntax: the parser does that.
std::size_t first_too_deep(std::string_view s, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// Tracks where the parser is, to name the path of a key given twice.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const std::string& file) : file_(file) {}

  bool operator()(int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: frames_.emplace_back().is_object = true; break;
      case json::parse_event_t::array_start: frames_.emplace_back(); break;
      case json::parse_event_t::key: {
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) {
          throw ScenarioError(file_, path(), "this key appears twice in its object");
        }
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        next_element();
        break;
      case json::parse_event_t::value: next_element(); break;
    }
    return true;
  }

 private:
  struct Frame {
    bool is_object = false;
    std::set<std::string> keys;
    std::string key;
    std::size_t index = 0;
  };

  void next_element() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
  }

  std::string path() const {
    std::string out;
    for (const auto& f : frames_) {
      out = f.is_object ? kafka::json_member_path(out, f.key) : json_index_path(out, f.index);
    }
    return out;
  }

  const std::string& file_;
  std::vector<Frame> frames_;
};

// nlohmann's message without its "[json.exception...] parse error at line
// L, column C: " prefix: we give the place ourselves.
std::string syntax_message(const json::parse_error& e) {
  std::string what = e.what();
  auto at = what.find("column ");
  auto colon = at == std::string::npos ? std::string::npos : what.find(": ", at);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

json parse_json_text(std::string_view text, const std::string& display_name, std::size_t max_depth) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw ScenarioError(display_name, "", "the file is empty; expected a JSON object");
  }
  if (auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    Position p = position_of(text, bad);
    throw ScenarioError(display_name, "", "invalid UTF-8 (the file must be UTF-8 text)", p.line, p.column);
  }
  if (auto deep = first_too_deep(text, max_depth); deep != std::string_view::npos) {
    Position p = position_of(text, deep);
    throw ScenarioError(display_name, "",
                        "nested more than " + std::to_string(max_depth) + " levels deep", p.line,
                        p.column);
  }
  DuplicateKeyCheck check(display_name);
  try {
    return json::parse(text.begin(), text.end(), std::ref(check), /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const json::parse_error& e) {
    // e.byte: 1-based offset of the last byte read.
    Position p = position_of(text, e.byte > 0 ? e.byte - 1 : 0);
    throw ScenarioError(display_name, "", "invalid JSON: " + syntax_message(e), p.line, p.column);
  } catch (const json::exception& e) {
    // A number too large for a double: "... number overflow parsing '1e400'".
    std::string what = e.what();
    std::string message = what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2);
    auto open = message.find('\''), close = message.rfind('\'');
    std::size_t at = open < close ? text.find(message.substr(open + 1, close - open - 1)) : std::string_view::npos;
    Position p = at == std::string_view::npos ? Position{0, 0} : position_of(text, at);
    throw ScenarioError(display_name, "", "invalid JSON: " + message, p.line, p.column);
  }
}

}  // namespace kafkasim::harness
