#!/usr/bin/env bash
# Every test: set up, build with warnings as errors, run the C++ tests (ctest), then the
# Python tests (pytest: the command line, the HDF5 files, the cross-check against the
# pure-Python reference).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ci
ctest --preset ci
SALVOSIM_EXE="$PWD/build/ci/salvosim" python3 -m pytest -q tests/python
