#include "reports/graphviz.h"

#include <gvc.h>

#include <memory>

namespace kafkasim::reports {
namespace {

struct ContextDeleter {
  void operator()(GVC_t* c) const { gvFreeContext(c); }
};

}  // namespace

std::optional<std::string> render_svg_file(const std::string& dot, std::string* error) {
  // One context per call: reports are written rarely, and a fresh context
  // keeps no state between diagrams.
  std::unique_ptr<GVC_t, ContextDeleter> gvc(gvContext());
  if (!gvc) {
    if (error) *error = "Graphviz: cannot create a context";
    return std::nullopt;
  }
  Agraph_t* g = agmemread(dot.c_str());
  if (g == nullptr) {
    if (error) *error = "Graphviz: cannot read the dot source";
    return std::nullopt;
  }
  std::optional<std::string> svg;
  if (gvLayout(gvc.get(), g, "dot") == 0) {
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc.get(), g, "svg", &data, &length) == 0 && data != nullptr) {
      svg = std::string(data, length);
    } else if (error) {
      *error = "Graphviz: cannot render SVG";
    }
    if (data != nullptr) gvFreeRenderData(data);
    gvFreeLayout(gvc.get(), g);
  } else if (error) {
    *error = "Graphviz: cannot lay out the graph";
  }
  agclose(g);
  return svg;
}

}  // namespace kafkasim::reports
