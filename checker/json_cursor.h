// JsonCursor: a strict JSON (RFC 8259) scanner over one line of text, for
// the history reader. It reads the few shapes a history needs directly
// (objects, arrays, strings, integers) and skips everything else, so no
// DOM is built. Nesting is tracked on the heap: no input can exhaust the
// stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::checker {

// Thrown for text that is not JSON. `column` is 1-based.
struct JsonSyntaxError : std::runtime_error {
  JsonSyntaxError(std::size_t column, const std::string& what)
      : std::runtime_error(what), column(column) {}
  std::size_t column;
};

class JsonCursor {
 public:
  explicit JsonCursor(std::string_view text, std::size_t column_base = 0)
      : text_(text), base_(column_base) {}

  // The next significant character, or '\0' at the end. Skips whitespace.
  char peek() {
    skip_ws();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool at_end() { return peek() == '\0'; }
  // Consumes `c` if it is next.
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // Consumes `c` or throws JsonSyntaxError mentioning `context`.
  void expect(char c, const char* context);

  // REQUIRES: peek() == '"'. Returns the decoded string: a view into the
  // text when it has no escapes, else into `scratch`.
  std::string_view string(std::string& scratch);

  struct Number {
    bool integer;     // no fraction or exponent
    bool in_range;    // integer and fits in int64
    std::int64_t value;
  };
  // REQUIRES: peek() is '-' or a digit.
  Number number();

  // Skips one JSON value of any kind and returns its text.
  std::string_view skip_value();

  // A cursor over text previously returned by skip_value().
  JsonCursor sub(std::string_view span) const {
    return JsonCursor(span, base_ + static_cast<std::size_t>(span.data() - text_.data()));
  }

  // A position to come back to, and the text from it to the end.
  std::size_t mark() { peek(); return pos_; }
  std::string_view from(std::size_t mark) const { return text_.substr(mark); }

  std::size_t column() const { return base_ + pos_ + 1; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  void skip_ws() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }
  void skip_string();
  void skip_literal();
  void skip_number();

  std::string_view text_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
  std::vector<char> stack_;
};

// A short, printable rendering of a JSON value's text for error messages.
std::string describe_json(std::string_view raw);

}  // namespace kafkasim::checker
