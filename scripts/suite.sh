#!/usr/bin/env bash
# Runs the scenario suite: every scenario file under scenarios/ (not the
# schema, and not scenarios/real/, which is for `kafkasim real` and real
# librdkafka clients: docs/real-clients.md), each for its own seed, with the
# results in out/.
#
#   ./scripts/suite.sh        each scenario for the seed in its file
#   ./scripts/suite.sh N      each scenario for seeds 1..N, one job per CPU
#
# Exit status: the largest of the runs' (0 all as expected, 1 some not,
# 2 bad input, 3 harness failure), as for kafkasim run.
set -euo pipefail
cd "$(dirname "$0")/.."

seeds="${1:-}"
if [ -n "$seeds" ] && ! [[ "$seeds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [N]   (run seeds 1..N of every scenario)" >&2
  exit 2
fi

./scripts/install-deps.sh
./scripts/build.sh

mapfile -t scenarios < <(find scenarios -name '*.json' ! -name 'scenario.schema.json' ! -path 'scenarios/real/*' | sort)
if [ ${#scenarios[@]} -eq 0 ]; then
  echo "suite: no scenarios under scenarios/ yet"
  exit 0
fi

worst=0
for s in "${scenarios[@]}"; do
  echo "== $s"
  args=(run "$s" --out out/)
  if [ -n "$seeds" ]; then
    args+=(--seeds "1..$seeds" --jobs "$(nproc)")
  fi
  set +e
  ./build/kafkasim "${args[@]}"
  code=$?
  set -e
  if [ "$code" -gt "$worst" ]; then worst=$code; fi
done

echo
if [ -n "$seeds" ]; then
  echo "suite: ${#scenarios[@]} scenarios, seeds 1..$seeds; a folder for each seed that failed is in out/<scenario>/seed-<N>/ (report.html, summary.md, junit.xml, result.json, history.jsonl)"
else
  echo "suite: ${#scenarios[@]} scenarios; reports in out/<scenario>/seed-<N>/report.html (with summary.md, junit.xml, result.json, history.jsonl)"
fi
echo "suite: exit status $worst (0 all as expected, 1 some not, 2 bad input, 3 harness failure)"
exit "$worst"
