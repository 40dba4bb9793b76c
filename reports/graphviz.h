// Graphviz in-process (libgvc): a dot source to SVG.
#pragma once

#include <optional>
#include <string>

namespace kafkasim::reports {

// The SVG of `dot` laid out with the dot engine, without the XML prolog and
// DOCTYPE (ready to inline in HTML). nullopt with *error set when Graphviz
// cannot read or lay it out.
std::optional<std::string> render_svg(const std::string& dot, std::string* error = nullptr);

// The same SVG as a standalone file (with its XML prolog).
std::optional<std::string> render_svg_file(const std::string& dot, std::string* error = nullptr);

}  // namespace kafkasim::reports
