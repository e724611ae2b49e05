"""A scenario edited from Python is checked at the assignment, by the C++ rule of the field
(config.hpp field_rule, the rule the TOML validator applies), and an error about a value
set in Python never cites the file line that held the value before."""

from __future__ import annotations

import math
import pathlib
from collections.abc import Callable
from typing import Any

import pytest

import salvosim

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"
CAMPAIGN = ROOT / "configs" / "campaign_example.toml"


@pytest.fixture
def scenario() -> salvosim.Scenario:
    return salvosim.load(EXAMPLE)


def _target(sc: salvosim.Scenario, where: str) -> Any:
    return {
        "layer": lambda: sc.layer("upper-tier"),
        "threat": lambda: sc.threat("mrbm"),
        "engagement": lambda: sc.layer("upper-tier").engagement("ballistic"),
        "window": lambda: sc.layer("upper-tier").engagement("ballistic").window,
        "flight_time": lambda: sc.threat("mrbm").flight_time,
        "launch": lambda: sc.threat("shahed").launch,
        "scenario": lambda: sc,
    }[where]()


# (object, attribute, bad value, attribute path in the message, the rule's words): one of
# each kind of property (probability, count, count or "unlimited", name, time, ...).
BAD = [
    ("layer", "interceptors", -3, 'layer["upper-tier"].interceptors', 'must be an integer >= 0 or "unlimited", got -3'),
    (
        "layer",
        "max_engagements",
        0,
        'layer["upper-tier"].max_engagements',
        'must be an integer >= 1 or "unlimited", got 0',
    ),
    ("layer", "shots", 0, 'layer["upper-tier"].shots', "must be an integer >= 1, got 0"),
    ("layer", "channels", -1, 'layer["upper-tier"].channels', "must be an integer >= 1, got -1"),
    ("layer", "engagement_time", 0.0, 'layer["upper-tier"].engagement_time', "must be > 0, got 0"),
    ("layer", "coverage", 1.5, 'layer["upper-tier"].coverage', "must be in [0, 1], got 1.5"),
    ("layer", "cost", -2.0, 'layer["upper-tier"].cost', "must be >= 0, got -2"),
    ("layer", "resupply", -1, 'layer["upper-tier"].resupply', "must be an integer >= 0, got -1"),
    ("layer", "name", "", 'layer["upper-tier"].name', "must not be empty"),
    ("threat", "count", -1, 'threat["mrbm"].count', "must be an integer >= 0, got -1"),
    ("threat", "p_launch", 1.2, 'threat["mrbm"].p_launch', "must be in [0, 1], got 1.2"),
    ("engagement", "pk", 1.3, 'engagement["ballistic"].pk', "must be in [0, 1], got 1.3"),
    ("window", "close", -5.0, "window.close", "must be >= 0 (seconds before impact), got -5"),
    ("window", "open", math.inf, "window.open", "must be a finite number, got inf"),
    ("flight_time", "mean", 0.0, "flight_time.mean", "must be > 0, got 0"),
    ("launch", "duration", -1.0, "launch.duration", "must be >= 0, got -1"),
    ("launch", "waves", [(0.0, 5), (10.0, -2)], "launch.waves[1].count", "must be an integer >= 0, got -2"),
    ("scenario", "name", "", "scenario.name", "must not be empty"),
]


@pytest.mark.parametrize("where,attribute,value,path,rule", BAD, ids=[f"{b[0]}.{b[1]}" for b in BAD])
def test_a_bad_value_is_refused_at_the_assignment(
    scenario: salvosim.Scenario, where: str, attribute: str, value: object, path: str, rule: str
) -> None:
    target = _target(scenario, where)
    before = getattr(target, attribute)
    with pytest.raises(salvosim.ConfigError) as caught:
        setattr(target, attribute, value)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == f"{path}: {rule}"
    [problem] = caught.value.problems
    assert (problem["key_path"], problem["message"]) == (path, rule)
    assert (problem["file"], problem["line"], problem["column"]) == ("", 0, 0)  # set in Python, not in a file
    assert getattr(target, attribute) == before  # not stored
    scenario.validate()  # still valid


def test_good_values_are_stored(scenario: salvosim.Scenario) -> None:
    layer = scenario.layer("upper-tier")
    layer.interceptors = 0
    layer.interceptors = "unlimited"
    layer.shots = 3
    scenario.threat("shahed").launch.waves = [(0.0, 25), (60.0, 25)]
    scenario.layer("upper-tier").engagement("ballistic").pk = 1.0
    assert (layer.interceptors, layer.shots) == ("unlimited", 3)
    assert scenario.threat("shahed").launch.waves == [(0.0, 25), (60.0, 25)]


def test_salvo_fields_are_checked_too() -> None:
    campaign = salvosim.load(CAMPAIGN)
    with pytest.raises(salvosim.ConfigError, match=r'salvo\["night-2"\]\.start: must be a finite number, got nan'):
        campaign.salvo("night-2").start = math.nan


# The rules are the validator's: the same value in a file gives the same words.
def test_the_assignment_rule_is_the_file_rule(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("interceptors = 48", "interceptors = -3"))
    with pytest.raises(salvosim.ConfigError) as from_file:
        salvosim.load(bad)
    with pytest.raises(salvosim.ConfigError) as from_python:
        salvosim.load(EXAMPLE).layer("upper-tier").interceptors = -3
    assert from_file.value.problems[0]["message"] == from_python.value.problems[0]["message"]
    assert from_file.value.problems[0]["line"] > 0


@pytest.mark.parametrize(
    "edit,key_path",
    [
        (
            lambda sc: setattr(sc.layer("upper-tier").engagement("ballistic").window, "open", 100.0),
            'layer[0] "upper-tier".engages.ballistic.window',
        ),
        (lambda sc: setattr(sc.layer("upper-tier"), "capacity", 10), 'layer[0] "upper-tier".capacity'),
        (lambda sc: setattr(sc.layer("short-range"), "name", "upper-tier"), 'layer[1] "upper-tier".name'),
        (lambda sc: setattr(sc.threat("shahed"), "name", "all"), 'threat[0] "all".name'),
    ],
)
def test_rules_between_fields_are_checked_at_run_without_file_lines(
    scenario: salvosim.Scenario, edit: Callable[[salvosim.Scenario], None], key_path: str
) -> None:
    edit(scenario)  # each value is fine alone; together with another they break a rule
    for attempt in (lambda: salvosim.run(scenario, trials=10), scenario.validate):
        with pytest.raises(salvosim.ConfigError) as caught:
            attempt()
        [problem] = caught.value.problems
        assert problem["key_path"] == key_path
        assert (problem["file"], problem["line"]) == ("", 0)
        assert "example.toml" not in str(caught.value) and "line" not in str(caught.value)


def test_a_loaded_scenario_still_cites_its_file(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("open = 420.0", "open = 100.0"))
    with pytest.raises(salvosim.ConfigError) as caught:
        salvosim.load(bad)
    assert caught.value.problems[0]["line"] > 0 and str(bad) in str(caught.value)
