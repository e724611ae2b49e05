"""For the analyst in a notebook: results as tidy DataFrames, numeric quantiles, labelled
per-threat data, displays of scenarios and results, mappings indexed by name, adding and
removing layers and threat groups, and docstrings that state units and ranges."""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

import salvosim
from salvosim import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"
CAMPAIGN = ROOT / "configs" / "campaign_example.toml"


@pytest.fixture
def scenario() -> salvosim.Scenario:
    return salvosim.load(EXAMPLE)


@pytest.fixture(scope="module")
def results() -> salvosim.Results:
    return salvosim.run(salvosim.load(EXAMPLE), trials=400, seed=3, per_threat=True)


# --- DataFrames ------------------------------------------------------------------------------


def test_to_dataframe_is_tidy_and_equals_the_arrays(results: salvosim.Results) -> None:
    frame = results.to_dataframe()
    assert list(frame.columns) == ["kind", "selection", "statistic", "mean", "se", "ci95_low", "ci95_high", "units"]
    selections, fates = results.coords["selection"], results.coords["fate"]
    fate_rows = frame[frame["kind"] == "fate"]
    assert len(fate_rows) == len(selections) * len(fates)
    row = fate_rows[(fate_rows["selection"] == "mrbm") & (fate_rows["statistic"] == "intercepted")].iloc[0]
    s, f = list(selections).index("mrbm"), list(fates).index("intercepted")
    assert row["mean"] == results.array("fate_mean")[s, f]
    assert row["se"] == results.array("fate_se")[s, f]
    assert row["ci95_low"] == pytest.approx(row["mean"] - _core.Z95 * row["se"])
    assert row["units"] == results["fate_mean"].attrs["units"]
    # Rates take the summary's own interval, the one the command line prints.
    rate = results.rate("threatening", "all")
    rate_row = frame[(frame["kind"] == "rate") & (frame["selection"] == "all") & (frame["statistic"] == "threatening")]
    assert rate_row.iloc[0]["ci95_low"] == rate.ci95[0] and rate_row.iloc[0]["ci95_high"] == rate.ci95[1]
    assert set(frame["kind"]) == {"fate", "engaged", "intercepts", "rate"}
    assert isinstance(frame["selection"].dtype, pd.CategoricalDtype)


def test_layer_dataframe(results: salvosim.Results) -> None:
    frame = results.layer_dataframe()
    assert list(frame.columns) == ["kind", "layer", "statistic", "mean", "se", "ci95_low", "ci95_high", "units"]
    fired = frame[(frame["layer"] == "upper-tier") & (frame["statistic"] == "fired")].iloc[0]
    assert fired["mean"] == float(results["layer_mean"].sel(layer="upper-tier", layer_metric="fired"))
    assert len(frame) == len(results.coords["layer"]) * len(results.coords["layer_metric"])


def test_sweep_to_dataframe_has_the_axis_values_as_columns(scenario: salvosim.Scenario) -> None:
    sweep = salvosim.sweep(
        scenario, {"layer.upper-tier.interceptors": [8, 48], "threat.shahed.count": [20, 50]}, trials=200, seed=4
    )
    frame = sweep.to_dataframe()
    dims = list(sweep.dims)
    assert list(frame.columns[: len(dims)]) == dims
    leak = frame[(frame["kind"] == "fate") & (frame["selection"] == "all") & (frame["statistic"] == "leaked_defended")]
    assert len(leak) == 4
    picked = sweep["fate_mean"].sel(selection="all", fate="leaked_defended")
    for _, row in leak.iterrows():
        point = {d: row[d] for d in dims}
        assert row["mean"] == float(picked.sel(point))
    layers = sweep.layer_dataframe()
    assert len(layers) == 4 * len(sweep["layer_mean"].layer) * len(sweep["layer_mean"].layer_metric)


def test_zip_sweep_frame_keeps_each_axis_value_per_point(scenario: salvosim.Scenario) -> None:
    sweep = salvosim.sweep(scenario, {"threat.shahed.count": [10, 20, 30]}, trials=100, seed=4, mode="zip")
    frame = sweep.to_dataframe()
    assert {"point", "threat.shahed.count"} <= set(frame.columns)
    assert sorted(set(frame["threat.shahed.count"])) == [10, 20, 30]


# --- coordinates and per-threat labels -----------------------------------------------------------


def test_quantile_coordinate_is_numeric(results: salvosim.Results) -> None:
    quantiles = results["rate_quantile"]["quantile"].values
    assert quantiles.dtype.kind == "f"
    np.testing.assert_array_equal(quantiles, _core.REPORTED_QUANTILES)
    value = results["rate_quantile"].sel(selection="all", rate="threatening", quantile=0.05)
    assert float(value) == results.array("rate_quantile")[list(results.coords["selection"]).index("all"), 2, 1]


def test_per_threat_is_labelled(results: salvosim.Results) -> None:
    data = results.per_threat
    assert data is not None
    groups = list(data["group"].values)
    assert groups[:50] == ["shahed"] * 50 and groups[50:] == ["mrbm"] * 30
    assert list(data["index_in_group"].values[48:52]) == [48, 49, 0, 1]
    assert data["fate"].attrs["flag_meanings"].split() == list(results.coords["fate"])
    frame = results.per_threat_dataframe()
    assert frame is not None and len(frame) == 400 * 80
    assert isinstance(frame["fate"].dtype, pd.CategoricalDtype)
    assert list(frame["fate"].cat.categories) == list(results.coords["fate"])
    # The labels say the same as the codes: intercepted threats of the summary, by layer.
    intercepted = frame[frame["fate"] == "intercepted"]
    assert len(intercepted) == results.array("fate_sum")[-1, list(results.coords["fate"]).index("intercepted")]
    assert intercepted["intercept_layer"].notna().all()
    assert frame.loc[frame["fate"] != "intercepted", "intercept_layer"].isna().all()
    first = frame.iloc[50]
    assert (first["trial"], first["threat"], first["group"], first["index_in_group"]) == (0, 50, "mrbm", 0)


# --- displays ------------------------------------------------------------------------------


def test_results_repr_and_html_say_the_headline(results: salvosim.Results) -> None:
    text = repr(results)
    assert "400 trials" in text and "seed 3" in text and "leaked into defended areas" in text and "95% CI" in text
    mean = float(results["fate_mean"].sel(selection="all", fate="leaked_defended"))
    assert f"{mean:.4g}" in text
    page = results._repr_html_()
    assert "<table" in page and "upper-tier" in page and "rate_threatening" in page


def test_scenario_and_its_parts_display(scenario: salvosim.Scenario) -> None:
    page = scenario._repr_html_()
    assert "80 threats" in page and "shahed" in page and "upper-tier" in page and "48" in page
    assert "<table" in scenario.layers._repr_html_()
    assert "mrbm" in scenario.threats._repr_html_()
    assert repr(scenario) == '<Scenario "example": 2 threat groups (80 threats), 2 layers>'
    assert repr(scenario.layers) == '<2 layers: "upper-tier", "short-range">'
    assert repr(scenario.layers["upper-tier"]).startswith(
        '<Layer "upper-tier": 2 fire units x 4 channels, 48 interceptors'
    )
    assert "0.7" in repr(scenario.layers["upper-tier"].engages["ballistic"])


def test_campaign_display_lists_salvos() -> None:
    campaign = salvosim.load(CAMPAIGN)
    page = campaign._repr_html_()
    assert "salvo" in page and "salvos" in page


def test_sweep_repr_and_html(scenario: salvosim.Scenario) -> None:
    sweep = salvosim.sweep(scenario, {"threat.shahed.count": [20, 50]}, trials=100, seed=4)
    assert "threat.shahed.count 2" in repr(sweep)
    page = sweep._repr_html_()
    assert "threat.shahed.count" in page and "<table" in page


# --- mappings by name -------------------------------------------------------------------------


def test_mappings_are_indexed_by_name(scenario: salvosim.Scenario) -> None:
    assert scenario.layers["upper-tier"].name == "upper-tier"
    assert scenario.threats["mrbm"].count == 30
    assert scenario.layers["short-range"].engages["mrbm"].pk == pytest.approx(0.3)
    assert scenario.layers[-1].name == "short-range"
    assert "mrbm" in scenario.threats and "nothing" not in scenario.threats
    assert scenario.layers.keys() == ["upper-tier", "short-range"]
    scenario.layers["upper-tier"].interceptors = 12  # edits in place
    assert scenario.layer("upper-tier").interceptors == 12
    with pytest.raises(KeyError, match='no layer named "uper-tier" \\(did you mean "upper-tier"\\?\\)'):
        scenario.layers["uper-tier"]
    with pytest.raises(KeyError, match='there are: "shahed", "mrbm"'):
        scenario.threats["zzz"]
    with pytest.raises(IndexError):
        scenario.layers[5]


# --- adding and removing -----------------------------------------------------------------------


def test_layers_are_added_and_removed_through_validation(scenario: salvosim.Scenario) -> None:
    extra = scenario.layers["short-range"].copy()
    extra.name = "gun"
    extra.interceptors = 500
    bigger = scenario.with_layer(extra, before="short-range")
    assert bigger.layers.keys() == ["upper-tier", "gun", "short-range"]
    assert scenario.layers.keys() == ["upper-tier", "short-range"]  # the original is left as it was
    res = salvosim.run(bigger, trials=200, seed=1)
    assert "gun" in list(res.coords["layer"])
    smaller = bigger.without_layer("upper-tier")
    assert smaller.layers.keys() == ["gun", "short-range"]
    with pytest.raises(salvosim.ConfigError, match="layer"):
        scenario.with_layer(scenario.layers["short-range"])  # a second layer of that name
    with pytest.raises(KeyError, match="did you mean"):
        scenario.without_layer("short-rang")


def test_threat_groups_are_added_and_removed_through_validation(scenario: salvosim.Scenario) -> None:
    more = scenario.threats["mrbm"].copy()
    more.name = "srbm"
    more.count = 5
    more.launch.waves = [(20000.0, 5)]
    bigger = scenario.with_threat_group(more)
    assert bigger.threats.keys() == ["shahed", "mrbm", "srbm"]
    assert salvosim.run(bigger, trials=100, seed=1).coords["group"][-1] == "srbm"
    assert bigger.without_threat_group("srbm").threats.keys() == ["shahed", "mrbm"]
    # The short-range layer engages "mrbm" by name, and the drones by their class: removing
    # either group breaks a rule between values, which the validator names.
    with pytest.raises(salvosim.ConfigError, match="mrbm"):
        scenario.without_threat_group("mrbm")
    with pytest.raises(salvosim.ConfigError, match="drone"):
        scenario.without_threat_group("shahed")
    with pytest.raises(salvosim.ConfigError, match="shahed"):  # a second group of that name
        scenario.with_threat_group(scenario.threats["shahed"])


def test_entries_can_be_given_as_dicts_shaped_like_the_toml(scenario: salvosim.Scenario) -> None:
    gun = {
        "name": "gun",
        "fire_units": 2,
        "channels": 1,
        "engagement_time": 5.0,
        "interceptors": "unlimited",
        "engages": {"drone": {"pk": 0.4, "window": {"open": 30.0, "close": 2.0}}},
    }
    bigger = scenario.with_layer(gun, before="upper-tier")
    assert bigger.layers.keys() == ["gun", "upper-tier", "short-range"]
    assert bigger.layers["gun"].engages["drone"].pk == pytest.approx(0.4)
    group = {
        "name": "srbm",
        "class": "ballistic",
        "count": 4,
        "launch": {"start": 0.0, "duration": 60.0},
        "flight_time": {"mean": 300.0},
    }
    assert scenario.with_threat_group(group).threats["srbm"].count == 4
    with pytest.raises(salvosim.ConfigError, match="layer\\[2\\].*pk"):  # the key path of the new table
        scenario.with_layer(dict(gun, engages={"drone": {"pk": 1.5, "window": {"open": 30.0, "close": 2.0}}}))
    with pytest.raises(KeyError, match="nothing"):
        scenario.with_layer(gun, before="nothing")


def test_campaign_groups_go_to_a_named_salvo() -> None:
    campaign = salvosim.load(CAMPAIGN)
    salvo = campaign.salvos[0]
    group = salvo.threats[0].copy()
    group.name = group.name + "-more"
    with pytest.raises(ValueError, match="salvo="):
        campaign.with_threat_group(group)
    added = campaign.with_threat_group(group, salvo=salvo.name)
    assert group.name in added.salvos[salvo.name].threats
    table = {"name": "late", "count": 2, "launch": {"start": 0.0, "duration": 10.0}, "flight_time": {"mean": 600.0}}
    with pytest.raises(ValueError, match="salvo="):
        campaign.with_threat_group(table)
    assert "late" in campaign.with_threat_group(table, salvo=salvo.name).salvos[salvo.name].threats
    assert group.name not in added.without_threat_group(group.name).salvos[salvo.name].threats


# --- docstrings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "attribute", "phrases"),
    [
        (salvosim.Layer, "engagement_time", ["Seconds", "a finite number > 0"]),
        (salvosim.Layer, "interceptors", ["magazine", 'an integer >= 0, or "unlimited"']),
        (salvosim.Layer, "shots", ["an integer in [1, 2^20 = 1048576]"]),
        (salvosim.EngagementSpec, "pk", ["kills", "a number in [0, 1]"]),
        (salvosim.ThreatGroup, "count", ["an integer >= 0"]),
        (_core.Window, "close", ["Seconds before impact", "(seconds before impact)"]),
    ],
)
def test_docstrings_state_units_and_the_validators_range(cls: type, attribute: str, phrases: list[str]) -> None:
    doc = getattr(cls, attribute).__doc__
    for phrase in phrases:
        assert phrase in doc


def test_every_property_has_a_docstring() -> None:
    for cls in (
        salvosim.Layer,
        salvosim.ThreatGroup,
        salvosim.EngagementSpec,
        salvosim.Salvo,
        salvosim.Scenario,
        _core.Window,
        _core.FlightTime,
        _core.LaunchSpec,
    ):
        for name, member in vars(cls).items():
            if isinstance(member, property) and not name.startswith("_"):
                assert member.__doc__, f"{cls.__name__}.{name} has no docstring"


def test_the_docstring_range_is_the_rule_an_assignment_meets(scenario: salvosim.Scenario) -> None:
    # The range in the docstring comes from describe_rule, the error from check_value: the
    # same rule, so a value at the edge the docstring states is accepted and one past it not.
    layer = scenario.layers["upper-tier"]
    layer.shots = 2**20
    with pytest.raises(salvosim.ConfigError, match="2\\^20"):
        layer.shots = 2**20 + 1


# --- the notebook's progress bar ---------------------------------------------------------------


def test_the_progress_extra_brings_the_notebook_bar_its_widgets() -> None:
    # tqdm.auto picks tqdm.notebook in Jupyter, which needs ipywidgets: without it, it warns
    # and falls back to text (in a kernel) or fails (here). The extra must bring it.
    import tomllib
    import warnings

    from tqdm.notebook import tqdm

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(requirement.startswith("ipywidgets") for requirement in extras["progress"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bar = tqdm(total=3)
        bar.update(3)
        bar.close()
