// G0 and G1c (Jepsen's cycles!, classified as by Elle) over a dependency
// graph whose nodes are the completed send/poll/txn ops:
//   wr  T1 sent v to k and T2 read v from k (T1 != T2);
//   ww  T1 sent v1 and T2 sent v2 to k, v1 right before v2 in k's version
//       order; only with ww_deps, as Jepsen: Kafka does not isolate writes.
// G0 is a cycle of ww edges; G1c a cycle of ww and wr edges with at least
// one wr edge. Each strongly connected component (Tarjan, iterative) yields
// at most one cycle of each kind: the shortest, by breadth-first search,
// through the candidate edges tried (all of them in small components; in
// large ones, in op order until a work budget is spent).
//
// The graph is never stored: an op's incoming edges follow from its own
// events (the writers of what it read, the writers of the values before
// what it sent), so the search runs on the reversed graph, whose cycles
// are those of the graph reversed.
#include <algorithm>
#include <deque>
#include <optional>

#include "checker/analysis.h"

namespace kafkasim::checker {

namespace {

constexpr std::uint32_t kWw = 0x80000000u;  // edge flag: a ww edge
constexpr std::uint64_t kSearchBudget = 4'000'000;

class ReversedGraph {
 public:
  ReversedGraph(const Facts& f, bool ww_deps) : f_(f), ww_deps_(ww_deps), node_of_(f.h.size(), kNone) {
    for (std::size_t pos = 0; pos < f.h.size(); ++pos) {
      const Op& op = f.h.op(pos);
      if (op.type == OpType::invoke) continue;
      if (op.f != OpFn::send && op.f != OpFn::poll && op.f != OpFn::txn) continue;
      node_of_[pos] = static_cast<std::uint32_t>(op_of_.size());
      op_of_.push_back(static_cast<OpPos>(pos));
    }
  }

  std::size_t size() const { return op_of_.size(); }
  OpPos op_of(std::uint32_t node) const { return op_of_[node]; }

  // Appends to `out` the edges into `node` in the dependency graph, as
  // reversed edges node -> source (| kWw for a ww edge).
  void edges(std::uint32_t node, std::vector<std::uint32_t>& out) const {
    OpPos y = op_of_[node];
    for (const Event& ev : f_.h.events(f_.h.op(y))) {
      if (ev.kind == EventKind::read) {
        OpPos w = f_.writer[ev.id];
        if (w != kNone && w != y) out.push_back(node_of_[w]);
      } else if (ev.kind == EventKind::send && ww_deps_ && f_.writer[ev.id] == y) {
        KeyId k = f_.h.elem_key(ev.id);
        for (std::int32_t p : f_.vo.positions_of(ev.id)) {
          if (p < 1 || f_.vo.at(k, p) != ev.id) continue;
          OpPos w = f_.writer[f_.vo.at(k, p - 1)];
          if (w != kNone && w != y) out.push_back(node_of_[w] | kWw);
        }
      }
    }
  }

 private:
  const Facts& f_;
  bool ww_deps_;
  std::vector<std::uint32_t> node_of_;
  std::vector<OpPos> op_of_;
};

bool usable(std::uint32_t edge, bool ww_only) { return !ww_only || (edge & kWw); }

// Tarjan's strongly connected components, without recursion. Returns each
// component of two or more nodes, nodes ascending; `comp` maps nodes to a
// component id (kNone for trivial ones).
std::vector<std::vector<std::uint32_t>> components(const ReversedGraph& g, bool ww_only,
                                                   std::vector<std::uint32_t>& comp) {
  const std::size_t n = g.size();
  std::vector<std::uint32_t> idx(n, kNone), low(n, 0), stack, edges;
  std::vector<std::uint8_t> on(n, 0);
  struct Frame {
    std::uint32_t v;
    std::size_t begin, next, end;  // the node's edges in `edges`
  };
  std::vector<Frame> call;
  std::vector<std::vector<std::uint32_t>> out;
  comp.assign(n, kNone);
  std::uint32_t counter = 0;
  auto visit = [&](std::uint32_t v) {
    idx[v] = low[v] = counter++;
    stack.push_back(v);
    on[v] = 1;
    std::size_t begin = edges.size();
    g.edges(v, edges);
    call.push_back(Frame{v, begin, begin, edges.size()});
  };
  for (std::uint32_t s = 0; s < n; ++s) {
    if (idx[s] != kNone) continue;
    visit(s);
    while (!call.empty()) {
      Frame& fr = call.back();
      std::uint32_t v = fr.v;
      if (fr.next < fr.end) {
        std::uint32_t edge = edges[fr.next++];
        if (!usable(edge, ww_only)) continue;
        std::uint32_t w = edge & ~kWw;
        if (idx[w] == kNone) {
          visit(w);
        } else if (on[w]) {
          low[v] = std::min(low[v], idx[w]);
        }
        continue;
      }
      edges.resize(fr.begin);  // the top frame's edges are the last ones
      if (low[v] == idx[v]) {
        std::vector<std::uint32_t> members;
        std::uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on[w] = 0;
          members.push_back(w);
        } while (w != v);
        if (members.size() > 1) {
          std::sort(members.begin(), members.end());
          for (std::uint32_t m : members) comp[m] = static_cast<std::uint32_t>(out.size());
          out.push_back(std::move(members));
        }
      }
      call.pop_back();
      if (!call.empty()) low[call.back().v] = std::min(low[call.back().v], low[v]);
    }
  }
  return out;
}

// A cycle as nodes n0 -> n1 -> ... -> n0, with each edge's flag.
struct Cycle {
  std::vector<std::uint32_t> nodes;
  std::vector<bool> ww;
};

class CycleSearch {
 public:
  CycleSearch(const ReversedGraph& g, const std::vector<std::uint32_t>& comp, bool ww_only)
      : g_(g), comp_(comp), ww_only_(ww_only) {}

  // The shortest cycle of the reversed graph found through a candidate edge
  // of component c whose kind is `candidate_ww`.
  std::optional<Cycle> shortest(std::uint32_t c, const std::vector<std::uint32_t>& members,
                                bool candidate_ww) {
    std::optional<Cycle> best;
    std::uint64_t work = 0;
    std::vector<std::uint32_t> out;
    for (std::uint32_t u : members) {
      out.clear();
      g_.edges(u, out);
      std::uint32_t last = kNone;
      for (std::uint32_t edge : out) {
        if (((edge & kWw) != 0) != candidate_ww) continue;
        std::uint32_t w = edge & ~kWw;
        if (comp_[w] != c || w == last) continue;
        last = w;
        if (best && (best->nodes.size() == 2 || work > kSearchBudget)) return best;
        std::optional<Cycle> cyc = through(u, w, candidate_ww, c, work);
        if (cyc && (!best || cyc->nodes.size() < best->nodes.size())) best = std::move(cyc);
      }
    }
    return best;
  }

 private:
  // Breadth-first from w back to u inside component c: the shortest cycle
  // through edge u -> w.
  std::optional<Cycle> through(std::uint32_t u, std::uint32_t w, bool uw_ww, std::uint32_t c,
                               std::uint64_t& work) {
    if (parent_.empty()) {
      parent_.assign(g_.size(), kNone);
      parent_ww_.assign(g_.size(), 0);
    }
    std::deque<std::uint32_t> queue{w};
    std::vector<std::uint32_t> touched{w}, out;
    parent_[w] = w;
    bool found = false;
    while (!queue.empty() && !found) {
      std::uint32_t x = queue.front();
      queue.pop_front();
      out.clear();
      g_.edges(x, out);
      for (std::uint32_t edge : out) {
        ++work;
        if (!usable(edge, ww_only_)) continue;
        std::uint32_t y = edge & ~kWw;
        if (comp_[y] != c || parent_[y] != kNone) continue;
        parent_[y] = x;
        parent_ww_[y] = (edge & kWw) != 0;
        touched.push_back(y);
        if (y == u) {
          found = true;
          break;
        }
        queue.push_back(y);
      }
    }
    std::optional<Cycle> cyc;
    if (found) {
      std::vector<std::uint32_t> chain;  // u, its parent, ..., w
      for (std::uint32_t x = u;; x = parent_[x]) {
        chain.push_back(x);
        if (x == w) break;
      }
      cyc.emplace();
      cyc->nodes.push_back(u);
      cyc->ww.push_back(uw_ww);
      for (std::size_t i = chain.size() - 1; i >= 1; --i) {
        cyc->nodes.push_back(chain[i]);
        cyc->ww.push_back(parent_ww_[chain[i - 1]] != 0);
      }
    }
    for (std::uint32_t x : touched) parent_[x] = kNone;
    return cyc;
  }

  const ReversedGraph& g_;
  const std::vector<std::uint32_t>& comp_;
  bool ww_only_;
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint8_t> parent_ww_;
};

// The step x -> y of a cycle, explained as Jepsen's WR/WWExplainer do.
nlohmann::json explain(const Facts& f, OpPos x, OpPos y, bool ww) {
  nlohmann::json step = {{"type", ww ? "ww" : "wr"}, {"from", f.index(x)}, {"to", f.index(y)}};
  for (const Event& ev : f.h.events(f.h.op(y))) {
    if (!ww && ev.kind == EventKind::read && f.writer[ev.id] == x) {
      step["key"] = f.key_json(f.h.elem_key(ev.id));
      step["value"] = f.value_json(ev.id);
      return step;
    }
    if (ww && ev.kind == EventKind::send) {
      KeyId k = f.h.elem_key(ev.id);
      for (std::int32_t p : f.vo.positions_of(ev.id)) {
        if (p < 1 || f.writer[f.vo.at(k, p - 1)] != x) continue;
        step["key"] = f.key_json(k);
        step["values"] = {f.value_json(f.vo.at(k, p - 1)), f.value_json(ev.id)};
        return step;
      }
    }
  }
  return step;
}

// Reports a cycle of the reversed graph as the dependency cycle it
// reverses, starting at its op with the least index.
void report(const Facts& f, const ReversedGraph& g, const Cycle& rev, const char* name, Findings& out) {
  // rev: r0 -> r1 -> ... -> rm -> r0 reversed is r0 -> rm -> ... -> r1 -> r0,
  // where the edge out of r(i+1) is the reverse of r(i) -> r(i+1).
  std::size_t n = rev.nodes.size();
  std::vector<OpPos> ops;
  std::vector<bool> ww;
  ops.push_back(g.op_of(rev.nodes[0]));
  for (std::size_t i = n - 1; i >= 1; --i) ops.push_back(g.op_of(rev.nodes[i]));
  for (std::size_t i = n; i-- > 0;) ww.push_back(rev.ww[i]);
  std::size_t start = std::min_element(ops.begin(), ops.end()) - ops.begin();
  nlohmann::json indices = nlohmann::json::array(), steps = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t a = (start + i) % n, b = (a + 1) % n;
    indices.push_back(f.index(ops[a]));
    steps.push_back(explain(f, ops[a], ops[b], ww[a]));
  }
  out.add(name, kNone, f.index(ops[start]), kNone, {{"cycle", indices}, {"steps", steps}});
}

void search(const Facts& f, const ReversedGraph& g, bool ww_only, const char* name, Findings& out) {
  std::vector<std::uint32_t> comp;
  auto comps = components(g, ww_only, comp);
  CycleSearch cs(g, comp, ww_only);
  for (std::uint32_t c = 0; c < comps.size(); ++c) {
    // G0 cycles are all ww; G1c ones go through a wr edge.
    if (auto cyc = cs.shortest(c, comps[c], ww_only)) report(f, g, *cyc, name, out);
  }
}

}  // namespace

void find_cycles(const Facts& f, bool ww_deps, Findings& out) {
  ReversedGraph g(f, ww_deps);
  if (ww_deps) search(f, g, true, "G0", out);
  search(f, g, false, "G1c", out);
}

}  // namespace kafkasim::checker
