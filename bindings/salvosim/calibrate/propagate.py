"""A scenario run over a calibration's posterior (`salvosim.run_posterior`): intervals that
hold what the calibration leaves open about its parameters as well as the luck of one night.
The draws and runs are the posterior predictive's (predictive.posterior_runs)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .. import published
from .._api import _integer, load
from .._core import Scenario
from .posterior import CalibrationResult
from .predictive import posterior_runs
from .spec import PathLike

QUANTILES = (0.05, 0.5, 0.95)


def _case_of(result: CalibrationResult, scenario: Scenario, case: str | None) -> str:
    """The case whose key paths the parameters are written into: `case`, or the one whose
    config file the scenario was loaded from."""
    names = [c.name for c in result.spec.cases]
    if case is not None:
        if case not in names:
            raise ValueError(f"the calibration has no case {case!r}; its cases are {names}")
        return case
    source = scenario.source_name
    for c in result.spec.cases:
        if source and os.path.isfile(source) and os.path.isfile(c.config) and os.path.samefile(source, c.config):
            return c.name
    raise ValueError(
        f"the scenario ({source or 'not from a file'}) is not the config of any case of the calibration "
        f"({', '.join(f'{c.name}: {c.config}' for c in result.spec.cases)}): "
        "pass case= to say whose parameters it takes"
    )


def run_posterior(
    scenario: Scenario | PathLike,
    calibration: CalibrationResult | PathLike,
    draws: int = 100,
    trials: int = 200,
    seed: int = 7,
    *,
    case: str | None = None,
    statistics: None | published.StatisticLike | Iterable[published.StatisticLike] = None,
    threads: int = 0,
) -> pd.DataFrame:
    """Run a scenario with its calibrated parameters drawn from a calibration's posterior (a
    stored posterior JSON, configs/calibration/*.posterior.json, or a CalibrationResult):
    `draws` parameter sets, each run for `trials` trials (draw k: trials k*trials.. of `seed`;
    the sets drawn with `seed` too). The scenario may be changed from its config (a larger
    magazine, another salvo): the parameters of `case` (default: the case whose config the
    scenario was loaded from) are written over it, nothing else.

    One row per statistic (default: the scenario's `[published]` observables; or names of them
    and salvosim.published.statistic(...)): over all draws x trials (the posterior predictive:
    parameter uncertainty and trial-to-trial luck together) the mean and the 5%, 50% and 95%
    quantiles; over the draws, the spread of each draw's mean (sd and 5%..95%), which is
    what the parameters alone leave open. A rate's undefined trials (NaN) are left out.
    With a posterior at one point, the predictive columns are those of one plain run of
    draws x trials trials of `seed` (tests/python/test_posterior_run.py)."""
    base = scenario if isinstance(scenario, Scenario) else load(scenario)
    result = calibration if isinstance(calibration, CalibrationResult) else CalibrationResult.load(calibration)
    draws, trials, seed = (_integer(n, v) for n, v in (("draws", draws), ("trials", trials), ("seed", seed)))
    if draws < 1 or trials < 1:
        raise ValueError(f"draws and trials must be at least 1, got draws={draws}, trials={trials}")
    chosen = _case_of(result, base, case)
    if statistics is None:
        items = published.observables(base)
        if not items:
            raise ValueError(
                "the scenario publishes no observables: pass statistics=[salvosim.published.statistic(...)]"
            )
    else:
        items = published.select(base, statistics)
    per_draw: list[list[np.ndarray]] = [[] for _ in items]
    for varied, res in posterior_runs(result, chosen, base, draws, trials, seed, seed, threads):
        for j, o in enumerate(items):
            per_draw[j].append(np.asarray(published.per_trial(o, res, varied), dtype=float))
    rows: list[dict[str, Any]] = []
    for o, parts in zip(items, per_draw):
        pooled = np.concatenate(parts)
        finite = pooled[np.isfinite(pooled)]
        if finite.size == 0:
            raise ValueError(f"{o.name} is undefined (NaN) in every trial")
        means = np.array([np.nanmean(p) if np.isfinite(p).any() else np.nan for p in parts])
        means = means[np.isfinite(means)]
        q = np.quantile(finite, QUANTILES)
        spread = np.quantile(means, (QUANTILES[0], QUANTILES[-1]))
        rows.append(
            {
                "statistic": o.name,
                "describe": o.describe(),
                "mean": float(finite.mean()),
                "q05": float(q[0]),
                "q50": float(q[1]),
                "q95": float(q[2]),
                "draw_mean_sd": float(means.std(ddof=1)) if means.size > 1 else 0.0,
                "draw_mean_q05": float(spread[0]),
                "draw_mean_q95": float(spread[1]),
            }
        )
    frame = pd.DataFrame(rows).set_index("statistic")
    frame.attrs = {"case": chosen, "draws": draws, "trials": trials, "seed": seed, "calibration": result.spec.name}
    return frame
