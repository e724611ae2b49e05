#!/usr/bin/env bash
# Every test: set up, build with warnings as errors, and run
#  1. the C++ tests (ctest: GoogleTest per header, the command line, the installed package),
#  2. the Python package built and installed from pyproject.toml, then pytest over the API,
#     the command line, the HDF5 files, the cross-check against the pure-Python reference,
#     the golden files, and every notebook (nbmake),
#  3. mypy over the package, the tests and the notebooks; the house style (scripts/lint.sh:
#     clang-format, clang-tidy, ruff),
#  4. the C++ tests again under ASan+UBSan (debug preset), the threaded ones under TSan (tsan
#     preset), and a minute of each fuzz target (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ci
ctest --preset ci

python3 -m pip install --quiet --no-build-isolation -C cmake.define.SALVOSIM_WARNINGS_AS_ERRORS=ON .
SALVOSIM_EXE="$PWD/build/ci/salvosim" python3 -m pytest -q tests/python --nbmake notebooks
python3 -m mypy
python3 -m nbqa mypy notebooks
scripts/lint.sh

# The whole C++ suite under AddressSanitizer and UndefinedBehaviorSanitizer (any report fails).
scripts/build.sh debug
ctest --preset debug
# The kernel, simulate and sweep tests under ThreadSanitizer, with oneTBB instrumented too.
scripts/tsan_tbb.sh
scripts/build.sh tsan
ctest --preset tsan
# Each fuzz target for a minute, after the inputs of every crash fixed (docs/developing.md),
# with a fixed seed: a clean checkout explores the same inputs on every run, so that what fails
# here fails again for whoever reruns it. Exploring new inputs is scripts/fuzz.sh without one.
scripts/fuzz.sh 60 1
