"""Published observables (a scenario's `[published]` table) and the simulated statistic each
one corresponds to.

A published figure is compared with the statistic of the model it measures: a fate count of
a selection of threats, an interception rate under one of the three definitions, the
intercepts a layer made of a selection, a layer counter, or an interceptor cost. Published
figures describe one night, so the comparison is with the distribution of that statistic
over trials (`per_trial`), and a calibrated scenario reproduces a figure when the mean over
trials lies within the published range (`mean`).

The scenario loader reads and checks the table (docs/model.md §8 gives its rules):
`observables(scenario)` takes the observables from `scenario.published`. The statistics are
evaluated in C++ (core/include/salvosim/published.hpp), from the same selections, per-trial
records and rate definitions as the kernel's own tallies.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import _core
from ._api import load
from ._core import Scenario
from ._results import Results


@dataclass(frozen=True)
class Observable:
    """One published figure and the statistic it corresponds to.

    `statistic` is "fate", "rate", "intercepts", "layer", "cost" or "damage" (docs/model.md §8);
    `selection` (a group, "class:<name>", "salvo:<name>", "tier:<name>" or "all") applies to
    fate, rate, intercepts and damage (the value-weighted damage, with declared tiers);
    `fates` are summed for a fate count; `layers` are summed for intercepts, layer counters
    and cost (empty for cost: every layer); `metric` is the layer counter; `rate` the rate
    definition. `value` is the headline figure (None for a qualitative claim), `low`..`high`
    the published range the model must reproduce, and
    `definition` which meaning of the figure it is ("engaged", "impacts", "neutralized" or
    "count").
    """

    name: str
    statistic: str
    low: float
    high: float
    definition: str
    source: str
    value: float | None = None
    selection: str = ""
    fates: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    metric: str = ""
    rate: str = ""
    note: str = ""

    @property
    def range(self) -> tuple[float, float]:
        return (self.low, self.high)

    def contains(self, x: float | np.ndarray) -> bool | np.ndarray:
        """Whether a value (or each of an array of values) lies within the published range."""
        inside = np.logical_and(np.asarray(x) >= self.low, np.asarray(x) <= self.high)
        return bool(inside) if np.ndim(inside) == 0 else inside

    def describe(self) -> str:
        """The statistic in words, e.g. "leaked_defended of all" or "fired by ship-upper-tier"."""
        layers = "+".join(self.layers) or "all layers"
        if self.statistic == "fate":
            return f"{'+'.join(self.fates)} of {self.selection}"
        if self.statistic == "rate":
            return f"rate_{self.rate} of {self.selection}"
        if self.statistic == "intercepts":
            return f"intercepts of {self.selection} by {layers}"
        if self.statistic == "layer":
            return f"{self.metric} by {layers}"
        if self.statistic == "damage":
            return f"damage of {self.selection}"
        return f"interceptor cost of {layers}"

    def _to_core(self) -> _core.PublishedObservable:
        """The observable as the C++ evaluator takes it."""
        return _core.PublishedObservable(
            name=self.name,
            statistic=self.statistic,
            selection=self.selection,
            fates=list(self.fates),
            rate=self.rate,
            layers=list(self.layers),
            metric=self.metric,
            value=self.value,
            low=self.low,
            high=self.high,
            definition=self.definition,
            source=self.source,
            note=self.note,
        )


def statistic(
    statistic: str,
    selection: str = "",
    *,
    fates: Iterable[str] = (),
    layers: Iterable[str] = (),
    metric: str = "",
    rate: str = "",
    name: str = "",
) -> Observable:
    """A statistic in the terms of a `[published]` observable, without a published figure:
    `statistic("fate", "class:ballistic", fates=["leaked_defended"])`,
    `statistic("rate", "all", rate="threatening")`, `statistic("layer", layers=["thaad"],
    metric="fired")`, `statistic("damage", "all")`. The C++ evaluator checks the names when it
    is evaluated. `name` defaults to the statistic in words (Observable.describe)."""
    observable = Observable(
        name=name,
        statistic=statistic,
        low=0.0,
        high=0.0,
        definition="count",
        source="",
        selection=selection,
        fates=tuple(fates),
        layers=tuple(layers),
        metric=metric,
        rate=rate,
    )
    return observable if name else replace(observable, name=observable.describe())


def observables(scenario: Scenario) -> list[Observable]:
    """The published observables of a scenario (its `[published]` table), in config order."""
    return [
        Observable(
            name=o.name,
            statistic=o.statistic,
            low=o.low,
            high=o.high,
            definition=o.definition,
            source=o.source,
            value=o.value,
            selection=o.selection,
            fates=tuple(o.fates),
            layers=tuple(o.layers),
            metric=o.metric,
            rate=o.rate,
            note=o.note,
        )
        for o in scenario.published.observables
    ]


StatisticLike = str | Observable


def select(scenario: Scenario, statistics: StatisticLike | Iterable[StatisticLike]) -> list[Observable]:
    """The statistics asked for: Observables (`statistic` builds one) as they are, and names of
    the scenario's `[published]` observables (a name it does not publish: ValueError, with
    the nearest one)."""
    items = [statistics] if isinstance(statistics, (str, Observable)) else list(statistics)
    if not items:
        raise ValueError("no statistic given")
    known = {o.name: o for o in observables(scenario)}
    out = []
    for item in items:
        if isinstance(item, Observable):
            out.append(item)
        elif isinstance(item, str):
            if item not in known:
                hint = _core.did_you_mean(item, list(known))
                raise ValueError(
                    f"no published observable named {item!r}{hint}; the scenario publishes: "
                    f"{', '.join(known) or 'none'}. Any other statistic: salvosim.published.statistic(...)"
                )
            out.append(known[item])
        else:
            raise TypeError(f"a statistic is an observable's name or a salvosim.published.Observable, got {item!r}")
    return out


def load_with_observables(path: str | os.PathLike[str]) -> tuple[Scenario, list[Observable]]:
    """A scenario file, loaded and validated with its `[published]` table, and its observables."""
    scenario = load(path)
    return scenario, observables(scenario)


def mean(observable: Observable, results: Results) -> float:
    """The mean over trials of the statistic the observable corresponds to (a rate: over the
    trials that define it), from the results' summary arrays."""
    return float(_core.published_mean(observable._to_core(), results._core))


def per_trial(observable: Observable, results: Results, scenario: Scenario) -> np.ndarray:
    """The statistic in every trial (the run must keep per-trial counts: per_trial=True).
    A rate is NaN in a trial where its denominator is zero. `scenario` is the one run; it is
    compiled again only for results read from a file."""
    records = results._records
    if records is None:
        raise ValueError("per_trial() needs the counts of every trial: run with per_trial=True")
    plan = results._plan if results._plan is not None else _core.compile(scenario)
    return _core.published_trial_values(observable._to_core(), plan, records)


def interval(values: np.ndarray, coverage: float = 0.9) -> tuple[float, float]:
    """The central `coverage` range of per-trial values (NaN, an undefined rate, left out)."""
    finite = values[np.isfinite(values)]
    tail = (1.0 - coverage) / 2.0
    return float(np.quantile(finite, tail)), float(np.quantile(finite, 1.0 - tail))


def table(
    items: Iterable[Observable], results: Results, scenario: Scenario, coverage: float = 0.9
) -> list[dict[str, Any]]:
    """One row per observable: published value and range, simulated mean and the central
    `coverage` range over trials, and whether the mean lies within the published range."""
    rows = []
    for observable in items:
        values = per_trial(observable, results, scenario)
        simulated = mean(observable, results)
        rows.append(
            {
                "observable": observable.name,
                "statistic": observable.describe(),
                "definition": observable.definition,
                "published": observable.value,
                "range": observable.range,
                "simulated": simulated,
                "interval": interval(values, coverage),
                "within": observable.contains(simulated),
                "source": observable.source,
            }
        )
    return rows


def rate_impacts(results: Results, scenario: Scenario, selection: str = "all") -> np.ndarray:
    """The interception rate of definition (b), per trial: (launched − impacts) ÷ launched,
    where impacts are the selection's threats that reached a defended area (`leaked_defended`,
    docs/model.md §8: a fall in open ground is not an impact) and launched are those that got
    off the ground (every fate but `launch_failure`, as `rate_launched` counts them, §4.5).
    Both counts are the published evaluator's, so a figure of kind (b) is evaluated here and
    nowhere else. NaN in a trial where nothing was launched. Needs per_trial=True."""

    def count(name: str, fates: tuple[str, ...]) -> np.ndarray:
        probe = statistic("fate", selection, fates=fates, name=name)
        return np.asarray(per_trial(probe, results, scenario), dtype=float)

    impacts = count("impacts", ("leaked_defended",))
    launched = count("launched", tuple(f for f in _core.FATE_NAMES if f != "launch_failure"))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(launched > 0, 1.0 - impacts / launched, np.nan)
