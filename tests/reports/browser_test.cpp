// report.html in a real browser: headless Chromium (Debian's `chromium`,
// installed by scripts/install-deps.sh) loads the report in an iframe of a
// wrapper page whose script measures what is really on screen (size and
// computed style of each element) and writes the result into the DOM,
// which --dump-dom prints. The report itself runs no script (its CSP
// forbids any), so the wrapper does the looking.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "harness/run_report.h"
#include "report_support.h"
#include "reports/report.h"

using namespace kafkasim;
using namespace kafkasim::reports::test;

namespace {

const char* const kWrapper = R"html(<!DOCTYPE html>
<html><body>
<pre id="result">pending</pre>
<iframe id="report" src="report.html" style="width:1200px;height:900px"></iframe>
<script>
function shown(doc, selector) {
  const el = doc.querySelector(selector);
  if (!el) return selector + ' missing';
  const box = el.getBoundingClientRect();
  const style = doc.defaultView.getComputedStyle(el);
  const ok = box.width > 0 && box.height > 0 && style.display !== 'none' && style.visibility === 'visible' &&
             parseFloat(style.opacity) > 0;
  return selector + (ok ? ' visible' : ' hidden');
}
document.getElementById('report').onload = function () {
  const doc = this.contentDocument;
  const lines = [];
  for (const s of ['#verdict-line', '#repro', '#witness-0', '#narrative ol', '#diagram-space-time svg',
                   '#diagram-replica-logs svg', '#chart-throughput', '#fault-timeline']) {
    lines.push(shown(doc, s));
  }
  lines.push('repro: ' + doc.getElementById('repro').textContent);
  lines.push('heading: ' + doc.querySelector('h1').textContent);
  lines.push('witness: ' + doc.getElementById('witness-0').textContent.slice(0, 200));
  lines.push('scripts: ' + doc.querySelectorAll('script').length);
  document.getElementById('result').textContent = lines.join('\n');
};
</script>
</body></html>
)html";

struct Browser {
  std::string dom;
  double seconds = 0;
};

// Loads `dir`/report.html through the wrapper; returns the wrapper's DOM.
Browser open_in_chromium(const TempDir& dir) {
  int code = 0;
  const std::string found = shell("command -v chromium", &code);
  INFO("chromium is not installed: run scripts/install-deps.sh (Debian package `chromium`)");
  REQUIRE(code == 0);
  const std::string wrapper = dir.write("wrapper.html", kWrapper);
  const std::string command = "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                              "--allow-file-access-from-files --no-first-run --user-data-dir='" + dir.path("profile") +
                              "' --virtual-time-budget=20000 --dump-dom 'file://" + wrapper + "' 2>/dev/null";
  const auto start = std::chrono::steady_clock::now();
  Browser b;
  b.dom = shell(command, &code);
  b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(b.dom.substr(0, 2000));
  REQUIRE(code == 0);
  return b;
}

void check_visible(const std::string& dom) {
  INFO(dom.substr(0, 3000));
  for (const char* s : {"#verdict-line", "#repro", "#witness-0", "#narrative ol", "#diagram-space-time svg",
                        "#diagram-replica-logs svg", "#chart-throughput", "#fault-timeline"}) {
    CHECK(dom.find(std::string(s) + " visible") != std::string::npos);
  }
  CHECK(dom.find("scripts: 0") != std::string::npos);
}

}  // namespace

TEST_CASE("report.html of a failing seed shows its verdict, repro, witness and diagrams in Chromium", "[browser]") {
  const harness::Scenario s =
      harness::load_scenario_file(shipped("scenarios/replication/isolated-leader-acks1.json"));
  TempDir out;
  const std::string folder = run_into_folder(s, "scenarios/replication/isolated-leader-acks1.json", 3, out.path());
  TempDir page;
  fs::copy_file(folder + "/report.html", page.path("report.html"));
  const Browser b = open_in_chromium(page);
  check_visible(b.dom);
  CHECK(b.dom.find("repro: kafkasim run scenarios/replication/isolated-leader-acks1.json --seed 3") != std::string::npos);
  CHECK(b.dom.find("witness: {\"key\":\"orders/0\"") != std::string::npos);
}

TEST_CASE("a scenario named <script> shows as text in Chromium and runs nothing", "[browser]") {
  const std::string hostile = "<script>document.title='pwned'</script>";
  const harness::Scenario s =
      harness::load_scenario_file(shipped("scenarios/replication/isolated-leader-acks1.json"));
  harness::RunOptions o;
  o.seed = 1;
  o.scenario_path = "scenarios/" + hostile + ".json";
  harness::RunResult r = harness::run_scenario(s, o);
  r.scenario = hostile;  // scenario files may not name one so; a result file or a history can
  harness::RunReport report;
  harness::prepare_report(r, &s, report);
  TempDir page;
  for (const reports::ReportFile& f : reports::report_files(report.input)) {
    if (f.name == "report.html") page.write("report.html", f.content);
  }
  const Browser b = open_in_chromium(page);
  check_visible(b.dom);
  // --dump-dom escapes text again: the heading's text is the raw name.
  CHECK(b.dom.find("heading: kafkasim report: &lt;script&gt;document.title='pwned'&lt;/script&gt;, seed 1") !=
        std::string::npos);
  CHECK(b.dom.find("repro: kafkasim run scenarios/&lt;script&gt;") != std::string::npos);
}

TEST_CASE("a report of 100,000 operations stays under 20 MB and opens in Chromium", "[browser][slow]") {
  // isolated-leader-acks1 at 1600 sends/s: more than 100,000 history operations.
  std::string text = slurp(shipped("scenarios/replication/isolated-leader-acks1.json"));
  const std::string rate = "\"rate_per_s\": 200";
  REQUIRE(text.find(rate) != std::string::npos);
  text.replace(text.find(rate), rate.size(), "\"rate_per_s\": 1600");
  text.replace(text.find("isolated-leader-acks1"), std::string("isolated-leader-acks1").size(), "big-report");
  TempDir out;
  const std::string path = out.write("big-report.json", text);
  const harness::Scenario s = harness::load_scenario_file(path);
  harness::RunResult r;
  const std::string folder = run_into_folder(s, path, 1, out.path("out"), &r);
  REQUIRE(r.verdict);
  CHECK(r.verdict->stats.ops >= 100000);
  const auto size = fs::file_size(folder + "/report.html");
  CHECK(size < 20u * 1024 * 1024);
  TempDir page;
  fs::copy_file(folder + "/report.html", page.path("report.html"));
  const Browser b = open_in_chromium(page);
  check_visible(b.dom);
  CHECK(b.seconds < 60);
  // The diagrams show the window around the anomaly, not the whole run.
  const std::string html = slurp(folder + "/report.html");
  const std::string st = slurp(folder + "/space-time.dot");
  CHECK(std::count(st.begin(), st.end(), '\n') < 400);
}
