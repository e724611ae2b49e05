"""salvosim.sweep and salvosim.read_sweep: a sweep run from Python gives the statistics the
command line writes for the same sweep, byte for byte; results are labelled arrays over the
sweep's dimensions; files round-trip; bad arguments raise clear exceptions."""

import subprocess

import numpy as np
import pytest
import xarray as xr

import salvosim

TRIALS = 3000
SEED = 11
DRONES = [10, 40, 70]
INTERCEPTORS = [8, 24]


def assert_same_statistics(a: salvosim.SweepResults, b: salvosim.SweepResults) -> None:
    assert a.dims == b.dims
    assert a.names == b.names
    for name in a.names:
        x, y = a[name], b[name]
        assert x.dims == y.dims, name
        assert x.values.dtype == y.values.dtype, name
        assert x.values.tobytes() == y.values.tobytes(), f"{name} differs"
        for dim in x.dims:
            assert list(x[dim].values) == list(y[dim].values), f"{name}: coordinate {dim} differs"


@pytest.fixture(scope="module")
def example(configs_dir):
    return salvosim.load(configs_dir / "example.toml")


@pytest.fixture(scope="module")
def grid(example):
    axes = [
        salvosim.Axis("threat.shahed.count", DRONES, name="drones"),
        salvosim.Axis("layer.upper-tier.interceptors", INTERCEPTORS, name="magazine"),
    ]
    return salvosim.sweep(example, axes, trials=TRIALS, seed=SEED)


@pytest.fixture(scope="module")
def cli_grid(salvosim_exe, configs_dir, tmp_path_factory):
    """The same grid written as a sweep file and run by `salvosim sweep`."""
    directory = tmp_path_factory.mktemp("cli_grid")
    sweep_file = directory / "grid.toml"
    sweep_file.write_text(f"""
[sweep]
base = "{configs_dir / "example.toml"}"
trials = {TRIALS}
seed = {SEED}

[[axis]]
path = "threat.shahed.count"
name = "drones"
values = {DRONES}

[[axis]]
path = "layer.upper-tier.interceptors"
name = "magazine"
values = {INTERCEPTORS}
""")
    out = directory / "grid.h5"
    subprocess.run(
        [salvosim_exe, "sweep", str(sweep_file), "--out", str(out), "--threads", "2"], check=True, capture_output=True
    )
    return sweep_file, out


def test_a_grid_has_one_labelled_dimension_per_axis(grid):
    assert grid.dims == ("drones", "magazine")
    leaked = grid.fate_mean.sel(selection="all", fate="leaked_defended")
    assert leaked.dims == ("drones", "magazine")
    assert list(leaked.drones.values) == DRONES and list(leaked.magazine.values) == INTERCEPTORS
    assert grid.info["points"] == len(DRONES) * len(INTERCEPTORS)
    # More drones against the same defence: more of them leak (far beyond noise at 3000 trials).
    drones_leaked = grid.fate_mean.sel(selection="shahed", fate="leaked_defended", magazine=8).values
    assert np.all(np.diff(drones_leaked) > 0)


def test_equals_the_command_line_byte_for_byte(grid, cli_grid):
    _, out = cli_grid
    assert_same_statistics(grid, salvosim.read_sweep(out))


def test_a_sweep_file_from_python_equals_the_command_line(cli_grid):
    sweep_file, out = cli_grid
    from_file = salvosim.sweep(sweep_file, threads=1)
    cli = salvosim.read_sweep(out)
    assert_same_statistics(from_file, cli)
    assert from_file.info["sweep_id"] == cli.info["sweep_id"]


def test_threads_do_not_change_results(example, grid):
    axes = [
        salvosim.Axis("threat.shahed.count", DRONES, name="drones"),
        salvosim.Axis("layer.upper-tier.interceptors", INTERCEPTORS, name="magazine"),
    ]
    assert_same_statistics(grid, salvosim.sweep(example, axes, trials=TRIALS, seed=SEED, threads=1))


def test_a_point_equals_a_plain_run_of_its_scenario(grid):
    point = grid.points.sel(point=4)  # drones 70 (index 2), magazine 8 (index 0): row-major
    assert int(point.drones) == 70 and int(point.magazine) == 8
    scenario = grid.scenario(4)
    assert scenario.threat("shahed").count == 70 and scenario.layer("upper-tier").interceptors == 8
    single = salvosim.run(scenario, trials=TRIALS, seed=SEED)
    np.testing.assert_array_equal(single.fate_mean.values, grid.fate_mean.sel(drones=70, magazine=8).values)


def test_zip_has_a_point_dimension_with_the_axes_as_coordinates(example):
    axes = {"threat.shahed.count": np.array([10, 30]), "layer.upper-tier.interceptors": [8, 16]}
    res = salvosim.sweep(example, axes, trials=500, seed=3, mode="zip")
    assert res.dims == ("point",)
    rate = res.rate_mean.sel(selection="all", rate="launched")
    assert list(rate["threat.shahed.count"].values) == [10, 30]
    assert list(rate["layer.upper-tier.interceptors"].values) == [8, 16]
    assert isinstance(res.to_xarray(), xr.Dataset)


def test_round_trip_through_a_file(grid, tmp_path):
    path = tmp_path / "sweep.h5"
    grid.to_hdf5(path)
    assert_same_statistics(grid, salvosim.read_sweep(path))
    summary = xr.open_dataset(path, engine="h5netcdf", group="summary")
    np.testing.assert_array_equal(summary.fate_mean.values, grid.fate_mean.values)
    assert list(summary.drones.values) == DRONES


def test_progress_is_reported_and_can_stop_the_sweep(example):
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return True

    salvosim.sweep(example, {"threat.shahed.count": [10, 20, 30]}, trials=200, progress=progress)
    assert calls and calls[-1] == (3, 3) and all(total == 3 for _, total in calls)
    with pytest.raises(salvosim.RunCancelled):
        salvosim.sweep(example, {"threat.shahed.count": [10, 20, 30]}, trials=200, progress=lambda d, t: False)


def test_bad_axes_name_the_axis_and_the_point(example):
    with pytest.raises(salvosim.ConfigError, match="threat.nosuch.count"):
        salvosim.sweep(example, {"threat.nosuch.count": [1, 2]}, trials=100)
    with pytest.raises(salvosim.ConfigError, match=r"layer.upper-tier.engages.ballistic.pk"):
        salvosim.sweep(example, {"layer.upper-tier.engages.ballistic.pk": [0.5, 1.5]}, trials=100)
    with pytest.raises(salvosim.ConfigError, match="empty|no values"):
        salvosim.sweep(example, {"threat.shahed.count": []}, trials=100)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda sc: salvosim.sweep(sc, {"threat.shahed.count": [None]}), TypeError, "int, float, str or bool"),
        (
            lambda sc: salvosim.sweep(sc, {"threat.shahed.count": 5}),  # type: ignore[arg-type]
            TypeError,
            "values must be a list",
        ),
        (lambda sc: salvosim.sweep(sc, {}), ValueError, "at least one axis"),
        (
            lambda sc: salvosim.sweep(sc, ["threat.shahed.count"]),  # type: ignore[list-item]
            TypeError,
            "salvosim.Axis",
        ),
        (lambda sc: salvosim.sweep(sc, {"threat.shahed.count": [1]}, mode="latin-hypercube"), ValueError, "grid"),
        (lambda sc: salvosim.sweep(sc, {"threat.shahed.count": [1]}, trials=-1), ValueError, "trials"),
        (
            lambda sc: salvosim.sweep(sc, {"threat.shahed.count": [1]}, threads="2"),  # type: ignore[arg-type]
            TypeError,
            "threads",
        ),
        (lambda sc: salvosim.sweep(sc), TypeError, "sweep file"),
        (lambda sc: salvosim.sweep("configs/sweeps/salvo_vs_magazine.toml", trials=5), TypeError, "trials"),
        (lambda sc: salvosim.read_sweep("no/such/file.h5"), FileNotFoundError, "no such file"),
        (lambda sc: salvosim.sweep(sc, {"threat.shahed.count": [2**70]}), ValueError, "does not fit in 64 bits"),
        (lambda sc: salvosim.sweep(sc, {"threat.shahed.count": np.array([[10, 20]])}), TypeError, "one-dimensional"),
        (
            lambda sc: salvosim.sweep(sc, {"threat.shahed.count": [10]}, trials=10, progress=lambda d, t: "yes"),  # type: ignore[arg-type, return-value]
            TypeError,
            "progress callback returns",
        ),
        (
            lambda sc: salvosim.run(sc, trials=10, progress=lambda d, t: "yes"),  # type: ignore[arg-type, return-value]
            TypeError,
            "progress callback returns",
        ),
    ],
)
def test_bad_arguments_raise_clear_exceptions(example, call, error, message):
    with pytest.raises(error, match=message):
        call(example)


def test_a_plan_lists_the_points_the_sweep_runs_and_shards_them(example, grid, cli_grid):
    """plan_sweep (the dry run from Python): the points and trials of the sweep it plans, each
    with a positive estimated time that adds up to the total; one shard when the target is
    ample, one a point (and `fits` false) when no point fits; the same from the sweep file."""
    axes = [
        salvosim.Axis("threat.shahed.count", DRONES, name="drones"),
        salvosim.Axis("layer.upper-tier.interceptors", INTERCEPTORS, name="magazine"),
    ]
    ample = salvosim.plan_sweep(example, axes, trials=TRIALS, seed=SEED, threads=1, target_hours=100.0)
    points = grid.points
    assert list(ample.points.columns) == ["drones", "magazine", "seed", "trials", "estimated_seconds"]
    assert (ample.points["seed"] == SEED).all()
    assert list(ample.points["drones"]) == list(points["drones"].values)
    assert list(ample.points["magazine"]) == list(points["magazine"].values)
    assert list(ample.points["trials"]) == list(points["trials"].values)
    assert (ample.points["estimated_seconds"] > 0).all() and ample.threads == 1
    # More threats cost more (the estimate scales with threats x layers x trials).
    assert ample.points["estimated_seconds"].is_monotonic_increasing
    assert ample.shards == 1 and ample.fits
    assert ample.shard_seconds == pytest.approx([ample.total_seconds], rel=1e-12)
    assert 1 <= len(ample.timed_points) <= 3 and ample.timing_seconds > 0
    tight = salvosim.plan_sweep(example, axes, trials=TRIALS, seed=SEED, threads=1, target_hours=1e-9)
    assert tight.shards == len(points["drones"]) and not tight.fits
    assert sum(tight.shard_seconds) == pytest.approx(tight.total_seconds, rel=1e-9)
    assert "6 points" in str(tight) and "raise target_hours" in str(tight)
    assert "salvosim.SweepPlan" in tight._repr_html_()
    sweep_file, _ = cli_grid
    from_file = salvosim.plan_sweep(sweep_file, threads=1)
    assert from_file.points.drop(columns="estimated_seconds").equals(ample.points.drop(columns="estimated_seconds"))
    # An axis of trials is the trials column, as in SweepResults.points; NumPy numbers are numbers.
    by_trials = salvosim.plan_sweep(example, {"trials": [100, 300]}, threads=1, target_hours=np.float32(1.0))
    assert list(by_trials.points.columns) == ["seed", "trials", "estimated_seconds"]
    assert list(by_trials.points["trials"]) == [100, 300] and by_trials.target_seconds == 3600.0
    # A target far below any point: one shard a point, not an overflow of the shard count.
    tiny = salvosim.plan_sweep(example, {"threat.shahed.count": [10, 20]}, trials=100, threads=1, target_hours=1e-300)
    assert tiny.shards == 2 and not tiny.fits
    with pytest.raises(TypeError, match=r"plan_sweep\(\) takes a base scenario and axes"):
        salvosim.plan_sweep(example)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"target_hours": 0}, ValueError, "target_hours must be a positive number of hours, got 0.0"),
        ({"target_hours": float("inf")}, ValueError, "target_hours must be a positive number of hours"),
        ({"target_hours": "4"}, TypeError, "target_hours must be a number of hours, got str"),
        ({"target_hours": 10**400}, ValueError, "target_hours must be a positive number of hours, got inf"),
        ({"threads": -1}, ValueError, r"threads must be an integer in \[0, 4096\]"),
        ({"axes": {"threat.nosuch.count": [1]}}, salvosim.ConfigError, "threat.nosuch.count"),
    ],
)
def test_a_plan_refuses_bad_arguments_as_a_sweep_does(example, kwargs, error, message):
    arguments = {"axes": {"threat.shahed.count": [10]}, "trials": 100, **kwargs}
    with pytest.raises(error, match=message):
        salvosim.plan_sweep(example, **arguments)


def test_a_results_file_is_not_a_sweep_file(example, tmp_path):
    path = tmp_path / "run.h5"
    salvosim.run(example, trials=100).to_hdf5(path)
    with pytest.raises(RuntimeError, match="sweep"):
        salvosim.read_sweep(path)


@pytest.mark.parametrize(
    "axes, message",
    [
        ([salvosim.Axis("threat.shahed.count", [10, 20], name="selection")], "name of a dimension"),
        ([salvosim.Axis("threat.shahed.count", [10, 20], name="salvo")], "name of a dimension"),
        ([salvosim.Axis("threat.shahed.count", [10, 20], name="a/b")], "must not hold"),
        (
            [salvosim.Axis("threat.shahed.count", [10, 20]), salvosim.Axis("threat.shahed.count", [30], name="x")],
            "varied by an earlier axis",
        ),
        (
            [
                salvosim.Axis("threat.shahed.count", [10, 20], name="n"),
                salvosim.Axis("threat.mrbm.cost", [1.0], name="n"),
            ],
            "names an earlier axis",
        ),
        ([salvosim.Axis("threat.shahed.count", [10, 10])], "twice"),
    ],
)
def test_axes_built_in_python_get_the_checks_of_a_sweep_file(example, axes, message):
    """A dimension name that the statistics use would corrupt the arrays; two axes on one path
    would label points with values that never ran: refused, as the sweep-file loader does."""
    with pytest.raises(salvosim.ConfigError, match=message):
        salvosim.sweep(example, axes, trials=10)


def test_a_sweep_file_may_not_name_an_axis_salvo(salvosim_exe, configs_dir, tmp_path):
    sweep_file = tmp_path / "named.toml"
    sweep_file.write_text(f"""
[sweep]
base = "{configs_dir / "campaign_example.toml"}"
trials = 10

[[axis]]
path = "layer.upper-tier.resupply"
name = "salvo"
values = [1, 2]
""")
    run = subprocess.run(
        [salvosim_exe, "sweep", str(sweep_file), "--out", str(tmp_path / "n.h5")], capture_output=True, text=True
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "name of a dimension" in run.stderr + run.stdout


def test_key_paths_are_parsed_and_set_by_the_one_cpp_parser(configs_dir):
    """salvosim._core.parse_key_path / set_key_path: the notation of sweep axes, for calibration."""
    from salvosim import _core

    assert _core.parse_key_path('layer."s.r.".engages.ballistic.pk') == (
        "layer",
        "s.r.",
        ["engages", "ballistic", "pk"],
    )
    assert _core.parse_key_path("threat.shahed.count") == ("threat", "shahed", ["count"])
    assert _core.parse_key_path("seed") == ("seed", "", [])
    with pytest.raises(ValueError, match="quote that is not closed"):
        _core.parse_key_path('layer."open.pk')
    sc = salvosim.load(configs_dir / "example.toml")
    layer = sc.layers[0]
    target = layer.engages[0].target
    _core.set_key_path(sc, f"layer.{layer.name}.engages.{target}.pk", 0.25)
    assert sc.layers[0].engages[0].pk == 0.25
    with pytest.raises(ValueError, match="must be an integer, got float 2.5"):
        _core.set_key_path(sc, f"threat.{sc.threats[0].name}.count", 2.5)
    with pytest.raises(ValueError, match="no threat group named"):
        _core.set_key_path(sc, "threat.nobody.count", 3)
