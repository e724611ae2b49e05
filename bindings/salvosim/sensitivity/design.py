"""A sensitivity analysis as a sweep: the factors (key paths with ranges), SALib's design of
points in their unit cube (Saltelli's for Sobol indices, trajectories for Morris screening),
and those points as a sweep of explicit points (mode "zip": point k takes the k-th value of
every axis) that runs in this process or is written out as a sweep file for `salvosim sweep`
(threads, MPI, shards and merge, docs/sweeps.md)."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._api import ProgressCallback, _integer, load
from .._core import Scenario, parse_key_path, provenance_text, set_key_path
from .._sweep import Axis, SweepResults, sweep
from ..calibrate.spec import unit_to_range
from .assumptions import assumptions, takes_integers

PathLike = str | os.PathLike[str]
METHODS = ("sobol", "morris")
PLAN_VERSION = 1


@dataclass(frozen=True)
class Factor:
    """An input of an analysis: the value at a key path (as a sweep axis names it), uniform
    over [low, high]; an integer key takes the integers low..high, each with an equal share."""

    path: str
    low: float
    high: float
    integer: bool = False

    def values(self, u: np.ndarray) -> np.ndarray:
        """The factor's values at positions u in [0, 1] of its range."""
        return unit_to_range(np.asarray(u, dtype=float), self.low, self.high, self.integer)


def _check(scenario: Scenario, factor: Factor) -> None:
    """A factor's path names a value of the scenario, its range is [low, high] with low < high
    (integers for an integer key), and the scenario keeps every rule at both ends."""
    head, _, _ = parse_key_path(factor.path)
    if head not in ("threat", "layer", "tier", "scenario"):
        raise ValueError(f"factor {factor.path}: a factor is a scenario value (threat., layer., tier., scenario.)")
    if not (math.isfinite(factor.low) and math.isfinite(factor.high)) or not factor.low < factor.high:
        raise ValueError(
            f"factor {factor.path}: its range must be [low, high] with low < high, got [{factor.low}, {factor.high}]"
        )
    if factor.integer and not (float(factor.low).is_integer() and float(factor.high).is_integer()):
        raise ValueError(
            f"factor {factor.path}: the key takes integers, so must its range, got [{factor.low}, {factor.high}]"
        )
    for end, value in (("low", factor.low), ("high", factor.high)):
        varied = scenario.copy()
        try:
            set_key_path(varied, factor.path, int(value) if factor.integer else float(value))
            varied.validate()
        except ValueError as error:
            raise type(error)(f"factor {factor.path}: at its {end} end {value:g}: {error}") from None


def factors_from(scenario: Scenario, given: Any = None) -> list[Factor]:
    """The factors an analysis takes, checked against the scenario: a dict {path: (low, high)},
    a list of Factor, a table of assumptions() (its rows with a range), or None: the
    assumptions with a range of the file the scenario was loaded from."""
    if given is None:
        if not scenario.source_name or not os.path.isfile(scenario.source_name):
            raise ValueError(
                "the scenario was not loaded from a file, so there are no `assumption:` ranges to read: "
                "pass factors={path: (low, high)}"
            )
        given = assumptions(scenario.source_name)
    if isinstance(given, pd.DataFrame):
        missing = {"key_path", "low", "high", "integer"} - set(given.columns)
        if missing:
            raise ValueError(f"a table of factors needs the columns of assumptions(); it lacks {sorted(missing)}")
        ranged = given[given["low"].notna() & given["high"].notna()]
        out = [Factor(r.key_path, float(r.low), float(r.high), bool(r.integer)) for r in ranged.itertuples()]
    elif isinstance(given, Mapping):
        out = []
        for path, bounds in given.items():
            if not isinstance(path, str) or not isinstance(bounds, Sequence) or len(bounds) != 2:
                raise TypeError(f"factors must map a key path to (low, high), got {path!r}: {bounds!r}")
            low, high = (float(b) for b in bounds)
            out.append(Factor(path, low, high, takes_integers(scenario, path, low)))
    elif isinstance(given, Iterable) and not isinstance(given, (str, bytes)):
        out = list(given)
        for f in out:
            if not isinstance(f, Factor):
                raise TypeError(f"factors must be Factor objects, got {f!r}")
    else:
        raise TypeError(f"factors must be a dict {{path: (low, high)}}, a list of Factor or a table, got {given!r}")
    if not out:
        raise ValueError("no factors: nothing has a range to vary")
    paths = [f.path for f in out]
    if len(set(paths)) != len(paths):
        raise ValueError(f"a factor is given twice: {sorted({p for p in paths if paths.count(p) > 1})}")
    for f in out:
        _check(scenario, f)
    return out


@dataclass
class Plan:
    """The points of an analysis: `unit` (points x factors) in [0, 1], SALib's design, and
    what each point runs (`trials` trials with the same `seed` everywhere: common random
    numbers, so that differences between points come from the factors). `n` is Saltelli's
    base sample N (Sobol, a power of 2: N (k + 2) points for k factors) or the trajectories
    (Morris: n (k + 1) points, on `levels` levels)."""

    method: str
    factors: tuple[Factor, ...]
    unit: np.ndarray
    base_text: str
    base_source: str
    n: int
    trials: int
    seed: int
    sample_seed: int
    levels: int = 4

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem: the unit cube, with the factors' key paths as names."""
        return {
            "num_vars": len(self.factors),
            "names": [f.path for f in self.factors],
            "bounds": [[0.0, 1.0]] * len(self.factors),
        }

    @property
    def values(self) -> np.ndarray:
        """(points, factors): the value each point sets at each key path."""
        return np.stack([f.values(self.unit[:, k]) for k, f in enumerate(self.factors)], axis=1)

    def axes(self) -> list[Axis]:
        values = self.values
        return [
            Axis(f.path, [int(v) for v in values[:, k]] if f.integer else [float(v) for v in values[:, k]])
            for k, f in enumerate(self.factors)
        ]

    def base(self) -> Scenario:
        return Scenario.from_toml_string(self.base_text, self.base_source)

    def run(self, *, threads: int = 0, progress: None | bool | ProgressCallback = None) -> SweepResults:
        """Run every point in this process (the same numbers as the written sweep file gives)."""
        return sweep(
            self.base(), self.axes(), trials=self.trials, seed=self.seed, mode="zip", threads=threads, progress=progress
        )

    def write(self, path: PathLike) -> None:
        """Write the analysis as a sweep file `path` (run it with `salvosim sweep PATH --out
        FILE.h5`, on MPI or in shards), its base scenario beside it (`<stem>.base.toml`) and
        the plan (`<stem>.plan.json`, for Plan.load and analyse). Each file appears whole."""
        path = os.fspath(path)
        stem = path[: -len(".toml")] if path.endswith(".toml") else path
        base_path, plan_path = f"{stem}.base.toml", f"{stem}.plan.json"
        lines = [
            "# A sensitivity analysis written by salvosim.sensitivity (docs/sensitivity.md): its points as",
            "# explicit values. Analyse the results with",
            f"# salvosim.sensitivity.analyse(Plan.load({os.path.basename(plan_path)!r}), results, statistic).",
            "[sweep]",
            f"name = {json.dumps(os.path.basename(stem))}",
            f"description = {json.dumps(self.describe())}",
            f"base = {json.dumps(os.path.basename(base_path))}",
            'mode = "zip"',
            f"trials = {self.trials}",
            f"seed = {self.seed}",
        ]
        for axis in self.axes():
            lines += [
                "",
                "[[axis]]",
                f"path = {json.dumps(axis.path)}",
                "values = [" + ", ".join(repr(v) for v in axis.values) + "]",
            ]
        # The base as the analysis holds it: its file's own text, comments and sources kept, while
        # the scenario is still true to it (else to_toml()'s).
        _write_whole(base_path, self.base_text)
        _write_whole(plan_path, json.dumps(self.to_dict(), indent=1))
        _write_whole(path, "\n".join(lines) + "\n")

    def describe(self) -> str:
        design = f"N = {self.n}" if self.method == "sobol" else f"{self.n} trajectories on {self.levels} levels"
        return (
            f"{self.method} analysis of {len(self.factors)} factors ({design}): {len(self.unit)} points x "
            f"{self.trials} trials, seed {self.seed}, design seed {self.sample_seed}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": PLAN_VERSION,
            "method": self.method,
            "factors": [{"path": f.path, "low": f.low, "high": f.high, "integer": f.integer} for f in self.factors],
            "unit": self.unit.tolist(),
            "base_text": self.base_text,
            "base_source": self.base_source,
            "n": self.n,
            "trials": self.trials,
            "seed": self.seed,
            "sample_seed": self.sample_seed,
            "levels": self.levels,
        }

    @classmethod
    def load(cls, path: PathLike) -> Plan:
        """A plan written by Plan.write."""
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("version") != PLAN_VERSION:
            raise ValueError(f"{os.fspath(path)}: not a sensitivity plan of version {PLAN_VERSION}")
        return cls(
            method=data["method"],
            factors=tuple(Factor(**f) for f in data["factors"]),
            unit=np.asarray(data["unit"], dtype=float),
            **{k: data[k] for k in ("base_text", "base_source", "n", "trials", "seed", "sample_seed", "levels")},
        )


def salib(module: str) -> Any:
    """A module of SALib, which only the analyses need (the `sensitivity` extra)."""
    import importlib

    try:
        return importlib.import_module(f"SALib.{module}")
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "salvosim.sensitivity needs SALib: pip install SALib (or salvosim[sensitivity])"
        ) from None


def _write_whole(path: str, text: str) -> None:
    """Write beside, then rename: the file appears only when complete."""
    partial = f"{path}.partial"
    with open(partial, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(partial, path)


def plan(
    scenario: Scenario | PathLike,
    method: str,
    factors: Any = None,
    *,
    n: int,
    trials: int = 1000,
    seed: int = 1,
    sample_seed: int = 1,
    levels: int = 4,
) -> Plan:
    """The points of a Sobol (`method="sobol"`, Saltelli's design of base size `n`, a power of
    2) or Morris (`"morris"`, `n` trajectories on `levels` levels) analysis of `factors` (see
    factors_from; default: the config's `assumption:` ranges) over a scenario."""
    morris_sample, sobol_sample = salib("sample.morris"), salib("sample.sobol")
    base = scenario if isinstance(scenario, Scenario) else load(scenario)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    n, trials, seed, sample_seed, levels = (
        _integer(name, value)
        for name, value in (
            ("n", n),
            ("trials", trials),
            ("seed", seed),
            ("sample_seed", sample_seed),
            ("levels", levels),
        )
    )
    chosen = factors_from(base, factors)
    problem = {"num_vars": len(chosen), "names": [f.path for f in chosen], "bounds": [[0.0, 1.0]] * len(chosen)}
    if method == "sobol":
        if n < 2 or n & (n - 1):
            below = 1 << max(1, n.bit_length() - 1)
            raise ValueError(
                f"n must be a power of 2 for Saltelli's design (a Sobol sequence), got {n}: try {below} or {below * 2}"
            )
        unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=sample_seed)
    else:
        if n < 2:
            raise ValueError(f"n (Morris trajectories) must be at least 2, got {n}")
        if levels < 2 or levels % 2:
            raise ValueError(f"levels must be an even number >= 2, got {levels}")
        unit = morris_sample.sample(problem, n, num_levels=levels, seed=sample_seed)
    return Plan(
        method,
        tuple(chosen),
        np.asarray(unit, dtype=float),
        provenance_text(base),
        base.source_name or "<python>",
        n,
        trials,
        seed,
        sample_seed,
        levels,
    )
