"""The command line:

python -m salvosim.calibrate SPEC [--out posterior.json]            fit every case of the spec
python -m salvosim.calibrate predict SPEC --leave-out CASE [--out]   fit the others, predict CASE
python -m salvosim.calibrate apply POSTERIOR.json [--check]          write the point into the configs
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace

from .driver import calibrate, representative_point
from .predictive import predictive
from .report import report
from .spec import CalibrationSpec


def _fit_options(parser: argparse.ArgumentParser, candidates: int) -> None:
    parser.add_argument("spec", help="calibration spec (TOML), e.g. configs/calibration/three_events.toml")
    parser.add_argument("--out", help="write the weighted points, the summary and the predictions to this JSON file")
    parser.add_argument("--threads", type=int, default=0, help="worker threads (0: every core)")
    parser.add_argument("--trials", type=int, help="trials per case and point (overrides the spec)")
    parser.add_argument(
        "--rounds",
        type=int,
        nargs="+",
        help="points per round, outer points in a nested component (overrides the spec)",
    )
    parser.add_argument(
        "--candidates",
        type=int,
        default=candidates,
        help=f"likeliest points re-estimated to choose the configs' point (0: skip; default {candidates})",
    )
    parser.add_argument(
        "--draws", type=int, default=100, help="posterior draws for the predictive intervals (0: skip; default 100)"
    )
    parser.add_argument(
        "--draw-trials", type=int, default=200, help="trials per posterior draw for the predictive intervals"
    )


def _progress(component: str, r: int, done: int, total: int) -> None:
    if sys.stderr.isatty() or done == total:
        print(f"\r{component}: round {r}: {done}/{total} points", end="\n" if done == total else "", file=sys.stderr)


def _fit(parser: argparse.ArgumentParser, args: argparse.Namespace, leave_out: str = "") -> int:
    try:
        spec = CalibrationSpec.load(args.spec)
        if leave_out:
            spec = spec.leave_out(leave_out)
    except (OSError, ValueError) as error:  # a missing file, bad TOML, a spec that breaks a rule
        parser.error(f"{args.spec}: {error}")
    for name, value in (("--trials", args.trials), ("--draws", args.draws), ("--draw-trials", args.draw_trials)):
        if value is not None and value < 0:
            parser.error(f"{name} must be at least 0, not {value}")
    spec = replace(spec, trials=args.trials or spec.trials, rounds=tuple(args.rounds or spec.rounds))
    try:  # a ValueError here is what the data or the model cannot give: say it, without a traceback
        result = calibrate(spec, threads=args.threads, progress=_progress)
        if args.candidates:
            representative_point(result, candidates=args.candidates, threads=args.threads)
        if args.draws and args.draw_trials:
            # The fitted cases in sample; the left-out one and any [[prediction]] case out of sample.
            for case in [c.name for c in spec.fitted_cases] + [c.name for c in spec.cases if c.predict]:
                result.predictions[case] = predictive(
                    result, case, draws=args.draws, trials=args.draw_trials, threads=args.threads
                )
        text = report(result)
    except ValueError as error:
        print(f"{args.spec}: {error}", file=sys.stderr)
        return 1
    print(text)
    for warning in result.warnings():
        print(f"warning: {warning}", file=sys.stderr)
    if args.out:
        result.save(args.out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "predict":
        parser = argparse.ArgumentParser(
            prog="python -m salvosim.calibrate predict",
            description="Leave one case out: fit the spec's other cases, then predict the left-out case's "
            "published observables over posterior draws x trials (parameters only it sets drawn from their prior).",
        )
        _fit_options(parser, candidates=0)
        parser.add_argument("--leave-out", required=True, metavar="CASE", help="the case to predict (e.g. june)")
        args = parser.parse_args(argv[1:])
        return _fit(parser, args, leave_out=args.leave_out)
    if argv and argv[0] == "apply":
        from .apply import main as apply_main  # tomlkit is needed only here

        return apply_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m salvosim.calibrate",
        description="Fit unpublished parameters to published figures (ABC). Subcommands: `predict SPEC "
        "--leave-out CASE` (leave one out), `apply POSTERIOR.json` (write the point into the configs).",
    )
    _fit_options(parser, candidates=150)
    return _fit(parser, parser.parse_args(argv))
