"""The magazine from Python (docs/model.md §2.3.1, §2.3.2, §2.5): reserves, rationing rules,
resupply schedules and shared magazines as Layer properties, checked at the assignment, written
back by to_toml and to_dict, and run against their closed forms."""

from __future__ import annotations

import pytest

import salvosim

# N = 10 threats, pk 0, channels never short: what the layer fires is the closed form.
TEXT = """
[[threat]]
name = "m"
count = 10
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 600.0, sd = 10.0 }

[[layer]]
name = "outer"
fire_units = 100
channels = 1
engagement_time = 10.0
interceptors = 25
shots = 2
reserve = 4
engages.m = { pk = 0.0, window = { open = 500.0, close = 0.0 } }

[[layer.ration]]
below = 10
shots = 1

[[layer]]
name = "inner"
fire_units = 100
channels = 1
engagement_time = 10.0
magazine = "outer"
engages.m = { pk = 0.0, window = { open = 100.0, close = 0.0 } }
"""


@pytest.fixture
def scenario() -> salvosim.Scenario:
    return salvosim.Scenario.from_toml_string(TEXT, "magazine.toml")


def fired(results: salvosim.Results, layer: str) -> float:
    return float(results.layers.sel(layer=layer, layer_metric="fired").item())


def test_the_keys_are_layer_properties(scenario: salvosim.Scenario) -> None:
    outer, inner = scenario.layer("outer"), scenario.layer("inner")
    assert (outer.reserve, outer.reserve_per_salvo, outer.magazine) == (4, 0, "")
    assert inner.magazine == "outer" and inner.interceptors == "unlimited"  # it has none of its own
    assert [(r.below, r.shots, r.doctrine, r.point_defense) for r in outer.rations] == [(10, 1, None, None)]
    assert outer.resupply_schedule == {}


def test_reserve_rules_and_shared_magazine_give_their_closed_forms(scenario: salvosim.Scenario) -> None:
    # Outer: usable 25 - 4 = 21; 2 a threat down to usable 10, then 1 (the rule): 2 x 6 = 12
    # (usable 21 -> 9), then 4 threats of 1: 16 fired, usable 5, left 9. Inner: no reserve,
    # the same stock: 9 of its 10 requests fire one each.
    results = salvosim.run(scenario, trials=200, seed=3)
    assert fired(results, "outer") == 16.0
    assert fired(results, "inner") == 9.0
    # Without the rule: 2 a threat, min(20, 21) = 20, and the inner has 5 left.
    scenario.layer("outer").rations = []
    results = salvosim.run(scenario, trials=200, seed=3)
    assert (fired(results, "outer"), fired(results, "inner")) == (20.0, 5.0)


def test_rules_are_edited_as_a_list_of_copies(scenario: salvosim.Scenario) -> None:
    layer = scenario.layer("outer")
    rules = layer.rations
    rules[0].shots = 2
    assert layer.rations[0].shots == 1  # a copy: assigned back to take effect
    rules.append(salvosim.Ration(below=4, doctrine="shoot-look-shoot", point_defense=True))
    layer.rations = rules
    assert [(r.below, r.shots, r.doctrine, r.point_defense) for r in layer.rations] == [
        (10, 2, None, None),
        (4, None, "shoot-look-shoot", True),
    ]
    scenario.validate()
    again = salvosim.from_dict(salvosim.to_dict(scenario))
    assert again.to_toml() == scenario.to_toml()
    assert len(again.layer("outer").rations) == 2


def test_bad_values_are_refused_at_the_assignment(scenario: salvosim.Scenario) -> None:
    layer = scenario.layer("outer")
    with pytest.raises(salvosim.ConfigError, match=r'layer\["outer"\]\.reserve: must be an integer >= 0, got -1'):
        layer.reserve = -1
    with pytest.raises(salvosim.ConfigError, match=r"reserve_per_salvo: must be an integer >= 0, got -2"):
        layer.reserve_per_salvo = -2
    with pytest.raises(salvosim.ConfigError, match=r"below: must be an integer >= 1, got 0"):
        salvosim.Ration(below=0, shots=1)
    with pytest.raises(salvosim.ConfigError, match=r"shots: must be an integer >= 1, got 0"):
        salvosim.Ration(below=3, shots=0)
    with pytest.raises(ValueError, match=r'doctrine must be "salvo" or "shoot-look-shoot"'):
        salvosim.Ration(below=3, doctrine="look")
    with pytest.raises(salvosim.ConfigError, match=r'resupply_schedule\["x"\]: must be an integer >= 0, got -3'):
        layer.resupply_schedule = {"x": -3}
    assert (layer.reserve, layer.reserve_per_salvo, layer.resupply_schedule) == (4, 0, {})
    # Rules between fields are the validator's: two rules with one threshold, a magazine that is not there.
    layer.rations = [salvosim.Ration(below=5, shots=1), salvosim.Ration(below=5, shots=2)]
    scenario.layer("inner").magazine = "outr"
    with pytest.raises(salvosim.ConfigError) as caught:
        scenario.validate()
    messages = [p["message"] for p in caught.value.problems]
    assert any("below = 5 is given by another rule of this layer too" in m for m in messages)
    assert any('no layer named "outr" (did you mean "outer"?)' in m for m in messages)


CAMPAIGN = """
[[salvo]]
name = "d1"
start = 0.0
[[salvo.threat]]
name = "m1"
count = 8
launch = { start = 0.0, duration = 0.0 }
flight_time = { mean = 600.0 }

[[salvo]]
name = "d2"
start = 1000.0
[[salvo.threat]]
name = "m2"
count = 8
launch = { start = 0.0, duration = 0.0 }
flight_time = { mean = 600.0 }

[[salvo]]
name = "d3"
start = 2000.0
[[salvo.threat]]
name = "m3"
count = 8
launch = { start = 0.0, duration = 0.0 }
flight_time = { mean = 600.0 }

[[layer]]
name = "l"
fire_units = 100
channels = 1
engagement_time = 10.0
interceptors = 10
resupply = { d3 = 30 }
engages.m1 = { pk = 0.0, window = { open = 500.0, close = 0.0 } }
engages.m2 = { pk = 0.0, window = { open = 500.0, close = 0.0 } }
engages.m3 = { pk = 0.0, window = { open = 500.0, close = 0.0 } }
"""


def test_a_schedule_delivers_at_its_salvos_uncapped() -> None:
    campaign = salvosim.Scenario.from_toml_string(CAMPAIGN, "campaign.toml")
    layer = campaign.layer("l")
    assert layer.resupply_schedule == {"d3": 30} and layer.capacity is None
    results = salvosim.run(campaign, trials=100, seed=5)
    magazine = results["salvo_magazine_mean"].sel(layer="l")
    assert [float(magazine.sel(salvo=s)) for s in ("d1", "d2", "d3")] == [10.0, 2.0, 30.0]
    layer.capacity = 10  # given, it caps
    layer.resupply_schedule = {"d2": 5, "d3": 30}
    results = salvosim.run(campaign, trials=100, seed=5)
    magazine = results["salvo_magazine_mean"].sel(layer="l")
    assert [float(magazine.sel(salvo=s)) for s in ("d1", "d2", "d3")] == [10.0, 7.0, 10.0]
    again = salvosim.Scenario.from_toml_string(campaign.to_toml(), "again.toml")
    assert again.layer("l").resupply_schedule == {"d2": 5, "d3": 30}
    layer.resupply_schedule = {"d1": 5}
    with pytest.raises(salvosim.ConfigError, match="names the first salvo"):
        campaign.validate()


def test_key_paths_reach_the_scalar_keys(scenario: salvosim.Scenario) -> None:
    """The notation of sweep axes and calibration targets (docs/sweeps.md): reserves, a rule's
    keys by its index, a schedule's delivery by salvo."""
    from salvosim import _core

    _core.set_key_path(scenario, "layer.outer.reserve", 6)
    _core.set_key_path(scenario, "layer.inner.reserve_per_salvo", 1)
    _core.set_key_path(scenario, "layer.outer.ration.0.shots", 2)
    _core.set_key_path(scenario, "layer.outer.ration.0.doctrine", "shoot-look-shoot")
    outer = scenario.layer("outer")
    assert (outer.reserve, scenario.layer("inner").reserve_per_salvo) == (6, 1)
    assert (outer.rations[0].shots, outer.rations[0].doctrine) == (2, "shoot-look-shoot")
    with pytest.raises(ValueError, match="has no ration 1"):
        _core.set_key_path(scenario, "layer.outer.ration.1.below", 3)
    campaign = salvosim.Scenario.from_toml_string(CAMPAIGN, "campaign.toml")
    _core.set_key_path(campaign, "layer.l.resupply.d3", 12)
    assert campaign.layer("l").resupply_schedule == {"d3": 12}
