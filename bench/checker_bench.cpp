// Checker benchmark: operations checked per second and peak memory, for a
// synthetic Kafka-queue history (checker/synthetic.h) of a given size.
//
//   bench_checker_bench [OPS] [--txn] [--keep]
//
// OPS (default 1000000) is the number of operations before the final reads
// (the history ends a little longer). Each phase runs in its own child
// process, so each peak RSS (getrusage ru_maxrss) is that phase's alone:
//   write   generate the history and write it as JSONL to a temp dir (untimed setup)
//   file    read the JSONL file and check it (timed: read, check, total)
//   memory  generate the history in memory (untimed), then check it (timed)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "checker/check.h"
#include "checker/history_reader.h"
#include "checker/history_writer.h"
#include "checker/synthetic.h"

using namespace kafkasim::checker;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds (user + system) this process has used.
double cpu_seconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

// Runs `phase` in a child process; returns the child's peak RSS in MiB.
double in_child(const std::function<void()>& phase) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(3);
  }
  if (pid == 0) {
    phase();
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "phase failed\n");
    std::exit(3);
  }
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  SyntheticOptions o;
  o.seed = 42;
  o.ops = 1000000;
  o.keys = 16;
  o.threads = 10;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--txn") {
      o.txn = true;
    } else if (a == "--keep") {
      keep = true;
    } else if (!a.empty() && a.find_first_not_of("0123456789") == std::string::npos) {
      o.ops = std::stoull(a);
    } else {
      std::fprintf(stderr, "usage: %s [OPS] [--txn] [--keep]\n", argv[0]);
      return 2;
    }
  }

  std::string tmpl = (std::filesystem::temp_directory_path() / "kafkasim-checker-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 3;
  }
  std::string path = tmpl + "/history.jsonl";
  std::printf("checker bench: %zu ops before final reads, %zu keys, %zu threads, %s\n", o.ops, o.keys,
              o.threads, o.txn ? "transactions" : "single sends and polls");

  double rss = in_child([&] {
    auto t = Clock::now();
    Synthetic s = synthetic_history(o);
    double gen = seconds_since(t);
    t = Clock::now();
    std::ofstream out(path, std::ios::binary);
    write_history_jsonl(s.history, out);
    out.close();
    std::printf("  write:  %zu ops (%.1f micro-ops and records per op) generated in %.2f s, written in %.2f s, "
                "%.0f MiB of JSONL\n",
                s.history.size(), static_cast<double>(s.history.event_count()) / static_cast<double>(s.history.size()),
                gen, seconds_since(t), static_cast<double>(std::filesystem::file_size(path)) / (1 << 20));
  });
  std::printf("          peak RSS %.0f MiB\n", rss);

  rss = in_child([&] {
    double c0 = cpu_seconds();
    auto t0 = Clock::now();
    History h = read_history_file(path);
    double read = seconds_since(t0);
    auto t1 = Clock::now();
    Verdict v = check(h);
    double chk = seconds_since(t1), total = seconds_since(t0), cpu = cpu_seconds() - c0;
    double ops = static_cast<double>(h.size());
    std::printf("  file:   read %.2f s, check %.2f s, total %.2f s wall, %.2f s CPU: "
                "%.2f M ops/s read+check (wall), %.2f M ops/s (CPU) (%s)\n",
                read, chk, total, cpu, ops / total / 1e6, ops / cpu / 1e6, v.valid ? "valid" : "INVALID");
  });
  std::printf("          peak RSS %.0f MiB\n", rss);

  rss = in_child([&] {
    History h = synthetic_history(o).history;
    double c0 = cpu_seconds();
    auto t = Clock::now();
    Verdict v = check(h);
    double chk = seconds_since(t), cpu = cpu_seconds() - c0;
    double ops = static_cast<double>(h.size());
    std::printf("  memory: check %.2f s wall, %.2f s CPU: %.2f M ops/s checked (wall), %.2f M ops/s (CPU) (%s)\n",
                chk, cpu, ops / chk / 1e6, ops / cpu / 1e6, v.valid ? "valid" : "INVALID");
  });
  std::printf("          peak RSS %.0f MiB (generation included)\n", rss);

  if (!keep) {
    std::filesystem::remove_all(tmpl);
  } else {
    std::printf("kept %s\n", path.c_str());
  }
  return 0;
}
