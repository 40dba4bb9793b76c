#include "real-clients/real_faults.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "harness/json_schema.h"

namespace kafkasim::real {

using harness::Fault;
using harness::FaultKind;
using harness::FaultLogEntry;
using kafka::json_member_path;

namespace {

// The fault kind whose command reverts `kind` on a real cluster, or "".
std::string reverting_kind(FaultKind kind) {
  switch (kind) {
    case FaultKind::crash:
    case FaultKind::power_loss:
      return "restart";
    case FaultKind::pause:
      return "resume";
    case FaultKind::partition:
    case FaultKind::clog:
      return "heal";
    default:
      return "";
  }
}

std::string command_key(const Fault& f) { return f.target ? harness::to_string(*f.target) : "*"; }

bool mock_target_ok(const harness::Target& t) {
  return std::holds_alternative<harness::BrokerTarget>(t) || std::holds_alternative<harness::LeaderTarget>(t) ||
         std::holds_alternative<harness::FollowerTarget>(t) || std::holds_alternative<harness::LeaderCrashedTarget>(t);
}

std::vector<std::string> mock_refusals(const harness::Scenario& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const Fault& f = s.faults[i];
    const std::string path = harness::json_index_path("faults", i);
    const std::string kind(harness::to_string(f.kind));
    switch (f.kind) {
      case FaultKind::crash:
      case FaultKind::restart:
      case FaultKind::clog:
      case FaultKind::heal:
      case FaultKind::move_leader:
        break;
      default:
        out.push_back(path + ": the mock cluster cannot inject " + kind +
                      " (it can: crash, restart, clog, heal, move-leader)");
        continue;
    }
    if (!f.groups.empty()) out.push_back(path + ": the mock cluster cannot clog groups of nodes: give one broker as target");
    if (f.one_way) out.push_back(path + ": the mock cluster cannot clog one way only (its rtt delays every response)");
    if (f.target && !mock_target_ok(*f.target)) {
      out.push_back(json_member_path(path, "target") + ": the mock cluster has no " + harness::to_string(*f.target) +
                    " (targets: broker-N, leader:T/P, follower:T/P, leader-crashed)");
    }
  }
  if (s.nemesis) out.push_back("nemesis: kafkasim real does not run a nemesis (give the faults explicitly)");
  return out;
}

std::vector<std::string> command_refusals(const harness::Scenario& s) {
  std::vector<std::string> out;
  auto has = [&](const std::string& kind, const std::string& target) {
    auto k = s.real.fault_commands.find(kind);
    return k != s.real.fault_commands.end() && k->second.count(target) > 0;
  };
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const Fault& f = s.faults[i];
    const std::string path = harness::json_index_path("faults", i);
    const std::string kind(harness::to_string(f.kind));
    if (!has(kind, command_key(f))) {
      out.push_back(path + ": a real cluster needs the command for " + kind + " on " + command_key(f) +
                    ": give real.fault_commands[\"" + kind + "\"][\"" + command_key(f) + "\"]");
    }
    if (f.duration_ms) {
      const std::string back = reverting_kind(f.kind);
      const std::string back_key = back == "heal" ? "*" : command_key(f);
      if (back.empty()) {
        out.push_back(json_member_path(path, "duration_ms") + ": " + kind +
                      " cannot revert itself on a real cluster: give the reverting fault explicitly");
      } else if (!has(back, back_key)) {
        out.push_back(json_member_path(path, "duration_ms") + ": reverting needs real.fault_commands[\"" + back +
                      "\"][\"" + back_key + "\"]");
      }
    }
  }
  if (s.nemesis) out.push_back("nemesis: kafkasim real does not run a nemesis (give the faults explicitly)");
  if (!s.request_errors.empty()) {
    out.push_back("request_errors: a real cluster cannot be told to answer with errors (only the mock cluster can)");
  }
  return out;
}

}  // namespace

std::vector<std::string> fault_refusals(const harness::Scenario& s, bool mock) {
  return mock ? mock_refusals(s) : command_refusals(s);
}

FaultDriver::FaultDriver(const harness::Scenario& s, MockCluster* mock, const std::string& bootstrap)
    : s_(s), mock_(mock), bootstrap_(bootstrap), applied_broker_(s.faults.size()), active_(s.faults.size(), false) {
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const Fault& f = s.faults[i];
    actions_.push_back(Action{f.at_ms, false, static_cast<int>(i)});
    if (f.duration_ms) actions_.push_back(Action{f.at_ms + *f.duration_ms, true, static_cast<int>(i)});
  }
  for (std::size_t i = 0; i < s.request_errors.size(); ++i) {
    actions_.push_back(Action{s.request_errors[i].at_ms, false, -1 - static_cast<int>(i)});
  }
  // Reverts before injections at the same time; then file order.
  std::stable_sort(actions_.begin(), actions_.end(), [](const Action& a, const Action& b) {
    if (a.at_ms != b.at_ms) return a.at_ms < b.at_ms;
    return a.revert && !b.revert;
  });
}

FaultDriver::~FaultDriver() = default;

void FaultDriver::run(std::chrono::steady_clock::time_point start) {
  for (const Action& a : actions_) {
    {
      std::unique_lock lock(mu_);
      if (wake_.wait_until(lock, start + std::chrono::milliseconds(a.at_ms), [&] { return stopped_; })) return;
    }
    if (a.id < 0) {
      push_errors(-1 - a.id, a.at_ms);
    } else if (a.revert) {
      revert(a.id, a.at_ms);
    } else {
      inject(a.id, a.at_ms);
    }
  }
}

void FaultDriver::stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  wake_.notify_all();
}

void FaultDriver::add_log(FaultLogEntry e) {
  std::lock_guard lock(mu_);
  log_.push_back(std::move(e));
}

std::vector<FaultLogEntry> FaultDriver::log() const {
  std::lock_guard lock(mu_);
  return log_;
}

std::optional<int32_t> FaultDriver::resolve(const harness::Target& t, std::string* why) {
  if (auto* b = std::get_if<harness::BrokerTarget>(&t)) return b->id;
  if (std::holds_alternative<harness::LeaderCrashedTarget>(t)) {
    if (!last_crashed_) *why = "no broker crashed yet";
    return last_crashed_;
  }
  std::string topic;
  int32_t partition = 0;
  const bool leader = std::holds_alternative<harness::LeaderTarget>(t);
  if (auto* l = std::get_if<harness::LeaderTarget>(&t)) {
    topic = l->topic;
    partition = l->partition;
  } else if (auto* f = std::get_if<harness::FollowerTarget>(&t)) {
    topic = f->topic;
    partition = f->partition;
  } else {
    *why = "not a broker";
    return std::nullopt;
  }
  // Ask the cluster's metadata, through a short-lived client.
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> settings = {
      {"--bootstrap", {"bootstrap.servers", bootstrap_}}, {"", {"log_level", "0"}}};
  for (const auto& [name, value] : s_.real.client_config) settings.push_back({"real.client_config", {name, value}});
  Conf conf = make_conf(settings);
  Handle probe = make_client(RD_KAFKA_PRODUCER, std::move(conf));
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(probe.get(), topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  std::optional<int32_t> found;
  if (rd_kafka_metadata(probe.get(), 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < md->topic_cnt; ++i) {
      for (int p = 0; p < md->topics[i].partition_cnt; ++p) {
        const rd_kafka_metadata_partition_t& mp = md->topics[i].partitions[p];
        if (mp.id != partition) continue;
        if (leader) {
          if (mp.leader >= 0) found = mp.leader;
        } else {
          for (int r = 0; r < mp.replica_cnt && !found; ++r) {
            if (mp.replicas[r] != mp.leader) found = mp.replicas[r];
          }
        }
      }
    }
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_topic_destroy(rkt);
  if (!found) *why = "the cluster's metadata names no " + harness::to_string(t);
  return found;
}

std::string FaultDriver::run_command(const std::string& kind, const std::string& target) {
  const std::string& cmd = s_.real.fault_commands.at(kind).at(target);
  const int status = std::system(cmd.c_str());
  return "ran `" + cmd + "`: exit status " + std::to_string(status == -1 ? -1 : WEXITSTATUS(status));
}

FaultLogEntry FaultDriver::log_entry(int id, const char* action, std::int64_t now_ms) const {
  const Fault& f = s_.faults[id];
  FaultLogEntry e;
  e.time_ms = now_ms;
  e.action = action;
  e.kind = std::string(harness::to_string(f.kind));
  e.target = harness::fault_target_text(f);
  e.source = harness::json_index_path("faults", static_cast<std::size_t>(id));
  return e;
}

void FaultDriver::inject(int id, std::int64_t now_ms) {
  const Fault& f = s_.faults[id];
  FaultLogEntry e = log_entry(id, "inject", now_ms);
  if (mock_ == nullptr) {
    e.node = command_key(f);
    e.note = run_command(e.kind, command_key(f));
    active_[id] = true;
    add_log(std::move(e));
    return;
  }
  if (f.kind == FaultKind::heal) {
    for (int b = 1; b <= mock_->brokers(); ++b) mock_->set_rtt(b, 0);
    e.note = "rtt 0 on every broker";
    add_log(std::move(e));
    return;
  }
  std::string why;
  std::optional<int32_t> broker = f.target ? resolve(*f.target, &why) : std::nullopt;
  if (!broker) {
    e.skipped = true;
    e.note = why.empty() ? "no target" : why;
    add_log(std::move(e));
    return;
  }
  e.node = "broker-" + std::to_string(*broker);
  std::string error;
  switch (f.kind) {
    case FaultKind::crash:
      error = mock_->set_down(*broker);
      last_crashed_ = *broker;
      e.note = "rd_kafka_mock_broker_set_down";
      break;
    case FaultKind::restart:
      error = mock_->set_up(*broker);
      e.note = "rd_kafka_mock_broker_set_up";
      break;
    case FaultKind::clog:
      error = mock_->set_rtt(*broker, static_cast<int>(f.latency_ms));
      e.note = "rtt " + std::to_string(f.latency_ms) + " ms";
      break;
    case FaultKind::move_leader: {
      const auto slash = f.partition.rfind('/');
      error = mock_->set_leader(f.partition.substr(0, slash), std::stoi(f.partition.substr(slash + 1)), *broker);
      e.note = "leader of " + f.partition + " -> broker-" + std::to_string(*broker);
      break;
    }
    default:
      error = "not supported by the mock cluster";  // fault_refusals() refused it before the run
      break;
  }
  if (!error.empty()) {
    e.skipped = true;
    e.note = error;
  } else {
    applied_broker_[id] = broker;
    active_[id] = true;
  }
  add_log(std::move(e));
}

void FaultDriver::revert(int id, std::int64_t now_ms) {
  if (!active_[id]) return;
  active_[id] = false;
  const Fault& f = s_.faults[id];
  FaultLogEntry e = log_entry(id, "revert", now_ms);
  if (mock_ == nullptr) {
    const std::string back = reverting_kind(f.kind);
    const std::string key = back == "heal" ? "*" : command_key(f);
    e.node = key;
    e.note = run_command(back, key);
  } else if (applied_broker_[id]) {
    const int32_t b = *applied_broker_[id];
    e.node = "broker-" + std::to_string(b);
    if (f.kind == FaultKind::crash) {
      mock_->set_up(b);
      e.note = "rd_kafka_mock_broker_set_up";
    } else if (f.kind == FaultKind::clog) {
      mock_->set_rtt(b, 0);
      e.note = "rtt 0";
    } else {
      return;
    }
  }
  add_log(std::move(e));
}

void FaultDriver::push_errors(int index, std::int64_t now_ms) {
  const harness::RequestErrors& r = s_.request_errors[index];
  FaultLogEntry e;
  e.time_ms = now_ms;
  e.action = "inject";
  e.kind = "request-errors";
  e.target = r.api;
  e.source = harness::json_index_path("request_errors", static_cast<std::size_t>(index));
  std::vector<rd_kafka_resp_err_t> codes;
  for (const std::string& name : r.errors) codes.push_back(*request_error_code(name));
  mock_->push_request_errors(*api_key(r.api), codes);
  for (const std::string& name : r.errors) e.note += (e.note.empty() ? "" : ", ") + name;
  add_log(std::move(e));
}

void FaultDriver::recover(std::chrono::steady_clock::time_point start) {
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (mock_ == nullptr) {
    for (std::size_t i = 0; i < s_.faults.size(); ++i) {
      if (active_[i] && s_.faults[i].duration_ms) revert(static_cast<int>(i), now_ms);
    }
    return;
  }
  for (int b = 1; b <= mock_->brokers(); ++b) {
    mock_->set_up(b);
    mock_->set_rtt(b, 0);
  }
  mock_->clear_request_errors(*api_key("Produce"));
  FaultLogEntry e;
  e.time_ms = now_ms;
  e.action = "recover";
  e.source = "recovery";
  e.note = "every broker up, rtt 0, no pending request errors";
  add_log(std::move(e));
}

}  // namespace kafkasim::real
