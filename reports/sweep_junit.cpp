#include "reports/sweep_junit.h"

#include <cstdio>
#include <sstream>

namespace kafkasim::reports {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the valid UTF-8 sequence XML allows at text[i], or 0.
std::size_t valid_sequence(std::string_view text, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = at(i);
  const std::size_t left = text.size() - i;
  if (c < 0x80) return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && continuation(at(i + 1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !continuation(at(i + 1)) || !continuation(at(i + 2))) return 0;
    if (c == 0xE0 && at(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && at(i + 1) >= 0xA0) return 0;  // UTF-16 surrogates
    if (c == 0xEF && at(i + 1) == 0xBF && at(i + 2) >= 0xBE) return 0;  // U+FFFE, U+FFFF
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !continuation(at(i + 1)) || !continuation(at(i + 2)) || !continuation(at(i + 3))) return 0;
    if (c == 0xF0 && at(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && at(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

std::string seconds(std::int64_t ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(ms) / 1000.0);
  return buffer;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value) + "\"";
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

// The failure's text: everything a reader needs to act on the seed.
std::string failure_text(const SweepCase& c) {
  std::ostringstream o;
  o << c.outcome << "\n";
  if (!c.anomalies.empty()) {
    o << "anomalies:";
    for (const auto& [name, count] : c.anomalies) o << " " << name << " x" << count;
    o << "\n";
  }
  if (!c.invariant_violations.empty()) o << "invariant violations: " << join(c.invariant_violations, ", ") << "\n";
  o << "liveness: " << c.liveness << "\n";
  o << "repro: " << c.repro << "\n";
  if (!c.folder.empty()) o << "report: " << c.folder << "\n";
  if (!c.minimal.empty()) o << "minimal scenario: " << c.minimal << "\n";
  return o.str();
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = valid_sequence(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (n == 1) {
      switch (text[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += text[i];
      }
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string sweep_junit_xml(const std::vector<SweepRecord>& records) {
  std::size_t tests = 0, failures = 0, errors = 0;
  std::int64_t elapsed_ms = 0;
  std::ostringstream suites;
  for (const SweepRecord& r : records) {
    const SweepTally t = tally(r);
    tests += r.cases.size();
    failures += t.not_expected;
    errors += t.harness_failures;
    elapsed_ms += r.elapsed_ms;
    const std::string suite = r.shard == "1/1" ? r.scenario : r.scenario + " shard " + r.shard;
    suites << "  <testsuite" << attr("name", suite) << attr("tests", std::to_string(r.cases.size()))
           << attr("failures", std::to_string(t.not_expected)) << attr("errors", std::to_string(t.harness_failures))
           << attr("skipped", "0") << attr("time", seconds(r.elapsed_ms)) << ">\n";
    suites << "    <properties>\n"
           << "      <property" << attr("name", "scenario_path") << attr("value", r.scenario_path) << "/>\n"
           << "      <property" << attr("name", "seeds") << attr("value", r.seeds) << "/>\n"
           << "      <property" << attr("name", "shard") << attr("value", r.shard) << "/>\n"
           << "    </properties>\n";
    for (const SweepCase& c : r.cases) {
      suites << "    <testcase" << attr("classname", "kafkasim." + r.scenario)
             << attr("name", r.scenario + " seed " + std::to_string(c.seed)) << attr("time", seconds(c.wall_ms));
      if (c.exit_code == 0) {
        suites << "/>\n";
        continue;
      }
      const char* element = c.exit_code == 3 ? "error" : "failure";
      suites << ">\n      <" << element << attr("type", join(c.kinds, ",")) << attr("message", c.outcome) << ">"
             << xml_escape(failure_text(c)) << "</" << element << ">\n"
             << "    </testcase>\n";
    }
    suites << "  </testsuite>\n";
  }
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites" << attr("name", "kafkasim") << attr("tests", std::to_string(tests))
    << attr("failures", std::to_string(failures)) << attr("errors", std::to_string(errors))
    << attr("time", seconds(elapsed_ms)) << ">\n"
    << suites.str() << "</testsuites>\n";
  return o.str();
}

}  // namespace kafkasim::reports
