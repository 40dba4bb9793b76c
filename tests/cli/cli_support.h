// Running the kafkasim binary (KAFKASIM_BINARY) from tests: arguments as a
// list, stdout and stderr captured apart, the exit status decoded.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace kafkasim::cli::test {

namespace fs = std::filesystem;

struct Output {
  int code = -1;    // exit status; 128 + N when killed by signal N
  std::string out;  // stdout
  std::string err;  // stderr

  std::vector<std::string> out_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

using kafkasim::test::slurp;
using kafkasim::test::TempDir;

// Runs `kafkasim args...` and waits for it.
inline Output run_kafkasim(const std::vector<std::string>& args) {
  TempDir io;
  const std::string out_path = io.path("stdout"), err_path = io.path("stderr");
  std::vector<std::string> argv_strings{KAFKASIM_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  Output o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = slurp(out_path);
  o.err = slurp(err_path);
  return o;
}

// A small queue scenario that runs in well under a second of wall time.
inline std::string small_scenario(const std::string& name = "cli-smoke", const std::string& extra = "") {
  return R"({
  "name": ")" + name + R"(",
  "description": "A small queue workload on three brokers, for the CLI tests.",
  "seed": 5,
  "duration_ms": 3000,
  "cluster": {"brokers": 3, "controllers": 1},
  "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
  "workload": {"kind": "queue", "producers": 1, "consumers": 1, "rate_per_s": 50,
               "producer": {"acks": "all"}},
  "faults": [{"at_ms": 1000, "kind": "crash", "target": "leader:orders/0", "duration_ms": 500}],
  "recovery_ms": 10000)" + extra + R"(
})";
}

}  // namespace kafkasim::cli::test
