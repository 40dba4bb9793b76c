// The markdown summary of seed sweeps (DIR/summary.md), for CI job
// summaries (GitHub's $GITHUB_STEP_SUMMARY, a merge request note): the
// verdict first, a table of scenarios, then for each scenario with failures
// its failed seeds by kind, its slowest seed and one row per failed seed
// with its repro command and report folder.
//
// Text from scenario files and results is escaped for GitHub-flavoured
// markdown: HTML is inert (& < > as entities), table cells cannot be split
// (| escaped, newlines as spaces), code spans cannot be closed early.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/sweep_record.h"

namespace kafkasim::reports {

std::string sweep_summary_markdown(const std::vector<SweepRecord>& records);

// `text` for a markdown table cell.
std::string markdown_cell(std::string_view text);

}  // namespace kafkasim::reports
