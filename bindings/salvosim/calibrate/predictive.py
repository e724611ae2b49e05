"""The posterior predictive distribution of a case's published observables: parameter sets
drawn from a calibration's posterior, each run for its own trials, and every trial's statistic
pooled, so that the intervals hold both what the calibration leaves open about the parameters
and the luck of one night. The in-sample check of a fit and the leave-one-out prediction of a
case the fit never saw are this one computation (for a left-out case, the parameters only it
would constrain are drawn from their prior)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .._api import run
from .._core import Scenario
from .._results import Results
from ..published import interval, per_trial
from .components import load_case
from .posterior import CalibrationResult


def agreement(published: float | None, published_range: Sequence[float], interval: Sequence[float]) -> dict[str, Any]:
    """How a published figure sits against a predictive interval: whether its value lies inside
    (None when the figure has no value, e.g. a bound), whether its range overlaps the interval,
    and `inside`, the one a report says: the value's, or for a figure with no value the
    range's."""
    low, high = interval
    value_inside = None if published is None else bool(low <= published <= high)
    range_overlaps = bool(published_range[0] <= high and low <= published_range[1])
    return {
        "value_inside": value_inside,
        "range_overlaps": range_overlaps,
        "inside": range_overlaps if value_inside is None else value_inside,
    }


def posterior_runs(
    result: CalibrationResult,
    case: str,
    scenario: Scenario,
    draws: int,
    trials: int,
    seed: int,
    run_seed: int,
    threads: int = 0,
) -> Iterator[tuple[Scenario, Results]]:
    """`draws` parameter sets from the posterior (drawn with `seed`; the parameters that only
    this case sets and the fit did not constrain drawn from their prior), each written into
    the case's key paths of `scenario` and run for its own `trials` trials, keeping every
    trial's counts: draw k runs trials k*trials.. of `run_seed`, so the draws together run
    trials 0..draws*trials of one seed. Yields each draw's scenario and results."""
    spec = result.spec
    rng = np.random.default_rng(seed)
    sets = result.draws(draws, seed=seed)
    for drawn in sets:
        drawn.update({p.name: p.value(float(rng.random())) for p in spec.prior_only(case)})
    for k, drawn in enumerate(sets):
        varied = spec.apply(scenario, case, drawn)
        yield varied, run(varied, trials=trials, seed=run_seed, threads=threads, first_trial=k * trials, per_trial=True)


def predictive(
    result: CalibrationResult, case: str, draws: int = 100, trials: int = 200, seed: int = 7, threads: int = 0
) -> dict[str, Any]:
    """The posterior predictive distribution of case `case`'s observables: `draws` parameter
    sets from the posterior (those that only this case sets and the fit did not constrain
    drawn from their prior), `trials` trials each (trials k*trials.. of the spec's seed for
    draw k). Per observable: mean, median and central interval (the spec's coverage) of the
    pooled trials; the share of trials within the published range; and whether the published
    figure falls inside the interval (the value where there is one, else the range overlapping
    it). Also the share of trials reproducing every observable at once."""
    spec = result.spec
    loaded = load_case(spec.case(case), spec)
    prior_only = spec.prior_only(case)
    pooled: list[list[np.ndarray]] = [[] for _ in loaded.observables]
    for scenario, res in posterior_runs(result, case, loaded.scenario, draws, trials, seed, spec.seed, threads):
        for j, o in enumerate(loaded.observables):
            pooled[j].append(np.asarray(per_trial(o, res, scenario), dtype=float))
    rows = []
    every = np.ones(draws * trials, dtype=bool)
    for o, parts in zip(loaded.observables, pooled):
        values = np.concatenate(parts)
        inside_range = np.asarray(o.contains(values), dtype=bool)
        every &= inside_range
        low, high = interval(values, spec.coverage)
        finite = values[np.isfinite(values)]
        rows.append(
            {
                "observable": o.name,
                "statistic": o.describe(),
                "definition": o.definition,
                "published": o.value,
                "range": [o.low, o.high],
                "mean": float(finite.mean()),
                "median": float(np.median(finite)),
                "interval": [low, high],
                "p_within_range": float(inside_range.mean()),
                **agreement(o.value, (o.low, o.high), (low, high)),
                "source": o.source,
            }
        )
    return {
        "case": case,
        # As the spec names it: a saved result holds no path of the machine it ran on.
        "config": loaded.case.named or loaded.case.config,
        "description": loaded.scenario.description,
        "fitted_to": [c.name for c in spec.fitted_cases],
        "left_out": case not in [c.name for c in spec.fitted_cases],  # left out, or a [[prediction]] case
        "draws": draws,
        "trials": trials,
        "seed": seed,
        "coverage": spec.coverage,
        "prior_only": [p.name for p in prior_only],
        "p_every_observable": float(every.mean()),
        "observables": rows,
    }


def report_predictive(prediction: dict[str, Any]) -> str:
    """A prediction as text."""
    coverage = int(round(prediction["coverage"] * 100))
    kind = "left out of the fit: predicted" if prediction["left_out"] else "in sample (fitted)"
    lines = [
        f"case {prediction['case']!r}, {kind} from {'+'.join(prediction['fitted_to'])}: "
        f"{prediction['draws']} posterior draws x {prediction['trials']} trials",
    ]
    if prediction["prior_only"]:
        lines.append(
            "  drawn from their prior (no fitted case constrains them): " + ", ".join(prediction["prior_only"])
        )
    lines.append(
        f"  {'observable':<26}{'published':>11}{'range':>22}{'mean':>12}{f'{coverage}% interval':>26}"
        f"{'P(in range)':>13}{'inside':>8}"
    )
    for row in prediction["observables"]:
        published = "-" if row["published"] is None else f"{row['published']:.4g}"
        lines.append(
            f"  {row['observable']:<26}{published:>11}{'[{:.4g}, {:.4g}]'.format(*row['range']):>22}"
            f"{row['mean']:>12.4g}{'[{:.4g}, {:.4g}]'.format(*row['interval']):>26}"
            f"{row['p_within_range']:>13.3f}{'yes' if row['inside'] else 'NO':>8}"
        )
    lines.append(f"  share of trials reproducing every observable at once: {prediction['p_every_observable']:.4f}")
    return "\n".join(lines)
