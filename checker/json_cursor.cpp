#include "checker/json_cursor.h"

#include <cstring>

namespace kafkasim::checker {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

}  // namespace

void JsonCursor::fail(const std::string& what) const {
  throw JsonSyntaxError(column(), "invalid JSON at column " + std::to_string(column()) + ": " + what);
}

void JsonCursor::expect(char c, const char* context) {
  if (consume(c)) return;
  std::string got = pos_ < text_.size() ? std::string("'") + text_[pos_] + "'" : "the end of the line";
  fail(std::string("expected '") + c + "' " + context + ", got " + got);
}

std::string_view JsonCursor::string(std::string& scratch) {
  ++pos_;  // opening quote
  std::size_t start = pos_;
  // Fast path: no escapes.
  {
    const char* const base = text_.data();
    const char* p = base + pos_;
    const char* const end = base + text_.size();
    while (p != end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) ++p;
    pos_ = static_cast<std::size_t>(p - base);
    if (p != end && *p == '"') return text_.substr(start, pos_++ - start);
    if (p != end && *p != '\\') fail("control character in a string");
  }
  scratch.assign(text_.data() + start, pos_ - start);
  while (pos_ < text_.size()) {
    char c = text_[pos_++];
    if (c == '"') return scratch;
    if (static_cast<unsigned char>(c) < 0x20) {
      --pos_;
      fail("control character in a string");
    }
    if (c != '\\') {
      scratch += c;
      continue;
    }
    if (pos_ >= text_.size()) break;
    char e = text_[pos_++];
    switch (e) {
      case '"': scratch += '"'; break;
      case '\\': scratch += '\\'; break;
      case '/': scratch += '/'; break;
      case 'b': scratch += '\b'; break;
      case 'f': scratch += '\f'; break;
      case 'n': scratch += '\n'; break;
      case 'r': scratch += '\r'; break;
      case 't': scratch += '\t'; break;
      case 'u': {
        auto read4 = [&]() -> std::uint32_t {
          if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
          std::uint32_t v = 0;
          for (int i = 0; i < 4; ++i) {
            int d = hex_digit(text_[pos_ + i]);
            if (d < 0) fail("bad \\u escape");
            v = v * 16 + static_cast<std::uint32_t>(d);
          }
          pos_ += 4;
          return v;
        };
        std::uint32_t cp = read4();
        if (cp >= 0xd800 && cp < 0xdc00 && pos_ + 1 < text_.size() && text_[pos_] == '\\' &&
            text_[pos_ + 1] == 'u') {
          std::size_t save = pos_;
          pos_ += 2;
          std::uint32_t lo = read4();
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else {
            pos_ = save;
          }
        }
        append_utf8(scratch, cp);
        break;
      }
      default:
        pos_ -= 2;
        fail(std::string("bad escape '\\") + e + "' in a string");
    }
  }
  fail("unterminated string");
}

JsonCursor::Number JsonCursor::number() {
  const char* const base = text_.data();
  const char* p = base + pos_;
  const char* const end = base + text_.size();
  bool neg = *p == '-';
  if (neg) ++p;
  if (p == end || !is_digit(*p)) {
    pos_ = static_cast<std::size_t>(p - base);
    fail("bad number");
  }
  Number n{true, true, 0};
  if (*p == '0') {
    ++p;
  } else {
    // Up to 19 digits fit in a uint64_t.
    std::uint64_t acc = 0;
    const char* start = p;
    const char* stop = end - p > 19 ? p + 19 : end;
    while (p != stop && is_digit(*p)) acc = acc * 10 + static_cast<std::uint64_t>(*p++ - '0');
    while (p != end && is_digit(*p)) ++p;
    const std::uint64_t limit = neg ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
    if (p - start > 19 || acc > limit) {
      n.in_range = false;
    } else {
      n.value = neg ? static_cast<std::int64_t>(0 - acc) : static_cast<std::int64_t>(acc);
    }
  }
  if (p != end && (*p == '.' || *p == 'e' || *p == 'E')) {
    n = Number{false, false, 0};
    if (*p == '.') {
      ++p;
      if (p == end || !is_digit(*p)) {
        pos_ = static_cast<std::size_t>(p - base);
        fail("bad number");
      }
      while (p != end && is_digit(*p)) ++p;
    }
    if (p != end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p != end && (*p == '+' || *p == '-')) ++p;
      if (p == end || !is_digit(*p)) {
        pos_ = static_cast<std::size_t>(p - base);
        fail("bad number");
      }
      while (p != end && is_digit(*p)) ++p;
    }
  }
  pos_ = static_cast<std::size_t>(p - base);
  return n;
}

void JsonCursor::skip_string() {
  ++pos_;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      return;
    }
    if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
    if (c == '\\') {
      if (pos_ + 1 >= text_.size()) break;
      char e = text_[pos_ + 1];
      if (e == 'u') {
        for (int i = 2; i < 6; ++i)
          if (pos_ + i >= text_.size() || hex_digit(text_[pos_ + i]) < 0) {
            pos_ += 1;
            fail("bad \\u escape");
          }
        pos_ += 6;
        continue;
      }
      if (!std::strchr("\"\\/bfnrt", e) || e == '\0') {
        fail(std::string("bad escape '\\") + e + "' in a string");
      }
      pos_ += 2;
      continue;
    }
    ++pos_;
  }
  fail("unterminated string");
}

void JsonCursor::skip_literal() {
  for (const char* lit : {"true", "false", "null"}) {
    std::size_t len = std::strlen(lit);
    if (text_.compare(pos_, len, lit) == 0) {
      pos_ += len;
      return;
    }
  }
  fail(std::string("unexpected character '") + text_[pos_] + "'");
}

void JsonCursor::skip_number() { number(); }

std::string_view JsonCursor::skip_value() {
  char c = peek();
  std::size_t start = pos_;
  stack_.clear();
  for (;;) {
    // Here a value is expected.
    c = peek();
    if (c == '{' || c == '[') {
      ++pos_;
      stack_.push_back(c);
      char close = c == '{' ? '}' : ']';
      if (consume(close)) {
        stack_.pop_back();
      } else {
        if (c == '{') {
          if (peek() != '"') fail("expected a field name");
          skip_string();
          expect(':', "after a field name");
        }
        continue;
      }
    } else if (c == '"') {
      skip_string();
    } else if (c == '-' || is_digit(c)) {
      skip_number();
    } else if (c == '\0') {
      fail("unexpected end of the line");
    } else {
      skip_literal();
    }
    // A value has ended: close containers or move to the next element.
    for (;;) {
      if (stack_.empty()) return text_.substr(start, pos_ - start);
      char open = stack_.back();
      if (consume(',')) {
        if (open == '{') {
          if (peek() != '"') fail("expected a field name");
          skip_string();
          expect(':', "after a field name");
        }
        break;
      }
      expect(open == '{' ? '}' : ']', open == '{' ? "or ',' in an object" : "or ',' in a list");
      stack_.pop_back();
    }
  }
}

std::string describe_json(std::string_view raw) {
  constexpr std::size_t kMax = 48;
  if (raw.size() <= kMax) return std::string(raw);
  return std::string(raw.substr(0, kMax)) + "...";
}

}  // namespace kafkasim::checker
