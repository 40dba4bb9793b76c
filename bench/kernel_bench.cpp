// Kernel benchmark: the scheduler, timers and simulated network under load,
// against the floor of a bare Boost.Fiber switch measured in the same run.
//
//   bench_kernel_bench [--fibers N] [--nodes N] [--sim-seconds S] [--reps R] [--seed S]
//                      [--switches N]
//
// Defaults: 1000 fibers, 100 nodes, 20 simulated s, 3 reps, seed 1, and
// 20 million switches for the floor.
//
// The world: NODES nodes, each running an echo server (an accept fiber and
// one handler fiber per connection). FIBERS client fibers, spread over the
// nodes, each connect to the echo server of a random other node and then
// loop: sleep a random 0..2 ms (drawn from its own sim::Prng stream), send a
// message, wait for the echo. Network latency is the default 1..5 ms. The
// world runs for SIM-SECONDS of simulated time, REPS times (best run kept:
// the machines are shared and noisy); every rep must give the same trace
// hash.
//
// The floor: two plain boost::fibers::fiber ping-ponging with
// boost::this_fiber::yield() under Boost's default round_robin scheduler, on
// a separate std::thread (the kernel installs its own scheduling algorithm
// on the threads it runs on), run before the world, not alongside it. One
// yield is one context switch.
//
// Figures: scheduler events (fiber steps and timer fires) and trace events
// per second, simulated seconds per second, ns per scheduler event against
// ns per bare switch; each against the wall clock and against the thread's
// CPU time (on a shared machine, what one core does). Output: human-readable
// lines, then one "RESULT key=value ..." line for bench/run.sh.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <boost/fiber/all.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sim/simulation.h"

using namespace kafkasim::sim;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of the calling thread: on a shared, loaded machine it says what
// one core can do better than the wall clock does.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Options {
  int fibers = 1000;
  int nodes = 100;
  double sim_seconds = 20;
  int reps = 3;
  uint64_t seed = 1;
  uint64_t switches = 20'000'000;
};

// ---------------------------------------------------------------- the floor

struct Floor {
  double wall_ns = 1e30;  // per switch, best of the reps
  double cpu_ns = 1e30;
};

// Nanoseconds per yield of two fibers ping-ponging under round_robin, on a
// fresh thread.
Floor bare_switch(uint64_t switches, int reps) {
  Floor best;
  std::thread worker([&] {
    for (int r = 0; r < reps; ++r) {
      const uint64_t per_fiber = switches / 2;
      auto body = [per_fiber] {
        for (uint64_t i = 0; i < per_fiber; ++i) boost::this_fiber::yield();
      };
      const auto start = Clock::now();
      const double cpu_start = thread_cpu_seconds();
      boost::fibers::fiber a(body), b(body);
      a.join();
      b.join();
      const double n = static_cast<double>(per_fiber * 2);
      best.wall_ns = std::min(best.wall_ns, seconds_since(start) * 1e9 / n);
      best.cpu_ns = std::min(best.cpu_ns, (thread_cpu_seconds() - cpu_start) * 1e9 / n);
    }
  });
  worker.join();
  return best;
}

// ---------------------------------------------------------------- the world

constexpr int kPort = 9;

struct Echo final : Message {
  explicit Echo(uint64_t n) : n(n) {}
  uint64_t n;
};

struct WorldFigures {
  uint64_t events = 0;        // scheduler events
  uint64_t trace_events = 0;  // everything hashed
  uint64_t messages = 0;      // delivered
  double sim_seconds = 0;
  double wall_seconds = 0;
  double cpu_seconds = 0;
  std::string hash;
  Outcome outcome = Outcome::kReachedLimit;
};

WorldFigures run_world(const Options& o) {
  SimulationOptions so;
  so.seed = o.seed;
  Simulation sim(so);
  auto server = [](Node& node) {
    Listener* listener = &Simulation::current()->network().listen(node.id(), kPort);
    Node* self = &node;
    node.spawn("accept", [listener, self] {
      for (;;) {
        Socket socket = listener->accept();
        if (!socket.valid()) continue;
        self->spawn("echo", [socket]() mutable {
          for (;;) {
            auto got = socket.receive();
            if (got.status != Socket::Status::kMessage) return;
            socket.send(std::move(got.message));
          }
        }, /*daemon=*/true);
      }
    }, /*daemon=*/true);
  };
  std::vector<Node*> nodes;
  for (int i = 0; i < o.nodes; ++i) nodes.push_back(&sim.add_node("n" + std::to_string(i), server));
  for (Node* n : nodes) sim.start(*n);

  Prng placement = sim.stream("bench/placement");
  for (int c = 0; c < o.fibers; ++c) {
    Node* home = nodes[static_cast<size_t>(c % o.nodes)];
    int32_t peer = static_cast<int32_t>(placement.below(static_cast<uint64_t>(o.nodes - 1)));
    if (peer >= home->id()) ++peer;
    Prng rng = sim.stream("bench/client/" + std::to_string(c));
    Simulation* simp = &sim;
    home->spawn("client", [simp, home, peer, rng]() mutable {
      ConnectError error;
      Socket s = simp->network().connect(home->id(), peer, kPort, seconds(1), &error);
      if (!s.valid()) return;
      for (uint64_t n = 0;; ++n) {
        sleep_for(rng.between(0, milliseconds(2)));
        s.send(std::make_unique<Echo>(n));
        if (s.receive().status != Socket::Status::kMessage) return;
      }
    }, /*daemon=*/true);
  }

  const auto start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  WorldFigures f;
  f.outcome = sim.run_until(static_cast<SimTime>(o.sim_seconds * 1e9));
  f.wall_seconds = seconds_since(start);
  f.cpu_seconds = thread_cpu_seconds() - cpu_start;
  f.events = sim.scheduler().events();
  f.trace_events = sim.trace().events();
  f.messages = sim.network().messages_delivered();
  f.sim_seconds = static_cast<double>(sim.now()) / 1e9;
  f.hash = sim.trace().hash_hex();
  return f;
}

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--fibers N] [--nodes N] [--sim-seconds S] [--reps R] [--seed S] [--switches N]\n",
               argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(argv[0]);
    const char* v = argv[++i];
    if (a == "--fibers") {
      o.fibers = std::atoi(v);
    } else if (a == "--nodes") {
      o.nodes = std::atoi(v);
    } else if (a == "--sim-seconds") {
      o.sim_seconds = std::atof(v);
    } else if (a == "--reps") {
      o.reps = std::atoi(v);
    } else if (a == "--seed") {
      o.seed = std::strtoull(v, nullptr, 10);
    } else if (a == "--switches") {
      o.switches = std::strtoull(v, nullptr, 10);
    } else {
      usage(argv[0]);
    }
  }
  if (o.fibers < 1 || o.nodes < 2 || o.sim_seconds <= 0 || o.reps < 1 || o.switches < 2) usage(argv[0]);

  std::printf("kernel bench: %d client fibers on %d nodes (echo servers), sleeps 0..2 ms, latency 1..5 ms,\n"
              "  %.0f simulated s, seed %llu, best of %d\n",
              o.fibers, o.nodes, o.sim_seconds, static_cast<unsigned long long>(o.seed), o.reps);

  const Floor floor = bare_switch(o.switches, o.reps);
  std::printf("  floor: bare Boost.Fiber switch (round_robin, 2 fibers, yield): %.1f ns wall, %.1f ns CPU\n",
              floor.wall_ns, floor.cpu_ns);

  WorldFigures best;
  for (int r = 0; r < o.reps; ++r) {
    const WorldFigures f = run_world(o);
    std::printf("  rep %d: %llu events, %llu trace events, %llu messages in %.3f wall s (%.3f CPU s), %s, hash %s\n",
                r + 1, static_cast<unsigned long long>(f.events), static_cast<unsigned long long>(f.trace_events),
                static_cast<unsigned long long>(f.messages), f.wall_seconds, f.cpu_seconds,
                outcome_name(f.outcome), f.hash.c_str());
    if (r > 0 && f.hash != best.hash) {
      std::fprintf(stderr, "nondeterminism: rep %d hash %s differs from %s\n", r + 1, f.hash.c_str(),
                   best.hash.c_str());
      return 3;
    }
    if (r == 0 || f.wall_seconds < best.wall_seconds) best = f;
  }

  const double events = static_cast<double>(best.events);
  const double events_per_s = events / best.wall_seconds;
  const double events_per_cpu_s = events / best.cpu_seconds;
  const double trace_per_s = static_cast<double>(best.trace_events) / best.wall_seconds;
  const double sim_per_wall = best.sim_seconds / best.wall_seconds;
  const double ns_per_event = 1e9 / events_per_s;
  const double cpu_ns_per_event = 1e9 / events_per_cpu_s;
  const double ratio = ns_per_event / floor.wall_ns;
  const double cpu_ratio = cpu_ns_per_event / floor.cpu_ns;
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  const double rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;

  std::printf("  scheduler events per wall s: %.2f M (per CPU s: %.2f M)  target >= 5 M: %s\n", events_per_s / 1e6,
              events_per_cpu_s / 1e6, events_per_s >= 5e6 ? "met" : "MISSED");
  std::printf("  trace events per wall s:     %.2f M\n", trace_per_s / 1e6);
  std::printf("  simulated s per wall s:      %.2f\n", sim_per_wall);
  std::printf("  ns per event %.1f vs ns per bare switch %.1f: %.2fx (CPU time: %.1f vs %.1f, %.2fx)  "
              "target <= 3x: %s\n",
              ns_per_event, floor.wall_ns, ratio, cpu_ns_per_event, floor.cpu_ns, cpu_ratio,
              ratio <= 3.0 ? "met" : "MISSED");
  std::printf("  peak RSS: %.1f MiB\n", rss_mib);
  std::printf("RESULT fibers=%d nodes=%d sim_seconds=%g events=%llu trace_events=%llu messages=%llu wall_s=%.3f "
              "cpu_s=%.3f events_per_s=%.0f events_per_cpu_s=%.0f trace_events_per_s=%.0f sim_s_per_wall_s=%.2f "
              "ns_per_event=%.1f floor_ns=%.1f ratio=%.2f cpu_ns_per_event=%.1f floor_cpu_ns=%.1f cpu_ratio=%.2f "
              "rss_mib=%.1f hash=%s\n",
              o.fibers, o.nodes, o.sim_seconds, static_cast<unsigned long long>(best.events),
              static_cast<unsigned long long>(best.trace_events), static_cast<unsigned long long>(best.messages),
              best.wall_seconds, best.cpu_seconds, events_per_s, events_per_cpu_s, trace_per_s, sim_per_wall,
              ns_per_event, floor.wall_ns, ratio, cpu_ns_per_event, floor.cpu_ns, cpu_ratio, rss_mib,
              best.hash.c_str());
  return 0;
}
