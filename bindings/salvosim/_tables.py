"""Statistics as tidy pandas DataFrames: one row per (point,) selection and statistic, with its
mean, standard error, 95% confidence interval and units. Results and SweepResults share it:
both hand over a function that returns a named array with its dimensions (a sweep's lead)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from . import _core

GetArray = Callable[[str], xr.DataArray]


@dataclass(frozen=True)
class Family:
    """Arrays that hold one kind of statistic: `<prefix>_mean` and `<prefix>_se`, and the 95%
    interval arrays where the summary has them (rates); elsewhere the interval is
    mean -+ Z95 * se, the rule rate_ci95_* follow (results.hpp z95). `name_dim` is the
    dimension whose labels say which statistic a row is (none: the family's own name)."""

    kind: str
    prefix: str
    name_dim: str | None
    has_interval: bool = False


# The statistics per selection (docs/model.md §4.2 and §4.5), in the order of the summary table.
SELECTION_FAMILIES = (
    Family("fate", "fate", "fate"),
    Family("engaged", "engaged", None),
    Family("intercepts", "intercepts", "layer"),
    Family("rate", "rate", "rate", has_interval=True),
)
# The counters per layer (docs/model.md §4.3).
LAYER_FAMILIES = (Family("layer", "layer", "layer_metric"),)

STATISTIC_COLUMNS = ["mean", "se", "ci95_low", "ci95_high", "units"]


def _family_frame(get: GetArray, family: Family) -> pd.DataFrame:
    mean, se = get(f"{family.prefix}_mean"), get(f"{family.prefix}_se")
    if family.has_interval:
        low, high = get(f"{family.prefix}_ci95_low"), get(f"{family.prefix}_ci95_high")
    else:
        low, high = mean - _core.Z95 * se, mean + _core.Z95 * se
    data = xr.Dataset({"mean": mean, "se": se, "ci95_low": low, "ci95_high": high})
    frame = data.to_dataframe().reset_index()
    frame.insert(0, "kind", family.kind)
    if family.name_dim is None:
        frame["statistic"] = family.kind
    else:
        frame = frame.rename(columns={family.name_dim: "statistic"})
    frame["units"] = mean.attrs.get("units", "")
    return frame


def tidy(get: GetArray, families: Sequence[Family], names: Sequence[str]) -> pd.DataFrame:
    """The families present in `names` (a campaign's and a plain run's summaries differ),
    stacked: a sweep's dimensions and axis values first, then kind, the row's own labels
    (selection, layer), statistic, mean, se, ci95_low, ci95_high, units."""
    frames = [_family_frame(get, f) for f in families if f"{f.prefix}_mean" in names]
    frame = pd.concat(frames, ignore_index=True)
    first = [c for c in frame.columns if c not in ("kind", "statistic", *STATISTIC_COLUMNS)]
    labels = [c for c in ("selection", "layer") if c in first]
    leading = [c for c in first if c not in labels]
    frame = frame[[*leading, "kind", *labels, "statistic", *STATISTIC_COLUMNS]]
    for column in ("kind", *labels, "statistic"):  # labels, in the summary's order
        frame[column] = pd.Categorical(frame[column], categories=list(dict.fromkeys(frame[column])))
    return frame


def index_in_group(threat_group: np.ndarray) -> np.ndarray:
    """Each threat's index among the threats of its group (0, 1, ... in scenario order)."""
    group_of = np.asarray(threat_group, dtype=np.int64)
    index = np.zeros(group_of.shape, dtype=np.int64)
    for g in np.unique(group_of):
        members = group_of == g
        index[members] = np.arange(int(members.sum()))
    return index


def per_threat_frame(
    fates: np.ndarray,
    layers: np.ndarray,
    first_trial: int,
    threat_group: np.ndarray,
    groups: Sequence[str],
    fate_names: Sequence[str],
    layer_names: Sequence[str],
    tiers: tuple[np.ndarray, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """One row per trial and threat: trial, threat (its index in the scenario), group and
    index within the group, the tier it aimed at (`target_tier`, with declared tiers: `tiers` is
    the codes and the tier names), fate and the layer that killed it (Categoricals; NaN: none)."""
    trials, threats = fates.shape
    group_of = np.asarray(threat_group, dtype=np.int64)
    aimed: dict[str, Any] = {}
    if tiers is not None:
        codes, tier_names = tiers
        aimed["target_tier"] = pd.Categorical.from_codes(
            codes.reshape(-1).astype(np.int64), categories=list(tier_names)
        )
    return pd.DataFrame(
        {
            "trial": np.repeat(np.arange(trials, dtype=np.int64) + first_trial, threats),
            "threat": np.tile(np.arange(threats, dtype=np.int64), trials),
            "group": pd.Categorical.from_codes(np.tile(group_of, trials), categories=list(groups)),
            "index_in_group": np.tile(index_in_group(group_of), trials),
            **aimed,
            "fate": pd.Categorical.from_codes(fates.reshape(-1).astype(np.int64), categories=list(fate_names)),
            "intercept_layer": pd.Categorical.from_codes(
                layers.reshape(-1).astype(np.int64), categories=list(layer_names)
            ),
        }
    )
