// The planted bugs of BUGS.md: names accepted by `--bug NAME` and the
// scenario key `bugs`, printed by `kafkasim list bugs`.
#pragma once

#include <string_view>
#include <vector>

namespace kafkasim::harness {

struct BugInfo {
  std::string_view name;       // e.g. "hw-truncation"
  std::string_view reference;  // KIPs, JIRA issues, reports
  std::string_view summary;    // what the broken behaviour does, one line
};

// Every bug of BUGS.md, in its order.
const std::vector<BugInfo>& known_bug_names();
// The bug with this name, or nullptr.
const BugInfo* find_bug(std::string_view name);

}  // namespace kafkasim::harness
