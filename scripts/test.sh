#!/usr/bin/env bash
# Every test: set up, build with warnings as errors, and run the C++ tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ci
ctest --preset ci
