"""Sensitivity indices from a sweep's results: the statistic at every point (the published
evaluator's, salvosim.published), then SALib's estimators with their confidence intervals."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .. import published
from .._api import ProgressCallback
from .._core import Scenario
from .._sweep import SweepResults, read_sweep
from .design import PathLike, Plan, plan, salib

StatisticLike = published.StatisticLike


def point_values(plan_: Plan, results: SweepResults, statistic: published.Observable) -> np.ndarray:
    """The statistic's mean over trials at every point of the plan, in the design's order,
    after checking that the results are those of this plan's points."""
    info = results.info
    paths = [path for path, _, _ in info["axes"]]
    if paths != [f.path for f in plan_.factors]:
        raise ValueError(f"these results sweep {paths}, not the plan's factors {[f.path for f in plan_.factors]}")
    held = results._core.points
    if info["points"] != len(plan_.unit) or len(held) != len(plan_.unit):
        raise ValueError(
            f"the plan has {len(plan_.unit)} points, these results hold {len(held)} of a sweep of {info['points']}"
            + (": merge the shards first (salvosim merge)" if len(held) < info["points"] else "")
        )
    expected = plan_.values
    for k, point in enumerate(held):
        if point["index"] != k or point["trials"] != plan_.trials or point["seed"] != plan_.seed:
            raise ValueError(f"point {point['index']} of these results ran other trials or seed than the plan's")
        if not np.array_equal(np.asarray(point["values"], dtype=float), expected[k]):
            raise ValueError(f"point {k} of these results sets other values than the plan's: not this plan's sweep")
    values = np.array([published.mean(statistic, results.point(k)) for k in range(len(held))])
    if not np.all(np.isfinite(values)):
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise ValueError(f"{statistic.name} is undefined (NaN) at point {bad}: choose a statistic defined everywhere")
    return values


def analyse(
    plan_: Plan,
    results: SweepResults | PathLike,
    statistic: StatisticLike | Iterable[StatisticLike],
    *,
    confidence: float = 0.95,
    resamples: int = 1000,
) -> pd.DataFrame:
    """The plan's indices of each statistic from its sweep's results (run in process, or the
    file `salvosim sweep`/`merge` wrote). One row per factor (key path): for Sobol, S1, ST and
    the half-widths of their `confidence` intervals (SALib's bootstrap, `resamples` draws);
    for Morris, mu, mu_star, its interval's half-width, sigma (in the statistic's units per
    the factor's whole range). Several statistics: rows indexed by (statistic, factor)."""
    morris_analyze, sobol_analyze = salib("analyze.morris"), salib("analyze.sobol")

    if not isinstance(results, SweepResults):
        results = read_sweep(results)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    frames = {}
    for observable in published.select(plan_.base(), statistic):
        y = point_values(plan_, results, observable)
        if plan_.method == "sobol" and np.all(y == y[0]):
            warnings.warn(
                f"{observable.name} is {y[0]:g} at every point: its Sobol indices are undefined (NaN)", stacklevel=2
            )
            columns = {name: np.full(len(plan_.factors), np.nan) for name in ("S1", "S1_conf", "ST", "ST_conf")}
        elif plan_.method == "sobol":
            s = sobol_analyze.analyze(
                plan_.problem,
                y,
                calc_second_order=False,
                num_resamples=resamples,
                conf_level=confidence,
                seed=plan_.sample_seed,
            )
            columns = {"S1": s["S1"], "S1_conf": s["S1_conf"], "ST": s["ST"], "ST_conf": s["ST_conf"]}
        else:
            s = morris_analyze.analyze(
                plan_.problem,
                plan_.unit,
                y,
                num_resamples=resamples,
                conf_level=confidence,
                num_levels=plan_.levels,
                seed=plan_.sample_seed,
            )
            columns = {"mu": s["mu"], "mu_star": s["mu_star"], "mu_star_conf": s["mu_star_conf"], "sigma": s["sigma"]}
        frame = pd.DataFrame(
            {k: np.asarray(v, dtype=float) for k, v in columns.items()},
            index=pd.Index([f.path for f in plan_.factors], name="factor"),
        )
        frames[observable.name] = frame
    if len(frames) == 1:
        return next(iter(frames.values()))
    return pd.concat(frames, names=["statistic"])


def _one_call(
    method: str,
    scenario: Any,
    statistic: Any,
    factors: Any,
    n: int,
    trials: int,
    seed: int,
    sample_seed: int,
    threads: int,
    progress: Any,
    **kwargs: Any,
) -> pd.DataFrame:
    chosen = plan(scenario, method, factors, n=n, trials=trials, seed=seed, sample_seed=sample_seed, **kwargs)
    published.select(chosen.base(), statistic)  # a bad name fails before anything runs
    return analyse(chosen, chosen.run(threads=threads, progress=progress), statistic)


def sobol(
    scenario: Scenario | PathLike,
    statistic: StatisticLike | Iterable[StatisticLike],
    factors: Any = None,
    *,
    n: int = 64,
    trials: int = 1000,
    seed: int = 1,
    sample_seed: int = 1,
    threads: int = 0,
    progress: None | bool | ProgressCallback = None,
) -> pd.DataFrame:
    """Sobol indices (first-order S1 and total ST, with 95% intervals) of `statistic` over
    `factors` (default: the config's `assumption:` ranges), in this process: Saltelli's design
    of base size `n` (a power of 2; n (k + 2) points), `trials` trials per point. The same
    numbers as plan(...).write(), `salvosim sweep` and analyse()."""
    return _one_call("sobol", scenario, statistic, factors, n, trials, seed, sample_seed, threads, progress)


def morris(
    scenario: Scenario | PathLike,
    statistic: StatisticLike | Iterable[StatisticLike],
    factors: Any = None,
    *,
    n: int = 10,
    levels: int = 4,
    trials: int = 1000,
    seed: int = 1,
    sample_seed: int = 1,
    threads: int = 0,
    progress: None | bool | ProgressCallback = None,
) -> pd.DataFrame:
    """Morris screening (mu, mu_star with its 95% interval, sigma) of `statistic` over
    `factors` (default: the config's `assumption:` ranges), in this process: `n` trajectories
    on `levels` levels (n (k + 1) points), `trials` trials per point; rank factors by mu_star."""
    return _one_call(
        "morris", scenario, statistic, factors, n, trials, seed, sample_seed, threads, progress, levels=levels
    )
