"""Published observables (a scenario's `[published]` table) and the simulated statistic each
one corresponds to.

A published figure is compared with the statistic of the model it measures: a fate count of
a selection of threats, an interception rate under one of the three definitions, the
intercepts a layer made of a selection, a layer counter, or an interceptor cost. Published
figures describe one night, so the comparison is with the distribution of that statistic
over trials (`per_trial`), and a calibrated scenario reproduces a figure when the mean over
trials lies within the published range (`mean`).

The scenario loader reads and checks the table (docs/model.md §8 gives its rules):
`observables(scenario)` takes the observables from `scenario.published`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Optional, Union

import numpy as np

from . import _core
from ._api import load
from ._core import Scenario
from ._results import Results

#: The order of the fates, rates and layer counters in the results' arrays.
FATES, RATES, LAYER_METRICS = _core.FATE_NAMES, _core.RATE_NAMES, _core.LAYER_METRIC_NAMES  # names.hpp


@dataclass(frozen=True)
class Observable:
    """One published figure and the statistic it corresponds to.

    `statistic` is "fate", "rate", "intercepts", "layer" or "cost" (docs/model.md §8);
    `selection` (a group, "class:<name>" or "all") applies to fate, rate and intercepts; `fates` are summed for a fate count; `layers` are summed
    for intercepts, layer counters and cost (empty for cost: every layer); `metric` is the
    layer counter; `rate` the rate definition. `value` is the headline figure (None for a
    qualitative claim), `low`..`high` the published range the model must reproduce, and
    `definition` which meaning of the figure it is ("engaged", "impacts", "neutralized" or
    "count").
    """

    name: str
    statistic: str
    low: float
    high: float
    definition: str
    source: str
    value: Optional[float] = None
    selection: str = ""
    fates: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    metric: str = ""
    rate: str = ""
    note: str = ""

    @property
    def range(self) -> tuple[float, float]:
        return (self.low, self.high)

    def contains(self, x: Union[float, np.ndarray]) -> Union[bool, np.ndarray]:
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
        return f"interceptor cost of {layers}"


def observables(scenario: Scenario) -> list[Observable]:
    """The published observables of a scenario (its `[published]` table), in config order."""
    return [Observable(name=o.name, statistic=o.statistic, low=o.low, high=o.high, definition=o.definition,
                       source=o.source, value=o.value, selection=o.selection, fates=tuple(o.fates),
                       layers=tuple(o.layers), metric=o.metric, rate=o.rate, note=o.note)
            for o in scenario.published.observables]


def load_with_observables(path: Union[str, "os.PathLike[str]"]) -> tuple[Scenario, list[Observable]]:
    """A scenario file, loaded and validated with its `[published]` table, and its observables."""
    scenario = load(path)
    return scenario, observables(scenario)


def _selection_groups(selection: str, groups: Sequence[str], classes: Sequence[str], scenario: Scenario) -> list[int]:
    """The indices of the groups a selection ("all", a group, "class:<name>", "salvo:<name>") holds."""
    if selection == _core.SELECTION_ALL:
        return list(range(len(groups)))
    if selection.startswith(_core.SELECTION_CLASS_PREFIX):
        return [g for g, c in enumerate(classes) if c == selection[len(_core.SELECTION_CLASS_PREFIX):]]
    if selection.startswith(_core.SELECTION_SALVO_PREFIX):
        members = {threat.name for threat in scenario.salvo(selection[len(_core.SELECTION_SALVO_PREFIX):]).threats}
        return [g for g, name in enumerate(groups) if name in members]
    return [groups.index(selection)]


def _layer_indices(observable: Observable, layers: Sequence[str]) -> list[int]:
    return [layers.index(name) for name in observable.layers] if observable.layers else list(range(len(layers)))


def mean(observable: Observable, results: Results) -> float:
    """The mean over trials of the statistic the observable corresponds to."""
    coords = results.coords
    selections, layers = list(coords["selection"]), list(coords["layer"])
    chosen = _layer_indices(observable, layers)
    if observable.statistic == "fate":
        row = results.array("fate_mean")[selections.index(observable.selection)]
        return float(sum(row[FATES.index(f)] for f in observable.fates))
    if observable.statistic == "rate":
        return float(results.array("rate_mean")[selections.index(observable.selection), RATES.index(observable.rate)])
    if observable.statistic == "intercepts":
        return float(results.array("intercepts_mean")[selections.index(observable.selection), chosen].sum())
    if observable.statistic == "layer":
        return float(results.array("layer_mean")[chosen, LAYER_METRICS.index(observable.metric)].sum())
    return float(results.array("interceptor_cost_mean")[chosen].sum())


def per_trial(observable: Observable, results: Results, scenario: Scenario) -> np.ndarray:
    """The statistic in every trial (the run must keep per-trial counts: per_trial=True).
    A rate is NaN in a trial where its denominator is zero."""
    data = results.per_trial
    if data is None:
        raise ValueError("per_trial() needs the counts of every trial: run with per_trial=True")
    groups = [str(g) for g in data["group"].values]
    layers = [str(layer) for layer in data["layer"].values]
    classes = [scenario.threat(g).threat_class for g in groups]
    chosen = _layer_indices(observable, layers)
    if observable.statistic in ("fate", "rate", "intercepts"):
        members = _selection_groups(observable.selection, groups, classes, scenario)
        fates = data["fates"].values[:, members, :].sum(axis=1)  # (trial, fate)
    if observable.statistic == "fate":
        return fates[:, [FATES.index(f) for f in observable.fates]].sum(axis=1).astype(float)
    if observable.statistic == "rate":
        intercepted = fates[:, FATES.index("intercepted")].astype(float)
        if observable.rate == "launched":
            denominator = fates.sum(axis=1) - fates[:, FATES.index("launch_failure")]
        elif observable.rate == "engaged":
            denominator = data["engaged"].values[:, members].sum(axis=1)
        else:
            denominator = fates[:, FATES.index("intercepted")] + fates[:, FATES.index("leaked_defended")]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(denominator > 0, intercepted / np.maximum(denominator, 1), np.nan)
    if observable.statistic == "intercepts":
        return data["intercepts"].values[:, members][:, :, chosen].sum(axis=(1, 2)).astype(float)
    metrics = data["layer_metrics"].values[:, chosen, :]
    if observable.statistic == "layer":
        return metrics[:, :, LAYER_METRICS.index(observable.metric)].sum(axis=1).astype(float)
    costs = np.array([scenario.layer(layers[k]).cost for k in chosen])
    return (metrics[:, :, LAYER_METRICS.index("fired")] * costs).sum(axis=1).astype(float)


def interval(values: np.ndarray, coverage: float = 0.9) -> tuple[float, float]:
    """The central `coverage` range of per-trial values (NaN, an undefined rate, left out)."""
    finite = values[np.isfinite(values)]
    tail = (1.0 - coverage) / 2.0
    return float(np.quantile(finite, tail)), float(np.quantile(finite, 1.0 - tail))


def table(items: Iterable[Observable], results: Results, scenario: Scenario,
          coverage: float = 0.9) -> list[dict[str, Any]]:
    """One row per observable: published value and range, simulated mean and the central
    `coverage` range over trials, and whether the mean lies within the published range."""
    rows = []
    for observable in items:
        values = per_trial(observable, results, scenario)
        simulated = mean(observable, results)
        rows.append({"observable": observable.name, "statistic": observable.describe(),
                     "definition": observable.definition, "published": observable.value,
                     "range": observable.range, "simulated": simulated, "interval": interval(values, coverage),
                     "within": observable.contains(simulated), "source": observable.source})
    return rows
