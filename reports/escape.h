// Escaping for the formats reports write. Everything that comes from a
// scenario file, a history or the trace goes through one of these before it
// reaches HTML, XML, Markdown or a Graphviz source.
#pragma once

#include <string>
#include <string_view>

namespace kafkasim::reports {

// Text for HTML and XML element content and quoted attribute values:
// & < > " ' become entities; bytes that are not valid UTF-8 and control
// characters other than tab and newline become U+FFFD.
std::string escape_html(std::string_view s);

// A Graphviz double-quoted string's contents: " and \ escaped, newlines
// as \n, invalid UTF-8 replaced. Graphviz escapes the text again for SVG.
std::string escape_dot(std::string_view s);

// Markdown inline text: HTML-escaped, and the characters Markdown would
// read as markup (` * _ [ ] | # < >) backslash-escaped or as entities.
std::string escape_markdown(std::string_view s);

// `s` cut to at most `max` bytes on a UTF-8 boundary, with "…" when cut.
std::string shorten(std::string_view s, std::size_t max);

// `s` broken into lines of about `width` characters at spaces (for
// Graphviz labels, before escape_dot).
std::string wrap(const std::string& s, std::size_t width);

}  // namespace kafkasim::reports
