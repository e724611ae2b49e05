"""Published observables (salvosim.published): the `[published]` table as the loader keeps it,
and the simulated statistic each kind corresponds to, per trial and as a mean."""

from __future__ import annotations

import pathlib
from typing import Any

import numpy as np
import pytest

import salvosim
from salvosim import published

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"


def _with_published(*entries: dict[str, Any], description: str = "") -> salvosim.Scenario:
    """The example scenario with a [published] table of `entries` (loaded and validated)."""
    data = salvosim.to_dict(salvosim.load(EXAMPLE))
    data["published"] = {"description": description, "observable": list(entries)}
    return salvosim.from_dict(data)


def _observable(**keys: object) -> published.Observable:
    """One observable of the example scenario, through the loader."""
    entry = {"name": "x", "range": [0.0, 1.0], "definition": "count", "source": "test", **keys}
    return published.observables(_with_published(entry))[0]


@pytest.fixture(scope="module")
def run() -> tuple[salvosim.Scenario, salvosim.Results]:
    scenario = salvosim.load(EXAMPLE)
    return scenario, salvosim.run(scenario, trials=3000, seed=11, per_trial=True)


def test_the_loader_keeps_every_field() -> None:
    text = (
        EXAMPLE.read_text()
        + """
[published]
description = "a night"

[[published.observable]]
name = "impacts"
statistic = "fate"
selection = "class:ballistic"
fate = ["leaked_defended", "leaked_open"]
value = 4
range = [3, 9]
definition = "impacts"
source = "somewhere"
note = "why"

[[published.observable]]
name = "fired"
statistic = "layer"
layer = "upper-tier"
metric = "fired"
range = [0.5, 1.5]
definition = "count"
source = "elsewhere"
"""
    )
    scenario = salvosim.Scenario.from_toml_string(text)
    assert scenario.published.description == "a night"
    core = scenario.published.observables[0]
    assert (core.name, core.statistic, core.selection, core.fates, core.value, core.low, core.high) == (
        "impacts",
        "fate",
        "class:ballistic",
        ["leaked_defended", "leaked_open"],
        4.0,
        3.0,
        9.0,
    )
    assert (core.definition, core.source, core.note, core.layers, core.rate, core.metric) == (
        "impacts",
        "somewhere",
        "why",
        [],
        "",
        "",
    )
    o, single = published.observables(scenario)
    assert o.fates == ("leaked_defended", "leaked_open") and o.range == (3.0, 9.0) and o.value == 4.0
    assert o.describe() == "leaked_defended+leaked_open of class:ballistic"
    assert single.layers == ("upper-tier",) and single.value is None and single.selection == ""
    assert single.describe() == "fired by upper-tier"
    assert o.contains(3.0) and o.contains(9.0) and not o.contains(9.01)
    assert list(np.atleast_1d(o.contains(np.array([2.0, 5.0, np.nan])))) == [False, True, False]


def test_observables_in_config_order_and_none_without_the_table() -> None:
    scenario = _with_published(
        {"name": "b", "statistic": "cost", "range": [0, 1], "definition": "count", "source": "s"},
        {
            "name": "a",
            "statistic": "rate",
            "selection": "all",
            "rate": "engaged",
            "range": [0, 1],
            "definition": "engaged",
            "source": "s",
        },
    )
    assert [o.name for o in published.observables(scenario)] == ["b", "a"]
    assert published.observables(salvosim.load(EXAMPLE)) == []


def test_the_table_survives_to_toml_to_dict_and_copies() -> None:
    scenario = _with_published(
        {
            "name": "a",
            "statistic": "intercepts",
            "selection": "mrbm",
            "layer": ["upper-tier", "short-range"],
            "value": 2.5,
            "range": [1, 4],
            "definition": "count",
            "source": "s",
            "note": "n",
        },
        description="d",
    )
    expected = published.observables(scenario)
    for again in (
        salvosim.Scenario.from_toml_string(scenario.to_toml()),
        salvosim.from_dict(salvosim.to_dict(scenario)),
        scenario.copy(),
    ):
        assert published.observables(again) == expected and again.published.description == "d"


def test_a_broken_rule_is_a_config_error_with_its_key_path() -> None:
    with pytest.raises(salvosim.ConfigError, match='no layer "uper-tier".*did you mean "upper-tier"') as error:
        _observable(statistic="layer", layer="uper-tier", metric="fired")
    assert [p["key_path"] for p in error.value.problems] == ['published.observable[0] "x".layer']


def test_a_renamed_layer_leaves_a_dangling_observable_that_validate_reports() -> None:
    scenario = _with_published(
        {
            "name": "a",
            "statistic": "layer",
            "layer": "upper-tier",
            "metric": "fired",
            "range": [0, 1],
            "definition": "count",
            "source": "s",
        }
    )
    scenario.layer("upper-tier").name = "renamed"
    problems = scenario.problems()
    assert len(problems) == 1
    assert problems[0].endswith(
        'published.observable[0] "a".layer: no layer "upper-tier" (there are: "renamed", "short-range")'
    ), problems


@pytest.mark.parametrize(
    "keys",
    [
        {"statistic": "fate", "selection": "mrbm", "fate": "intercepted"},
        {"statistic": "fate", "selection": "all", "fate": ["leaked_defended", "leaked_open"]},
        {"statistic": "fate", "selection": "class:drone", "fate": ["launch_failure", "flight_failure"]},
        {"statistic": "rate", "selection": "all", "rate": "launched"},
        {"statistic": "rate", "selection": "mrbm", "rate": "engaged"},
        {"statistic": "rate", "selection": "class:drone", "rate": "threatening"},
        {"statistic": "intercepts", "selection": "mrbm", "layer": ["upper-tier", "short-range"]},
        {"statistic": "intercepts", "selection": "shahed", "layer": "short-range"},
        {"statistic": "layer", "layer": "upper-tier", "metric": "fired"},
        {"statistic": "layer", "layer": ["upper-tier", "short-range"], "metric": "missed_no_channel"},
        {"statistic": "cost"},
        {"statistic": "cost", "layer": "upper-tier"},
    ],
)
def test_mean_is_the_mean_of_the_per_trial_values(
    run: tuple[salvosim.Scenario, salvosim.Results], keys: dict[str, object]
) -> None:
    """Two independent routes to the same number: the summary arrays the kernel's tallies give,
    and the per-trial counts; rates are averaged over the trials that define them."""
    scenario, res = run
    o = _observable(**keys)
    values = published.per_trial(o, res, scenario)
    assert values.shape == (res.trials,)
    assert published.mean(o, res) == pytest.approx(np.nanmean(values), rel=1e-9, abs=1e-9)


def test_rates_match_their_definitions(run: tuple[salvosim.Scenario, salvosim.Results]) -> None:
    scenario, res = run
    assert res.per_trial is not None
    fates = res.per_trial["fates"].sum(dim="group")
    intercepted = fates.sel(fate="intercepted").values
    launched = fates.sum(dim="fate").values - fates.sel(fate="launch_failure").values
    expected = np.where(launched > 0, intercepted / np.maximum(launched, 1), np.nan)
    got = published.per_trial(_observable(statistic="rate", selection="all", rate="launched"), res, scenario)
    np.testing.assert_allclose(got, expected)
    assert res.rate("launched").mean == pytest.approx(np.nanmean(expected), rel=1e-9)


def test_definition_b_counts_only_impacts_in_defended_areas(run: tuple[salvosim.Scenario, salvosim.Results]) -> None:
    """(b), (launched − impacts) ÷ launched, per trial: a fall in open ground is not an impact
    (docs/model.md §8), and launched is what got off the ground, as rate_launched counts it."""
    scenario, res = run
    assert res.per_trial is not None
    fates = res.per_trial["fates"].sum(dim="group")
    launched = fates.sum(dim="fate").values - fates.sel(fate="launch_failure").values
    impacts = fates.sel(fate="leaked_defended").values
    assert fates.sel(fate="leaked_open").values.sum() > 0  # the scenario has open-ground falls to leave out
    got = published.rate_impacts(res, scenario)
    np.testing.assert_allclose(got, np.where(launched > 0, 1.0 - impacts / np.maximum(launched, 1), np.nan))
    drones = res.per_trial["fates"].sel(group="shahed")
    drones_launched = drones.sum(dim="fate").values - drones.sel(fate="launch_failure").values
    np.testing.assert_allclose(
        published.rate_impacts(res, scenario, "shahed"),
        np.where(
            drones_launched > 0,
            1.0 - drones.sel(fate="leaked_defended").values / np.maximum(drones_launched, 1),
            np.nan,
        ),
    )


def test_cost_is_fired_times_unit_cost(run: tuple[salvosim.Scenario, salvosim.Results]) -> None:
    scenario, res = run
    assert res.per_trial is not None
    fired = res.per_trial["layer_metrics"].sel(layer_metric="fired").values
    unit = np.array([layer.cost for layer in scenario.layers])
    got = published.per_trial(_observable(statistic="cost"), res, scenario)
    np.testing.assert_allclose(got, fired @ unit)


def test_per_trial_needs_per_trial_counts() -> None:
    scenario = salvosim.load(EXAMPLE)
    res = salvosim.run(scenario, trials=10, seed=1)
    with pytest.raises(ValueError, match="per_trial=True"):
        published.per_trial(_observable(statistic="cost"), res, scenario)


def test_table_compares_mean_and_interval_with_the_range(run: tuple[salvosim.Scenario, salvosim.Results]) -> None:
    scenario, res = run
    inside = _observable(name="in", statistic="fate", selection="all", fate="intercepted", range=[0, 1e6], value=1)
    outside = _observable(name="out", statistic="fate", selection="all", fate="intercepted", range=[-2, -1])
    rows = published.table([inside, outside], res, scenario)
    assert [r["within"] for r in rows] == [True, False]
    low, high = rows[0]["interval"]
    assert low <= rows[0]["simulated"] <= high
    assert rows[0]["statistic"] == "intercepted of all"


# --- the C++ evaluator (salvosim/published.hpp) against the per-trial counts ------------------


def _by_hand(o: published.Observable, res: salvosim.Results, scenario: salvosim.Scenario) -> np.ndarray:
    """The statistic in every trial from the per-trial Dataset with NumPy, written from
    docs/model.md §3 and §8 independently of the C++ evaluator."""
    data = res.per_trial
    assert data is not None
    groups, layers = [str(g) for g in data["group"].values], [str(x) for x in data["layer"].values]
    chosen = [layers.index(x) for x in o.layers] if o.layers else list(range(len(layers)))
    if o.selection == "all":
        members = list(range(len(groups)))
    elif o.selection.startswith("class:"):
        members = [k for k, g in enumerate(groups) if scenario.threat(g).threat_class == o.selection[6:]]
    elif o.selection.startswith("salvo:"):
        names = {t.name for t in scenario.salvo(o.selection[6:]).threats}
        members = [k for k, g in enumerate(groups) if g in names]
    elif o.selection.startswith("tier:"):
        members = []
    else:
        members = [groups.index(o.selection)] if o.selection else []
    fate = {name: k for k, name in enumerate(data["fate"].values)}
    counts = data["fates"].values[:, members, :].sum(axis=1)
    engaged = data["engaged"].values[:, members].sum(axis=1)
    intercepts = data["intercepts"].values[:, members][:, :, chosen].sum(axis=(1, 2))
    if o.selection.startswith("tier:"):  # drawn per trial: the per-trial tier datasets (docs/hdf5-format.md)
        t = [str(x) for x in data["tier"].values].index(o.selection[5:])
        counts = data["tier_fates"].values[:, t, :]
        engaged = data["tier_engaged"].values[:, t]
        intercepts = data["tier_intercepts"].values[:, t, chosen].sum(axis=1)
    if o.statistic == "fate":
        return counts[:, [fate[f] for f in o.fates]].sum(axis=1).astype(float)
    if o.statistic == "rate":
        intercepted = counts[:, fate["intercepted"]]
        denominator = {
            "launched": counts.sum(axis=1) - counts[:, fate["launch_failure"]],
            "engaged": engaged,
            "threatening": intercepted + counts[:, fate["leaked_defended"]],
        }[o.rate]
        return np.where(denominator > 0, intercepted / np.maximum(denominator, 1), np.nan)
    if o.statistic == "intercepts":
        return intercepts.astype(float)
    metric = list(data["layer_metric"].values).index(o.metric or "fired")
    metrics = data["layer_metrics"].values[:, chosen, metric]
    if o.statistic == "layer":
        return metrics.sum(axis=1).astype(float)
    return (metrics * np.array([scenario.layer(layers[k]).cost for k in chosen])).sum(axis=1)


def _every_statistic(res: salvosim.Results) -> list[published.Observable]:
    """Every statistic of every selection, and of every layer and of all layers together."""
    layers = tuple(str(x) for x in res.coords["layer"])
    out = []
    for s in res.coords["selection"]:
        out.append(
            published.Observable("f", "fate", 0, 1, "count", "s", selection=s, fates=("intercepted", "leaked_defended"))
        )
        out += [
            published.Observable("r", "rate", 0, 1, "count", "s", selection=s, rate=r)
            for r in ("launched", "engaged", "threatening")
        ]
        out.append(published.Observable("i", "intercepts", 0, 1, "count", "s", selection=s, layers=layers))
    out += [
        published.Observable("l", "layer", 0, 1, "count", "s", layers=(layer,), metric="missed_no_channel")
        for layer in layers
    ]
    out += [
        published.Observable("c", "cost", 0, 1, "count", "s"),
        published.Observable("c", "cost", 0, 1, "count", "s", layers=layers[:1]),
    ]
    return out


@pytest.mark.parametrize("config", ["example.toml", "campaign_example.toml", "true_promise_1.toml"])
def test_the_cpp_evaluator_agrees_with_the_per_trial_counts_bit_for_bit(config: str) -> None:
    scenario = salvosim.load(ROOT / "configs" / config)
    res = salvosim.run(scenario, trials=500, seed=3, per_trial=True)
    items = _every_statistic(res) + published.observables(scenario)
    assert any(o.selection.startswith("salvo:") for o in items) == (config == "campaign_example.toml")
    for o in items:
        got, expected = published.per_trial(o, res, scenario), _by_hand(o, res, scenario)
        assert got.dtype == np.float64 and got.tobytes() == expected.tobytes(), o


def test_results_read_from_a_file_give_the_same_values(
    run: tuple[salvosim.Scenario, salvosim.Results], tmp_path: pathlib.Path
) -> None:
    scenario, res = run
    res.to_hdf5(tmp_path / "run.h5")
    back = salvosim.read(tmp_path / "run.h5")
    for o in _every_statistic(res):
        np.testing.assert_array_equal(published.per_trial(o, back, scenario), published.per_trial(o, res, scenario))
        assert published.mean(o, back) == published.mean(o, res)


def test_an_observable_naming_what_the_results_lack_is_a_value_error(
    run: tuple[salvosim.Scenario, salvosim.Results],
) -> None:
    scenario, res = run
    o = published.Observable("x", "fate", 0, 1, "count", "s", selection="class:cruise", fates=("intercepted",))
    with pytest.raises(
        ValueError, match='published observable "x": selection "class:cruise" is not one of "shahed", "mrbm"'
    ):
        published.per_trial(o, res, scenario)
    with pytest.raises(ValueError, match='selection "class:cruise"'):
        published.mean(o, res)
    with pytest.raises(ValueError, match='layer "nowhere"'):
        published.mean(published.Observable("y", "cost", 0, 1, "count", "s", layers=("nowhere",)), res)
