#include "reports/report.h"

#include "reports/charts.h"
#include "reports/graphviz.h"

namespace kafkasim::reports {

std::string Diagram::inline_svg() const {
  const std::size_t start = svg.find("<svg");
  return start == std::string::npos ? std::string() : svg.substr(start);
}

Analysis analyse(const ReportInput& in) {
  Analysis a;
  a.focus = choose_focus(in);
  if (in.trace != nullptr) a.facts = model_facts(*in.trace, in.node_names);
  a.narrative = build_narrative(in, a.focus, a.facts);
  auto add = [&](std::string name, std::string title, std::string dot) {
    if (dot.empty()) return;
    Diagram d{std::move(name), std::move(title), std::move(dot), "", ""};
    if (auto svg = render_svg_file(d.dot, &d.error)) d.svg = std::move(*svg);
    a.diagrams.push_back(std::move(d));
  };
  add("space-time", "Space-time diagram around the anomaly", space_time_dot(in, a.narrative));
  add("replica-logs", "Replica logs of " + a.focus.tp, replica_logs_dot(in, a.focus, a.narrative, a.facts));
  add("cycle", "Dependency cycle of the " + a.focus.anomaly + " witness", cycle_dot(in, a.focus));
  a.series = in.series;
  if (in.history != nullptr) {
    for (TimeSeries& s : history_series(*in.history)) a.series.push_back(std::move(s));
  }
  return a;
}

std::vector<ReportFile> report_files(const ReportInput& in) {
  const Analysis a = analyse(in);
  std::vector<ReportFile> files;
  files.push_back({"report.html", html_report(in, a)});
  files.push_back({"summary.md", summary_markdown(in, a)});
  files.push_back({"junit.xml", junit_xml(in, a)});
  for (const Diagram& d : a.diagrams) {
    files.push_back({d.name + ".dot", d.dot});
    if (!d.svg.empty()) files.push_back({d.name + ".svg", d.svg});
  }
  return files;
}

}  // namespace kafkasim::reports
