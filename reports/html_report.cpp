// report.html: one self-contained page. Sections in the order a reader
// needs them: verdict and repro, scenario, fault timeline, anomalies with
// their witnesses, narrative, diagrams, charts, run details. Every string
// from the scenario, the history or the trace goes through escape_html.
#include <algorithm>
#include <map>
#include <sstream>

#include "checker/history_writer.h"
#include "reports/charts.h"
#include "reports/escape.h"
#include "reports/report.h"

namespace kafkasim::reports {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::size_t kWitnessesShown = 10;  // per anomaly kind
constexpr std::size_t kWitnessesOpen = 2;    // the rest of those shown are folded
constexpr std::size_t kOpsPerWitness = 8;

const char* const kStyle = R"css(
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1d1d1f;line-height:1.4}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:16px 0 6px}
pre,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:6px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.verdict{padding:10px 14px;border-radius:6px;margin:10px 0;font-size:15px}
.verdict.bad{background:#fde2e1;border:1px solid #e5a0a0}.verdict.good{background:#e3f6e3;border:1px solid #9fd29f}
.verdict.harness{background:#fff1cc;border:1px solid #e0c060}
.tag{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;margin-right:4px;background:#eee}
.tag.bad{background:#f4b6b6}.tag.allowed{background:#ddd}
.witness{border-left:4px solid #d33;padding:4px 10px;margin:8px 0;background:#fffafa}
ol.narrative li{margin:4px 0}ol.narrative li.fault{color:#a00000}
.time{color:#666;font-family:ui-monospace,Menlo,monospace;font-size:12px;margin-right:6px}
figure{margin:10px 0;overflow-x:auto;border:1px solid #e1e4e8;padding:6px}figcaption{font-weight:bold;margin-bottom:6px}
.note{color:#555;font-size:13px}.side{display:flex;gap:16px;flex-wrap:wrap}.side>div{flex:1;min-width:320px}
)css";

std::string esc(const std::string& s) { return escape_html(s); }

std::string jtext(const ojson& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

const ojson& at_or_null(const ojson& j, const char* key) {
  static const ojson null;
  if (!j.is_object()) return null;
  auto it = j.find(key);
  return it == j.end() ? null : *it;
}

// A JSON object of settings as "name = value" lines, or "Kafka's defaults".
std::string settings(const ojson& config) {
  if (!config.is_object() || config.empty()) return "<span class=\"note\">Kafka's defaults</span>";
  std::string out;
  for (auto it = config.begin(); it != config.end(); ++it) {
    out += "<code>" + esc(it.key()) + " = " + esc(jtext(it.value())) + "</code><br>";
  }
  return out;
}

void verdict_section(std::ostringstream& o, const ReportInput& in) {
  const ojson& r = in.result;
  const bool harness = !at_or_null(r, "harness_error").is_null();
  const bool expected = at_or_null(r, "expected").is_boolean() && r["expected"].get<bool>();
  const bool valid = at_or_null(r, "valid").is_boolean() && r["valid"].get<bool>();
  o << "<section id=\"verdict\"><h1>kafkasim report: " << esc(jtext(at_or_null(r, "scenario"))) << ", seed "
    << esc(jtext(at_or_null(r, "seed"))) << "</h1>\n";
  o << "<div class=\"verdict " << (harness ? "harness" : expected ? "good" : "bad") << "\" id=\"verdict-line\"><b>"
    << (harness ? "HARNESS FAILURE" : expected ? "As expected" : "NOT AS EXPECTED") << "</b> — the history is <b>"
    << (valid ? "valid" : "invalid") << "</b>. " << esc(in.outcome);
  if (!in.failure_kinds.empty()) {
    o << "<br>Failed on:";
    for (const std::string& k : in.failure_kinds) o << " <span class=\"tag bad\">" << esc(k) << "</span>";
  }
  o << "</div>\n<p>Reproduce it bit for bit with:</p>\n<pre id=\"repro\">" << esc(jtext(at_or_null(r, "repro")))
    << "</pre>\n";
  o << "<p class=\"note\">trace hash <code>" << esc(jtext(at_or_null(r, "trace_hash"))) << "</code>, kafkasim "
    << esc(jtext(at_or_null(r, "version"))) << ". " << esc(in.trace_note) << "</p></section>\n";
}

void scenario_section(std::ostringstream& o, const ReportInput& in) {
  const ojson& p = at_or_null(in.result, "parameters");
  const ojson& s = in.scenario;
  o << "<section id=\"scenario\"><h2>Scenario</h2>\n";
  if (s.is_object() && s.contains("description")) o << "<p>" << esc(jtext(s["description"])) << "</p>\n";
  const ojson& cluster = at_or_null(p, "cluster");
  o << "<table><tr><th>cluster</th><td>" << esc(jtext(at_or_null(cluster, "brokers"))) << " brokers, "
    << esc(jtext(at_or_null(cluster, "controllers"))) << " controller(s); network latency "
    << esc(jtext(at_or_null(at_or_null(at_or_null(p, "network"), "latency_ms"), "min"))) << "–"
    << esc(jtext(at_or_null(at_or_null(at_or_null(p, "network"), "latency_ms"), "max"))) << " ms</td></tr>\n";
  o << "<tr><th>broker configuration (differs from Kafka's defaults)</th><td>" << settings(at_or_null(cluster, "config"))
    << "</td></tr>\n";
  for (const ojson& t : at_or_null(p, "topics").is_array() ? at_or_null(p, "topics") : ojson::array()) {
    o << "<tr><th>topic " << esc(jtext(at_or_null(t, "name"))) << "</th><td>" << esc(jtext(at_or_null(t, "partitions")))
      << " partition(s), replication factor " << esc(jtext(at_or_null(t, "replication_factor"))) << "<br>"
      << settings(at_or_null(t, "config")) << "</td></tr>\n";
  }
  const ojson& w = at_or_null(p, "workload");
  o << "<tr><th>workload</th><td>" << esc(jtext(at_or_null(w, "kind"))) << ": " << esc(jtext(at_or_null(w, "producers")))
    << " producer(s), " << esc(jtext(at_or_null(w, "consumers"))) << " consumer(s), "
    << esc(jtext(at_or_null(w, "rate_per_s"))) << " sends/s, keys " << esc(jtext(at_or_null(w, "keys")))
    << (at_or_null(w, "txn") == true ? ", transactions" : "") << (at_or_null(w, "subscribe") == true ? ", subscribe" : "")
    << "</td></tr>\n";
  o << "<tr><th>producer configuration</th><td>" << settings(at_or_null(w, "producer")) << "</td></tr>\n";
  o << "<tr><th>consumer configuration</th><td>" << settings(at_or_null(w, "consumer")) << "</td></tr>\n";
  o << "<tr><th>bug switches</th><td>";
  const ojson& bugs = at_or_null(in.result, "bugs");
  if (!bugs.is_array() || bugs.empty()) o << "none";
  else for (const ojson& b : bugs) o << "<span class=\"tag bad\">" << esc(jtext(b)) << "</span>";
  o << "</td></tr>\n<tr><th>phases</th><td>faults for " << esc(jtext(at_or_null(p, "duration_ms")))
    << " ms, then recovery for up to " << esc(jtext(at_or_null(p, "recovery_ms"))) << " ms</td></tr>\n";
  const ojson& expect = at_or_null(in.result, "expect");
  o << "<tr><th>expect</th><td><code>" << esc(expect.dump()) << "</code></td></tr></table></section>\n";
}

std::vector<FaultSpan> fault_spans(const ReportInput& in, std::int64_t end_ms) {
  std::vector<FaultSpan> spans;
  std::map<std::string, std::size_t> open;  // source -> span
  const ojson& log = at_or_null(in.result, "fault_log");
  if (!log.is_array()) return spans;
  for (const ojson& e : log) {
    const std::string action = jtext(at_or_null(e, "action"));
    const std::string source = jtext(at_or_null(e, "source"));
    const std::int64_t t = at_or_null(e, "time_ms").is_number() ? e["time_ms"].get<std::int64_t>() : 0;
    if (action == "inject" && at_or_null(e, "skipped") != true) {
      open[source] = spans.size();
      spans.push_back(FaultSpan{t, end_ms, jtext(at_or_null(e, "kind")) + " " + jtext(at_or_null(e, "target"))});
    } else if (action == "revert" && open.count(source)) {
      spans[open[source]].end_ms = t;
      open.erase(source);
    } else if (action == "recover") {
      for (auto& [src, i] : open) spans[i].end_ms = t;
      open.clear();
    }
  }
  return spans;
}

std::string timeline_svg(const std::vector<FaultSpan>& spans, std::int64_t end_ms) {
  const double width = 760, left = 8, right = 8, row = 18;
  const double height = 28 + row * static_cast<double>(spans.size());
  if (end_ms <= 0) end_ms = 1;
  auto x = [&](std::int64_t t) { return left + (width - left - right) * static_cast<double>(t) / static_cast<double>(end_ms); };
  std::ostringstream o;
  o << "<svg id=\"fault-timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << " " << height << "\">";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const FaultSpan& s = spans[i];
    const double a = x(std::clamp<std::int64_t>(s.begin_ms, 0, end_ms));
    const double b = std::max(a + 2, x(std::clamp<std::int64_t>(s.end_ms, 0, end_ms)));
    const double y = 4 + row * static_cast<double>(i);
    o << "<rect x=\"" << a << "\" y=\"" << y << "\" width=\"" << b - a << "\" height=\"" << row - 4
      << "\" fill=\"#e88\" rx=\"3\"><title>" << esc(s.label) << "</title></rect><text x=\"" << a + 3 << "\" y=\""
      << y + 11 << "\" font-size=\"10\">" << esc(shorten(s.label, 90)) << "</text>";
  }
  const double axis = height - 18;
  o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << axis << "\" y2=\"" << axis
    << "\" stroke=\"#888\"/>";
  for (int i = 0; i <= 4; ++i) {
    const std::int64_t t = end_ms * i / 4;
    o << "<text x=\"" << x(t) << "\" y=\"" << height - 4 << "\" font-size=\"10\" text-anchor=\""
      << (i == 0 ? "start" : i == 4 ? "end" : "middle") << "\">" << format_ms(t * 1'000'000) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

std::string fault_text(const ojson& f) {
  std::string s = jtext(at_or_null(f, "at_ms")) + " ms " + jtext(at_or_null(f, "kind"));
  for (const char* key : {"target", "groups", "isolate", "duration_ms"}) {
    if (f.is_object() && f.contains(key)) s += std::string(" ") + key + "=" + jtext(f[key]);
  }
  return s;
}

void schedule_list(std::ostringstream& o, const std::vector<std::string>& faults) {
  if (faults.empty()) o << "<p class=\"note\">no faults</p>";
  o << "<ol>";
  for (const std::string& f : faults) o << "<li><code>" << esc(f) << "</code></li>";
  o << "</ol>";
}

void faults_section(std::ostringstream& o, const ReportInput& in, std::int64_t end_ms) {
  o << "<section id=\"faults\"><h2>Fault timeline</h2>\n";
  const std::vector<FaultSpan> spans = fault_spans(in, end_ms);
  if (!spans.empty()) o << timeline_svg(spans, end_ms) << "\n";
  o << "<table><tr><th>time</th><th>source</th><th>action</th><th>fault</th><th>nodes</th><th>note</th></tr>\n";
  const ojson& log = at_or_null(in.result, "fault_log");
  if (log.is_array()) {
    for (const ojson& e : log) {
      o << "<tr><td>" << esc(jtext(at_or_null(e, "time_ms"))) << " ms</td><td>" << esc(jtext(at_or_null(e, "source")))
        << "</td><td>" << esc(jtext(at_or_null(e, "action"))) << (at_or_null(e, "skipped") == true ? " (skipped)" : "")
        << "</td><td>" << esc(jtext(at_or_null(e, "kind"))) << " " << esc(jtext(at_or_null(e, "target")))
        << "</td><td>" << esc(jtext(at_or_null(e, "node"))) << "</td><td>" << esc(jtext(at_or_null(e, "note")))
        << "</td></tr>\n";
    }
  }
  o << "</table>\n";
  if (in.minimal_scenario) {
    std::vector<std::string> original, minimal;
    const ojson& explicit_faults = at_or_null(in.scenario, "faults");
    if (explicit_faults.is_array()) {
      for (const ojson& f : explicit_faults) original.push_back("explicit: " + fault_text(f));
    }
    // The faults the nemesis drew, as the fault log saw them injected.
    const ojson& log = at_or_null(in.result, "fault_log");
    if (log.is_array()) {
      for (const ojson& e : log) {
        const std::string source = jtext(at_or_null(e, "source"));
        if (source.rfind("nemesis[", 0) != 0 || jtext(at_or_null(e, "action")) != "inject") continue;
        original.push_back(source + ": " + jtext(at_or_null(e, "time_ms")) + " ms " + jtext(at_or_null(e, "kind")) + " " +
                           jtext(at_or_null(e, "target")) +
                           (at_or_null(e, "skipped") == true ? " (skipped)" : " -> " + jtext(at_or_null(e, "node"))));
      }
    }
    const ojson& small = at_or_null(*in.minimal_scenario, "faults");
    if (small.is_array()) {
      for (const ojson& f : small) minimal.push_back(fault_text(f));
    }
    o << "<h3>Original and minimal schedules</h3><div class=\"side\" id=\"schedules\"><div><b>original ("
      << original.size() << " faults)</b>";
    schedule_list(o, original);
    o << "</div><div><b>minimal.json (" << minimal.size() << " faults)</b>";
    schedule_list(o, minimal);
    o << "</div></div>\n";
  }
  o << "</section>\n";
}

void op_lines(std::ostringstream& o, const ReportInput& in, const nlohmann::json& witness) {
  if (in.history == nullptr) return;
  std::string lines;
  std::size_t shown = 0;
  for (std::int64_t index : witness_ops(witness)) {
    if (shown++ >= kOpsPerWitness) {
      lines += "…\n";
      break;
    }
    if (auto pos = op_position(*in.history, index)) {
      std::string line;
      checker::append_op_jsonl(*in.history, *pos, line);
      lines += shorten(line, 600);
      if (lines.back() != '\n') lines += '\n';
    }
  }
  if (!lines.empty()) o << "<div>operations:</div><pre class=\"ops\">" << esc(lines) << "</pre>";
}

void anomalies_section(std::ostringstream& o, const ReportInput& in) {
  o << "<section id=\"anomalies\"><h2>Anomalies and invariant violations</h2>\n";
  std::size_t witness_id = 0;
  bool any = false;
  if (in.verdict != nullptr) {
    for (const auto& [name, witnesses] : in.verdict->anomalies) {
      any = true;
      const bool allowed = in.verdict->allowed.count(name) > 0 || checker::is_informational(name);
      o << "<h3 id=\"anomaly-" << esc(name) << "\"><span class=\"tag " << (allowed ? "allowed" : "bad") << "\">"
        << esc(name) << "</span> " << witnesses.size() << (witnesses.size() == 1 ? " witness" : " witnesses")
        << (allowed ? " (allowed: does not make the run invalid)" : "") << "</h3>\n<p>"
        << esc(std::string(checker::describe_anomaly(name))) << "</p>\n";
      for (std::size_t i = 0; i < witnesses.size() && i < kWitnessesShown; ++i) {
        if (i == kWitnessesOpen) o << "<details><summary>more witnesses</summary>\n";
        o << "<div class=\"witness\" id=\"witness-" << witness_id++ << "\"><code>"
          << esc(shorten(witnesses[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 1200))
          << "</code>";
        op_lines(o, in, witnesses[i]);
        o << "</div>\n";
      }
      if (witnesses.size() > kWitnessesOpen) o << "</details>\n";
      if (witnesses.size() > kWitnessesShown) {
        o << "<p class=\"note\">and " << witnesses.size() - kWitnessesShown
          << " more: <code>kafkasim check history.jsonl --json</code> lists them all.</p>\n";
      }
    }
  }
  for (const InvariantDetail& v : in.invariants) {
    any = true;
    o << "<h3><span class=\"tag bad\">invariant " << esc(v.name) << "</span></h3><div class=\"witness\" id=\"witness-"
      << witness_id++ << "\">at " << v.time_ms << " ms: " << esc(v.detail) << "</div>\n";
  }
  const ojson& names = at_or_null(in.result, "invariant_violations");
  if (in.invariants.empty() && names.is_array() && !names.empty()) {
    any = true;
    for (const ojson& n : names) o << "<h3><span class=\"tag bad\">invariant " << esc(jtext(n)) << "</span></h3>\n";
  }
  const std::string liveness = jtext(at_or_null(in.result, "liveness"));
  if (liveness != "ok" && liveness != "null") {
    any = true;
    o << "<h3><span class=\"tag bad\">liveness</span></h3><p>" << esc(liveness) << "</p>\n";
  }
  const ojson& herr = at_or_null(in.result, "harness_error");
  if (!herr.is_null()) {
    any = true;
    o << "<h3><span class=\"tag bad\">harness " << esc(jtext(at_or_null(herr, "outcome"))) << "</span></h3><p>"
      << esc(jtext(at_or_null(herr, "message"))) << "</p>\n";
  }
  if (!any) o << "<p>None: the checker found no anomaly and the model no invariant violation.</p>\n";
  o << "</section>\n";
}

void narrative_section(std::ostringstream& o, const Analysis& a) {
  o << "<section id=\"narrative\"><h2>What happened</h2>\n";
  if (!a.focus.anomaly.empty()) {
    o << "<p>The story of the first <b>" << esc(a.focus.anomaly) << "</b>"
      << (a.focus.tp.empty() ? "" : " on <code>" + esc(a.focus.tp) + "</code>") << ", from the trace.</p>\n";
  }
  if (a.narrative.deleted_by_retention) {
    o << "<p class=\"verdict harness\">Retention deleted this record: that is the topic's configuration "
         "(retention.ms / retention.bytes), not a bug in Kafka.</p>\n";
  }
  if (!a.narrative.sentences.empty()) {
    o << "<ol class=\"narrative\">\n";
    for (const Sentence& s : a.narrative.sentences) {
      o << "<li" << (s.fault ? " class=\"fault\"" : "") << "><span class=\"time\">" << format_ms(s.time_ns)
        << "</span>" << esc(s.text) << "</li>\n";
    }
    o << "</ol>\n";
  }
  if (!a.narrative.missing.empty()) o << "<p class=\"note\">" << esc(a.narrative.missing) << "</p>\n";
  o << "</section>\n";
}

void diagrams_section(std::ostringstream& o, const Analysis& a) {
  o << "<section id=\"diagrams\"><h2>Diagrams</h2>\n";
  if (a.diagrams.empty()) o << "<p class=\"note\">No diagram: the report has no trace events around an anomaly.</p>\n";
  for (const Diagram& d : a.diagrams) {
    o << "<figure id=\"diagram-" << esc(d.name) << "\"><figcaption>" << esc(d.title) << " (" << esc(d.name)
      << ".svg, source " << esc(d.name) << ".dot)</figcaption>\n";
    const std::string svg = d.inline_svg();
    if (!svg.empty()) o << svg << "\n";
    else o << "<p class=\"note\">" << esc(d.error) << "</p>\n";
    o << "</figure>\n";
  }
  o << "</section>\n";
}

void charts_section(std::ostringstream& o, const ReportInput& in, const Analysis& a, std::int64_t end_ms) {
  o << "<section id=\"charts\"><h2>Over simulated time</h2>\n<p class=\"note\">Faults are shaded red.</p>\n";
  const std::vector<FaultSpan> spans = fault_spans(in, end_ms);
  struct Group {
    const char* id;
    const char* title;
    std::vector<std::string> prefixes;
  };
  const std::vector<Group> groups{
      {"chart-throughput", "Throughput", {"throughput"}},
      {"chart-latency", "Acknowledged latency", {"ack-latency"}},
      {"chart-isr", "ISR size", {"isr-size"}},
      {"chart-urp", "Under-replicated partitions", {"under-replicated"}},
      {"chart-lag", "Consumer lag", {"consumer-lag"}},
      {"chart-ml-accuracy", "Model accuracy (the monitor's window)", {"ml-accuracy"}},
      {"chart-ml-drift", "Drift statistic", {"ml-drift"}},
  };
  for (const Group& g : groups) {
    std::vector<TimeSeries> chosen;
    for (const TimeSeries& s : a.series) {
      for (const std::string& p : g.prefixes) {
        if (s.name.rfind(p, 0) == 0) chosen.push_back(s);
      }
    }
    if (chosen.empty()) continue;
    o << "<figure>" << line_chart_svg(g.id, g.title, chosen.front().unit, chosen, spans, end_ms) << "</figure>\n";
  }
  o << "</section>\n";
}

// What the workload measured (result.json "figures": ml-pipeline,
// ride-sharing), when it did.
void figures_section(std::ostringstream& o, const ReportInput& in) {
  const ojson& figures = at_or_null(in.result, "figures");
  if (!figures.is_object() || figures.empty()) return;
  o << "<section id=\"figures\"><h2>Figures</h2>\n<table>\n";
  for (const auto& [name, value] : figures.items()) {
    o << "<tr><td>" << esc(name) << "</td><td>" << esc(jtext(value)) << "</td></tr>\n";
  }
  o << "</table></section>\n";
}

void details_section(std::ostringstream& o, const ReportInput& in) {
  o << "<section id=\"details\"><h2>Run details</h2>\n<details><summary>stats and parameters</summary><pre>"
    << esc(at_or_null(in.result, "stats").dump(2)) << "\n"
    << esc(at_or_null(in.result, "parameters").dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
    << "</pre></details>\n<p class=\"note\">Files beside this page: result.json, history.jsonl, trace.jsonl (when "
       "recorded), scenario.json, summary.md, junit.xml and the diagrams' .dot and .svg.</p></section>\n";
}

}  // namespace

std::string html_report(const ReportInput& in, const Analysis& a) {
  const ojson& stats = at_or_null(in.result, "stats");
  const std::int64_t end_ms = at_or_null(stats, "sim_time_ms").is_number() ? stats["sim_time_ms"].get<std::int64_t>() : 0;
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
    << "<title>kafkasim: " << esc(jtext(at_or_null(in.result, "scenario"))) << " seed "
    << esc(jtext(at_or_null(in.result, "seed"))) << "</title>\n<style>" << kStyle << "</style></head><body>\n";
  verdict_section(o, in);
  scenario_section(o, in);
  faults_section(o, in, end_ms);
  anomalies_section(o, in);
  figures_section(o, in);
  narrative_section(o, a);
  diagrams_section(o, a);
  charts_section(o, in, a, end_ms);
  details_section(o, in);
  o << "</body></html>\n";
  return o.str();
}

}  // namespace kafkasim::reports
