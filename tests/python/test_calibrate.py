"""The calibration (salvosim.calibrate): specs, key paths, independent components, and the
recovery of known parameters from synthetic published figures."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap
import tomllib

import numpy as np
import pytest

import salvosim
from salvosim import calibrate as cal
from salvosim import published
from salvosim.calibrate import sampler

# A small salvo against two layers: fast enough to calibrate in a few seconds.
SCENARIO = """
[scenario]
name = "synthetic"

[[threat]]
name = "mrbm"
class = "ballistic"
count = 60
launch = {{ start = 0.0, duration = 600.0 }}
flight_time = {{ mean = 700.0, sd = 30.0 }}
p_launch = {p_each}
p_flight = {p_each}
defended_fraction = 0.9

[[threat]]
name = "drone"
class = "drone"
count = 40
launch = {{ start = 0.0, duration = 600.0 }}
flight_time = {{ mean = 3000.0, sd = 100.0 }}
p_flight = 0.9

[[layer]]
name = "outer"
fire_units = 4
channels = 2
engagement_time = 60.0
interceptors = "unlimited"
shots = 1
engages.ballistic = {{ pk = {pk}, detect = 0.95, window = {{ open = 400.0, close = 100.0 }} }}

[[layer]]
name = "aircraft"
fire_units = 10
channels = 1
engagement_time = 60.0
interceptors = "unlimited"
engages.drone = {{ pk = {air}, window = {{ open = 2000.0, close = 100.0 }} }}
"""

TRUTH = {"pk": 0.6, "reliability": 0.7, "air": 0.5}

SPEC = """
[calibration]
name = "synthetic"
trials = 200
rounds = [160, 80, 80]
seed = 3
sampler_seed = 5

[[case]]
name = "night"
config = "synthetic.toml"

[[case.block]]
observables = ["failed", "leaked", "intercepted"]
parameters = ["pk", "reliability"]

[[case.block]]
observables = ["drones-down"]
parameters = ["air"]

[[parameter]]
name = "pk"
prior = [0.1, 0.95]
targets.night = ["layer.outer.engages.ballistic.pk"]

[[parameter]]
name = "reliability"
prior = [0.3, 1.0]
power = 0.5
targets.night = ["threat.mrbm.p_launch", "threat.mrbm.p_flight"]

[[parameter]]
name = "air"
prior = [0.1, 0.9]
targets.night = ["layer.aircraft.engages.drone.pk"]
"""


def _scenario_text(pk: float, reliability: float, air: float) -> str:
    return SCENARIO.format(p_each=reliability**0.5, pk=pk, air=air)


def _observable(name: str, statistic: str, centre: float, half_width: float, **keys: str) -> str:
    lines = [f'name = "{name}"', f'statistic = "{statistic}"'] + [f'{k} = "{v}"' for k, v in keys.items()]
    lines += [
        f"value = {centre:.3f}",
        f"range = [{centre - half_width:.3f}, {centre + half_width:.3f}]",
        'definition = "count"',
        'source = "synthetic: the mean at known parameters"',
    ]
    return "\n[[published.observable]]\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A scenario whose published figures are the model's own means at TRUTH (with ranges of
    about one standard deviation of a trial), and a spec that fits pk, reliability and air."""
    directory = tmp_path_factory.mktemp("calibration")
    truth_text = _scenario_text(TRUTH["pk"], TRUTH["reliability"], TRUTH["air"])
    scenario = salvosim.Scenario.from_toml_string(truth_text)
    res = salvosim.run(scenario, trials=20_000, seed=99, per_trial=True)
    items = [
        ("failed", "fate", {"selection": "mrbm", "fate": "launch_failure"}),
        ("leaked", "fate", {"selection": "mrbm", "fate": "leaked_defended"}),
        ("intercepted", "fate", {"selection": "mrbm", "fate": "intercepted"}),
        ("drones-down", "intercepts", {"selection": "drone", "layer": "aircraft"}),
    ]
    text = truth_text
    for name, statistic, keys in items:
        probe = published.Observable(
            name=name,
            statistic=statistic,
            low=0,
            high=0,
            definition="count",
            source="",
            selection=keys["selection"],
            fates=tuple(filter(None, [keys.get("fate")])),
            layers=tuple(filter(None, [keys.get("layer")])),
        )
        values = published.per_trial(probe, res, scenario)
        text += _observable(name, statistic, float(values.mean()), float(values.std()), **keys)
    text = text.replace("[[published.observable]]", "[published]\n[[published.observable]]", 1)
    (directory / "synthetic.toml").write_text(text)
    (directory / "spec.toml").write_text(SPEC)
    return directory


@pytest.fixture(scope="module")
def result(synthetic: pathlib.Path) -> cal.CalibrationResult:
    return cal.calibrate(cal.CalibrationSpec.load(synthetic / "spec.toml"), threads=0)


def test_recovers_known_parameters_within_its_intervals(result: cal.CalibrationResult) -> None:
    summary = {row["parameter"]: row for row in result.summary()}
    for name, truth in TRUTH.items():
        low, high = summary[name]["interval"]
        assert low <= truth <= high, f"{name}: {truth} outside the 90% interval [{low:.3f}, {high:.3f}]"
        # Informative, not just the prior: a wrong answer far from the truth is excluded.
        prior_low, prior_high = summary[name]["prior"]
        assert high - low < 0.5 * (prior_high - prior_low), f"{name}: interval [{low:.3f}, {high:.3f}] too wide"


def test_independent_blocks_make_independent_components(result: cal.CalibrationResult) -> None:
    assert [c.parameters for c in result.components] == [["pk", "reliability"], ["air"]]
    constraints = result.constraints()
    names = result.parameter_names
    rows = dict(zip(result.observable_names, constraints))
    # Only the aircraft's kills say anything about the aircraft, and they say nothing else.
    assert rows["night/drones-down"][names.index("air")] > 0.3
    assert rows["night/drones-down"][names.index("pk")] == 0.0
    assert rows["night/failed"][names.index("air")] == 0.0
    # Launch failures constrain reliability far more than pk.
    assert rows["night/failed"][names.index("reliability")] > rows["night/failed"][names.index("pk")] + 0.2


def test_representative_point_reproduces_the_published_means(
    result: cal.CalibrationResult, synthetic: pathlib.Path
) -> None:
    values = cal.representative_point(result, candidates=20, trials=2000)
    assert result.point["worst_miss"] == 0.0
    summary = {row["parameter"]: row for row in result.summary()}
    for name, value in values.items():
        low, high = summary[name]["interval"]
        assert low <= value <= high
    scenario, observables = published.load_with_observables(synthetic / "synthetic.toml")
    fitted = result.spec.apply(scenario, "night", values)
    res = salvosim.run(fitted, trials=2000, seed=result.spec.seed)
    for observable in observables:
        assert observable.contains(published.mean(observable, res)), observable.name


def test_save_load_and_draws(result: cal.CalibrationResult, tmp_path: pathlib.Path) -> None:
    result.save(tmp_path / "posterior.json")
    back = cal.CalibrationResult.load(tmp_path / "posterior.json")
    for a, b in zip(back.summary(), result.summary()):
        assert a["parameter"] == b["parameter"]
        assert a["median"] == pytest.approx(b["median"], abs=1e-5)
    draws = back.draws(500, seed=1)
    assert set(draws[0]) == {"pk", "reliability", "air"}
    pk = np.array([d["pk"] for d in draws])
    assert abs(np.median(pk) - back.median()["pk"]) < 0.05
    assert draws == back.draws(500, seed=1)  # reproducible


def test_report_names_every_parameter_and_observable(result: cal.CalibrationResult) -> None:
    text = cal.report(result)
    for name in [*TRUTH, "night/failed", "night/drones-down"]:
        assert name in text


# --- the pieces ------------------------------------------------------------------------------


def test_set_path_edits_threats_layers_and_engagements() -> None:
    scenario = salvosim.Scenario.from_toml_string(_scenario_text(0.5, 0.81, 0.5))
    cal.set_path(scenario, "layer.outer.engages.ballistic.pk", 0.25)
    cal.set_path(scenario, "threat.mrbm.flight_time.mean", 650.0)
    cal.set_path(scenario, "layer.outer.fire_units", 6.0)
    assert scenario.layer("outer").engagement("ballistic").pk == 0.25
    assert scenario.threat("mrbm").flight_time.mean == 650.0
    assert scenario.layer("outer").fire_units == 6 and isinstance(scenario.layer("outer").fire_units, int)
    with pytest.raises(ValueError, match="fire_units is an integer and 6.4 is not: calibrate it with an `integer"):
        cal.set_path(scenario, "layer.outer.fire_units", 6.4)  # never rounded silently
    assert scenario.layer("outer").fire_units == 6
    with pytest.raises(ValueError, match="threat.<name>.<key>"):
        cal.set_path(scenario, "scenario.name", 1.0)
    with pytest.raises(KeyError):
        cal.set_path(scenario, "layer.nowhere.coverage", 0.5)
    with pytest.raises(ValueError, match="not a number"):
        cal.set_path(scenario, "layer.outer.doctrine", 1.0)


def test_set_path_reads_key_paths_as_sweeps_do() -> None:
    """The parser of sweep axes (C++) reads a target path: quoted names with dots, and a clear
    error for a path it cannot read."""
    assert salvosim._core.parse_key_path('layer."s.r.".engages.ballistic.pk') == (
        "layer",
        "s.r.",
        ["engages", "ballistic", "pk"],
    )
    assert salvosim._core.parse_key_path("threat.mrbm.flight_time.mean") == ("threat", "mrbm", ["flight_time", "mean"])
    scenario = salvosim.Scenario.from_toml_string(_scenario_text(0.5, 0.81, 0.5))
    with pytest.raises(ValueError, match='key path "layer.outer..pk" has an empty segment'):
        cal.set_path(scenario, "layer.outer..pk", 0.5)
    with pytest.raises(ValueError, match='key path "layer.\\"outer.pk" has a quote that is not closed'):
        cal.set_path(scenario, 'layer."outer.pk', 0.5)


def test_spec_rejects_what_it_cannot_use(tmp_path: pathlib.Path) -> None:
    def spec(text: str) -> cal.CalibrationSpec:
        return cal.CalibrationSpec.from_dict(tomllib.loads(textwrap.dedent(text)), base=str(tmp_path))

    base = '[[case]]\nname = "a"\nconfig = "a.toml"\n'
    with pytest.raises(ValueError, match="low < high"):
        spec(base + '[[parameter]]\nname = "p"\nprior = [0.5, 0.5]\n')
    with pytest.raises(ValueError, match="not defined"):
        spec(base + '[[parameter]]\nname = "p"\nprior = [0, 1]\ntargets.b = ["layer.x.coverage"]\n')
    with pytest.raises(ValueError, match="unknown table"):
        spec(base + '[[parameter]]\nname = "p"\nprior = [0, 1]\n[extra]\n')
    with pytest.raises(ValueError, match="at least one"):
        spec('[[parameter]]\nname = "p"\nprior = [0, 1]\n')


def test_integer_parameters_have_a_uniform_prior_over_integers(tmp_path: pathlib.Path) -> None:
    """An `integer = true` parameter: each integer of the prior gets an equal slice of the unit
    cube, its summary is of integers, and a spec that cannot mean an integer is refused."""
    data = tomllib.loads(
        '[[case]]\nname = "a"\nconfig = "a.toml"\n'
        '[[parameter]]\nname = "shots"\nprior = [1, 3]\ninteger = true\ntargets.a = ["layer.outer.shots"]\n'
    )
    shots = cal.CalibrationSpec.from_dict(data, base=str(tmp_path)).parameters[0]
    u = (np.arange(30_000) + 0.5) / 30_000
    values = shots.values(u)
    assert set(values) == {1.0, 2.0, 3.0}
    assert [int(np.sum(values == k)) for k in (1, 2, 3)] == [10_000, 10_000, 10_000]
    assert shots.value(1.0) == 3.0 and shots.value(0.0) == 1.0 and shots.snap(2.4) == 2.0
    assert sampler.weighted_quantile(np.array([1.0, 2.0, 2.0, 3.0]), np.ones(4), 0.5, discrete=True) == 2.0
    assert sampler.weighted_quantile(np.array([1.0, 2.0]), np.array([0.9, 0.1]), 0.95, discrete=True) == 2.0
    for bad, message in (
        ("prior = [1.5, 3]\ninteger = true", "two integers"),
        ("prior = [1, 3]\ninteger = true\npower = 0.5", "no power"),
        ('prior = [1, 3]\ninteger = "yes"', "true or false"),
        ("prior = [1, 3]\nintegr = true", "unknown key"),
    ):
        text = f'[[case]]\nname = "a"\nconfig = "a.toml"\n[[parameter]]\nname = "p"\n{bad}\n'
        with pytest.raises(ValueError, match=message):
            cal.CalibrationSpec.from_dict(tomllib.loads(text), base=str(tmp_path))


def test_importance_sampling_pieces() -> None:
    rng = np.random.default_rng(1)
    points = sampler.latin_hypercube(50, 3, rng)
    # One point in each of 50 equal slices of every coordinate.
    for k in range(3):
        assert sorted(np.floor(points[:, k] * 50).astype(int)) == list(range(50))
    weights = np.exp(-((points - 0.3) ** 2).sum(axis=1) / 0.02)
    proposal = sampler.Proposal.fit(points, weights, rng, kernels=40)
    draws = proposal.sample(4000, rng)
    assert np.all((draws >= 0) & (draws <= 1))
    # The density integrates to one over the cube (checked by Monte Carlo on uniform points).
    uniform = rng.random((200_000, 3))
    assert proposal.density(uniform).mean() == pytest.approx(1.0, abs=0.02)
    values = np.array([1.0, 2.0, 3.0, 4.0])
    assert sampler.weighted_quantile(values, np.ones(4), 0.5) == pytest.approx(2.5)
    assert sampler.effective_sample_size(np.array([1.0, 1.0, 0.0, 0.0])) == pytest.approx(2.0)


def test_command_line_writes_a_result(
    synthetic: pathlib.Path, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "quick.json"
    assert (
        cal.main(
            [
                str(synthetic / "spec.toml"),
                "--rounds",
                "30",
                "15",
                "--trials",
                "50",
                "--candidates",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "pk" in capsys.readouterr().out
    back = cal.CalibrationResult.load(out)
    assert [len(c.points) for c in back.components] == [45, 45]
    assert set(back.point) >= set(TRUTH)


def test_python_dash_m_salvosim_calibrate_runs_the_command_line(
    synthetic: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """`python -m salvosim.calibrate` as docs/calibration.md writes it: a report on stdout and
    the result file, which reads back."""
    out = tmp_path / "quick.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "salvosim.calibrate",
            str(synthetic / "spec.toml"),
            "--rounds",
            "30",
            "15",
            "--trials",
            "50",
            "--candidates",
            "0",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "calibration 'synthetic', 2 independent components" in done.stdout
    assert [c.parameters for c in cal.CalibrationResult.load(out).components] == [["pk", "reliability"], ["air"]]
    bad = subprocess.run(
        [sys.executable, "-m", "salvosim.calibrate", str(tmp_path / "missing.toml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "missing.toml" in bad.stderr and "Traceback" not in bad.stderr, bad.stderr
