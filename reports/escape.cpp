#include "reports/escape.h"

#include <sstream>

namespace kafkasim::reports {
namespace {

// Calls out(codepoint_text) for each UTF-8 sequence of `s`; invalid bytes
// and C0 controls but tab and newline are given as U+FFFD.
template <typename Out>
void each_char(std::string_view s, Out out) {
  static const std::string_view kReplacement = "\xEF\xBF\xBD";
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && len == 1 && c < 0x20 && c != '\t' && c != '\n') ok = false;
    if (ok && len == 1 && c == 0x7F) ok = false;
    if (!ok) {
      out(kReplacement);
      ++i;
      continue;
    }
    out(s.substr(i, len));
    i += len;
  }
}

}  // namespace

std::string escape_html(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 16);
  each_char(s, [&](std::string_view ch) {
    if (ch.size() == 1) {
      switch (ch[0]) {
        case '&': o += "&amp;"; return;
        case '<': o += "&lt;"; return;
        case '>': o += "&gt;"; return;
        case '"': o += "&quot;"; return;
        case '\'': o += "&#39;"; return;
        default: break;
      }
    }
    o += ch;
  });
  return o;
}

std::string escape_dot(std::string_view s) {
  std::string o;
  each_char(s, [&](std::string_view ch) {
    if (ch == "\"") o += "\\\"";
    else if (ch == "\\") o += "\\\\";
    else if (ch == "\n") o += "\\n";
    else if (ch == "\t") o += ' ';
    else o += ch;
  });
  return o;
}

std::string escape_markdown(std::string_view s) {
  std::string o;
  each_char(s, [&](std::string_view ch) {
    if (ch.size() == 1) {
      switch (ch[0]) {
        case '&': o += "&amp;"; return;
        case '<': o += "&lt;"; return;
        case '>': o += "&gt;"; return;
        case '|': o += "&#124;"; return;
        case '\n': o += ' '; return;
        case '`': case '*': case '_': case '[': case ']': case '#': case '\\': case '!':
          o += '\\';
          o += ch;
          return;
        default: break;
      }
    }
    o += ch;
  });
  return o;
}

std::string shorten(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "\xE2\x80\xA6";
}

std::string wrap(const std::string& s, std::size_t width) {
  std::string out, line;
  std::istringstream words(s);
  for (std::string w; words >> w;) {
    if (!line.empty() && line.size() + 1 + w.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  return out + line;
}

}  // namespace kafkasim::reports
