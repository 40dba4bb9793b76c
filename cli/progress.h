// Progress of `kafkasim run` on stderr: a one-line bar redrawn in place
// when stderr is a terminal, one plain line per seed otherwise, nothing
// when quiet. Wall-clock time is read here, in the cli, and only for
// people: nothing in the simulated world depends on it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "harness/result.h"

namespace kafkasim::cli {

class Progress {
 public:
  Progress(std::size_t total, bool quiet);

  // A seed has finished.
  void done(const harness::RunResult& r);
  // Ends the bar's line, so that what follows starts on a fresh one.
  void finish();
  // Milliseconds since the sweep began.
  std::int64_t elapsed_ms() const;

 private:
  void draw();

  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  bool quiet_;
  bool bar_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace kafkasim::cli
