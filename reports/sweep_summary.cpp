#include "reports/sweep_summary.h"

#include <sstream>

namespace kafkasim::reports {
namespace {

// Failed seeds listed per scenario; the rest are counted.
constexpr std::size_t kMaxFailedRows = 50;

// `text` as a code span in a table cell: backticks cannot end it early,
// pipes cannot split the cell.
std::string code_cell(std::string_view text) {
  std::string out = "`";
  for (char c : text) {
    if (c == '`') out += '\'';
    else if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out + "`";
}

std::string seconds(std::int64_t ms) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << static_cast<double>(ms) / 1000.0 << " s";
  return o.str();
}

std::string seed_list(const std::vector<std::uint64_t>& seeds) {
  std::string out;
  for (std::size_t i = 0; i < seeds.size() && i < 20; ++i) out += (i ? ", " : "") + std::to_string(seeds[i]);
  if (seeds.size() > 20) out += ", ... (" + std::to_string(seeds.size()) + " seeds)";
  return out;
}

}  // namespace

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n':
      case '\r': out += ' '; break;
      case '|': case '\\': case '`': case '*': case '_': case '[': case ']': case '#': case '~':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string sweep_summary_markdown(const std::vector<SweepRecord>& records) {
  std::size_t runs = 0, failed = 0, harness = 0;
  for (const SweepRecord& r : records) {
    const SweepTally t = tally(r);
    runs += r.cases.size();
    failed += t.not_expected;
    harness += t.harness_failures;
  }
  std::ostringstream o;
  o << "## kafkasim sweep: ";
  if (failed + harness == 0) {
    o << "all " << runs << " runs met their expectations\n\n";
  } else {
    o << failed + harness << " of " << runs << " runs did not meet their expectations";
    if (harness) o << " (" << harness << " harness failures)";
    o << "\n\n";
  }
  o << "| scenario | shard | seeds | runs | as expected | not as expected | harness failures | simulated | wall |\n"
    << "|---|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const SweepRecord& r : records) {
    const SweepTally t = tally(r);
    o << "| " << markdown_cell(r.scenario) << " | " << markdown_cell(r.shard) << " | " << markdown_cell(r.seeds)
      << " | " << r.cases.size() << " | " << t.as_expected << " | " << t.not_expected << " | "
      << t.harness_failures << " | " << seconds(t.sim_time_ms) << " | " << seconds(r.elapsed_ms) << " |\n";
  }
  for (const SweepRecord& r : records) {
    const SweepTally t = tally(r);
    o << "\n### " << markdown_cell(r.scenario);
    if (r.shard != "1/1") o << " (shard " << markdown_cell(r.shard) << ")";
    o << "\n\n";
    if (t.slowest) {
      o << "Slowest seed: " << t.slowest->seed << " (" << t.slowest->wall_ms << " ms wall, "
        << t.slowest->sim_time_ms << " ms simulated, " << t.slowest->events << " events). ";
    }
    o << "Total: " << seconds(t.sim_time_ms) << " simulated, " << t.events << " events, " << seconds(t.wall_ms)
      << " wall summed over seeds.\n";
    if (t.failed_by_kind.empty()) continue;
    o << "\n| failed by | seeds |\n|---|---|\n";
    for (const auto& [kind, seeds] : t.failed_by_kind) {
      o << "| " << markdown_cell(kind) << " | " << seed_list(seeds) << " |\n";
    }
    o << "\n| seed | outcome | repro | report |\n|---:|---|---|---|\n";
    std::size_t rows = 0, left = 0;
    for (const SweepCase& c : r.cases) {
      if (c.exit_code == 0) continue;
      if (rows == kMaxFailedRows) {
        ++left;
        continue;
      }
      ++rows;
      o << "| " << c.seed << " | " << markdown_cell(c.outcome) << " | " << code_cell(c.repro) << " | "
        << (c.folder.empty() ? "" : code_cell(c.folder));
      if (!c.minimal.empty()) o << " (minimal: " << code_cell(c.minimal) << ")";
      o << " |\n";
    }
    if (left) o << "\nand " << left << " more failed seeds (junit.xml lists them all).\n";
  }
  return o.str();
}

}  // namespace kafkasim::reports
