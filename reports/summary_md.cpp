// summary.md: what a CI job summary shows (GitHub's $GITHUB_STEP_SUMMARY,
// GitLab's job artifacts): the verdict, the repro command, the anomalies
// and the first sentences of the narrative.
#include <sstream>

#include "reports/escape.h"
#include "reports/report.h"

namespace kafkasim::reports {
namespace {

constexpr std::size_t kSentences = 8;

std::string jtext(const nlohmann::ordered_json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

}  // namespace

std::string summary_markdown(const ReportInput& in, const Analysis& a) {
  static const nlohmann::ordered_json kNoResult = nlohmann::ordered_json::object();
  const auto& r = in.result.is_object() ? in.result : kNoResult;
  const bool harness = r.contains("harness_error") && !r["harness_error"].is_null();
  const bool expected = r.value("expected", false);
  std::ostringstream o;
  o << "### kafkasim: " << escape_markdown(jtext(r.value("scenario", nlohmann::ordered_json("?")))) << ", seed "
    << jtext(r.value("seed", nlohmann::ordered_json(0))) << " — "
    << (harness ? "harness failure" : expected ? "as expected" : "**not as expected**") << "\n\n";
  o << escape_markdown(in.outcome) << "\n\n";
  o << "Reproduce:\n\n```sh\n" << shorten(jtext(r.value("repro", nlohmann::ordered_json(""))), 2000) << "\n```\n\n";
  if (in.verdict != nullptr && !in.verdict->anomalies.empty()) {
    o << "| anomaly | witnesses | counts against the run |\n|---|---|---|\n";
    for (const auto& [name, witnesses] : in.verdict->anomalies) {
      const bool allowed = in.verdict->allowed.count(name) > 0 || checker::is_informational(name);
      o << "| " << escape_markdown(name) << " | " << witnesses.size() << " | " << (allowed ? "no (allowed)" : "yes")
        << " |\n";
    }
    o << "\n";
  }
  for (const InvariantDetail& v : in.invariants) {
    o << "- invariant **" << escape_markdown(v.name) << "** at " << v.time_ms << " ms: " << escape_markdown(v.detail)
      << "\n";
  }
  if (!in.invariants.empty()) o << "\n";
  if (r.contains("figures") && r["figures"].is_object() && !r["figures"].empty()) {
    o << "| figure | value |\n|---|---|\n";
    for (const auto& [name, value] : r["figures"].items()) {
      o << "| " << escape_markdown(name) << " | " << escape_markdown(jtext(value)) << " |\n";
    }
    o << "\n";
  }
  if (!a.narrative.sentences.empty()) {
    o << "What happened (" << escape_markdown(a.focus.anomaly) << "):\n\n";
    // An anomaly's story starts with the write; an invariant's ends with
    // the violation: keep the end of it.
    const auto& all = a.narrative.sentences;
    const bool tail = a.focus.anomaly.rfind("invariant:", 0) == 0 && all.size() > kSentences;
    const std::size_t from = tail ? all.size() - kSentences : 0;
    if (tail) o << "- …\n";
    for (std::size_t i = from; i < all.size(); ++i) {
      if (i - from >= kSentences) {
        o << "- …\n";
        break;
      }
      o << "- `" << format_ms(all[i].time_ns) << "` " << escape_markdown(shorten(all[i].text, 400)) << "\n";
    }
    o << "\n";
  }
  o << "The full report is `report.html` in this folder.\n";
  return o.str();
}

}  // namespace kafkasim::reports
