#include "cli/jobs.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

namespace kafkasim::cli {
namespace {

struct Child {
  pid_t pid = -1;
  std::uint64_t seed = 0;
  std::string output;
};

harness::RunResult failed_result(const std::string& scenario, std::uint64_t seed, const std::string& repro,
                                 std::string outcome, std::string message) {
  harness::RunResult r;
  r.scenario = scenario;
  r.seed = seed;
  r.repro = repro;
  r.version = KAFKASIM_VERSION;
  r.liveness = "not checked";
  r.harness_error = harness::HarnessError{std::move(outcome), std::move(message)};
  return r;
}

// Starts a child with stdout on a new pipe; returns the pipe's read end, or -1.
int spawn(const std::vector<std::string>& args, pid_t* pid, std::string* error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return -1;
  }
  std::vector<char*> argv;
  std::string self = "/proc/self/exe";
  argv.push_back(self.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = ::fork();
  if (child < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return -1;
  }
  if (child == 0) {
    ::dup2(fds[1], STDOUT_FILENO);  // dup2 clears close-on-exec on the copy
    ::execv("/proc/self/exe", argv.data());
    std::fprintf(stderr, "kafkasim: cannot run /proc/self/exe: %s\n", std::strerror(errno));
    ::_exit(127);
  }
  ::close(fds[1]);
  *pid = child;
  return fds[0];
}

// The last non-empty line of a child's output.
std::string last_line(const std::string& out) {
  std::size_t end = out.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  std::size_t begin = out.rfind('\n', end);
  begin = begin == std::string::npos ? 0 : begin + 1;
  return out.substr(begin, end - begin + 1);
}

}  // namespace

void run_children(const std::vector<std::string>& child_args, const std::vector<std::uint64_t>& seeds,
                  unsigned jobs, const std::string& scenario_name,
                  const std::function<std::string(std::uint64_t)>& repro_for,
                  const std::function<void(ChildRun&)>& on_done) {
  std::map<int, Child> running;  // by pipe fd
  std::size_t next = 0;
  while (next < seeds.size() || !running.empty()) {
    while (next < seeds.size() && running.size() < jobs) {
      const std::uint64_t seed = seeds[next++];
      std::vector<std::string> args = child_args;
      args.push_back("--seed");
      args.push_back(std::to_string(seed));
      pid_t pid = -1;
      std::string error;
      const int fd = spawn(args, &pid, &error);
      if (fd < 0) {
        ChildRun done{seed, failed_result(scenario_name, seed, repro_for(seed), "internal-error",
                                          "cannot start a process for the seed: " + error), ""};
        on_done(done);
        continue;
      }
      running.emplace(fd, Child{pid, seed, ""});
    }
    if (running.empty()) continue;

    std::vector<pollfd> fds;
    for (const auto& [fd, child] : running) fds.push_back(pollfd{fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      Child& child = running.at(p.fd);
      char buffer[65536];
      const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
      if (n > 0) {
        child.output.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      // End of output: the child is done or dead.
      ::close(p.fd);
      int status = 0;
      while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      ChildRun done{child.seed, {}, last_line(child.output)};
      const std::string repro = repro_for(child.seed);
      if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        done.result = failed_result(scenario_name, child.seed, repro, "signal",
                                    "the run died by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")");
        done.line.clear();
      } else {
        try {
          done.result = harness::result_from_json(nlohmann::ordered_json::parse(done.line));
        } catch (const std::exception& e) {
          const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
          done.result = failed_result(scenario_name, child.seed, repro, "internal-error",
                                      "the run exited with status " + std::to_string(code) +
                                          " without a result line (" + e.what() + ")");
          done.line.clear();
        }
      }
      running.erase(p.fd);
      on_done(done);
    }
  }
}

}  // namespace kafkasim::cli
