// The JUnit XML of seed sweeps (DIR/junit.xml), the file CI dashboards
// read (GitHub Actions test reporters, GitLab's artifacts:reports:junit,
// Jenkins): one <testsuite> per scenario and shard, one <testcase> per
// seed. A seed that did not meet its scenario's expectations is a
// <failure> whose type names what went wrong and whose text has its
// anomalies, invariant violations, liveness, repro command and report
// folder; a harness failure (exit 3) is an <error>.
//
// Everything that comes from scenario files and results is escaped, and
// bytes XML 1.0 cannot carry (control characters, invalid UTF-8) are
// replaced, so the file always parses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/sweep_record.h"

namespace kafkasim::reports {

std::string sweep_junit_xml(const std::vector<SweepRecord>& records);

// `text` as XML character data or an attribute value: & < > " ' escaped,
// control characters other than tab, newline and carriage return and
// invalid UTF-8 bytes replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace kafkasim::reports
