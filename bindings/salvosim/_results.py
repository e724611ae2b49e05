"""Results of a run: NumPy arrays with named dimensions (xarray), read and written as HDF5."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from . import _core, _display, _tables


@dataclass(frozen=True)
class RateEstimate:
    """An interception rate over trials (docs/model.md §4): the mean of the per-trial rate,
    its standard error, the 95% confidence interval of the mean, the median and the range
    of the middle 95% of trials, and how many trials the rate was defined in."""

    kind: str
    selection: str
    mean: float
    se: float
    ci95: tuple[float, float]
    median: float
    interval95: tuple[float, float]
    trials: int


class Results:
    """Statistics of a run. Every array of docs/hdf5-format.md's /summary is available as
    an xarray.DataArray with named dimensions (`res.fate_mean`, `res["rate_mean"]`), as a
    read-only NumPy view (`res.array("fate_mean")`), or all together (`res.to_xarray()`)."""

    def __init__(
        self,
        core: _core.Results,
        plan: _core.Plan | None = None,
        *,
        records: np.ndarray | None = None,
        fates: np.ndarray | None = None,
        intercept_layers: np.ndarray | None = None,
        tiers: np.ndarray | None = None,
    ) -> None:
        self._core = core
        self._plan = plan
        self._records = records
        self._fates = fates
        self._intercept_layers = intercept_layers
        self._tiers = tiers  # the tier each threat aimed at, with declared tiers

    # --- provenance and structure -------------------------------------------------------
    @property
    def info(self) -> dict[str, Any]:
        """Provenance: scenario name and text, seed, trial range, version, git commit."""
        return dict(self._core.info)

    @property
    def trials(self) -> int:
        return int(self._core.info["trials"])

    @property
    def names(self) -> list[str]:
        """The names of every array."""
        return list(self._core.array_names)

    @property
    def salvos(self) -> list[str]:
        """The salvos of a campaign of two salvos or more, in order (the labels of the `salvo`
        dimension of the salvo_* arrays; their threats are the selections "salvo:<name>");
        empty for a plain scenario or a campaign of one, whose arrays are the salvo's."""
        return list(self._core.coordinates.get("salvo", []))

    @property
    def tiers(self) -> list[str]:
        """The tiers a scenario declares ([[tier]]), in order (the labels of the `tier` dimension;
        the threats aimed at each are the selections "tier:<name>"); empty without declared tiers."""
        return list(self._core.coordinates.get("tier", []))

    @property
    def coords(self) -> dict[str, list[str] | np.ndarray]:
        """Each dimension's labels (selection, group, layer, fate, ...) or values (count,
        quantile as numbers: `.sel(quantile=0.05)`, ...)."""
        return coordinates(self._core)

    def array(self, name: str) -> np.ndarray:
        """The named array as a read-only NumPy view (no copy)."""
        self._check_name(name)
        return self._core.array(name)

    def dims(self, name: str) -> tuple[str, ...]:
        self._check_name(name)
        return tuple(self._core.dims(name))

    def __getitem__(self, name: str) -> xr.DataArray:
        """The named array with its dimensions, coordinates, units and description."""
        self._check_name(name)
        dims = self.dims(name)
        coords = coordinates(self._core)
        return xr.DataArray(
            self._core.array(name),
            dims=dims,
            coords={d: coords[d] for d in dims},
            name=name,
            attrs={"units": self._core.units(name), "long_name": self._core.description(name)},
        )

    def __getattr__(self, name: str) -> xr.DataArray:
        if name.startswith("_") or name not in self._core.array_names:
            raise AttributeError(f"Results has no attribute or array {name!r}")
        return self[name]

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._core.array_names))

    def _check_name(self, name: str) -> None:
        if name not in self._core.array_names:
            raise KeyError(f"no array named {name!r}; there are: {', '.join(self._core.array_names)}")

    # --- the statistics most people want ------------------------------------------------
    @property
    def fates(self) -> xr.DataArray:
        """Mean threats per trial of each fate, by selection (group, class:<name>, all)."""
        return self["fate_mean"]

    @property
    def damage(self) -> xr.DataArray:
        """Mean value-weighted damage per trial by selection: the sum over leaked threats of
        their tier's value (only for a scenario that declares tiers; damage_se is its SE)."""
        if "damage_mean" not in self._core.array_names:
            raise KeyError("no damage: the scenario declares no [[tier]] tables")
        return self["damage_mean"]

    @property
    def layers(self) -> xr.DataArray:
        """Mean per trial of each layer counter (engagements, fired, intercepts, missed ...)."""
        return self["layer_mean"]

    def rate(self, kind: str = "threatening", selection: str = "all") -> RateEstimate:
        """An interception rate: kind is "launched", "engaged" or "threatening"."""
        kinds = list(self._core.coordinates["rate"])
        selections = list(self._core.coordinates["selection"])
        if kind not in kinds:
            raise ValueError(f"kind must be one of {kinds}, got {kind!r}")
        if selection not in selections:
            raise KeyError(f"no selection {selection!r}; there are: {', '.join(selections)}")
        s, k = selections.index(selection), kinds.index(kind)
        quantiles = self.array("rate_quantile")[s, k]
        return RateEstimate(
            kind=kind,
            selection=selection,
            mean=float(self.array("rate_mean")[s, k]),
            se=float(self.array("rate_se")[s, k]),
            ci95=(float(self.array("rate_ci95_low")[s, k]), float(self.array("rate_ci95_high")[s, k])),
            median=float(quantiles[2]),
            interval95=(float(quantiles[0]), float(quantiles[4])),
            trials=int(self.array("rate_trials")[s, k]),
        )

    def summary(self) -> str:
        """The table `salvosim run` prints."""
        return str(self._core.table())

    def to_json(self) -> dict[str, Any]:
        """The object `salvosim run --json` prints."""
        return dict(json.loads(self._core.json()))

    def to_xarray(self) -> xr.Dataset:
        """Every array in one Dataset, with the provenance as attributes."""
        info = self.info
        attrs = {k: v for k, v in info.items() if k not in ("scenario_text", "precision")}
        if "precision" in info:  # a run to a precision target: as JSON, which netCDF attributes can hold
            attrs["precision"] = json.dumps(info["precision"])
        return xr.Dataset({name: self[name] for name in self.names}, attrs=attrs)

    def to_dataframe(self) -> pd.DataFrame:
        """The statistics per selection as a tidy table: one row per selection and statistic
        (kind "fate": threats per trial with each fate; "engaged"; "intercepts": by each
        layer; "rate": the interception rates), with mean, se, ci95_low, ci95_high (the 95%
        confidence interval of the mean) and units."""
        return _tables.tidy(self.__getitem__, _tables.SELECTION_FAMILIES, self.names)

    def layer_dataframe(self) -> pd.DataFrame:
        """The counters of each layer (engagements, fired, intercepts, missed ...) per trial as
        a tidy table: one row per layer and counter, with mean, se, ci95_low, ci95_high, units."""
        return _tables.tidy(self.__getitem__, _tables.LAYER_FAMILIES, self.names)

    def __repr__(self) -> str:
        return _display.results_repr(self)

    def _repr_html_(self) -> str:
        return _display.results_html(self)

    # --- per-trial data (opt-in) --------------------------------------------------------
    @property
    def per_trial(self) -> xr.Dataset | None:
        """Every trial's counts (run with per_trial=True), else None."""
        if self._records is None:
            return None
        coords = coordinates(self._core)
        records = self._records
        n = records.shape[0]
        # The blocks of a record as the C++ layout describes them (plan.hpp, /per_trial).
        data: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
        for block in self._plan_or_compile().record_blocks:
            start = block["offset"]
            data[block["name"]] = (
                ("trial",) + block["dims"],
                records[:, start : start + block["size"]].reshape((n,) + block["shape"]),
            )
        trial = np.arange(n, dtype=np.uint64) + np.uint64(self.info["first_trial"])
        names: dict[str, Any] = {"trial": trial}
        names.update({d: coords[d] for d in ("group", "fate", "layer", "layer_metric", "salvo", "tier") if d in coords})
        return xr.Dataset(data, coords=names)

    @property
    def per_threat(self) -> xr.Dataset | None:
        """Every threat's fate code and killing layer (-1: none) in every trial (run with
        per_threat=True), else None. Fate codes index coords["fate"] (also the variable's
        `flag_meanings`), layer codes coords["layer"]; with declared tiers, `target_tier` is the code
        of the tier each threat aimed at (coords["tier"]). Each threat is labelled with its group's
        name (`group`) and its index within the group (`index_in_group`).
        per_threat_dataframe() has the same with fates, layers and tiers as labels."""
        if self._fates is None or self._intercept_layers is None:
            return None
        n = self._fates.shape[0]
        trial = np.arange(n, dtype=np.uint64) + np.uint64(self.info["first_trial"])
        plan = self._plan_or_compile()
        coords = coordinates(self._core)
        group_of = np.asarray(plan.threat_group)
        fates, layers = list(coords["fate"]), list(coords["layer"])
        tiers: dict[str, Any] = {}
        if self._tiers is not None:
            names = list(coords["tier"])
            tiers["target_tier"] = (
                ("trial", "threat"),
                self._tiers,
                {"flag_values": list(range(len(names))), "flag_meanings": " ".join(names)},
            )
        return xr.Dataset(
            {
                **tiers,
                "fate": (
                    ("trial", "threat"),
                    self._fates,
                    {"flag_values": list(range(len(fates))), "flag_meanings": " ".join(fates)},
                ),
                "intercept_layer": (
                    ("trial", "threat"),
                    self._intercept_layers,
                    {"flag_values": list(range(len(layers))), "flag_meanings": " ".join(layers), "none": -1},
                ),
                "threat_group": (("threat",), group_of),
            },
            coords={
                "trial": trial,
                "group": ("threat", np.asarray(coords["group"], dtype=object)[group_of]),
                "index_in_group": ("threat", _tables.index_in_group(group_of)),
            },
            attrs={"fates": fates, "layers": layers, **({"tiers": list(coords["tier"])} if tiers else {})},
        )

    def per_threat_dataframe(self) -> pd.DataFrame | None:
        """Every threat in every trial as one row (run with per_threat=True), else None:
        trial, threat, group, index_in_group, target_tier (with declared tiers), fate and
        intercept_layer (NaN: none), the labels as pandas Categoricals (a byte a row, as the
        codes)."""
        if self._fates is None or self._intercept_layers is None:
            return None
        coords = coordinates(self._core)
        return _tables.per_threat_frame(
            self._fates,
            self._intercept_layers,
            int(self.info["first_trial"]),
            np.asarray(self._plan_or_compile().threat_group),
            list(coords["group"]),
            list(coords["fate"]),
            list(coords["layer"]),
            None if self._tiers is None else (self._tiers, list(coords["tier"])),
        )

    # --- files --------------------------------------------------------------------------
    def to_hdf5(self, path: str | os.PathLike[str]) -> None:
        """Write the results file (docs/hdf5-format.md), with per-trial data if kept. The file
        appears only when complete."""
        _core.write_results(
            os.fspath(path),
            self._plan_or_compile(),
            self._core,
            self._records,
            self._fates,
            self._intercept_layers,
            self._tiers,
        )

    def _plan_or_compile(self) -> _core.Plan:
        if self._plan is None:
            info = self.info
            self._plan = _core.compile(_core.Scenario.from_toml_string(info["scenario_text"], info["source_name"]))
        return self._plan


def coordinates(core: _core.Results) -> dict[str, Any]:
    """The summary's coordinates, with the quantile levels as numbers (the file stores their
    labels, "0.05"), so that `.sel(quantile=0.05)` works."""
    coords = dict(core.coordinates)
    if "quantile" in coords:
        coords["quantile"] = np.array([float(q) for q in coords["quantile"]])
    return coords


def _rows(f: Any, path: str, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The integer dataset `name` of `f`, checked to have `shape`: the C++ reader has checked the
    file's checksum and summary, but /per_trial and /per_threat are read here."""
    if name not in f:
        raise _core.BadFileError(f"{path}: missing dataset /{name}")
    dataset = f[name]
    if not hasattr(dataset, "dtype") or dataset.dtype.kind not in "iu":
        raise _core.BadFileError(f"{path}: /{name} is not a dataset of integers")
    if dataset.shape != shape:
        raise _core.BadFileError(f"{path}: /{name} has shape {dataset.shape}, expected {shape}")
    return np.asarray(dataset[()])


def read(path: str | os.PathLike[str]) -> Results:
    """Read a results file written by `salvosim run --out` or Results.to_hdf5, with its
    per-trial and per-threat data when it has them. Raises BadFileError for a file that is
    damaged or lacks what it needs (the message names the file and the path inside it)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    core = _core.read_results(path)
    plan = None
    records = fates = layers = tiers = None
    import h5py

    n = int(core.info["trials"])
    plan = None
    try:
        with h5py.File(path, "r") as f:
            if "per_trial" in f:
                plan = Results(core)._plan_or_compile()
                records = np.concatenate(
                    [
                        _rows(f, path, f"per_trial/{b['name']}", (n, *b["shape"])).reshape(n, -1)
                        for b in plan.record_blocks
                    ],
                    axis=1,
                ).astype(np.int64)
            if "per_threat" in f:
                fate = f["per_threat"].get("fate") if isinstance(f["per_threat"], h5py.Group) else None
                threats = fate.shape[1] if fate is not None and len(fate.shape) == 2 else -1
                fates = _rows(f, path, "per_threat/fate", (n, threats)).astype(np.int8)
                layers = _rows(f, path, "per_threat/intercept_layer", (n, threats)).astype(np.int16)
                if "tier" in core.coordinates:  # the tiers aimed at, written with declared tiers
                    tiers = _rows(f, path, "per_threat/target_tier", (n, threats)).astype(np.int8)
    except (OSError, KeyError, ValueError, TypeError) as error:  # h5py's ways of saying the file is bad
        raise _core.BadFileError(f"{path}: cannot read its per-trial data: {error}") from error
    return Results(core, plan, records=records, fates=fates, intercept_layers=layers, tiers=tiers)
