"""The command line: `python -m salvosim.calibrate SPEC [--out posterior.json]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace

from .driver import calibrate, representative_point
from .report import report
from .spec import CalibrationSpec


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m salvosim.calibrate", description="Fit unpublished parameters to published figures (ABC)."
    )
    parser.add_argument("spec", help="calibration spec (TOML), e.g. configs/calibration/true_promise.toml")
    parser.add_argument("--out", help="write the weighted points and the summary to this JSON file")
    parser.add_argument("--threads", type=int, default=0, help="worker threads (0: every core)")
    parser.add_argument("--trials", type=int, help="trials per case and point (overrides the spec)")
    parser.add_argument("--rounds", type=int, nargs="+", help="points per round (overrides the spec)")
    parser.add_argument(
        "--candidates",
        type=int,
        default=150,
        help="likeliest points re-estimated to choose the configs' point (0: skip)",
    )
    args = parser.parse_args(argv)
    try:
        spec = CalibrationSpec.load(args.spec)
    except (OSError, ValueError) as error:  # a missing file, bad TOML, a spec that breaks a rule
        parser.error(f"{args.spec}: {error}")
    spec = replace(spec, trials=args.trials or spec.trials, rounds=tuple(args.rounds or spec.rounds))

    def show(component: str, r: int, done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total:
            print(
                f"\r{component}: round {r}: {done}/{total} points", end="\n" if done == total else "", file=sys.stderr
            )

    result = calibrate(spec, threads=args.threads, progress=show)
    if args.candidates:
        representative_point(result, candidates=args.candidates, threads=args.threads)
    print(report(result))
    if args.out:
        result.save(args.out)
    return 0
