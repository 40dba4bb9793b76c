// The dependency-cycle diagram of a G0 or G1c witness (diagrams.h).
#include <sstream>

#include "checker/history_writer.h"
#include "reports/diagrams.h"
#include "reports/escape.h"

namespace kafkasim::reports {

std::string cycle_dot(const ReportInput& in, const Focus& focus) {
  if ((focus.anomaly != "G0" && focus.anomaly != "G1c") || !focus.witness.contains("steps")) return "";
  std::ostringstream o;
  o << "digraph cycle {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10];\n"
       "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=9];\n"
       "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (std::int64_t index : witness_ops(focus.witness)) {
    std::string label = "op " + std::to_string(index);
    if (in.history != nullptr) {
      if (auto pos = op_position(*in.history, index)) {
        std::string line;
        checker::append_op_jsonl(*in.history, *pos, line);
        label += "\n" + wrap(shorten(line, 160), 40);
      }
    }
    o << "  op" << index << " [label=\"" << escape_dot(label) << "\"];\n";
  }
  for (const auto& step : focus.witness["steps"]) {
    if (!step.is_object() || !step.contains("from") || !step.contains("to") || !step["from"].is_number_integer() ||
        !step["to"].is_number_integer()) {
      continue;
    }
    const std::string type = step.contains("type") ? value_text(step["type"]) : "";
    o << "  op" << value_text(step["from"]) << " -> op" << value_text(step["to"]) << " [label=\""
      << escape_dot(type) << "\", color=\"" << (type == "ww" ? "#b30000" : "#3366cc") << "\"];\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace kafkasim::reports
