"""Sweep files: the same bytes however a sweep runs (one process, threads, shards merged, a
run killed and resumed, MPI on 2 and 3 ranks); they open in h5py and xarray with named,
labelled dimensions; and every point can be rerun on its own from what the file stores."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

# Provenance that may differ between two runs of the same sweep (when, on what).
PROVENANCE = {"created", "threads", "ranks"}


def content(path):
    """Everything in an HDF5 file but provenance: each dataset's type, shape, values (as
    bytes) and attributes, its dimension names, and the root attributes."""
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = {k: np.asarray(v).tobytes() for k, v in f.attrs.items() if k not in PROVENANCE}

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                values = obj[()]
                data = (
                    repr(values.tolist() if hasattr(values, "tolist") else values)
                    if obj.dtype.kind == "O"
                    else np.asarray(values).tobytes()
                )
                attrs = {
                    k: np.asarray(v).tobytes()
                    for k, v in obj.attrs.items()
                    if k not in ("DIMENSION_LIST", "REFERENCE_LIST")
                }
                dims = [[s.name for s in d.values()] for d in obj.dims]
                out[name] = (obj.dtype.str, obj.shape, data, attrs, dims)
            else:
                out[name] = "group"

        f.visititems(visit)
    return out


def assert_same_content(a, b):
    x, y = content(a), content(b)
    assert sorted(x) == sorted(y)
    differ = [name for name in x if x[name] != y[name]]
    assert not differ, f"{a} and {b} differ in {differ[:5]}"


def sweep_toml(directory, name, body):
    path = directory / name
    path.write_text(body)
    return path


@pytest.fixture(scope="module")
def grid(salvosim_exe, configs_dir, tmp_path_factory):
    """A 3 x 2 grid over the example (a mixed-type axis, points of unequal cost), run once in
    one process: the reference every other way of running it must match."""
    directory = tmp_path_factory.mktemp("grid")
    path = sweep_toml(
        directory,
        "grid.toml",
        f"""
[sweep]
name = "grid"
base = "{configs_dir / "example.toml"}"
trials = 3000
seed = 4

[[axis]]
path = "threat.shahed.count"
name = "drones"
values = [10, 40, 80]

[[axis]]
path = "layer.short-range.interceptors"
name = "magazine"
values = [20, "unlimited"]
""",
    )
    reference = directory / "reference.h5"
    run([salvosim_exe, "sweep", str(path), "--out", str(reference), "--threads", "1"])
    return path, reference


def run(arguments, **kwargs):
    completed = subprocess.run([str(a) for a in arguments], capture_output=True, text=True, **kwargs)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


def test_threads_give_the_same_bytes(salvosim_exe, grid, tmp_path):
    path, reference = grid
    out = tmp_path / "threads.h5"
    run([salvosim_exe, "sweep", path, "--out", out, "--threads", "2"])
    assert_same_content(reference, out)


def test_shards_merged_give_the_same_bytes(salvosim_exe, grid, tmp_path):
    path, reference = grid
    shards = []
    for i in (1, 2, 3):
        shard = tmp_path / f"shard{i}.h5"
        run([salvosim_exe, "sweep", path, "--out", shard, "--shard", f"{i}/3", "--threads", "1"])
        with h5py.File(shard, "r") as f:
            assert list(f.attrs["shard"]) == [i, 3]
            assert [d.keys()[0] for d in f["summary/fate_mean"].dims][0] == "point"
        shards.append(shard)
    merged = tmp_path / "merged.h5"
    run([salvosim_exe, "merge", shards[2], shards[0], shards[1], "--out", merged])
    assert_same_content(reference, merged)


def mpi_sweep(salvosim_exe, path, out, ranks):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("no mpirun (scripts/setup.sh installs openmpi-bin)")
    completed = subprocess.run(
        [
            mpirun,
            "--allow-run-as-root",
            "--oversubscribe",
            "-np",
            str(ranks),
            salvosim_exe,
            "sweep",
            str(path),
            "--out",
            str(out),
            "--threads",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "built without MPI" in completed.stderr:
        pytest.skip("this salvosim was built without -DSALVOSIM_WITH_MPI=ON")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"on {ranks} processes" in completed.stdout
    return out


@pytest.mark.parametrize("ranks", [2, 3])
def test_mpi_ranks_give_the_same_bytes(salvosim_exe, grid, tmp_path, ranks):
    path, reference = grid
    out = mpi_sweep(salvosim_exe, path, tmp_path / f"mpi{ranks}.h5", ranks)
    assert_same_content(reference, out)
    with h5py.File(out, "r") as f:
        assert f.attrs["ranks"] == ranks


def test_mpi_ranks_split_the_trials_of_few_points(salvosim_exe, configs_dir, tmp_path):
    """Two points on three ranks: each point's trials are cut into ranges that several ranks
    run, and the sums come out the same."""
    path = sweep_toml(
        tmp_path,
        "two.toml",
        f"""
[sweep]
base = "{configs_dir / "example.toml"}"
mode = "zip"
trials = 12000
seed = 9

[[axis]]
path = "layer.upper-tier.engages.ballistic.pk"
values = [0.4, 0.8]
""",
    )
    reference = tmp_path / "one.h5"
    run([salvosim_exe, "sweep", path, "--out", reference, "--threads", "1"])
    assert_same_content(reference, mpi_sweep(salvosim_exe, path, tmp_path / "three.h5", 3))


def checkpointed_points(checkpoint):
    """The points held by the complete checkpoint files (partial sweep files) in a directory."""
    done = 0
    for path in checkpoint.iterdir():
        if path.suffix == ".h5":
            with h5py.File(path, "r") as f:
                done += len(f["points/point"])
    return done


def long_sweep(configs_dir, directory, trials, seed, points):
    """A sweep of `points` points over the example's drones (20, 40, ...), long enough to be
    stopped part way."""
    return sweep_toml(
        directory,
        "long.toml",
        f"""
[sweep]
base = "{configs_dir / "example.toml"}"
trials = {trials}
seed = {seed}

[[axis]]
path = "threat.shahed.count"
range = {{ start = 20, stop = {20 * points}, step = 20 }}
""",
    )


# Each point written as it completes, and points written together (a file holding several).
@pytest.mark.parametrize("every", ["0", "0.15"])
def test_killed_and_resumed_gives_the_same_bytes(salvosim_exe, configs_dir, tmp_path, every):
    path = long_sweep(configs_dir, tmp_path, trials=10000, seed=2, points=8)
    reference = tmp_path / "whole.h5"
    run([salvosim_exe, "sweep", path, "--out", reference, "--threads", "1"])

    out = tmp_path / "resumed.h5"
    checkpoint = tmp_path / "resumed.h5.checkpoint"
    process = subprocess.Popen(
        [salvosim_exe, "sweep", str(path), "--out", str(out), "--threads", "1", "--checkpoint-every", every],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if checkpoint.is_dir() and checkpointed_points(checkpoint) >= 2:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the sweep ended before it could be killed"
    process.send_signal(signal.SIGKILL)  # no chance to clean up: as a node failure
    process.wait()
    assert not out.exists()
    done = checkpointed_points(checkpoint)
    assert 2 <= done < 8

    refused = subprocess.run([salvosim_exe, "sweep", str(path), "--out", str(out)], capture_output=True, text=True)
    assert refused.returncode == 2 and "--resume" in refused.stderr

    resumed = run([salvosim_exe, "sweep", path, "--out", out, "--threads", "1", "--resume"])
    assert f"resuming: {done} of 8 points" in resumed.stderr
    assert_same_content(reference, out)
    assert not checkpoint.exists()


def test_xarray_opens_a_grid_with_its_axes_as_coordinates(grid):
    _, reference = grid
    ds = xr.open_dataset(reference, engine="h5netcdf", group="summary")
    try:
        leaked = ds["fate_mean"].sel(selection="all", fate="leaked_defended")
        assert leaked.dims == ("drones", "magazine")
        assert list(ds["drones"].values) == [10, 40, 80]
        assert list(ds["magazine"].values) == ["20", "unlimited"]
        # More drones, more leakers; an unlimited magazine, fewer.
        assert leaked.sel(magazine="20", drones=80) > leaked.sel(magazine="20", drones=10)
        assert leaked.sel(magazine="unlimited", drones=80) <= leaked.sel(magazine="20", drones=80)
        assert ds["fate_mean"].attrs["units"] == "threats per trial"
        assert "rate_histogram" not in ds
        # Histograms are padded to the longest point's bins; each still counts every trial.
        assert (ds["fate_histogram"].sel(selection="shahed", fate="launch_failure").sum("count") == 3000).all()
    finally:
        ds.close()
    axes = xr.open_dataset(reference, engine="h5netcdf", group="axes")
    assert axes["drones"].attrs["path"] == "threat.shahed.count"
    axes.close()


def test_points_layout_has_axis_values_as_coordinates(salvosim_exe, grid, tmp_path):
    path, _ = grid
    shard = tmp_path / "shard.h5"
    run([salvosim_exe, "sweep", path, "--out", shard, "--shard", "1/2"])
    ds = xr.open_dataset(shard, engine="h5netcdf", group="summary")
    try:
        assert ds["rate_mean"].dims[0] == "point"
        assert "drones" in ds["rate_mean"].coords and "magazine" in ds["rate_mean"].coords
    finally:
        ds.close()


def test_a_point_reruns_alone_from_what_the_file_stores(salvosim_exe, grid, tmp_path):
    _, reference = grid
    with h5py.File(reference, "r") as f:
        k = 3
        scenario = f["points/scenario"].asstr()[k]
        seed, trials = int(f["points/seed"][k]), int(f["points/trials"][k])
        drones, magazine = f["points/drones"][k], f["points/magazine"].asstr()[k]
        swept = f["summary/fate_mean"][()].reshape(6, -1)[k]
        assert f.attrs["filetype"] == "salvosim-sweep"
        assert list(f.attrs["version"]) == [1, 1]
    assert (drones, magazine) == (40, "unlimited")
    point = tmp_path / "point.toml"
    point.write_text(scenario)
    out = tmp_path / "point.h5"
    run([salvosim_exe, "run", point, "--trials", trials, "--seed", seed, "--out", out])
    with h5py.File(out, "r") as f:
        assert f["summary/fate_mean"][()].reshape(-1).tobytes() == swept.tobytes()


def children(pid):
    """The processes whose parent is `pid` (Linux /proc): the ranks mpirun started here."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(entry.name))
    return found


# SIGTERM as Slurm sends it at a time limit (to every task: `ranks`), SIGINT alike, and SIGTERM
# as `kill` sends it to mpirun itself (`mpirun`), which passes it on to its processes.
@pytest.mark.parametrize(
    ("whom", "signal_number"), [("ranks", signal.SIGTERM), ("ranks", signal.SIGINT), ("mpirun", signal.SIGTERM)]
)
def test_mpi_sweep_stopped_by_a_signal_ends_cleanly_and_resumes(
    salvosim_exe, configs_dir, tmp_path, whom, signal_number
):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("no mpirun (scripts/setup.sh installs openmpi-bin)")
    # Long enough that the signal comes well before the end: mpirun passes a signal of its own on
    # to the ranks only after a delay, in which a sweep of 20 points (0.5 s on 2 cores since the
    # kernel got faster) could finish. Points cost in proportion to their drones: 40 take 4 times
    # as long.
    points = 40
    path = long_sweep(configs_dir, tmp_path, trials=20000, seed=5, points=points)
    out = tmp_path / "stopped.h5"
    checkpoint = tmp_path / "stopped.h5.checkpoint"
    command = [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "2", salvosim_exe, "sweep", str(path)]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--threads", "1", "--checkpoint-every", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if checkpoint.is_dir() and checkpointed_points(checkpoint) >= 1:
            break
        time.sleep(0.01)
    if process.poll() is not None:
        _, err = process.communicate()
        if "built without MPI" in err:
            pytest.skip("this salvosim was built without -DSALVOSIM_WITH_MPI=ON")
        pytest.fail("the sweep ended before the signal came: " + err)
    if whom == "ranks":
        ranks = children(process.pid)
        assert len(ranks) == 2
        for rank in ranks:
            os.kill(rank, signal_number)
    else:
        process.send_signal(signal_number)
    _, err = process.communicate(timeout=120)
    # One message, from rank 0, with the command that goes on; no abort of the job.
    said = "interrupted (SIGTERM)" if signal_number == signal.SIGTERM else "interrupted"
    assert err.count(f"salvosim: {said}; the points completed are kept in") == 1, err
    assert f"salvosim sweep {path} --out {out} --threads 1 --checkpoint-every 0 --resume" in err
    assert "MPI_ABORT" not in err
    if whom == "ranks":
        assert process.returncode == 128 + signal_number, err
    else:
        assert process.returncode != 0  # Open MPI's mpirun, signalled itself, exits with 1 (docs/cli.md)
    assert not out.exists()
    done = checkpointed_points(checkpoint)
    assert 1 <= done < points

    status = run([salvosim_exe, "sweep", path, "--status", "--out", out])
    assert f"{done} of {points} points done" in status.stdout
    reference = tmp_path / "whole.h5"
    run([salvosim_exe, "sweep", path, "--out", reference, "--threads", "1"])
    resumed = run([salvosim_exe, "sweep", path, "--out", out, "--threads", "1", "--resume"])
    assert f"resuming: {done} of {points} points" in resumed.stderr
    assert_same_content(reference, out)
