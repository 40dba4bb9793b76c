#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace kafkasim::cli {

Progress::Progress(std::size_t total, bool quiet)
    : total_(total), quiet_(quiet), bar_(!quiet && ::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}

std::int64_t Progress::elapsed_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::done(const harness::RunResult& r) {
  ++done_;
  if (r.exit_code() != 0) ++failed_;
  if (quiet_) return;
  if (bar_) {
    draw();
    return;
  }
  std::fprintf(stderr, "%s (%lld events, %lld ms simulated, %lld ms wall)\n", harness::describe_outcome(r).c_str(),
               static_cast<long long>(r.stats.events), static_cast<long long>(r.stats.sim_time_ms),
               static_cast<long long>(r.stats.wall_ms));
}

void Progress::draw() {
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total_ ? done_ * kWidth / total_ : kWidth;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  const double elapsed_s = static_cast<double>(elapsed_ms()) / 1000.0;
  std::string eta;
  if (done_ > 0 && done_ < total_) {
    const double left = elapsed_s / static_cast<double>(done_) * static_cast<double>(total_ - done_);
    eta = ", about " + std::to_string(static_cast<long long>(left + 0.5)) + " s left";
  }
  std::fprintf(stderr, "\r[%s] %zu/%zu seeds, %zu failed, %.1f s%s\033[K", bar.c_str(), done_, total_, failed_,
               elapsed_s, eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (bar_ && drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace kafkasim::cli
