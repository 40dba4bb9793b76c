#!/usr/bin/env bash
# Builds kafkasim (Release) and its tests in build/.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
