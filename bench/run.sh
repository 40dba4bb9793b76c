#!/usr/bin/env bash
# Builds the benchmarks in Release in build-bench/, runs every one of them and
# prints their figures; then writes the "## Kernel" and "## End to end"
# sections of docs/BENCHMARKS.md (the "## Checker" section is its owner's:
# this script prints the checker's figures but never edits that section).
#
#   bench/run.sh [--no-doc] [--seeds N]
#
#   --no-doc    print the figures only; leave docs/BENCHMARKS.md alone
#   --seeds N   seeds for the end-to-end benchmark (default 20)
#
# The benchmarks:
#   bench_kernel_bench    1000 fibers messaging over the simulated network for
#                         20 simulated s, best of 3; against a bare Boost.Fiber
#                         switch measured in the same run
#   bench_e2e_bench N     scenarios/replication/leader-failover.json, N seeds
#   bench_checker_bench   1M operations, then 10M unless 1M suggests that 10M
#                         would take more than CHECKER_10M_LIMIT_S (default 300)
#   any other bench/*.cpp with no arguments
# Each prints a "RESULT key=value ..." line or human-readable figures; the
# machine is shared and noisy, so figures are given both against the wall
# clock and against the benchmark thread's CPU time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-bench
doc=$root/docs/BENCHMARKS.md
write_doc=1
seeds=20
checker_limit=${CHECKER_10M_LIMIT_S:-300}
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-doc) write_doc=0 ;;
    --seeds) seeds=${2:?--seeds needs a number}; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: bench/run.sh [--no-doc] [--seeds N]" >&2; exit 2 ;;
  esac
  shift
done

# ------------------------------------------------------------------ build
targets=()
for src in "$root"/bench/*.cpp; do targets+=("bench_$(basename "$src" .cpp)"); done
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target "${targets[@]}"

# ------------------------------------------------------------------ machine
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
cpus=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
today=$(date -u +%Y-%m-%d)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$root" status --porcelain -- sim bench 2>/dev/null) ]]; then commit="$commit (sim/ or bench/ modified)"; fi
echo
echo "machine: $cpus x $cpu_model; load average $load; $today; commit $commit"

# key=value lookup in a RESULT line: field LINE KEY
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
# millions with two decimals: mega VALUE
mega() { awk -v v="$1" 'BEGIN { printf "%.2f M", v / 1e6 }'; }
# "met" or "missed": verdict VALUE OP LIMIT (OP: ge or le)
verdict() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = op == "ge" ? v >= l : v <= l; print ok ? "met" : "missed" }'; }

# ------------------------------------------------------------------ kernel
echo
kernel_out=$("$build/bench/bench_kernel_bench")
echo "$kernel_out"
k=$(grep '^RESULT ' <<<"$kernel_out" | sed 's/^RESULT //')

# ------------------------------------------------------------------ end to end
echo
e2e_out=$("$build/bench/bench_e2e_bench" "$seeds")
echo "$e2e_out"
e=$(grep '^RESULT ' <<<"$e2e_out" | sed 's/^RESULT //')

# ------------------------------------------------------------------ checker
if [[ -x $build/bench/bench_checker_bench ]]; then
  echo
  start=$(date +%s.%N)
  "$build/bench/bench_checker_bench" 1000000
  took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
  if awk -v t="$took" -v l="$checker_limit" 'BEGIN { exit !(10 * t > l) }'; then
    echo "checker bench 10M: skipped (1M took ${took} s, so 10M would take more than ${checker_limit} s)"
  else
    echo
    if ! timeout "$((checker_limit * 2))" "$build/bench/bench_checker_bench" 10000000; then
      echo "checker bench 10M: did not finish within $((checker_limit * 2)) s (or failed)"
    fi
  fi
fi

# ------------------------------------------------------------------ other benchmarks
for t in "${targets[@]}"; do
  case $t in bench_kernel_bench|bench_e2e_bench|bench_checker_bench) continue ;; esac
  echo
  "$build/bench/$t"
done

[[ $write_doc == 1 ]] || exit 0

# ------------------------------------------------------------------ docs/BENCHMARKS.md
machine_line="Machine: $cpus CPUs, $cpu_model (/proc/cpuinfo), shared with other work: load average $load before the run. Date: $today, commit $commit. Command: \`bench/run.sh\`."

kernel_section=$(cat <<EOF
## Kernel

\`bench/kernel_bench.cpp\`: $(field "$k" nodes) nodes, each an echo server (an accept fiber and a
fiber per connection); $(field "$k" fibers) client fibers, each connected to a random other node,
loop on: sleep 0..2 ms (drawn from its own \`sim::Prng\` stream), send, await
the echo. Network latency 1..5 ms. $(field "$k" sim_seconds) simulated seconds, best of 3
runs (every run must give the same trace hash, $(field "$k" hash)). The floor is
the bare cost of a Boost.Fiber switch, measured in the same process on a
separate thread: two plain \`boost::fibers::fiber\` ping-ponging with
\`boost::this_fiber::yield()\` under Boost's default \`round_robin\`.

$machine_line

Figures against the wall clock and against the CPU time of the benchmark's
thread (on a shared machine the latter says what one core does).

| | wall clock | thread CPU time |
|---|---|---|
| scheduler events per second (fiber steps + timer fires) | $(mega "$(field "$k" events_per_s)") | $(mega "$(field "$k" events_per_cpu_s)") |
| trace events per second (everything hashed) | $(mega "$(field "$k" trace_events_per_s)") | |
| simulated seconds per second | $(field "$k" sim_s_per_wall_s) | |
| ns per scheduler event | $(field "$k" ns_per_event) | $(field "$k" cpu_ns_per_event) |
| ns per bare Boost.Fiber switch (floor) | $(field "$k" floor_ns) | $(field "$k" floor_cpu_ns) |
| ns per event / ns per switch | $(field "$k" ratio)x | $(field "$k" cpu_ratio)x |

$(field "$k" events) scheduler events, $(field "$k" trace_events) trace events, $(field "$k" messages) messages delivered per run; peak RSS $(field "$k" rss_mib) MiB.

Targets (the issue): at least 5 M events per second on one core: wall clock
$(verdict "$(field "$k" events_per_s)" ge 5000000), CPU time $(verdict "$(field "$k" events_per_cpu_s)" ge 5000000); within 3x of the bare switch:
wall clock $(verdict "$(field "$k" ratio)" le 3), CPU time $(verdict "$(field "$k" cpu_ratio)" le 3).

\`\`\`
RESULT $k
\`\`\`
EOF
)

e2e_section=$(cat <<EOF
## End to end

\`bench/e2e_bench.cpp\`: the scenario \`scenarios/replication/leader-failover.json\`
(3 brokers, 60 simulated seconds plus recovery, three leader crashes and
restarts, the checker at the end) through \`harness::load_scenario_file\` and
\`harness::run_scenario\` for $(field "$e" seeds) seeds, one after another on one thread, without
keeping the history (as \`kafkasim run --seeds A..B\` without \`--out\`).

$machine_line

| | wall clock | thread CPU time |
|---|---|---|
| simulated seconds per second | $(field "$e" sim_s_per_wall_s) | $(field "$e" sim_s_per_cpu_s) |
| seeds per minute | $(field "$e" seeds_per_min) | $(field "$e" seeds_per_cpu_min) |
| scheduler events per second | $(mega "$(field "$e" events_per_s)") | $(mega "$(field "$e" events_per_cpu_s)") |
| trace events per second | $(mega "$(field "$e" trace_events_per_s)") | |

$(field "$e" seeds) seeds: $(field "$e" sim_s) simulated seconds, $(field "$e" events) scheduler events, $(field "$e" unexpected) not as expected,
$(field "$e" harness_failures) harness failures; peak RSS of the process $(field "$e" rss_mib) MiB. The checker's share
of a run is not measured: \`RunResult\` does not time the check (the checker
alone: \`bench/checker_bench.cpp\`).

\`\`\`
RESULT $e
\`\`\`
EOF
)

# Replaces the section titled $2 (up to the next "## " heading) in $1 with the
# text in file $3, or appends it.
replace_section() {
  awk -v title="$2" -v content="$3" '
    BEGIN { while ((getline line < content) > 0) body = body line "\n" }
    $0 == title { printf "%s\n", body; skipping = 1; done = 1; next }
    skipping && /^## / { skipping = 0 }
    !skipping { print }
    END { if (!done) printf "\n%s", body }
  ' "$1" >"$1.tmp"
  mv "$1.tmp" "$1"
}

if [[ ! -f $doc ]]; then
  cat >"$doc" <<'EOF'
# Benchmarks

Figures of the benchmarks in bench/. `bench/run.sh` builds them in Release
in build-bench/, runs them all, and rewrites the sections "Kernel" and "End
to end" below; the machines are shared and noisy, so read the figures as
orders of magnitude and compare runs on the same machine only.
EOF
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
printf '%s\n' "$kernel_section" >"$tmp"
replace_section "$doc" "## Kernel" "$tmp"
printf '%s\n' "$e2e_section" >"$tmp"
replace_section "$doc" "## End to end" "$tmp"
# No trailing blank lines.
awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--; for (i = 1; i <= n; i++) print lines[i] }' \
  "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
echo
echo "wrote the Kernel and End to end sections of $doc"
