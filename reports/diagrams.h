// Graphviz sources of a report's diagrams (docs/reports.md says how to read
// them). Each shows the window around the anomaly, never the whole run.
#pragma once

#include <string>
#include <vector>

#include "reports/focus.h"
#include "reports/narrative.h"
#include "reports/report_input.h"
#include "reports/trace_facts.h"

namespace kafkasim::reports {

// Space-time diagram: one column per node involved, time flowing down (the
// left column gives simulated time), the narrative's events in their
// node's column, faults in red, and the messages that link them (the last
// message a node got from another column before an event and the first it
// sent after it; dropped messages in red). "" when there is nothing to draw.
std::string space_time_dot(const ReportInput& in, const Narrative& n);

// The replicas of the focus partition just before the turning event (the
// truncation, retention or election that lost the record) and at the end
// of the trace: per replica, the offsets around the focus offset and the
// divergence point, each cell with its leader epoch and value; cells that
// differ from the leader's log in red, the focus offset outlined; LEO and
// HW per replica. "" when the trace says nothing about the partition.
std::string replica_logs_dot(const ReportInput& in, const Focus& focus, const Narrative& n,
                             const std::vector<Fact>& facts);

// The dependency cycle of a G0 or G1c witness: ops as nodes, ww/wr edges.
// "" for other witnesses.
std::string cycle_dot(const ReportInput& in, const Focus& focus);

}  // namespace kafkasim::reports
