#!/usr/bin/env bash
# Builds the fuzz targets (the `fuzz` preset: clang, libFuzzer, ASan and UBSan), replays every
# input of a crash fixed since (fuzz/regressions/), then fuzzes each target for SECONDS
# (default 60). Fails if any target finds a crash, a leak, an input slower than 10 s or one
# that allocates more than 1 GB; the input is left in build/fuzz/crashes/<target>/.
# The corpus each target grows is kept in build/fuzz/corpus/<target>/ and used by the next run.
# docs/developing.md#fuzzing says what to do with what it finds.
# With SEED, libFuzzer's mutations follow that seed, so a run on a clean checkout explores the
# same inputs every time (up to where the time runs out): the test command uses one, so that a
# CI failure reproduces; without it each run explores new ones.
# Usage: scripts/fuzz.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
seed="${2:-}"
if [[ -n $seed && ! $seed =~ ^[0-9]+$ ]]; then
  echo "fuzz.sh: SEED must be a whole number, got '$seed'" >&2
  exit 2
fi

scripts/build.sh fuzz
ctest --preset fuzz

out=build/fuzz
# Seed corpora: the shipped scenarios and sweeps, the test data, and the committed seeds and
# regression inputs of each target.
# results_file and sweep_file edit valid files they write themselves: their inputs are short
# edit lists, at full length from the start. The *_bytes targets are left out: they find
# libhdf5's own bugs within seconds (docs/developing.md#fuzzing).
declare -A seeds=(
  [scenario]="configs tests/data/configs"
  [sweep]="configs/sweeps fuzz/seeds/sweep"
  [results_file]=""
  [sweep_file]=""
)
failed=()
for target in scenario sweep results_file sweep_file; do
  corpus="$out/corpus/$target"
  crashes="$out/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024
           -artifact_prefix="$crashes/" -print_final_stats=1)
  if [[ -n $seed ]]; then
    options+=(-seed="$seed")
  fi
  if [[ $target == scenario || $target == sweep ]]; then
    options+=(-dict=fuzz/toml.dict)
  else
    options+=(-max_len=512 -len_control=0)
  fi
  existing=()
  for dir in ${seeds[$target]} "fuzz/regressions/$target"; do
    [[ -d "$dir" ]] && existing+=("$dir")
  done
  echo "fuzz: $target for ${seconds} s" >&2
  if ! "$out/fuzz/${target}_fuzzer" "${options[@]}" "$corpus" "${existing[@]}" 2>"$out/$target.log"; then
    failed+=("$target")
    tail -n 60 "$out/$target.log" >&2
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|^Done" "$out/$target.log" >&2 || true
done
if ((${#failed[@]})); then
  echo "fuzz: found something in: ${failed[*]} (inputs in $out/crashes/; logs in $out/<target>.log)" >&2
  exit 1
fi
