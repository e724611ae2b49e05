"""The Python API (salvosim package): loading and editing scenarios, running, results as
labelled arrays, files, errors and interruption."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import threading

import numpy as np
import pytest
import xarray as xr

import salvosim

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"


@pytest.fixture
def scenario() -> salvosim.Scenario:
    return salvosim.load(EXAMPLE)


# --- loading and editing ---------------------------------------------------------------


def test_load_from_path_string_text_and_dict(scenario: salvosim.Scenario) -> None:
    assert salvosim.load(str(EXAMPLE)).name == "example"
    from_text = salvosim.Scenario.from_toml_string(EXAMPLE.read_text(), "inline")
    assert from_text.source_name == "inline"
    from_dict = salvosim.from_dict(salvosim.to_dict(scenario))
    assert from_dict.to_toml() == scenario.to_toml()
    assert salvosim.load(salvosim.to_dict(scenario)).to_toml() == scenario.to_toml()


def test_fields_read_and_edit_in_place(scenario: salvosim.Scenario) -> None:
    layer = scenario.layer("upper-tier")
    assert layer.interceptors == 48
    assert layer.doctrine == "shoot-look-shoot"
    assert layer.max_engagements == 2
    layer.interceptors = 24
    layer.engagement("ballistic").pk = 0.5
    scenario.threat("mrbm").launch.waves = [(20000.0, 10), (20600.0, 20)]
    assert scenario.layers[0].interceptors == 24
    assert scenario.layers[0].engagement("ballistic").pk == 0.5
    assert scenario.layer("short-range").interceptors == "unlimited"
    assert [e.target for e in scenario.layer("short-range").engages] == ["drone", "mrbm"]
    assert scenario.threat("mrbm").launch.waves == [(20000.0, 10), (20600.0, 20)]
    assert len(scenario.threats) == 2 and scenario.threats[-1].name == "mrbm"
    scenario.validate()  # still valid
    edited = salvosim.load(salvosim.to_dict(scenario))
    assert edited.layer("upper-tier").interceptors == 24


def test_copies_are_independent(scenario: salvosim.Scenario) -> None:
    import copy

    other = copy.deepcopy(scenario)
    other.layer("upper-tier").interceptors = 1
    assert scenario.layer("upper-tier").interceptors == 48


def test_bad_edits_are_refused_at_once_or_at_validation(scenario: salvosim.Scenario) -> None:
    with pytest.raises(ValueError, match="unlimited"):
        scenario.layer("upper-tier").interceptors = "lots"  # a str, but not "unlimited"
    with pytest.raises(ValueError, match="doctrine"):
        scenario.layer("upper-tier").doctrine = "spray-and-pray"
    with pytest.raises(TypeError):
        scenario.threat("mrbm").count = "many"  # type: ignore[assignment]
    with pytest.raises(KeyError, match='no layer named "nope"'):
        scenario.layer("nope")
    with pytest.raises(IndexError):
        scenario.layers[5]
    with pytest.raises(salvosim.ConfigError, match="must be in \\[0, 1\\], got 1.3"):
        scenario.layer("upper-tier").engagement("ballistic").pk = 1.3  # a value's own rule: at once
    # Rules between values need the whole scenario: checked by validate() and at run.
    scenario.layer("upper-tier").engagement("ballistic").window.close = 500.0
    scenario.layer("upper-tier").capacity = 10
    with pytest.raises(salvosim.ConfigError) as caught:
        scenario.validate()
    paths = [p["key_path"] for p in caught.value.problems]
    assert 'layer[0] "upper-tier".engages.ballistic.window' in paths
    assert 'layer[0] "upper-tier".capacity' in paths
    assert isinstance(caught.value, ValueError)
    assert len(scenario.problems()) >= 2
    with pytest.raises(salvosim.ConfigError, match="must be greater than window.close"):
        salvosim.run(scenario, trials=10)


def test_config_errors_carry_file_line_and_key_path(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("pk = 0.7", "pk = 1.7"))
    with pytest.raises(salvosim.ConfigError) as caught:
        salvosim.load(bad)
    problem = caught.value.problems[0]
    assert problem["file"] == str(bad)
    assert problem["line"] > 0 and problem["column"] > 0
    assert problem["key_path"] == 'layer[0] "upper-tier".engages.ballistic.pk'
    assert str(bad) in str(caught.value)
    with pytest.raises(salvosim.ConfigError, match="no such file|cannot|not found|does not exist"):
        salvosim.load(tmp_path / "missing.toml")


def test_dict_errors_name_key_paths_without_meaningless_lines(scenario: salvosim.Scenario) -> None:
    data = salvosim.to_dict(scenario)
    data["layer"][1]["engages"]["drone"]["pK"] = 0.5
    with pytest.raises(salvosim.ConfigError) as caught:
        salvosim.from_dict(data)
    assert caught.value.problems[0]["line"] == 0
    assert 'did you mean "pk"' in str(caught.value)
    with pytest.raises(TypeError):
        salvosim.from_dict({"threat": [{"name": object()}]})
    with pytest.raises(TypeError):
        salvosim.load(42)  # type: ignore[arg-type]


# --- running -----------------------------------------------------------------------------


def test_results_equal_the_command_line_byte_for_byte(salvosim_exe: str) -> None:
    res = salvosim.run(salvosim.load(EXAMPLE), trials=20000, seed=7)
    cli = subprocess.run(
        [salvosim_exe, "run", str(EXAMPLE), "--trials", "20000", "--seed", "7", "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    ours, theirs = res.to_json(), json.loads(cli)
    for key in ("git_sha1", "source"):  # the builds may differ in commit; the source path is spelled differently
        ours.pop(key), theirs.pop(key)
    assert ours == theirs


def test_same_seed_same_results_whatever_the_threads(scenario: salvosim.Scenario) -> None:
    one = salvosim.run(scenario, trials=5000, seed=3, threads=1)
    two = salvosim.run(scenario, trials=5000, seed=3, threads=2)
    for name in one.names:
        np.testing.assert_array_equal(one.array(name), two.array(name), err_msg=name)
    other = salvosim.run(scenario, trials=5000, seed=4)
    assert not np.array_equal(one.array("fate_sum"), other.array("fate_sum"))


def test_results_are_labelled_views(scenario: salvosim.Scenario) -> None:
    res = salvosim.run(scenario, trials=3000, seed=1)
    fates = res.fates
    assert fates.dims == ("selection", "fate")
    assert list(fates.coords["fate"].values) == list(salvosim._core.FATE_NAMES)
    total = fates.sel(selection="all").sum().item()
    assert total == pytest.approx(80.0)  # every threat has exactly one fate
    raw = res.array("fate_mean")
    assert not raw.flags.writeable and not raw.flags.owndata  # a view on the C++ results
    assert res.fate_histogram.sel(selection="all", fate="intercepted").sum().item() == 3000
    assert res.layers.sel(layer="upper-tier", layer_metric="fired").item() <= 48
    rate = res.rate("engaged", "mrbm")
    assert 0 < rate.mean < 1 and rate.se > 0 and rate.ci95[0] < rate.mean < rate.ci95[1] and rate.trials == 3000
    with pytest.raises(ValueError):
        res.rate("bogus")
    with pytest.raises(KeyError):
        res.rate("engaged", "nobody")
    with pytest.raises(KeyError):
        res["nope"]
    with pytest.raises(AttributeError):
        _ = res.nope
    assert "Interception rates" in res.summary()
    ds = res.to_xarray()
    assert isinstance(ds, xr.Dataset) and ds.attrs["seed"] == 1


def test_per_trial_and_per_threat_data(scenario: salvosim.Scenario) -> None:
    res = salvosim.run(scenario, trials=500, seed=2, first_trial=1000, per_trial=True, per_threat=True)
    per_trial = res.per_trial
    assert per_trial is not None
    assert per_trial.fates.dims == ("trial", "group", "fate")
    assert int(per_trial.trial[0]) == 1000
    assert (per_trial.fates.sum("fate").sel(group="shahed") == 50).all()
    sums = per_trial.fates.sum("trial").values
    np.testing.assert_array_equal(sums, res.array("fate_sum")[:2])  # the two groups come first
    per_threat = res.per_threat
    assert per_threat is not None and per_threat.fate.shape == (500, 80)
    intercepted = (per_threat.fate == 2).sum().item()
    assert intercepted == res.array("fate_sum")[-1, 2]
    assert salvosim.run(scenario, trials=10).per_trial is None


def test_hdf5_round_trip_and_interop(scenario: salvosim.Scenario, tmp_path: pathlib.Path) -> None:
    scenario.layer("upper-tier").interceptors = 24  # an edited scenario: the file must say so
    res = salvosim.run(scenario, trials=2000, seed=9, per_trial=True, per_threat=True)
    path = tmp_path / "run.h5"
    res.to_hdf5(path)
    back = salvosim.read(path)
    for name in res.names:
        np.testing.assert_array_equal(res.array(name), back.array(name), err_msg=name)
    assert back.info["seed"] == 9 and back.trials == 2000
    assert "interceptors = 24" in back.info["scenario_text"]
    assert back.per_trial is not None and res.per_trial is not None
    xr.testing.assert_equal(back.per_trial, res.per_trial)
    with xr.open_dataset(path, engine="h5netcdf", group="summary") as ds:
        assert (
            ds.fate_mean.sel(selection="all", fate="intercepted").item()
            == res.fates.sel(selection="all", fate="intercepted").item()
        )
    import h5py

    with h5py.File(path, "r") as f:
        assert f.attrs["filetype"] == "salvosim-results"
    again = tmp_path / "again.h5"
    back.to_hdf5(again)  # a read result writes again, per-trial data included
    assert salvosim.read(again).per_trial is not None


def test_unedited_scenario_keeps_its_commented_source_text(scenario: salvosim.Scenario) -> None:
    res = salvosim.run(scenario, trials=10)
    assert res.info["scenario_text"] == EXAMPLE.read_text()


def test_file_errors_are_clear(tmp_path: pathlib.Path, scenario: salvosim.Scenario) -> None:
    with pytest.raises(FileNotFoundError):
        salvosim.read(tmp_path / "none.h5")
    junk = tmp_path / "junk.h5"
    junk.write_text("not hdf5")
    with pytest.raises(RuntimeError, match="junk.h5"):
        salvosim.read(junk)
    res = salvosim.run(scenario, trials=10)
    with pytest.raises(RuntimeError, match="no-such-dir"):
        res.to_hdf5(tmp_path / "no-such-dir" / "x.h5")
    with open(tmp_path / "f.toml", "w") as handle:
        pass
    with pytest.raises(TypeError):
        salvosim.run(handle, trials=10)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"trials": -5}, ValueError),
        ({"trials": 0}, ValueError),
        ({"trials": 2.5}, TypeError),
        ({"trials": True}, TypeError),
        ({"seed": -1}, ValueError),
        ({"seed": 2**64}, ValueError),
        ({"seed": "7"}, TypeError),
        ({"threads": -1}, ValueError),
        ({"per_trial": 1}, TypeError),
        ({"progress": 3}, TypeError),
    ],
)
def test_bad_arguments_raise(scenario: salvosim.Scenario, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        salvosim.run(scenario, **{"trials": 10, **kwargs})


def test_numpy_integers_are_accepted(scenario: salvosim.Scenario) -> None:
    assert salvosim.run(scenario, trials=np.int64(20), seed=np.uint32(3)).trials == 20  # type: ignore[arg-type]


# --- progress and interruption -------------------------------------------------------------


def test_progress_callback_sees_every_chunk_and_can_stop(scenario: salvosim.Scenario) -> None:
    seen: list[tuple[int, int]] = []

    def record(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    def fail(done: int, total: int) -> bool:
        raise ZeroDivisionError("from the callback")

    salvosim.run(scenario, trials=20000, progress=record)
    assert seen[-1] == (20000, 20000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with pytest.raises(salvosim.RunCancelled):
        salvosim.run(scenario, trials=20000, progress=lambda done, total: False)
    with pytest.raises(ZeroDivisionError):
        salvosim.run(scenario, trials=20000, progress=fail)


def test_tqdm_progress_bar(scenario: salvosim.Scenario) -> None:
    pytest.importorskip("tqdm")
    assert salvosim.run(scenario, trials=5000, progress=True).trials == 5000


def test_ctrl_c_stops_a_long_run(scenario: salvosim.Scenario) -> None:
    # A run far too long to finish here; SIGINT (Ctrl-C) must end it with KeyboardInterrupt.
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            salvosim.run(scenario, trials=2_000_000_000)
    finally:
        timer.cancel()
