"""The HDF5 results file opens without help in h5py and in xarray (h5netcdf engine), with
named dimensions and labels, and says what produced it."""

import json
import subprocess

import h5py
import numpy as np
import pytest
import xarray as xr


@pytest.fixture(scope="module")
def run_file(salvosim_exe, configs_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("h5") / "run.h5"
    completed = subprocess.run(
        [
            salvosim_exe,
            "run",
            str(configs_dir / "example.toml"),
            "--trials",
            "2000",
            "--seed",
            "7",
            "--out",
            str(path),
            "--per-trial",
            "--per-threat",
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return path, json.loads(completed.stdout)


def test_root_attributes_give_provenance(run_file):
    path, summary = run_file
    with h5py.File(path, "r") as f:
        assert f.attrs["filetype"] == "salvosim-results"
        assert list(f.attrs["version"])[0] == 1
        assert f.attrs["salvosim_version"] == summary["salvosim_version"]
        assert len(f.attrs["git_sha1"]) > 0
        assert f.attrs["seed"] == 7
        assert f.attrs["trials"] == 2000
        assert "[[layer]]" in f["scenario/text"][()].decode()


def test_h5py_reads_labelled_summary(run_file):
    path, summary = run_file
    with h5py.File(path, "r") as f:
        selections = [s.decode() for s in f["summary/selection"][()]]
        fates = [s.decode() for s in f["summary/fate"][()]]
        mean = f["summary/fate_mean"][()]
        assert f["summary/fate_mean"].attrs["units"] == "threats per trial"
        g, k = selections.index("shahed"), fates.index("leaked_defended")
        assert mean[g, k] == pytest.approx(summary["groups"]["shahed"]["leaked_defended"]["mean"], rel=1e-12)
        # Per-trial rows add up to the exact sums of the summary.
        per_trial = f["per_trial/fates"][()]
        assert per_trial.shape[0] == 2000
        assert per_trial[:, 0, :].sum(axis=0).tolist() == f["summary/fate_sum"][selections.index("shahed")].tolist()
        per_threat = f["per_threat/fate"][()]
        assert per_threat.shape == (2000, 80)


def test_xarray_opens_summary_with_named_dimensions(run_file):
    path, summary = run_file
    ds = xr.open_dataset(path, engine="h5netcdf", group="summary")
    try:
        assert ds["fate_mean"].dims == ("selection", "fate")
        value = ds["fate_mean"].sel(selection="mrbm", fate="intercepted").item()
        assert value == pytest.approx(summary["groups"]["mrbm"]["intercepted"]["mean"], rel=1e-12)
        rate = ds["rate_mean"].sel(selection="all", rate="threatening").item()
        assert rate == pytest.approx(summary["rates"]["threatening"]["mean"], rel=1e-12)
        assert ds["layer_mean"].sel(layer="upper-tier", layer_metric="fired").item() <= 48
        hist = ds["fate_histogram"].sel(selection="all", fate="leaked_defended")
        assert int(hist.sum()) == 2000
        assert isinstance(ds["selection"].values[0], str)
    finally:
        ds.close()


def test_xarray_opens_per_trial_data(run_file):
    path, _ = run_file
    ds = xr.open_dataset(path, engine="h5netcdf", group="per_trial")
    try:
        assert ds["fates"].dims == ("trial", "group", "fate")
        assert np.array_equal(ds["trial"].values, np.arange(2000))
        counts = ds["fates"].sum(dim="fate")
        assert (counts.sel(group="shahed") == 50).all()
        assert (counts.sel(group="mrbm") == 30).all()
    finally:
        ds.close()
