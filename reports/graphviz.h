// Graphviz in-process (libgvc): a dot source to SVG.
#pragma once

#include <optional>
#include <string>

namespace kafkasim::reports {

// The SVG file (with its XML prolog) of `dot` laid out with the dot
// engine; nullopt with *error set when Graphviz cannot read or lay it out.
// Diagram::inline_svg() (report.h) gives the form to inline in HTML.
std::optional<std::string> render_svg_file(const std::string& dot, std::string* error = nullptr);

}  // namespace kafkasim::reports
