// junit.xml: one test suite (the scenario) with one test case (the seed),
// as CI dashboards read it (the Ant JUnit XML that Jenkins, GitHub and
// GitLab accept). A run that did not meet its expectations is a <failure>
// whose message names the failure kinds and whose text has the outcome,
// the repro command and the first witness; a harness failure is an <error>.
#include <sstream>

#include "reports/escape.h"
#include "reports/report.h"

namespace kafkasim::reports {
namespace {

std::string jtext(const nlohmann::ordered_json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

}  // namespace

std::string junit_xml(const ReportInput& in, const Analysis& a) {
  static const nlohmann::ordered_json kNoResult = nlohmann::ordered_json::object();
  const auto& r = in.result.is_object() ? in.result : kNoResult;
  const std::string scenario = jtext(r.value("scenario", nlohmann::ordered_json("")));
  const std::string seed = jtext(r.value("seed", nlohmann::ordered_json(0)));
  const bool harness = r.contains("harness_error") && !r["harness_error"].is_null();
  const bool expected = r.value("expected", false);
  double seconds = 0;
  if (r.contains("stats") && r["stats"].is_object() && r["stats"].contains("wall_ms") && r["stats"]["wall_ms"].is_number()) {
    seconds = r["stats"]["wall_ms"].get<double>() / 1000.0;
  }
  std::string kinds;
  for (const std::string& k : in.failure_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites tests=\"1\" failures=\"" << (!expected && !harness ? 1 : 0) << "\" errors=\"" << (harness ? 1 : 0)
    << "\">\n";
  o << "  <testsuite name=\"kafkasim." << escape_html(scenario) << "\" tests=\"1\" failures=\""
    << (!expected && !harness ? 1 : 0) << "\" errors=\"" << (harness ? 1 : 0) << "\" time=\"" << seconds << "\">\n";
  o << "    <testcase classname=\"kafkasim." << escape_html(scenario) << "\" name=\"seed " << escape_html(seed)
    << "\" time=\"" << seconds << "\"";
  if (expected && !harness) {
    o << "/>\n";
  } else {
    std::string body = in.outcome + "\nrepro: " + jtext(r.value("repro", nlohmann::ordered_json(""))) + "\n";
    if (!a.focus.anomaly.empty()) {
      body += "first " + a.focus.anomaly + (a.focus.witness.is_null() ? "" : ": " + a.focus.witness.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
    }
    for (const InvariantDetail& v : in.invariants) body += "invariant " + v.name + " at " + std::to_string(v.time_ms) + " ms: " + v.detail + "\n";
    const char* tag = harness ? "error" : "failure";
    o << ">\n      <" << tag << " message=\"" << escape_html(harness && r["harness_error"].is_object() ? jtext(r["harness_error"].value("outcome", nlohmann::ordered_json(""))) : kinds)
      << "\" type=\"" << (harness ? "harness" : a.focus.anomaly.empty() ? "expectation" : escape_html(a.focus.anomaly)) << "\">"
      << escape_html(shorten(body, 8000)) << "</" << tag << ">\n    </testcase>\n";
  }
  o << "  </testsuite>\n</testsuites>\n";
  return o.str();
}

}  // namespace kafkasim::reports
