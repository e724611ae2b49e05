"""Target tiers from Python (docs/model.md §2.7, §4.8): the bindings' properties and their
rules, the round trip through to_dict, the tier selections and the damage in Results, JSON,
HDF5, sweeps and published observables."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

import salvosim
from salvosim import published

TIERED = """
[scenario]
name = "tiered"

[[tier]]
name = "populated"
value = 10.0

[[tier]]
name = "military"
value = 2.0

[[tier]]
name = "open"
value = 0.0
defended = false

[[threat]]
name = "mrbm"
class = "ballistic"
count = 40
launch = { start = 0.0, duration = 100.0 }
flight_time = { mean = 1000.0, sd = 50.0 }
p_flight = 0.9
targets = { populated = 0.5, military = 0.3, open = 0.2 }

[[layer]]
name = "city"
fire_units = 100
channels = 1
engagement_time = 1.0
interceptors = "unlimited"
tiers = ["populated"]
engages.ballistic = { pk = 0.8, window = { open = 500.0, close = 0.0 } }
"""


@pytest.fixture
def scenario() -> salvosim.Scenario:
    return salvosim.Scenario.from_toml_string(TIERED)


def test_properties_read_the_config(scenario: salvosim.Scenario) -> None:
    assert [t.name for t in scenario.tiers] == ["populated", "military", "open"]
    assert scenario.tier("military").value == 2.0
    assert scenario.tiers[2].defended is False
    assert scenario.threat("mrbm").targets == {"populated": 0.5, "military": 0.3, "open": 0.2}
    assert scenario.layer("city").tiers == ["populated"]
    assert salvosim.load(salvosim.to_dict(scenario)).to_toml() == scenario.to_toml()
    with pytest.raises(KeyError, match='no tier named "city"'):
        scenario.tier("city")


def test_assignments_are_checked(scenario: salvosim.Scenario) -> None:
    with pytest.raises(salvosim.ConfigError, match=r'tier\["military"\]\.value: must be >= 0, got -1'):
        scenario.tier("military").value = -1.0
    assert scenario.tier("military").value == 2.0
    with pytest.raises(salvosim.ConfigError, match=r"targets\[\"open\"\]: must be in \[0, 1\], got 1.5"):
        scenario.threat("mrbm").targets = {"populated": -0.5, "open": 1.5} | {"populated": 0.0}
    # Rules between fields wait for validation: shares that do not add up to 1, unknown tiers.
    scenario.threat("mrbm").targets = {"populated": 0.5, "military": 0.3}
    with pytest.raises(salvosim.ConfigError, match="add up to 0.8"):
        scenario.validate()
    scenario.threat("mrbm").targets = {"populated": 1.0}
    scenario.layer("city").tiers = ["citadel"]
    with pytest.raises(salvosim.ConfigError, match='no tier named "citadel"'):
        scenario.validate()
    scenario.layer("city").tiers = None
    scenario.layer("city").point_defense = True
    scenario.validate()


def test_results_report_tiers_and_damage(scenario: salvosim.Scenario) -> None:
    res = salvosim.run(scenario, trials=4000, seed=3)
    assert res.tiers == ["populated", "military", "open"]
    selections = list(res.coords["selection"])
    assert selections == ["mrbm", "class:ballistic", "tier:populated", "tier:military", "tier:open", "all"]
    fates = res.fates
    # Only the populated tier is engaged; leaks elsewhere are every arrival (p_flight 0.9).
    assert float(fates.sel(selection="tier:military", fate="intercepted")) == 0.0
    assert float(fates.sel(selection="tier:open", fate="leaked_defended")) == 0.0
    arriving = 40 * 0.9
    for tier, share in (("military", 0.3), ("open", 0.2)):
        leaked = res["tier_leaked_mean"].sel(selection="all", tier=tier)
        se = res["tier_leaked_se"].sel(selection="all", tier=tier)
        assert abs(float(leaked) - arriving * share) <= 4.5 * float(se)
    damage = res.damage
    expected = sum(
        res["tier_value"].sel(tier=t) * res["tier_leaked_mean"].sel(selection="all", tier=t) for t in res.tiers
    )
    assert float(damage.sel(selection="all")) == pytest.approx(float(expected), rel=1e-12)
    assert res.rate("engaged", "tier:populated").mean > 0.7
    as_json = res.to_json()
    assert set(as_json["tiers"]) == {"populated", "military", "open"}
    assert as_json["damage"]["all"]["mean"] == pytest.approx(float(damage.sel(selection="all")))
    assert "tier:populated" not in as_json["groups"]
    res.to_xarray()  # every array has distinct, labelled dimensions


def test_scenarios_without_tiers_report_none(configs_dir) -> None:
    res = salvosim.run(salvosim.load(configs_dir / "example.toml"), trials=50, seed=1)
    assert res.tiers == []
    assert not any(s.startswith("tier:") for s in res.coords["selection"])
    with pytest.raises(KeyError, match="declares no"):
        res.damage  # noqa: B018
    assert "damage" not in res.to_json()


def test_hdf5_round_trip_with_per_trial(scenario: salvosim.Scenario, tmp_path) -> None:
    res = salvosim.run(scenario, trials=300, seed=5, per_trial=True)
    path = tmp_path / "tiers.h5"
    res.to_hdf5(path)
    again = salvosim.read(path)
    np.testing.assert_array_equal(again.array("damage_mean"), res.array("damage_mean"))
    per_trial = again.per_trial
    assert per_trial is not None
    assert list(per_trial["tier_fates"].dims) == ["trial", "tier", "fate"]
    assert list(per_trial.coords["tier"].values) == ["populated", "military", "open"]
    # Summed over trials, a tier's per-trial fates are the summary's exact sums.
    np.testing.assert_array_equal(
        per_trial["tier_fates"].sum("trial").values,
        again["fate_sum"].sel(selection=["tier:" + t for t in again.tiers]).values,
    )
    import h5py

    with h5py.File(path, "r") as f:
        assert list(f.attrs["version"]) == [1, 3]


def test_per_threat_output_names_the_tier_each_threat_aimed_at(scenario: salvosim.Scenario, tmp_path) -> None:
    """Run with per_threat=True, every threat's tier in every trial: the shares of the config
    within 5 standard errors, leaks by tier equal to the per-trial tier fates, the same in the
    DataFrame and read back from the file written."""
    res = salvosim.run(scenario, trials=2000, seed=5, per_trial=True, per_threat=True)
    threats = res.per_threat
    assert threats is not None
    tier = threats["target_tier"].values
    assert tier.shape == (2000, 40) and threats["target_tier"].attrs["flag_meanings"] == "populated military open"
    for code, share in enumerate([0.5, 0.3, 0.2]):
        seen = (tier == code).mean()
        assert abs(seen - share) < 5 * np.sqrt(share * (1 - share) / tier.size), (code, seen)
    # The threats that reached impact, counted by tier, are the per-trial tier fates.
    fates = threats["fate"].values
    per_trial = res.per_trial
    assert per_trial is not None
    names = list(per_trial.coords["fate"].values)
    for code, name in enumerate(res.tiers):
        for fate in ("leaked_defended", "leaked_open"):
            counted = ((tier == code) & (fates == names.index(fate))).sum(axis=1)
            np.testing.assert_array_equal(counted, per_trial["tier_fates"].sel(tier=name, fate=fate).values)
    frame = res.per_threat_dataframe()
    assert frame is not None
    assert list(frame["target_tier"].cat.categories) == ["populated", "military", "open"]
    np.testing.assert_array_equal(frame["target_tier"].cat.codes.values, tier.reshape(-1))

    path = tmp_path / "tiers.h5"
    res.to_hdf5(path)
    back = salvosim.read(path).per_threat
    assert back is not None
    np.testing.assert_array_equal(back["target_tier"].values, tier)


def test_cli_json_has_tiers(scenario: salvosim.Scenario, salvosim_exe, tmp_path) -> None:
    path = tmp_path / "tiered.toml"
    path.write_text(TIERED)
    out = subprocess.run(
        [salvosim_exe, "run", str(path), "--json", "--trials", "500", "--seed", "2"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(out)
    assert data["tiers"]["populated"]["value"] == 10.0
    assert set(data["tiers"]["open"]) == {"value", "fates", "rates"}
    assert set(data["damage"]) == {"mrbm", "class:ballistic", "tier:populated", "tier:military", "tier:open", "all"}
    python = salvosim.run(scenario, trials=500, seed=2).to_json()
    assert data["damage"] == python["damage"]
    table = subprocess.run(
        [salvosim_exe, "run", str(path), "--trials", "100", "--seed", "2"], check=True, capture_output=True, text=True
    ).stdout
    assert "Value-weighted damage per trial" in table


def test_sweep_over_a_tier_value_and_shares(scenario: salvosim.Scenario) -> None:
    s = salvosim.sweep(scenario, {"tier.military.value": [0.0, 2.0, 4.0]}, trials=500, seed=1)
    damage = s["damage_mean"].sel(selection="tier:military").values
    leaked = s["fate_mean"].sel(selection="tier:military", fate="leaked_defended").values
    np.testing.assert_allclose(damage, np.array([0.0, 2.0, 4.0]) * leaked)
    zipped = salvosim.sweep(
        scenario,
        {"threat.mrbm.targets.populated": [0.5, 0.3], "threat.mrbm.targets.military": [0.3, 0.5]},
        mode="zip",
        trials=200,
        seed=1,
    )
    assert zipped["damage_mean"].shape[0] == 2
    with pytest.raises(salvosim.ConfigError, match="add up to"):
        salvosim.sweep(scenario, {"threat.mrbm.targets.populated": [0.4]}, trials=10, seed=1)
    with pytest.raises(ValueError, match='no tier named "militar"'):
        salvosim.sweep(scenario, {"tier.militar.value": [1.0]}, trials=10, seed=1)


def test_published_damage_and_tier_selection(scenario: salvosim.Scenario) -> None:
    data = salvosim.to_dict(scenario)
    data["published"] = {
        "observable": [
            {
                "name": "damage",
                "statistic": "damage",
                "selection": "all",
                "range": [0.0, 1000.0],
                "definition": "count",
                "source": "test",
            },
            {
                "name": "populated-impacts",
                "statistic": "fate",
                "selection": "tier:populated",
                "fate": "leaked_defended",
                "range": [0.0, 40.0],
                "definition": "impacts",
                "source": "test",
            },
        ]
    }
    with_published = salvosim.from_dict(data)
    items = published.observables(with_published)
    res = salvosim.run(with_published, trials=800, seed=4, per_trial=True)
    damage = published.per_trial(items[0], res, with_published)
    assert published.mean(items[0], res) == pytest.approx(float(res.damage.sel(selection="all")))
    assert damage.mean() == pytest.approx(published.mean(items[0], res), rel=1e-12)
    impacts = published.per_trial(items[1], res, with_published)
    assert impacts.mean() == pytest.approx(float(res.fates.sel(selection="tier:populated", fate="leaked_defended")))
    assert items[0].describe() == "damage of all"
    # Without tiers, "damage" is refused where it is written.
    plain = salvosim.to_dict(salvosim.Scenario.from_toml_string(TIERED.split("[[tier]]")[0] + _plain_rest()))
    plain["published"] = {"observable": [data["published"]["observable"][0]]}
    with pytest.raises(salvosim.ConfigError, match="needs \\[\\[tier\\]\\] tables"):
        salvosim.from_dict(plain)


def _plain_rest() -> str:
    """TIERED's group and layer without tiers: aimed by defended_fraction, point defence."""
    rest = TIERED[TIERED.index("[[threat]]") :]
    rest = rest.replace("targets = { populated = 0.5, military = 0.3, open = 0.2 }", "defended_fraction = 0.8")
    return rest.replace('tiers = ["populated"]', "point_defense = true")


def _with_declared_tiers(scenario: salvosim.Scenario) -> salvosim.Scenario:
    """The scenario with two declared tiers that say what its defended_fraction says: the first
    defended (value 1) with share defended_fraction, the second open (value 0)."""
    data = salvosim.to_dict(scenario)
    data["tier"] = [{"name": "city", "value": 1.0}, {"name": "desert", "value": 0.0, "defended": False}]
    for group in data.get("threat", []) + [g for s in data.get("salvo", []) for g in s["threat"]]:
        share = group.pop("defended_fraction")
        group["targets"] = {"city": share, "desert": 1.0 - share}
    return salvosim.from_dict(data)


@pytest.mark.parametrize(
    "name", ["example", "true_promise_1_illustrative", "campaign_example", "saturation", "large_raid"]
)
def test_declared_tiers_reproduce_every_shipped_config(configs_dir, name: str) -> None:
    """The inverse-CDF draw on the same word: the same fates, layers, costs and rates, to the
    bit, and a damage equal to leaked_defended."""
    original = salvosim.load(configs_dir / f"{name}.toml")
    plain = salvosim.run(original, trials=400, seed=9).to_json()
    tiered = salvosim.run(_with_declared_tiers(original), trials=400, seed=9).to_json()
    for key in ("groups", "classes", "total", "layers", "interceptor_cost", "rates", "salvos"):
        assert plain.get(key) == tiered.get(key), key
    # The damage's SE comes from double sums of the tiers' covariances, not the exact integers.
    assert tiered["damage"]["all"]["mean"] == plain["total"]["leaked_defended"]["mean"]
    assert tiered["damage"]["all"]["se"] == pytest.approx(plain["total"]["leaked_defended"]["se"], rel=1e-9)


def test_calibration_targets_reach_tier_keys(scenario: salvosim.Scenario) -> None:
    from salvosim.calibrate.spec import set_path

    set_path(scenario, "tier.military.value", 3.5)
    set_path(scenario, "threat.mrbm.targets.populated", 0.4)
    set_path(scenario, "threat.mrbm.targets.open", 0.3)
    assert scenario.tier("military").value == 3.5
    assert scenario.threat("mrbm").targets == {"populated": 0.4, "military": 0.3, "open": 0.3}
    scenario.validate()
    # Set as a sweep point sets it (C++ set_key_path), then refused by the validator, as every run is.
    set_path(scenario, "threat.mrbm.targets.open", 1.5)
    with pytest.raises(salvosim.ConfigError, match="must be in"):
        scenario.validate()
