#include "reports/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "reports/escape.h"

namespace kafkasim::reports {
namespace {

constexpr double kWidth = 760, kHeight = 200;
constexpr double kLeft = 56, kRight = 16, kTop = 28, kBottom = 30;
const char* const kColors[] = {"#3366cc", "#dc3912", "#109618", "#ff9900", "#990099", "#0099c6", "#dd4477", "#66aa00"};

std::string num(double v) {
  char buf[32];
  if (std::fabs(v) >= 100 || v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::vector<TimeSeries> history_series(const checker::History& h, std::int64_t bucket_ms) {
  const std::int64_t bucket_ns = bucket_ms * 1'000'000;
  std::map<std::int32_t, std::int64_t> invoked;       // process -> invoke time of its pending send
  std::map<std::int64_t, std::vector<double>> latencies;  // bucket -> latencies ms
  std::map<std::int64_t, double> acks;                // bucket -> count
  std::vector<std::int64_t> acked_end(h.key_count(), 0), polled_end(h.key_count(), 0);
  std::map<std::int64_t, double> lag;                 // bucket -> lag at its end
  std::int64_t last_bucket = -1;
  std::int64_t last_time_ns = 0;
  double current_lag = 0;
  auto lag_now = [&] {
    double sum = 0;
    for (std::size_t k = 0; k < acked_end.size(); ++k) sum += static_cast<double>(std::max<std::int64_t>(0, acked_end[k] - polled_end[k]));
    return sum;
  };
  for (std::size_t pos = 0; pos < h.size(); ++pos) {
    const checker::Op& op = h.op(pos);
    if (op.time < 0) continue;
    last_time_ns = std::max(last_time_ns, op.time);
    const std::int64_t bucket = op.time / bucket_ns;
    if (bucket != last_bucket) {
      if (last_bucket >= 0) lag[last_bucket] = current_lag;
      last_bucket = bucket;
    }
    const bool sends = op.f == checker::OpFn::send || op.f == checker::OpFn::txn;
    if (op.type == checker::OpType::invoke) {
      if (sends) invoked[op.process] = op.time;
      continue;
    }
    if (op.type != checker::OpType::ok) {
      invoked.erase(op.process);
      continue;
    }
    bool changed = false;
    for (const checker::Event ev : h.events(op)) {
      if (ev.kind == checker::EventKind::send) {
        acks[bucket] += 1;
        const std::int64_t o = ev.offset();
        const checker::KeyId k = h.elem_key(ev.id);
        if (o >= 0 && o + 1 > acked_end[k]) {
          acked_end[k] = o + 1;
          changed = true;
        }
      } else if (ev.kind == checker::EventKind::read) {
        const std::int64_t o = ev.offset();
        const checker::KeyId k = h.elem_key(ev.id);
        if (o >= 0 && o + 1 > polled_end[k]) {
          polled_end[k] = o + 1;
          changed = true;
        }
      }
    }
    if (changed) current_lag = lag_now();
    if (sends) {
      auto it = invoked.find(op.process);
      if (it != invoked.end()) {
        latencies[bucket].push_back(static_cast<double>(op.time - it->second) / 1e6);
        invoked.erase(it);
      }
    }
  }
  if (last_bucket >= 0) lag[last_bucket] = current_lag;

  TimeSeries throughput{"throughput", "acks/s", {}};
  TimeSeries p50{"ack-latency-p50", "ms", {}}, pmax{"ack-latency-max", "ms", {}};
  TimeSeries lag_series{"consumer-lag", "records", {}};
  const double per_second = 1000.0 / static_cast<double>(bucket_ms);
  for (std::int64_t b = 0; b <= last_bucket; ++b) {
    const std::int64_t t = b * bucket_ms + bucket_ms / 2;  // plotted at the bucket's middle
    auto a = acks.find(b);
    // The last bucket ends with the history, not with the bucket.
    const double span_ms =
        b < last_bucket ? static_cast<double>(bucket_ms)
                        : std::max(1.0, static_cast<double>(last_time_ns - b * bucket_ns) / 1e6);
    const double rate = (a == acks.end() ? 0.0 : a->second) * (b < last_bucket ? per_second : 1000.0 / span_ms);
    throughput.points.emplace_back(t, rate);
    auto l = latencies.find(b);
    if (l != latencies.end() && !l->second.empty()) {
      std::vector<double>& v = l->second;
      std::sort(v.begin(), v.end());
      p50.points.emplace_back(t, v[v.size() / 2]);
      pmax.points.emplace_back(t, v.back());
    }
    auto g = lag.find(b);
    if (g != lag.end()) current_lag = g->second;
    lag_series.points.emplace_back(t, g == lag.end() ? (lag_series.points.empty() ? 0.0 : lag_series.points.back().second) : g->second);
  }
  return {throughput, p50, pmax, lag_series};
}

std::string line_chart_svg(const std::string& id, const std::string& title, const std::string& unit,
                           const std::vector<TimeSeries>& series, const std::vector<FaultSpan>& faults,
                           std::int64_t end_ms) {
  double ymax = 0;
  bool integral = true;
  for (const TimeSeries& s : series) {
    for (const auto& [t, v] : s.points) {
      ymax = std::max(ymax, v);
      integral = integral && v == std::floor(v);
    }
  }
  // Small counts get a tick per unit; anything else 4 ticks up to a round
  // number (1, 2, 4, 5 or 8 times a power of ten).
  int ticks = 4;
  if (integral && ymax <= 8) {
    ticks = static_cast<int>(ymax) + 1;
    ymax = ticks;
  } else {
    const double target = std::max(ymax * 1.05, 1e-9);
    const double power = std::pow(10.0, std::floor(std::log10(target)));
    double nice = 10 * power;
    for (double m : {1.0, 2.0, 4.0, 5.0, 8.0, 10.0}) {
      if (m * power >= target) {
        nice = m * power;
        break;
      }
    }
    ymax = nice;
  }
  if (end_ms <= 0) end_ms = 1;
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto x = [&](double ms) { return kLeft + pw * ms / static_cast<double>(end_ms); };
  auto y = [&](double v) { return kTop + ph * (1 - v / ymax); };
  std::ostringstream o;
  o << "<svg id=\"" << escape_html(id) << "\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth
    << "\" height=\"" << kHeight << "\" viewBox=\"0 0 " << kWidth << " " << kHeight << "\" role=\"img\">";
  o << "<title>" << escape_html(title) << "</title>";
  o << "<rect x=\"0\" y=\"0\" width=\"" << kWidth << "\" height=\"" << kHeight << "\" fill=\"#ffffff\"/>";
  for (const FaultSpan& f : faults) {
    const double a = x(static_cast<double>(std::clamp<std::int64_t>(f.begin_ms, 0, end_ms)));
    const double b = x(static_cast<double>(std::clamp<std::int64_t>(f.end_ms, 0, end_ms)));
    o << "<rect x=\"" << coord(a) << "\" y=\"" << kTop << "\" width=\"" << coord(std::max(1.0, b - a)) << "\" height=\""
      << ph << "\" fill=\"#f8d0d0\" fill-opacity=\"0.6\"><title>" << escape_html(f.label) << "</title></rect>";
  }
  o << "<text x=\"" << kLeft << "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" << escape_html(title) << " ("
    << escape_html(unit) << ")</text>";
  for (int i = 0; i <= ticks; ++i) {
    const double v = ymax * i / ticks;
    o << "<line x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << coord(y(v)) << "\" y2=\"" << coord(y(v))
      << "\" stroke=\"#e0e0e0\"/><text x=\"" << kLeft - 4 << "\" y=\"" << coord(y(v) + 4)
      << "\" font-size=\"10\" text-anchor=\"end\">" << num(v) << "</text>";
  }
  for (int i = 0; i <= 4; ++i) {
    const double t = static_cast<double>(end_ms) * i / 4.0;
    o << "<text x=\"" << coord(x(t)) << "\" y=\"" << kHeight - 12 << "\" font-size=\"10\" text-anchor=\"middle\">"
      << num(t / 1000.0) << " s</text>";
  }
  o << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft << "\" y1=\"" << kTop << "\" y2=\"" << kTop + ph
    << "\" stroke=\"#888\"/><line x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << kTop + ph
    << "\" y2=\"" << kTop + ph << "\" stroke=\"#888\"/>";
  double legend_x = kLeft + 8;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const TimeSeries& s = series[i];
    const char* color = kColors[i % (sizeof kColors / sizeof *kColors)];
    if (!s.points.empty()) {
      o << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.5\" points=\"";
      for (const auto& [t, v] : s.points) {
        o << coord(x(static_cast<double>(std::min<std::int64_t>(t, end_ms)))) << "," << coord(y(v)) << " ";
      }
      o << "\"/>";
    }
    o << "<rect x=\"" << coord(legend_x) << "\" y=\"" << kTop + 4 << "\" width=\"10\" height=\"3\" fill=\"" << color
      << "\"/><text x=\"" << coord(legend_x + 14) << "\" y=\"" << kTop + 9 << "\" font-size=\"10\">"
      << escape_html(s.name) << "</text>";
    legend_x += 24 + 6.0 * static_cast<double>(s.name.size());
  }
  o << "</svg>";
  return o.str();
}

}  // namespace kafkasim::reports
