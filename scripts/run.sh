#!/usr/bin/env bash
# The main job: set up, build, and run the default scenario. Arguments go to `salvosim run`
# (e.g. scripts/run.sh configs/example.toml --trials 100000 --seed 7 --out run.h5).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >&2
exec build/release/salvosim run "$@"
