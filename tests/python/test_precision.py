"""Runs to a precision target from Python (`salvosim.run(..., target_se=...)`): batches of a
fixed size until every chosen standard error is at most its target; the result is that of a
plain run of the trials used, whatever the threads; names and values are checked by the core."""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pytest

import salvosim

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"
TARGETS = {"fate.all.intercepted": 0.06, "rate.all.launched": 0.004}


@pytest.fixture(scope="module")
def scenario() -> salvosim.Scenario:
    return salvosim.load(EXAMPLE)


def assert_same_statistics(a: salvosim.Results, b: salvosim.Results) -> None:
    assert a.names == b.names
    for name in a.names:
        assert np.array_equal(a.array(name), b.array(name), equal_nan=a.array(name).dtype.kind == "f"), name


def test_stops_at_the_first_batch_that_meets_the_targets(scenario) -> None:
    one = salvosim.run(scenario, 100_000, seed=3, threads=1, target_se=TARGETS, batch=500)
    two = salvosim.run(scenario, 100_000, seed=3, threads=2, target_se=TARGETS, batch=500)
    precision = one.info["precision"]
    assert precision["reached"] is True
    assert precision["batch_trials"] == 500
    assert precision["max_trials"] == 100_000
    assert 500 < one.trials < 100_000 and one.trials % 500 == 0
    assert two.trials == one.trials
    assert_same_statistics(one, two)
    for statistic, target in TARGETS.items():
        assert precision["targets"][statistic]["target"] == target
        assert precision["targets"][statistic]["se"] <= target
    se = _entry(one, "fate_se", "fate", "intercepted")
    assert precision["targets"]["fate.all.intercepted"]["se"] == se
    # A plain run of the trials used gives the same numbers; one batch fewer misses a target.
    plain = salvosim.run(scenario, one.trials, seed=3, threads=2)
    assert "precision" not in plain.info
    assert_same_statistics(one, plain)
    shorter = salvosim.run(scenario, one.trials - 500, seed=3, threads=2)
    short_se = {
        "fate.all.intercepted": _entry(shorter, "fate_se", "fate", "intercepted"),
        "rate.all.launched": _entry(shorter, "rate_se", "rate", "launched"),
    }
    assert any(short_se[s] > t for s, t in TARGETS.items())


def _entry(results: salvosim.Results, array: str, dim: str, label: str) -> float:
    """Selection "all"'s entry of a summary array over (selection, dim)."""
    selection = list(results.coords["selection"]).index("all")
    return float(results.array(array)[selection, list(results.coords[dim]).index(label)])


def test_a_target_not_reached_warns_and_says_so(scenario) -> None:
    with pytest.warns(salvosim.PrecisionWarning, match="precision target not reached: stopped at 1200 trials"):
        results = salvosim.run(scenario, 1200, seed=3, target_se={"rate.all.launched": 1e-6}, batch=500)
    assert results.trials == 1200
    assert results.info["precision"]["reached"] is False
    assert results.info["precision"]["targets"]["rate.all.launched"]["se"] > 1e-6


def test_per_trial_rows_are_those_of_the_trials_used(scenario, tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reached: no warning
        results = salvosim.run(
            scenario,
            50_000,
            seed=3,
            target_se={"fate.all.intercepted": 0.1},
            batch=200,
            per_trial=True,
            per_threat=True,
        )
    assert results.trials < 50_000
    assert results.per_trial is not None and results.per_threat is not None
    assert results.per_trial.sizes["trial"] == results.trials
    assert results.per_threat.sizes["trial"] == results.trials
    path = tmp_path / "target.h5"
    results.to_hdf5(path)
    back = salvosim.read(path)
    assert back.info["precision"] == results.info["precision"]
    assert json.loads(results.to_xarray().attrs["precision"]) == results.info["precision"]


@pytest.mark.parametrize(
    ("target_se", "batch", "error", "message"),
    [
        ({"fate.all.intercepte": 0.1}, None, ValueError, 'no fate "intercepte" \\(did you mean "intercepted"\\?\\)'),
        ({"fat.all.intercepted": 0.1}, None, ValueError, 'no statistic "fat" \\(did you mean "fate"\\?\\)'),
        ({"fate.all": 0.1}, None, ValueError, '"fate" takes 2 labels, as fate.<selection>.<fate>'),
        ({"fate.all.intercepted": 0.0}, None, ValueError, "must be a finite number > 0, got 0"),
        ({"fate.all.intercepted": -0.5}, None, ValueError, "got -0.5"),
        ({"fate.all.intercepted": float("nan")}, None, ValueError, "got nan"),
        ({"fate.all.intercepted": 0.1}, 0, ValueError, "batch trials must be an integer in"),
        ({}, None, ValueError, "names no statistic"),
        (None, 100, ValueError, "give target_se too"),
        ({"fate.all.intercepted": "0.1"}, None, TypeError, "must be a number"),
        ({"fate.all.intercepted": True}, None, TypeError, "must be a number"),
        ({1: 0.1}, None, TypeError, "a statistic is a name"),
        ([("fate.all.intercepted", 0.1)], None, TypeError, "must be a mapping"),
    ],
)
def test_bad_targets_are_refused_before_running(scenario, target_se, batch, error, message) -> None:
    with pytest.raises(error, match=message):
        salvosim.run(scenario, 1000, target_se=target_se, batch=batch)
