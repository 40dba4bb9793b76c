#include "harness/faults.h"

#include <algorithm>
#include <cmath>


namespace kafkasim::harness {

nlohmann::ordered_json to_json(const FaultLogEntry& e) {
  return nlohmann::ordered_json{{"time_ms", e.time_ms}, {"action", e.action}, {"kind", e.kind},
                        {"target", e.target},   {"node", e.node},     {"skipped", e.skipped},
                        {"note", e.note},       {"source", e.source}};
}

FaultLogEntry fault_log_entry_from_json(const nlohmann::ordered_json& j) {
  FaultLogEntry e;
  e.time_ms = j.value("time_ms", std::int64_t{0});
  e.action = j.value("action", "");
  e.kind = j.value("kind", "");
  e.target = j.value("target", "");
  e.node = j.value("node", "");
  e.skipped = j.value("skipped", false);
  e.note = j.value("note", "");
  e.source = j.value("source", "");
  return e;
}

std::string fault_target_text(const Fault& fault) {
  if (fault.target) return to_string(*fault.target);
  if (fault.groups.empty()) return "";
  std::string s = "groups [";
  for (std::size_t i = 0; i < fault.groups.size(); ++i) {
    s += i ? ", [" : "[";
    for (std::size_t k = 0; k < fault.groups[i].size(); ++k) {
      s += (k ? ", " : "") + to_string(fault.groups[i][k]);
    }
    s += "]";
  }
  return s + "]";
}

// ---------------------------------------------------------------------------
// FaultInjector

FaultInjector::FaultInjector(sim::Simulation& sim, TargetResolver& resolver) : sim_(sim), resolver_(resolver) {}

std::string FaultInjector::names(const std::vector<std::int32_t>& nodes) {
  std::string s;
  for (std::int32_t id : nodes) s += (s.empty() ? "" : ",") + sim_.node(id).name();
  return s;
}

void FaultInjector::log(std::string action, const Fault* fault, const std::string& target,
                        const std::vector<std::int32_t>& nodes, bool skipped, std::string note,
                        std::string source) {
  FaultLogEntry e;
  e.time_ms = sim::to_ms(sim_.now());
  e.action = std::move(action);
  e.kind = fault ? std::string(to_string(fault->kind)) : "";
  e.target = target;
  e.node = names(nodes);
  e.skipped = skipped;
  e.note = std::move(note);
  e.source = std::move(source);
  // The trace carries the same line, so the hash covers what the nemesis did.
  std::string text = "fault " + e.action + (e.kind.empty() ? "" : " " + e.kind) +
                     (e.target.empty() ? "" : " " + e.target) + (e.node.empty() ? "" : " -> " + e.node) +
                     (e.skipped ? " skipped" : "") + (e.note.empty() ? "" : ": " + e.note);
  sim_.record(nodes.size() == 1 ? nodes.front() : sim::kNoNode, text);
  log_.push_back(std::move(e));
}

void FaultInjector::log_other(FaultLogEntry e) {
  e.time_ms = sim::to_ms(sim_.now());
  sim_.record(sim::kNoNode, "fault " + e.action + " " + e.kind + " " + e.target + ": " + e.note);
  log_.push_back(std::move(e));
}

std::optional<std::vector<FaultInjector::Link>> FaultInjector::links_of(const Fault& fault,
                                                                          std::vector<std::int32_t>* nodes,
                                                                          std::string* why) {
  std::vector<Link> links;
  const auto all = static_cast<std::int32_t>(sim_.node_count());
  if (fault.target) {
    sim::Node* n = resolver_.resolve(*fault.target, why);
    if (!n) return std::nullopt;
    nodes->push_back(n->id());
    for (std::int32_t other = 0; other < all; ++other) {
      if (other == n->id()) continue;
      links.emplace_back(n->id(), other);
      if (!fault.one_way) links.emplace_back(other, n->id());
    }
  } else {
    std::vector<std::vector<std::int32_t>> groups;
    for (const auto& group : fault.groups) {
      std::vector<std::int32_t> ids;
      for (const Target& t : group) {
        sim::Node* n = resolver_.resolve(t, why);
        if (!n) {
          *why = to_string(t) + ": " + *why;
          return std::nullopt;
        }
        ids.push_back(n->id());
        nodes->push_back(n->id());
      }
      groups.push_back(std::move(ids));
    }
    for (std::size_t i = 0; i < groups.size(); ++i) {
      for (std::size_t j = 0; j < groups.size(); ++j) {
        if (i == j || (fault.one_way && i != 0)) continue;
        for (std::int32_t a : groups[i]) {
          for (std::int32_t b : groups[j]) {
            if (a != b) links.emplace_back(a, b);
          }
        }
      }
    }
  }
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
  return links;
}

void FaultInjector::cut(const Link& link) {
  if (cuts_[link]++ == 0) sim_.network().cut(link.first, link.second);
}

void FaultInjector::uncut(const Link& link) {
  auto it = cuts_.find(link);
  if (it == cuts_.end()) return;
  if (--it->second == 0) {
    cuts_.erase(it);
    sim_.network().heal(link.first, link.second);
  }
}

void FaultInjector::add_clog(const Link& link, sim::Duration extra) {
  sim::Duration& total = clogs_[link];
  total = std::max<sim::Duration>(0, total + extra);
  sim_.network().clog(link.first, link.second, total);
  if (total == 0) clogs_.erase(link);
}

bool FaultInjector::inject(const Fault& fault, int id, const std::string& source) {
  const std::string target = fault_target_text(fault);
  Applied applied{fault, source, {}, {}, links_epoch_};
  std::string why;

  if (fault.kind == FaultKind::heal) {
    sim_.network().heal_all();
    cuts_.clear();
    clogs_.clear();
    ++links_epoch_;
    log("inject", &fault, target, {}, false, "every cut and clog ended", source);
    return true;
  }

  if (fault.kind == FaultKind::partition || fault.kind == FaultKind::clog) {
    auto links = links_of(fault, &applied.nodes, &why);
    if (!links) {
      log("inject", &fault, target, {}, true, why, source);
      return false;
    }
    applied.links = std::move(*links);
    const sim::Duration extra = sim::milliseconds(fault.latency_ms);
    for (const Link& link : applied.links) {
      if (fault.kind == FaultKind::partition) cut(link);
      else add_clog(link, extra);
    }
    std::string note = std::to_string(applied.links.size()) + " links " +
                       (fault.kind == FaultKind::partition ? "cut" : "clogged by " + std::to_string(fault.latency_ms) + " ms");
    log("inject", &fault, target, applied.nodes, false, std::move(note), source);
    active_.emplace(id, std::move(applied));
    return true;
  }

  sim::Node* node = fault.target ? resolver_.resolve(*fault.target, &why) : nullptr;
  if (!node) {
    log("inject", &fault, target, {}, true, why.empty() ? "no target" : why, source);
    return false;
  }
  applied.nodes.push_back(node->id());
  std::string note;
  switch (fault.kind) {
    case FaultKind::crash:
      if (!node->up()) note = "no effect: already down";
      sim_.crash(*node);
      resolver_.set_last_crashed(node);
      break;
    case FaultKind::power_loss:
      if (!node->up()) note = "already down; unflushed writes lost";
      sim_.power_loss(*node, fault.torn);
      resolver_.set_last_crashed(node);
      if (fault.torn) note += note.empty() ? "last write torn" : ", last write torn";
      break;
    case FaultKind::restart:
      if (node->up()) note = "no effect: already up";
      sim_.restart(*node);
      break;
    case FaultKind::pause:
      if (node->status() != sim::Node::Status::kUp) note = "no effect: not running";
      sim_.pause(*node);
      break;
    case FaultKind::resume:
      if (node->status() != sim::Node::Status::kPaused) note = "no effect: not paused";
      sim_.resume(*node);
      break;
    case FaultKind::clock_skew: {
      const auto drift = static_cast<std::int64_t>(std::llround(fault.drift_ppm));
      sim_.skew_clock(*node, sim::milliseconds(fault.offset_ms), drift);
      note = "offset " + std::to_string(fault.offset_ms) + " ms, drift " + std::to_string(drift) + " ppm";
      break;
    }
    case FaultKind::partition:
    case FaultKind::clog:
    case FaultKind::heal:
      break;  // handled above
    case FaultKind::move_leader:
      // unsupported_by_simulator() refuses such scenarios before a run.
      note = "no effect: the simulator cannot force a leader";
      break;
  }
  log("inject", &fault, target, applied.nodes, false, std::move(note), source);
  active_.emplace(id, std::move(applied));
  return true;
}

void FaultInjector::revert(int id) {
  auto it = active_.find(id);
  if (it == active_.end()) return;
  Applied applied = std::move(it->second);
  active_.erase(it);
  const Fault& fault = applied.fault;
  const std::string target = fault_target_text(fault);
  std::string note;
  switch (fault.kind) {
    case FaultKind::crash:
    case FaultKind::power_loss: {
      sim::Node& node = sim_.node(applied.nodes.front());
      note = node.up() ? "no effect: already up" : "restarted";
      sim_.restart(node);
      break;
    }
    case FaultKind::pause: {
      sim::Node& node = sim_.node(applied.nodes.front());
      note = node.status() == sim::Node::Status::kPaused ? "resumed" : "no effect: not paused";
      sim_.resume(node);
      break;
    }
    case FaultKind::clock_skew:
      sim_.skew_clock(sim_.node(applied.nodes.front()), 0, 0);
      note = "clock reset";
      break;
    case FaultKind::partition:
    case FaultKind::clog:
      if (applied.link_epoch != links_epoch_) {
        note = "no effect: healed already";
        break;
      }
      for (const Link& link : applied.links) {
        if (fault.kind == FaultKind::partition) uncut(link);
        else add_clog(link, -sim::milliseconds(fault.latency_ms));
      }
      note = fault.kind == FaultKind::partition ? "links healed" : "clog removed";
      break;
    case FaultKind::restart:
    case FaultKind::resume:
    case FaultKind::heal:
    case FaultKind::move_leader:
      return;  // nothing to undo
  }
  log("revert", &fault, target, applied.nodes, false, std::move(note), applied.source);
}

void FaultInjector::recover() {
  sim_.network().heal_all();
  cuts_.clear();
  clogs_.clear();
  ++links_epoch_;
  active_.clear();
  std::vector<std::int32_t> resumed, restarted, reset;
  for (std::size_t i = 0; i < sim_.node_count(); ++i) {
    sim::Node& node = sim_.node(static_cast<std::int32_t>(i));
    if (node.status() == sim::Node::Status::kPaused) {
      sim_.resume(node);
      resumed.push_back(node.id());
    }
  }
  for (std::size_t i = 0; i < sim_.node_count(); ++i) {
    sim::Node& node = sim_.node(static_cast<std::int32_t>(i));
    if (!node.up()) {
      sim_.restart(node);
      restarted.push_back(node.id());
    }
  }
  for (std::size_t i = 0; i < sim_.node_count(); ++i) {
    sim::Node& node = sim_.node(static_cast<std::int32_t>(i));
    if (node.clock().offset() != 0 || node.clock().drift_ppm() != 0) {
      sim_.skew_clock(node, 0, 0);
      reset.push_back(node.id());
    }
  }
  std::string note = "links healed";
  if (!resumed.empty()) note += "; resumed " + names(resumed);
  if (!restarted.empty()) note += "; restarted " + names(restarted);
  if (!reset.empty()) note += "; clocks reset on " + names(reset);
  log("recover", nullptr, "", {}, false, std::move(note), "recovery");
}

}  // namespace kafkasim::harness
