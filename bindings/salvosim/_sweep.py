"""Sweeps from Python: run a scenario over axes of values in this process, or read a sweep
file, and get every statistic as labelled arrays over the sweep's dimensions (docs/sweeps.md)."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from . import _core, _display, _tables
from ._api import ProgressCallback, _integer, _progress_callback, load
from ._core import Scenario
from ._results import Results

PathLike = str | os.PathLike[str]
Scalar = int | float | str | bool


@dataclass(frozen=True)
class Axis:
    """One axis of a sweep: a key path into the scenario (`threat.mrbm.count`,
    `layer.upper-tier.engages.ballistic.pk`, `scenario.<key>`, or `trials` / `seed`), its
    values, and the name of its dimension in the results (the path if empty)."""

    path: str
    values: Iterable[Any]
    name: str = ""


def _scalar(value: Any, path: str) -> Scalar:
    """A plain Python scalar: NumPy's become int, float, bool or str."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        raise ValueError(f"axis {path}: the integer {value} does not fit in 64 bits")
    if isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"axis {path}: a value must be an int, float, str or bool, got {type(value).__name__} {value!r}")


def _core_axes(axes: Mapping[str, Iterable[Any]] | Iterable[Axis]) -> list[tuple[str, str, list[Scalar]]]:
    if isinstance(axes, Mapping):
        axes = [Axis(path, values) for path, values in axes.items()]
    out: list[tuple[str, str, list[Scalar]]] = []
    for axis in axes:
        if not isinstance(axis, Axis):
            raise TypeError(f"axes must be a dict {{path: values}} or a list of salvosim.Axis, got an item {axis!r}")
        if not isinstance(axis.path, str) or not isinstance(axis.name, str):
            raise TypeError(f"an axis path and name must be strings, got {axis.path!r} and {axis.name!r}")
        if isinstance(axis.values, (str, bytes)) or not isinstance(axis.values, Iterable):
            raise TypeError(f"axis {axis.path}: values must be a list, range or array, got {axis.values!r}")
        if isinstance(axis.values, np.ndarray) and axis.values.ndim != 1:
            raise TypeError(
                f"axis {axis.path}: values must be one-dimensional, got an array of shape {axis.values.shape}"
            )
        values = axis.values.tolist() if isinstance(axis.values, np.ndarray) else axis.values
        out.append((axis.path, axis.name, [_scalar(v, axis.path) for v in values]))
    if not out:
        raise ValueError("a sweep needs at least one axis")
    return out


class SweepResults:
    """The statistics of every point of a sweep. Each array of a results file's summary is an
    xarray.DataArray over the sweep's dimensions first, then its own (`s.fate_mean`,
    `s["rate_mean"]`, all together `s.to_xarray()`): a grid has one dimension per axis,
    labelled with the axis's values; a zip, a Latin hypercube or a shard has one dimension
    `point`, with each axis's values as a coordinate over it."""

    def __init__(self, core: _core.SweepResults) -> None:
        self._core = core
        self._summary = Results(core.summary)
        self._positions: dict[int, int] | None = None  # point index -> position among those held

    @property
    def info(self) -> dict[str, Any]:
        """What the sweep is: name, mode, axes [(path, dimension, values)], points, shard,
        sweep_id, the sweep's and the base scenario's text, ranks."""
        return dict(self._core.info)

    @property
    def dims(self) -> tuple[str, ...]:
        """The sweep's dimensions, which lead every array."""
        return tuple(self._core.sweep_dims)

    @property
    def names(self) -> list[str]:
        return self._summary.names

    @property
    def points(self) -> xr.Dataset:
        """One row per point: its seed, trials, full scenario (TOML) and each axis's value."""
        points = self._core.points
        data: dict[str, Any] = {
            "seed": ("point", np.array([p["seed"] for p in points], dtype=np.uint64)),
            "trials": ("point", np.array([p["trials"] for p in points], dtype=np.int64)),
            "scenario": ("point", np.array([p["scenario"] for p in points], dtype=object)),
        }
        data.update({dim: ("point", values) for dim, values in _axis_columns(points, self.info["axes"]).items()})
        return xr.Dataset(data, coords={"point": np.array([p["index"] for p in points], dtype=np.int64)})

    def scenario(self, point: int) -> Scenario:
        """The scenario that ran at a point (its index in `points`)."""
        for p in self._core.points:
            if p["index"] == point:
                return Scenario.from_toml_string(p["scenario"], f"<sweep point {point}>")
        raise KeyError(f"no point {point} in this sweep; there are {len(self._core.points)}")

    def point(self, point: int) -> Results:
        """The statistics of one point (its index in `points`) as one run's Results: the
        arrays without the sweep's dimensions, which salvosim.published evaluates an
        observable on as it does a run's."""
        if self._positions is None:  # the points list is built anew at each access: once here
            self._positions = {p["index"]: k for k, p in enumerate(self._core.points)}
        if point not in self._positions:
            raise KeyError(f"no point {point} in this sweep; it holds {len(self._positions)}")
        return Results(self._core.point_results(self._positions[point]))

    def __getitem__(self, name: str) -> xr.DataArray:
        array = self._summary[name]
        if self.dims == ("point",):  # each axis's values over `point`, as the file has them
            points = self.points
            extra = {dim: points[dim] for _, dim, _ in self.info["axes"] if dim in points}
            array = array.assign_coords(extra)
        return array

    def __getattr__(self, name: str) -> xr.DataArray:
        if name.startswith("_") or name not in self._core.summary.array_names:
            raise AttributeError(f"SweepResults has no attribute or array {name!r}")
        return self[name]

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.names))

    def to_xarray(self) -> xr.Dataset:
        """Every array in one Dataset, with the sweep's provenance as attributes."""
        info = self.info
        attrs = {k: info[k] for k in ("name", "description", "mode", "points", "sweep_id", "ranks")}
        attrs["shard"] = list(info["shard"])
        return xr.Dataset({name: self[name] for name in self.names}, attrs=attrs)

    def to_hdf5(self, path: PathLike) -> None:
        """Write the sweep file `salvosim sweep --out` writes (docs/sweeps.md); it appears only
        when complete."""
        _core.write_sweep(os.fspath(path), self._core)

    def to_dataframe(self) -> pd.DataFrame:
        """The statistics per selection at every point as a tidy table: the sweep's
        dimensions and each axis's values first, then one row per selection and statistic as
        Results.to_dataframe() has them (kind, selection, statistic, mean, se, ci95_low,
        ci95_high, units)."""
        return _tables.tidy(self.__getitem__, _tables.SELECTION_FAMILIES, self.names)

    def layer_dataframe(self) -> pd.DataFrame:
        """The counters of each layer at every point as a tidy table (Results.layer_dataframe)."""
        return _tables.tidy(self.__getitem__, _tables.LAYER_FAMILIES, self.names)

    def __repr__(self) -> str:
        return _display.sweep_repr(self)

    def _repr_html_(self) -> str:
        return _display.sweep_html(self)


def _axis_columns(points: list[dict[str, Any]], axes: Iterable[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """Each point's value on each axis (`axes`: (path, dimension, ...) in order), a list by
    dimension. An axis of `seed` or `trials` has no column of its own: its values are the
    points' seed and trials, columns of SweepResults.points and SweepPlan.points already."""
    return {
        axis[1]: [p["values"][k] for p in points] for k, axis in enumerate(axes) if axis[0] not in ("seed", "trials")
    }


def _sweep_spec(
    base: Scenario | PathLike | Mapping[str, Any],
    axes: None | Mapping[str, Iterable[Any]] | Iterable[Axis],
    trials: int | None,
    seed: int | None,
    mode: str | None,
    caller: str,
) -> _core.SweepSpec:
    """The sweep that sweep() and plan_sweep() (`caller`) are given: a sweep file alone, or a
    base and axes."""
    if axes is None:
        if not isinstance(base, (str, os.PathLike)):
            raise TypeError(f"{caller}() takes a base scenario and axes, or the path of a sweep file alone")
        given = [name for name, value in (("trials", trials), ("seed", seed), ("mode", mode)) if value is not None]
        if given:
            raise TypeError(f"a sweep file sets {', '.join(given)} itself: edit the file, or pass a base and axes")
        spec = _core.load_sweep_file(os.fspath(base))
    else:
        scenario = base if isinstance(base, Scenario) else load(base)
        trials = _integer("trials", 10_000 if trials is None else trials)
        seed = _integer("seed", 1 if seed is None else seed)
        mode = "grid" if mode is None else mode
        if mode not in ("grid", "zip"):
            raise ValueError(
                f'mode must be "grid" or "zip" (a Latin hypercube is described in a sweep file), got {mode!r}'
            )
        spec = _core.make_sweep(
            _core.provenance_text(scenario), scenario.source_name or "<python>", _core_axes(axes), mode, trials, seed
        )
    return spec


def sweep(
    base: Scenario | PathLike | Mapping[str, Any],
    axes: None | Mapping[str, Iterable[Any]] | Iterable[Axis] = None,
    *,
    trials: int | None = None,
    seed: int | None = None,
    mode: str | None = None,
    threads: int = 0,
    progress: None | bool | ProgressCallback = None,
) -> SweepResults:
    """Run a sweep in this process and return its statistics as labelled arrays.

    Either a base scenario (a Scenario, a scenario file or a dict) and its axes, a dict
    {path: values} or a list of Axis (to name the dimensions), combined by `mode` "grid"
    (every combination, the default) or "zip" (the i-th values together), with `trials`
    per point (default 10,000) and one `seed` for every point (default 1); or the path of a
    sweep file alone (docs/sweeps.md: ranges, linspaces, random samples, Latin hypercubes),
    which says all of that itself. Every point is checked by the rules of a scenario before
    anything runs (ConfigError names the axis and the point). The results equal those of
    `salvosim sweep` on the same sweep, byte for byte, whatever `threads` is (0: every
    core). `progress` is True for a tqdm bar, or a callable(points_done, points_total) that
    may return False to stop (RunCancelled); Ctrl-C stops with KeyboardInterrupt.
    """
    spec = _sweep_spec(base, axes, trials, seed, mode, "sweep")
    threads = _integer("threads", threads)

    callback, close = _progress_callback(progress, 0, "point")  # the total is known once points are made
    try:
        return SweepResults(_core.run_sweep(spec, threads, callback))
    finally:
        close()


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep would cost before it runs (plan_sweep; `salvosim sweep --dry-run`): every
    point with its estimated seconds, from a few points timed on `threads` and scaled by each
    point's cost (threats x the layers that engage them x trials), and the fewest shards
    (`salvosim sweep FILE --shard I/N`, a Slurm job array) of at most `target_seconds` each."""

    name: str
    points: pd.DataFrame  # one row a point: its axis values, seed, trials and estimated_seconds
    threads: int
    timed_points: list[int]  # the points timed (at most three: the cheapest, the median, the dearest)
    timing_seconds: float  # spent timing them
    target_seconds: float
    shards: int
    shard_seconds: list[float]  # the estimated time of each shard
    fits: bool  # False: even one point a shard takes longer than target_seconds

    @property
    def total_seconds(self) -> float:
        """The estimated time of the whole sweep in one process on `threads` threads."""
        return float(self.points["estimated_seconds"].sum())

    def __str__(self) -> str:
        count = len(self.points)
        lines = [
            f"sweep {self.name!r}: {count} point{'s' if count != 1 else ''}, each valid",
            f"estimated {self.total_seconds:.4g} s on {self.threads} thread{'s' if self.threads != 1 else ''} "
            f"(points {', '.join(map(str, self.timed_points))} timed in {self.timing_seconds:.3g} s)",
            f"for at most {self.target_seconds:.4g} s a task: {self.shards} shard{'s' if self.shards != 1 else ''}, "
            f"the longest {max(self.shard_seconds):.4g} s",
        ]
        if not self.fits:
            lines.append("(even one point a shard takes longer than that: raise target_hours, or use more threads)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return _display.sweep_plan_html(self)


def plan_sweep(
    base: Scenario | PathLike | Mapping[str, Any],
    axes: None | Mapping[str, Iterable[Any]] | Iterable[Axis] = None,
    *,
    trials: int | None = None,
    seed: int | None = None,
    mode: str | None = None,
    threads: int = 0,
    target_hours: float = 4.0,
) -> SweepPlan:
    """What sweep() would cost, without running it: every point checked by the rules of a
    scenario (ConfigError as sweep() raises it), a few timed on `threads` (0: every core; about
    a second in all) and every point's time estimated from them, and the fewest shards of at
    most `target_hours` each, as `salvosim sweep --dry-run --target-hours` plans them. Takes the
    sweep as sweep() does: a sweep file alone, or a base scenario and axes."""
    spec = _sweep_spec(base, axes, trials, seed, mode, "plan_sweep")
    threads = _integer("threads", threads)
    if isinstance(target_hours, bool) or not isinstance(target_hours, numbers.Real):
        raise TypeError(f"target_hours must be a number of hours, got {type(target_hours).__name__}")
    try:
        target_seconds = float(target_hours) * 3600.0
    except OverflowError:
        target_seconds = math.inf  # refused below as not finite, with the value named
    planned = _core.plan_sweep(spec, threads, target_seconds)
    planned_points = planned["points"]
    columns: dict[str, Any] = _axis_columns(planned_points, planned["axes"])
    columns["seed"] = np.array([p["seed"] for p in planned_points], dtype=np.uint64)
    columns["trials"] = np.array([p["trials"] for p in planned_points], dtype=np.int64)
    columns["estimated_seconds"] = np.asarray(planned["point_seconds"], dtype=float)
    index = pd.Index([p["index"] for p in planned_points], name="point")
    points = pd.DataFrame(columns, index=index)
    return SweepPlan(
        name=planned["name"],
        points=points,
        threads=int(planned["threads"]),
        timed_points=list(planned["timed_points"]),
        timing_seconds=float(planned["timing_seconds"]),
        target_seconds=target_seconds,
        shards=int(planned["shards"]),
        shard_seconds=list(planned["shard_seconds"]),
        fits=bool(planned["fits"]),
    )


def read_sweep(path: PathLike) -> SweepResults:
    """Read a sweep file written by `salvosim sweep`, `salvosim merge` or SweepResults.to_hdf5."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    return SweepResults(_core.read_sweep(path))
