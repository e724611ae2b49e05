#!/usr/bin/env python3
"""Golden files: every shipped config's `salvosim run --json` summary at a fixed seed and trial count.

Each configs/NAME.toml has tests/golden/NAME.json, the summary with the fields that say where and
when it was made (PROVENANCE) removed, one value per line so that a changed number is a one-line
diff. tests/python/test_golden.py runs each config again at the trials and seed its file records
and requires the same text, which holds only when every number is the same double, bit for bit.

Run this file to write them again (from anywhere):

    python3 tests/golden/update.py [--exe build/ci/salvosim]

and explain in CHANGELOG.md why the numbers changed.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN_DIR = ROOT / "tests" / "golden"
CONFIGS_DIR = ROOT / "configs"
REGENERATE = "python3 tests/golden/update.py"

SEED = 7
# Enough trials to exercise every code path, few enough that the whole set runs in a few seconds.
TRIALS = 2000
TRIALS_BY_CONFIG = {"large_raid": 500}  # a thousand threats per trial: 4x slower than the rest together

# Fields that vary with the build, the machine or the time, not with the model.
PROVENANCE = ("salvosim_version", "git_sha1", "created", "threads")


def configs():
    """The shipped scenarios: configs/*.toml (not the sweeps or calibration files in subfolders)."""
    return sorted(CONFIGS_DIR.glob("*.toml"))


def golden_path(config):
    return GOLDEN_DIR / f"{config.stem}.json"


def summary_text(exe, config, trials, seed):
    """The normalised summary of one run: JSON without provenance, one value per line.

    Python prints a float as the shortest text that reads back as the same double, so two
    summaries give the same text exactly when their numbers are identical.
    """
    source = config.relative_to(ROOT)  # the summary records the path as given
    command = [str(exe), "run", str(source), "--json", "--trials", str(trials), "--seed", str(seed)]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    summary = json.loads(output)
    for field in PROVENANCE:
        summary.pop(field, None)
    return json.dumps(summary, indent=1) + "\n"


def default_exe():
    return os.environ.get("SALVOSIM_EXE") or str(ROOT / "build" / "ci" / "salvosim")


def main():
    parser = argparse.ArgumentParser(description="Write tests/golden/*.json from the salvosim program.")
    parser.add_argument(
        "--exe", default=default_exe(), help="the salvosim program (default: $SALVOSIM_EXE, else build/ci/salvosim)"
    )
    args = parser.parse_args()
    if not pathlib.Path(args.exe).is_file():
        sys.exit(f"update.py: no salvosim program at {args.exe}: build it (scripts/build.sh ci) or pass --exe")

    wanted = set()
    for config in configs():
        path = golden_path(config)
        trials = TRIALS_BY_CONFIG.get(config.stem, TRIALS)
        text = summary_text(args.exe, config, trials, SEED)
        changed = not path.is_file() or path.read_text() != text
        partial = path.with_suffix(".json.partial")  # renamed when whole: never a half-written golden file
        partial.write_text(text)
        partial.replace(path)
        wanted.add(path)
        print(f"{path.relative_to(ROOT)}: {trials} trials, seed {SEED}{' (changed)' if changed else ''}")
    for stale in sorted(set(GOLDEN_DIR.glob("*.json")) - wanted):
        stale.unlink()
        print(f"{stale.relative_to(ROOT)}: removed (its config is gone)")


if __name__ == "__main__":
    main()
