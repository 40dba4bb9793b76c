// A run's report files (docs/reports.md):
//   report.html        one self-contained page (inline CSS and SVG, no
//                      script, no network) that explains the run
//   summary.md         for CI job summaries: verdict, repro, anomalies and
//                      a short narrative
//   junit.xml          one test case for the scenario and seed; a failure
//                      carries the anomaly and the repro
//   space-time.dot/svg, replica-logs.dot/svg, cycle.dot/svg
//                      the Graphviz sources and their renderings (each only
//                      when the run has something to draw)
#pragma once

#include <string>
#include <vector>

#include "reports/diagrams.h"
#include "reports/focus.h"
#include "reports/narrative.h"
#include "reports/report_input.h"
#include "reports/trace_facts.h"

namespace kafkasim::reports {

struct Diagram {
  std::string name;   // file stem: "space-time"
  std::string title;
  std::string dot;
  std::string svg;    // the SVG file; "" when Graphviz failed
  std::string inline_svg() const;  // without the XML prolog, for HTML
  std::string error;  // why there is no SVG
};

// Everything the report files share, computed once.
struct Analysis {
  Focus focus;
  std::vector<Fact> facts;
  Narrative narrative;
  std::vector<Diagram> diagrams;
  std::vector<TimeSeries> series;  // the harness's samples, then history_series()
};

Analysis analyse(const ReportInput& in);

std::string html_report(const ReportInput& in, const Analysis& a);
std::string summary_markdown(const ReportInput& in, const Analysis& a);
std::string junit_xml(const ReportInput& in, const Analysis& a);

struct ReportFile {
  std::string name;
  std::string content;
};

// Every report file of a run folder, in a fixed order.
std::vector<ReportFile> report_files(const ReportInput& in);

}  // namespace kafkasim::reports
