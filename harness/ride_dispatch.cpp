#include "harness/ride_dispatch.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <tuple>

#include "sim/random.h"

namespace kafkasim::harness {

std::vector<std::string> ride_words(const std::string& value) {
  std::vector<std::string> words;
  std::istringstream in(value);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::int64_t ride_number(const std::vector<std::string>& words, std::size_t i) {
  return i < words.size() ? std::strtoll(words[i].c_str(), nullptr, 10) : 0;
}

std::int64_t ride_fare(const std::string& trip) { return 500 + static_cast<std::int64_t>(sim::fnv1a64(trip) % 2500); }

std::string DispatchStore::encode(const Waiting& w) {
  std::string declined;
  for (const std::string& d : w.declined) declined += (declined.empty() ? "" : ",") + d;
  return "waiting " + w.rider + " " + std::to_string(w.t) + " " + std::to_string(w.x) + " " + std::to_string(w.y) + " " +
         std::to_string(w.offers) + " " + (w.offered_to.empty() ? "-" : w.offered_to) + " " +
         (declined.empty() ? "-" : declined);
}

void DispatchStore::restore(const std::string& key, const std::string& value) {
  const std::vector<std::string> w = ride_words(value);
  if (w.empty()) return;
  if (w[0] == "free" || w[0] == "offered" || w[0] == "trip") {
    drivers_[key] = Driver{w[0], w.size() > 1 ? w[1] : ""};
  } else if (w[0] == "done") {
    waiting_.erase(key);
    done_.insert(key);
  } else if (w[0] == "waiting" && w.size() >= 8) {
    Waiting r;
    r.rider = w[1];
    r.t = ride_number(w, 2);
    r.x = static_cast<int>(ride_number(w, 3));
    r.y = static_cast<int>(ride_number(w, 4));
    r.offers = static_cast<int>(ride_number(w, 5));
    if (w[6] != "-") r.offered_to = w[6];
    if (w[7] != "-") {
      std::istringstream in(w[7]);
      for (std::string d; std::getline(in, d, ',');) r.declined.insert(d);
    }
    waiting_[key] = std::move(r);
  }
}

void DispatchStore::set_driver(const std::string& d, std::string status, std::string r, std::vector<RideOutput>& out) {
  Driver& driver = drivers_[d];
  driver.status = std::move(status);
  driver.request = std::move(r);
  out.push_back(RideOutput{RideOutput::To::kChangelog, d,
                           driver.request.empty() ? driver.status : driver.status + " " + driver.request});
}

void DispatchStore::set_waiting(const std::string& r, const Waiting& w, std::vector<RideOutput>& out) {
  waiting_[r] = w;
  out.push_back(RideOutput{RideOutput::To::kChangelog, r, encode(w)});
}

void DispatchStore::set_done(const std::string& r, std::vector<RideOutput>& out) {
  waiting_.erase(r);
  done_.insert(r);
  out.push_back(RideOutput{RideOutput::To::kChangelog, r, "done"});
}

std::string DispatchStore::driver_state(const std::string& driver) const {
  auto it = drivers_.find(driver);
  if (it == drivers_.end()) return "free";
  return it->second.request.empty() ? it->second.status : it->second.status + " " + it->second.request;
}

std::string DispatchStore::request_state(const std::string& r) const {
  if (done_.count(r)) return "done";
  auto it = waiting_.find(r);
  return it == waiting_.end() ? "" : encode(it->second);
}

void DispatchStore::request(const std::string& r, const std::string& rider, std::int64_t t, int x, int y,
                            std::int64_t now, std::vector<RideOutput>& out) {
  if (done_.count(r) || waiting_.count(r)) return;
  Waiting w;
  w.rider = rider;
  w.t = t;
  w.x = x;
  w.y = y;
  set_waiting(r, w, out);
  dispatch(now, out);
}

void DispatchStore::cancel(const std::string& r, std::vector<RideOutput>& out) {
  auto it = waiting_.find(r);
  // Once a driver has been offered the request, the cancel is too late.
  if (it == waiting_.end() || !it->second.offered_to.empty()) return;
  set_done(r, out);
}

void DispatchStore::accept(const std::string& r, const std::string& driver, std::vector<RideOutput>& out) {
  auto d = drivers_.find(driver);
  if (d == drivers_.end() || d->second.status != "offered" || d->second.request != r) return;
  set_driver(driver, "trip", r, out);
  set_done(r, out);
}

void DispatchStore::decline(const std::string& r, const std::string& driver, std::int64_t now,
                            std::vector<RideOutput>& out) {
  auto d = drivers_.find(driver);
  if (d == drivers_.end() || d->second.status != "offered" || d->second.request != r) return;
  set_driver(driver, "free", "", out);
  auto it = waiting_.find(r);
  if (it != waiting_.end()) {
    Waiting w = it->second;
    w.offered_to.clear();
    w.declined.insert(driver);
    if (w.offers >= max_offers_) {
      out.push_back(RideOutput{RideOutput::To::kMatches, r, "reject " + r + " " + std::to_string(now)});
      set_done(r, out);
    } else {
      set_waiting(r, w, out);
    }
  }
  dispatch(now, out);
}

void DispatchStore::completed(const std::string& r, const std::string& driver, std::int64_t now,
                              std::vector<RideOutput>& out) {
  auto d = drivers_.find(driver);
  if (d == drivers_.end() || d->second.status != "trip" || d->second.request != r) return;
  set_driver(driver, "free", "", out);
  dispatch(now, out);
}

void DispatchStore::dispatch(std::int64_t now, std::vector<RideOutput>& out) {
  // First come, first served.
  std::vector<std::pair<std::int64_t, std::string>> queue;
  for (const auto& [r, w] : waiting_) {
    if (w.offered_to.empty()) queue.emplace_back(w.t, r);
  }
  std::sort(queue.begin(), queue.end());
  for (const auto& [t, r] : queue) {
    Waiting w = waiting_.at(r);
    std::string best;
    int best_distance = std::numeric_limits<int>::max();
    for (const auto& [driver, at] : positions_) {
      if (w.declined.count(driver) || driver_state(driver) != "free") continue;
      const int distance = std::abs(at.first - w.x) + std::abs(at.second - w.y);
      if (distance < best_distance) {
        best = driver;
        best_distance = distance;
      }
    }
    if (best.empty()) {
      if (now - w.t >= max_wait_ms_) {
        out.push_back(RideOutput{RideOutput::To::kMatches, r, "reject " + r + " " + std::to_string(now)});
        set_done(r, out);
      }
      continue;
    }
    w.offered_to = best;
    w.offers++;
    set_waiting(r, w, out);
    set_driver(best, "offered", r, out);
    out.push_back(RideOutput{RideOutput::To::kMatches, best, "match " + r + " " + best + " " + std::to_string(now)});
  }
}

void TripBook::restore(const std::string& value) {
  const std::vector<std::string> w = ride_words(value);
  if (w.size() < 4) return;
  if (w[0] == "started") {
    if (started_.insert(w[1]).second) active_[w[1]] = {w[2], ride_number(w, 3)};
  } else if (w[0] == "completed") {
    started_.insert(w[1]);
    active_.erase(w[1]);
  }
}

void TripBook::accept(const std::string& r, const std::string& driver, std::int64_t now, std::vector<std::string>& out) {
  if (!started_.insert(r).second) return;
  active_[r] = {driver, now};
  out.push_back("started " + r + " " + driver + " " + std::to_string(now));
}

void TripBook::tick(const std::string& driver, std::int64_t now, std::vector<std::string>& out) {
  for (auto it = active_.begin(); it != active_.end();) {
    if (it->second.first == driver && now - it->second.second >= duration_ms_) {
      out.push_back("completed " + it->first + " " + driver + " " + std::to_string(now) + " " +
                    std::to_string(ride_fare(it->first)));
      it = active_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace kafkasim::harness
