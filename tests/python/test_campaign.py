"""Campaigns from Python (docs/model.md §2.5): salvos in the scenario, per-salvo arrays with a
`salvo` dimension and `salvo:<name>` selections in the results, per-trial magazines, files."""

from __future__ import annotations

import json
import pathlib
import subprocess

import numpy as np
import pytest
import xarray as xr

import salvosim

ROOT = pathlib.Path(__file__).resolve().parents[2]
CAMPAIGN = ROOT / "configs" / "campaign_example.toml"
EXAMPLE = ROOT / "configs" / "example.toml"
SALVOS = ["night-1", "night-2", "night-3"]


@pytest.fixture
def campaign() -> salvosim.Scenario:
    return salvosim.load(CAMPAIGN)


def test_salvos_are_read_and_edited_in_place(campaign: salvosim.Scenario) -> None:
    assert [s.name for s in campaign.salvos] == SALVOS
    assert len(campaign.threats) == 0  # a campaign's groups live in its salvos
    assert campaign.salvo("night-2").start == 86400.0
    assert [g.name for g in campaign.salvo("night-2").threats] == ["drones-2", "missiles-2"]
    assert campaign.threat("missiles-3").count == 40  # found in any salvo
    layer = campaign.layer("upper-tier")
    assert (layer.interceptors, layer.resupply, layer.capacity) == (48, 8, 48)
    assert salvosim.load(EXAMPLE).layer("upper-tier").capacity is None
    layer.resupply = 12
    campaign.salvo("night-3").threats[0].count = 30
    campaign.salvo("night-3").threats[0].launch.waves = [(16000.0, 15), (16600.0, 15)]
    campaign.validate()
    again = salvosim.load(salvosim.to_dict(campaign))
    assert again.to_toml() == campaign.to_toml()
    assert again.layer("upper-tier").resupply == 12 and again.threat("missiles-3").count == 30
    assert "3 salvos" in repr(campaign)


def test_salvos_is_a_view_on_the_scenario(campaign: salvosim.Scenario) -> None:
    """Like threats and layers: a fixed-length view, not a copy whose edits would be lost."""
    salvos = campaign.salvos
    assert not isinstance(salvos, list) and len(salvos) == 3
    salvos[-1].start = 200000.0
    assert campaign.salvo("night-3").start == 200000.0
    with pytest.raises(IndexError):
        salvos[3]


def test_dict_errors_name_the_salvo(campaign: salvosim.Scenario) -> None:
    data = salvosim.to_dict(campaign)
    data["salvo"][1]["start"] = 0.0
    data["layer"][0]["capacity"] = 10
    with pytest.raises(salvosim.ConfigError) as error:
        salvosim.from_dict(data)
    paths = {p["key_path"] for p in error.value.problems}
    assert paths == {'salvo[1] "night-2".start', 'layer[0] "upper-tier".capacity'}


def test_results_per_salvo_have_named_axes(campaign: salvosim.Scenario) -> None:
    res = salvosim.run(campaign, trials=4000, seed=3, per_trial=True)
    assert res.salvos == SALVOS
    layers = res.salvo_layer_mean
    assert layers.dims == ("salvo", "layer", "layer_metric")
    assert list(layers.coords["salvo"].values) == SALVOS
    # The campaign's counters are the sums of the salvos', exactly.
    np.testing.assert_array_equal(res["salvo_layer_sum"].sum("salvo").values, res.array("layer_sum"))
    magazine = res.salvo_magazine_mean
    assert magazine.sel(salvo="night-1", layer="upper-tier").item() == 48
    assert magazine.sel(salvo="night-2", layer="upper-tier").item() <= 48  # capacity
    # Each salvo's threats are a selection, with its rates.
    rates = [res.rate("threatening", "salvo:" + s) for s in SALVOS]
    assert all(0 < r.mean < 1 for r in rates)
    fates = res.fates.sel(selection=["salvo:" + s for s in SALVOS]).sum("fate")
    np.testing.assert_allclose(fates.values, [60, 90, 40])
    # Per trial: magazines carry over, less what was fired, plus the resupply up to capacity.
    per_trial = res.per_trial
    assert per_trial is not None
    assert per_trial.salvo_magazine.dims == ("trial", "salvo", "layer")
    fired = per_trial.salvo_layer_metrics.sel(layer="upper-tier", layer_metric="fired").values
    held = per_trial.salvo_magazine.sel(layer="upper-tier").values
    np.testing.assert_array_equal(held[:, 1:], np.minimum(48, held[:, :-1] - fired[:, :-1] + 8))
    assert (fired.sum(axis=1) <= 48 + 2 * 8).all()
    np.testing.assert_array_equal(per_trial.layer_metrics.values, per_trial.salvo_layer_metrics.sum("salvo").values)


def test_campaign_json_equals_the_command_line(salvosim_exe: str) -> None:
    res = salvosim.run(salvosim.load(CAMPAIGN), trials=3000, seed=7)
    cli = subprocess.run(
        [salvosim_exe, "run", str(CAMPAIGN), "--trials", "3000", "--seed", "7", "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    ours, theirs = res.to_json(), json.loads(cli)
    for key in ("git_sha1", "source"):
        ours.pop(key), theirs.pop(key)
    assert ours == theirs
    assert list(ours["salvos"]) == SALVOS
    assert set(ours["salvos"]["night-1"]) == {"start", "total", "layers", "interceptor_cost", "threat_cost", "rates"}
    assert ours["salvos"]["night-1"]["layers"]["upper-tier"]["magazine"] == {"mean": 48, "se": 0}


def test_campaign_file_round_trip_and_xarray(campaign: salvosim.Scenario, tmp_path: pathlib.Path) -> None:
    res = salvosim.run(campaign, trials=1000, seed=5, per_trial=True)
    path = tmp_path / "campaign.h5"
    res.to_hdf5(path)
    back = salvosim.read(path)
    for name in res.names:
        np.testing.assert_array_equal(res.array(name), back.array(name), err_msg=name)
    assert back.salvos == SALVOS
    assert back.per_trial is not None and res.per_trial is not None
    xr.testing.assert_equal(back.per_trial, res.per_trial)
    with xr.open_dataset(path, engine="h5netcdf", group="summary") as ds:
        assert list(ds.salvo.values) == SALVOS
        assert ds.salvo_layer_mean.dims == ("salvo", "layer", "layer_metric")
    import h5py

    with h5py.File(path, "r") as f:
        assert list(f.attrs["version"]) == [1, 2]


def test_a_campaign_of_one_salvo_is_the_plain_scenario() -> None:
    plain = salvosim.load(EXAMPLE)
    data = salvosim.to_dict(plain)
    data["salvo"] = [{"name": "only", "start": 0.0, "threat": data.pop("threat")}]
    one = salvosim.from_dict(data)
    assert len(one.salvos) == 1
    a = salvosim.run(plain, trials=2000, seed=11, per_trial=True)
    b = salvosim.run(one, trials=2000, seed=11, per_trial=True)
    assert a.names == b.names and b.salvos == []
    for name in a.names:
        np.testing.assert_array_equal(a.array(name), b.array(name), err_msg=name)
    assert a.per_trial is not None and b.per_trial is not None
    xr.testing.assert_equal(a.per_trial, b.per_trial)
