// Everything from a scenario file or a history is escaped before it reaches
// HTML, XML, Markdown or Graphviz.
#include <catch2/catch.hpp>

#include "reports/escape.h"

using namespace kafkasim::reports;

TEST_CASE("HTML escaping turns markup from scenario files into text") {
  CHECK(escape_html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(escape_html("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#39;c&#39;");
}

TEST_CASE("HTML escaping replaces invalid UTF-8 and control characters but keeps valid text") {
  CHECK(escape_html("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(escape_html(std::string("a\xFF" "b")) == "a\xEF\xBF\xBD" "b");
  CHECK(escape_html(std::string("x\x01y", 3)) == "x\xEF\xBF\xBDy");
  CHECK(escape_html("tab\tand\nnewline") == "tab\tand\nnewline");
}

TEST_CASE("Graphviz strings escape quotes, backslashes and newlines") {
  CHECK(escape_dot("say \"hi\"\\now\nnext") == "say \\\"hi\\\"\\\\now\\nnext");
}

TEST_CASE("Markdown text cannot open code spans, links or HTML") {
  CHECK(escape_markdown("`x` [a](b) <b>|</b>") == "\\`x\\` \\[a\\](b) &lt;b&gt;&#124;&lt;/b&gt;");
}

TEST_CASE("shorten cuts on a UTF-8 boundary and marks the cut") {
  CHECK(shorten("abcdef", 10) == "abcdef");
  CHECK(shorten("abcdef", 3) == "abc\xE2\x80\xA6");
  CHECK(shorten("\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9\xE2\x80\xA6");
}
