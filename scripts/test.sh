#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest. The
# tests include the determinism check: every shipped scenario runs twice
# and the trace hashes must be equal (tests/cli/determinism_test.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir build --output-on-failure -j2
