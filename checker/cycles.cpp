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
#include <algorithm>
#include <deque>
#include <optional>

#include "checker/analysis.h"

namespace kafkasim::checker {

namespace {

constexpr std::uint32_t kWw = 0x80000000u;  // edge flag: a ww edge
constexpr std::uint64_t kSearchBudget = 4'000'000;

struct Graph {
  std::vector<OpPos> op_of;            // node -> op
  std::vector<std::uint32_t> node_of;  // op -> node, or kNone
  std::vector<std::uint64_t> begin;    // CSR offsets, size nodes + 1
  std::vector<std::uint32_t> adj;      // target node, | kWw for a ww edge

  std::size_t size() const { return op_of.size(); }
};

template <class Emit>
void for_each_edge(const Facts& f, bool ww_deps, const Graph& g, Emit emit) {
  for (std::uint32_t n = 0; n < g.size(); ++n) {
    OpPos pos = g.op_of[n];
    for (const Event& ev : f.h.events(f.h.op(pos))) {
      if (ev.kind != EventKind::read) continue;
      OpPos w = f.writer[ev.id];
      if (w != kNone && w != pos) emit(g.node_of[w], n);
    }
  }
  if (!ww_deps) return;
  for (KeyId k = 0; k < f.h.key_count(); ++k) {
    for (std::int32_t p = 1; p < f.vo.positions(k); ++p) {
      OpPos a = f.writer[f.vo.at(k, p - 1)], b = f.writer[f.vo.at(k, p)];
      if (a != kNone && b != kNone && a != b) emit(g.node_of[a], g.node_of[b] | kWw);
    }
  }
}

Graph build_graph(const Facts& f, bool ww_deps) {
  Graph g;
  g.node_of.assign(f.h.size(), kNone);
  for (std::size_t pos = 0; pos < f.h.size(); ++pos) {
    const Op& op = f.h.op(pos);
    if (op.type == OpType::invoke) continue;
    if (op.f != OpFn::send && op.f != OpFn::poll && op.f != OpFn::txn) continue;
    g.node_of[pos] = static_cast<std::uint32_t>(g.op_of.size());
    g.op_of.push_back(static_cast<OpPos>(pos));
  }
  g.begin.assign(g.size() + 1, 0);
  for_each_edge(f, ww_deps, g, [&](std::uint32_t from, std::uint32_t) { ++g.begin[from + 1]; });
  for (std::size_t n = 0; n < g.size(); ++n) g.begin[n + 1] += g.begin[n];
  g.adj.resize(g.begin[g.size()]);
  std::vector<std::uint64_t> fill(g.begin.begin(), g.begin.end() - 1);
  for_each_edge(f, ww_deps, g, [&](std::uint32_t from, std::uint32_t to) { g.adj[fill[from]++] = to; });
  return g;
}

bool usable(std::uint32_t edge, bool ww_only) { return !ww_only || (edge & kWw); }

// Tarjan's strongly connected components, without recursion. Returns each
// component of two or more nodes, nodes ascending; `comp` maps nodes to a
// component id (kNone for trivial ones).
std::vector<std::vector<std::uint32_t>> components(const Graph& g, bool ww_only,
                                                   std::vector<std::uint32_t>& comp) {
  const std::size_t n = g.size();
  std::vector<std::uint32_t> idx(n, kNone), low(n, 0), stack;
  std::vector<std::uint8_t> on(n, 0);
  struct Frame {
    std::uint32_t v;
    std::uint64_t e;
  };
  std::vector<Frame> call;
  std::vector<std::vector<std::uint32_t>> out;
  comp.assign(n, kNone);
  std::uint32_t next = 0;
  auto visit = [&](std::uint32_t v) {
    idx[v] = low[v] = next++;
    stack.push_back(v);
    on[v] = 1;
    call.push_back(Frame{v, g.begin[v]});
  };
  for (std::uint32_t s = 0; s < n; ++s) {
    if (idx[s] != kNone) continue;
    visit(s);
    while (!call.empty()) {
      std::uint32_t v = call.back().v;
      if (call.back().e < g.begin[v + 1]) {
        std::uint32_t edge = g.adj[call.back().e++];
        if (!usable(edge, ww_only)) continue;
        std::uint32_t w = edge & ~kWw;
        if (idx[w] == kNone) {
          visit(w);
        } else if (on[w]) {
          low[v] = std::min(low[v], idx[w]);
        }
        continue;
      }
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
  CycleSearch(const Graph& g, const std::vector<std::uint32_t>& comp, bool ww_only)
      : g_(g), comp_(comp), ww_only_(ww_only), parent_(g.size(), kNone), parent_ww_(g.size(), 0) {}

  // The shortest cycle found through candidate edges of component c whose
  // kind is `candidate_ww`.
  std::optional<Cycle> shortest(std::uint32_t c, const std::vector<std::uint32_t>& members,
                                bool candidate_ww) {
    std::optional<Cycle> best;
    std::uint64_t work = 0;
    std::uint64_t last = ~std::uint64_t{0};
    for (std::uint32_t v : members) {
      for (std::uint64_t e = g_.begin[v]; e < g_.begin[v + 1]; ++e) {
        std::uint32_t edge = g_.adj[e];
        if (((edge & kWw) != 0) != candidate_ww) continue;
        std::uint32_t w = edge & ~kWw;
        if (comp_[w] != c) continue;
        std::uint64_t pair = (std::uint64_t{v} << 32) | w;
        if (pair == last) continue;
        last = pair;
        if (best && (best->nodes.size() == 2 || work > kSearchBudget)) return best;
        std::optional<Cycle> cyc = through(v, w, candidate_ww, c, work);
        if (cyc && (!best || cyc->nodes.size() < best->nodes.size())) best = std::move(cyc);
      }
    }
    return best;
  }

 private:
  // Breadth-first from w back to v inside component c: the shortest cycle
  // through edge v -> w.
  std::optional<Cycle> through(std::uint32_t v, std::uint32_t w, bool vw_ww, std::uint32_t c,
                               std::uint64_t& work) {
    std::deque<std::uint32_t> queue{w};
    std::vector<std::uint32_t> touched{w};
    parent_[w] = w;
    bool found = false;
    while (!queue.empty() && !found) {
      std::uint32_t x = queue.front();
      queue.pop_front();
      for (std::uint64_t e = g_.begin[x]; e < g_.begin[x + 1]; ++e) {
        ++work;
        std::uint32_t edge = g_.adj[e];
        if (!usable(edge, ww_only_)) continue;
        std::uint32_t y = edge & ~kWw;
        if (comp_[y] != c || parent_[y] != kNone) continue;
        parent_[y] = x;
        parent_ww_[y] = (edge & kWw) != 0;
        touched.push_back(y);
        if (y == v) {
          found = true;
          break;
        }
        queue.push_back(y);
      }
    }
    std::optional<Cycle> out;
    if (found) {
      std::vector<std::uint32_t> chain;  // v, its parent, ..., w
      for (std::uint32_t x = v;; x = parent_[x]) {
        chain.push_back(x);
        if (x == w) break;
      }
      Cycle cyc;
      cyc.nodes.push_back(v);
      cyc.ww.push_back(vw_ww);
      for (std::size_t i = chain.size() - 1; i >= 1; --i) {
        cyc.nodes.push_back(chain[i]);
        cyc.ww.push_back(parent_ww_[chain[i - 1]] != 0);
      }
      out = std::move(cyc);
    }
    for (std::uint32_t x : touched) parent_[x] = kNone;
    return out;
  }

  const Graph& g_;
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

void report(const Facts& f, const Graph& g, const Cycle& c, const char* name, Findings& out) {
  // Start at the op with the least index.
  std::size_t n = c.nodes.size(), start = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (g.op_of[c.nodes[i]] < g.op_of[c.nodes[start]]) start = i;
  nlohmann::json ops = nlohmann::json::array(), steps = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t a = (start + i) % n, b = (a + 1) % n;
    OpPos x = g.op_of[c.nodes[a]], y = g.op_of[c.nodes[b]];
    ops.push_back(f.index(x));
    steps.push_back(explain(f, x, y, c.ww[a]));
  }
  out.add(name, kNone, f.index(g.op_of[c.nodes[start]]), kNone,
          {{"cycle", ops}, {"steps", steps}});
}

void search(const Facts& f, const Graph& g, bool ww_only, const char* name, Findings& out) {
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
  Graph g = build_graph(f, ww_deps);
  if (g.adj.empty()) return;
  if (ww_deps) search(f, g, true, "G0", out);
  search(f, g, false, "G1c", out);
}

}  // namespace kafkasim::checker
