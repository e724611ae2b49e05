#!/usr/bin/env python3
"""What a study costs per point: a 1,000-point x 10,000-trial sweep, and a full calibration.

Issue 15 asks how long the studies that run millions of trials take, before and after the
kernel work, per point:

- the sweep: `salvosim sweep` as a user runs it (checkpoints included) over the default
  scenario (configs/true_promise_1.toml), 1,000 points of 10,000 trials each (10 million
  trials), one kill probability varied so that every point is a different scenario (the axis
  of bench/sweep_overhead.py);
- the calibration: `python -m salvosim.calibrate configs/calibration/true_promise.toml`
  (docs/calibration.md), the spec as shipped, its result written to a scratch file; a point
  is one parameter set of the sampler (each runs its cases' trials, 400 per case), and the
  representative point's candidates are re-run on top.

Each is one whole process, timed by the wall clock and by its CPU time (user + system, all
threads, os.wait4); the load average is printed before and after, since the machine may be
shared. This is a measurement, not a test.

Usage:
    python3 bench/study_cost.py [--exe build/release/salvosim] [--threads 2] [--points 1000]
                                [--trials 10000] [--skip-sweep] [--skip-calibration]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from sweep_overhead import BASE, sweep_text  # the same base and axis as the overhead's sweep

ROOT = pathlib.Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "configs" / "calibration" / "true_promise.toml"


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(args, **kwargs):
    """Wall-clock and CPU seconds (user + system, all threads) of one process; fails loudly."""
    began = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    stderr = child.stderr.read().decode()  # read before waiting: a full pipe would block the child
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    child.stderr.close()
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(map(str, args))}\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime


def report(what, points, unit, wall, cpu):
    print(
        f"{what}: {wall:.1f} s wall, {cpu:.1f} s CPU; {points} {unit}: "
        f"{1000 * wall / points:.2f} ms wall and {1000 * cpu / points:.2f} ms CPU per point"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exe", default=str(ROOT / "build" / "release" / "salvosim"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--points", type=int, default=1000, help="sweep points")
    parser.add_argument("--trials", type=int, default=10000, help="trials per sweep point")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-calibration", action="store_true")
    args = parser.parse_args()
    if not args.skip_sweep and not pathlib.Path(args.exe).is_file():
        sys.exit(f"no salvosim program at {args.exe}: build it (scripts/build.sh) or pass --exe")

    print(f"threads: {args.threads}; load average at start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="salvosim-study-cost-") as work:
        if not args.skip_sweep:
            sweep_file = pathlib.Path(work) / "sweep.toml"
            sweep_file.write_text(sweep_text(args.points, args.trials))
            out = pathlib.Path(work) / "sweep.h5"
            command = [args.exe, "sweep", str(sweep_file), "--out", str(out), "--threads", str(args.threads)]
            wall, cpu = timed(command)
            what = f"sweep of {args.points} points x {args.trials} trials ({BASE.name})"
            report(what, args.points, "points", wall, cpu)
            print(f"  {args.points * args.trials / wall:,.0f} trials/s wall; load average now {load_average()}")
        if not args.skip_calibration:
            out = pathlib.Path(work) / "posterior.json"
            command = [sys.executable, "-m", "salvosim.calibrate", str(CALIBRATION), "--out", str(out)]
            wall, cpu = timed(command + ["--threads", str(args.threads)], cwd=ROOT)
            result = json.loads(out.read_text())
            points = sum(len(component["points"]) for component in result["components"])
            what = f"calibration {CALIBRATION.relative_to(ROOT)} (rounds {result['info']['rounds']} per component)"
            report(what, points, "sampler points", wall, cpu)
            print(f"  load average now {load_average()}")


if __name__ == "__main__":
    main()
