"""The calibration (salvosim.calibrate): specs, key paths, independent components, and the
recovery of known parameters from synthetic published figures."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
import textwrap
import tomllib

import numpy as np
import pytest
import tomlkit
from synthetic_case import scenario_text

import salvosim
from salvosim import calibrate as cal
from salvosim import published
from salvosim.calibrate import sampler

TRUTH = {"pk": 0.6, "reliability": 0.7, "air": 0.5, "shots": 2}

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
observables = ["failed", "leaked", "intercepted", "fired"]
parameters = ["pk", "reliability", "shots"]

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

# A doctrine parameter: interceptors per engagement. Alone, the fates confound it with pk
# (what kills is 1 - (1 - pk)^shots); the interceptors fired (consumption) separate them.
[[parameter]]
name = "shots"
prior = [1, 3]
integer = true
targets.night = ["layer.outer.shots"]
"""


def _observable(name: str, statistic: str, centre: float, half_width: float, **keys: str) -> str:
    lines = [f'name = "{name}"', f'statistic = "{statistic}"'] + [f'{k} = "{v}"' for k, v in keys.items()]
    lines += [
        f"value = {centre:.3f}",
        f"range = [{centre - half_width:.3f}, {centre + half_width:.3f}]",
        'definition = "count"',
        'source = "synthetic: the mean at known parameters"',
    ]
    return "\n[[published.observable]]\n" + "\n".join(lines) + "\n"


def _with_published(truth_text: str, items: list[tuple[str, str, dict[str, str]]], seed: int) -> str:
    """The scenario with a [published] table of the model's own means at its values, each with a
    range of about one standard deviation of a trial: (name, statistic, keys) per observable."""
    scenario = salvosim.Scenario.from_toml_string(truth_text)
    res = salvosim.run(scenario, trials=20_000, seed=seed, per_trial=True)
    text = truth_text
    for name, statistic, keys in items:
        probe = published.statistic(
            statistic,
            keys.get("selection", ""),
            fates=filter(None, [keys.get("fate")]),
            layers=filter(None, [keys.get("layer")]),
            metric=keys.get("metric", ""),
            name=name,
        )
        values = published.per_trial(probe, res, scenario)
        text += _observable(name, statistic, float(values.mean()), float(values.std()), **keys)
    return text.replace("[[published.observable]]", "[published]\n[[published.observable]]", 1)


def _assert_recovered(result: cal.CalibrationResult, truth: dict[str, float]) -> None:
    """Each true value inside its 90% interval, and the interval informative: narrower than half
    the prior, so a wrong answer far from the truth is excluded."""
    summary = {row["parameter"]: row for row in result.summary()}
    for name, value in truth.items():
        low, high = summary[name]["interval"]
        assert low <= value <= high, f"{name}: {value} outside the 90% interval [{low:.3f}, {high:.3f}]"
        prior_low, prior_high = summary[name]["prior"]
        assert high - low < 0.5 * (prior_high - prior_low), f"{name}: interval [{low:.3f}, {high:.3f}] too wide"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A scenario whose published figures are the model's own means at TRUTH (with ranges of
    about one standard deviation of a trial), and a spec that fits pk, reliability and air."""
    directory = tmp_path_factory.mktemp("calibration")
    truth_text = scenario_text(TRUTH["pk"], TRUTH["reliability"], TRUTH["air"], int(TRUTH["shots"]))
    items = [
        ("failed", "fate", {"selection": "mrbm", "fate": "launch_failure"}),
        ("leaked", "fate", {"selection": "mrbm", "fate": "leaked_defended"}),
        ("intercepted", "fate", {"selection": "mrbm", "fate": "intercepted"}),
        ("drones-down", "intercepts", {"selection": "drone", "layer": "aircraft"}),
        ("fired", "layer", {"layer": "outer", "metric": "fired"}),
    ]
    text = _with_published(truth_text, items, seed=99)
    (directory / "synthetic.toml").write_text(text)
    (directory / "spec.toml").write_text(SPEC)
    return directory


@pytest.fixture(scope="module")
def result(synthetic: pathlib.Path) -> cal.CalibrationResult:
    return cal.calibrate(cal.CalibrationSpec.load(synthetic / "spec.toml"), threads=0)


def test_recovers_known_parameters_within_its_intervals(result: cal.CalibrationResult) -> None:
    _assert_recovered(result, TRUTH)


TIER_SPEC = """
[calibration]
name = "synthetic-tiers"
trials = 200
rounds = [160, 80, 80]
seed = 3
sampler_seed = 6

[[case]]
name = "night"
config = "synthetic.toml"

[[parameter]]
name = "pk"
prior = [0.1, 0.95]
targets.night = ["layer.outer.engages.ballistic.pk"]

# A target tier: the share of the missiles aimed at hardened sites, which the outer layer does
# not engage, written with its complement so that the group's shares still add up to 1.
[[parameter]]
name = "hardened"
prior = [0.0, 0.5]
targets.night = ["threat.mrbm.targets.hardened", { path = "threat.mrbm.targets.military", scale = -1, offset = 0.9 }]
"""


def test_recovers_a_target_tier_share_within_its_intervals(tmp_path: pathlib.Path) -> None:
    """A tier parameter (docs/model.md §2.7) is recovered as pk is: the share of the missiles
    aimed at a tier the layer leaves alone, from the hits on it and the layer's kills."""
    truth = {"pk": 0.5, "hardened": 0.2}
    truth_text = scenario_text(truth["pk"], 0.7, 0.5, 1, truth["hardened"])
    items = [
        ("leaked", "fate", {"selection": "mrbm", "fate": "leaked_defended"}),
        ("intercepted", "fate", {"selection": "mrbm", "fate": "intercepted"}),
        ("hardened-hits", "fate", {"selection": "tier:hardened", "fate": "leaked_defended"}),
    ]
    text = _with_published(truth_text, items, seed=98)
    (tmp_path / "synthetic.toml").write_text(text)
    (tmp_path / "spec.toml").write_text(TIER_SPEC)
    _assert_recovered(cal.calibrate(cal.CalibrationSpec.load(tmp_path / "spec.toml"), threads=0), truth)


NIGHTS = {"a": (0.5, 0.1), "b": (0.85, 0.3), "c": (0.65, 0.2)}  # night: (reliability, hardened share)
SHARED_TRUTH = {"pk": 0.55}

# Three nights sharing the defence (pk), each with its own missiles (reliability) and targets
# (hardened share): a component of 1 + 3 x 2 parameters, sampled nested.
NESTED_SPEC = """
[calibration]
name = "synthetic-nights"
trials = 200
rounds = [60, 300, 300]
inner_points = 4
seed = 3
sampler_seed = 7

[[parameter]]
name = "pk"
prior = [0.1, 0.95]
targets.a = ["layer.outer.engages.ballistic.pk"]
targets.b = ["layer.outer.engages.ballistic.pk"]
targets.c = ["layer.outer.engages.ballistic.pk"]
""" + "".join(
    f"""
[[case]]
name = "{night}"
config = "{night}.toml"

[[parameter]]
name = "reliability_{night}"
prior = [0.3, 1.0]
power = 0.5
targets.{night} = ["threat.mrbm.p_launch", "threat.mrbm.p_flight"]

[[parameter]]
name = "hardened_{night}"
prior = [0.0, 0.5]
targets.{night} = [
  "threat.mrbm.targets.hardened", {{ path = "threat.mrbm.targets.military", scale = -1, offset = 0.9 }},
]
"""
    for night in NIGHTS
)


def _nights(directory: pathlib.Path, spec_text: str) -> cal.CalibrationSpec:
    items = [
        ("failed", "fate", {"selection": "mrbm", "fate": "launch_failure"}),
        ("leaked", "fate", {"selection": "mrbm", "fate": "leaked_defended"}),
        ("intercepted", "fate", {"selection": "mrbm", "fate": "intercepted"}),
        ("hardened-hits", "fate", {"selection": "tier:hardened", "fate": "leaked_defended"}),
    ]
    for k, (night, (reliability, hardened)) in enumerate(NIGHTS.items()):
        truth_text = scenario_text(SHARED_TRUTH["pk"], reliability, 0.5, 1, hardened)
        (directory / f"{night}.toml").write_text(_with_published(truth_text, items, seed=90 + k))
    (directory / "spec.toml").write_text(spec_text)
    return cal.CalibrationSpec.load(directory / "spec.toml")


def test_nested_sampling_recovers_shared_and_per_case_parameters(tmp_path: pathlib.Path) -> None:
    """Several cases sharing some parameters, each with its own: nested sampling (shared
    parameters outside, each case's own inside) recovers every true value inside its 90%
    interval, with an effective sample size above the warning threshold."""
    spec = _nights(tmp_path, NESTED_SPEC)
    result = cal.calibrate(spec, threads=0)
    assert result.info["samplers"] == {"pk": "nested"}
    assert [c.parameters for c in result.components] == [list(spec.parameter_names)]
    truth = {**SHARED_TRUTH, **{f"reliability_{n}": r for n, (r, _) in NIGHTS.items()}}
    truth |= {f"hardened_{n}": h for n, (_, h) in NIGHTS.items()}
    _assert_recovered(result, truth)
    ess = result.effective_sample_size()["pk"]
    assert ess >= cal.posterior.MINIMUM_ESS and not result.warnings()
    # The stated size is the smallest over the shared parameters' and each case's weights,
    # not the size of the resampled joint points.
    assert ess < sampler.effective_sample_size(result.components[0].weights)
    assert f"effective sample size {ess:.0f}" in cal.report(result)
    # What each observable constrains: a night's figures say nothing of another night's own
    # parameters, and its launch failures pin its reliability.
    names = result.parameter_names
    rows = dict(zip(result.observable_names, result.constraints()))
    assert rows["a/failed"][names.index("reliability_b")] == 0.0
    assert rows["a/failed"][names.index("reliability_a")] > 0.3
    # Stored and read back: the same summary and the stated effective sample size.
    result.save(tmp_path / "posterior.json")
    back = cal.CalibrationResult.load(tmp_path / "posterior.json")
    assert back.effective_sample_size() == pytest.approx(result.effective_sample_size())
    assert [r["median"] for r in back.summary()] == pytest.approx([r["median"] for r in result.summary()], abs=1e-5)
    np.testing.assert_allclose(back.constraints(), result.constraints(), atol=1e-5)


def test_independent_blocks_make_independent_components(result: cal.CalibrationResult) -> None:
    assert [c.parameters for c in result.components] == [["pk", "reliability", "shots"], ["air"]]
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
    assert set(draws[0]) == {"pk", "reliability", "air", "shots"}
    assert {d["shots"] for d in draws} <= {1.0, 2.0, 3.0}  # an integer parameter draws integers
    pk = np.array([d["pk"] for d in draws])
    assert abs(np.median(pk) - back.median()["pk"]) < 0.05
    assert draws == back.draws(500, seed=1)  # reproducible


def test_report_names_every_parameter_and_observable(result: cal.CalibrationResult) -> None:
    text = cal.report(result)
    for name in [*TRUTH, "night/failed", "night/drones-down"]:
        assert name in text


# --- the pieces ------------------------------------------------------------------------------


def test_set_path_edits_threats_layers_and_engagements() -> None:
    scenario = salvosim.Scenario.from_toml_string(scenario_text(0.5, 0.81, 0.5))
    cal.set_path(scenario, "layer.outer.engages.ballistic.pk", 0.25)
    cal.set_path(scenario, "threat.mrbm.flight_time.mean", 650.0)
    cal.set_path(scenario, "layer.outer.fire_units", 6.0)
    assert scenario.layer("outer").engagement("ballistic").pk == 0.25
    assert scenario.threat("mrbm").flight_time.mean == 650.0
    assert scenario.layer("outer").fire_units == 6 and isinstance(scenario.layer("outer").fire_units, int)
    with pytest.raises(
        ValueError, match="fire_units: must be an integer, got float 6.4: calibrate it with an `integer"
    ):
        cal.set_path(scenario, "layer.outer.fire_units", 6.4)  # never rounded silently
    assert scenario.layer("outer").fire_units == 6
    with pytest.raises(ValueError, match="threat.<name>.<key>"):
        cal.set_path(scenario, "scenario.name", 1.0)
    with pytest.raises(ValueError, match='no layer named "nowhere"'):
        cal.set_path(scenario, "layer.nowhere.coverage", 0.5)
    with pytest.raises(ValueError, match='doctrine: must be "salvo" or "shoot-look-shoot"'):
        cal.set_path(scenario, "layer.outer.doctrine", 1.0)
    cal.set_path(scenario, "layer.outer.fire_units", 7)  # as a sweep axis would
    assert scenario.layer("outer").fire_units == 7


def test_set_path_reads_key_paths_as_sweeps_do() -> None:
    """The parser of sweep axes (C++) reads a target path: quoted names with dots, and a clear
    error for a path it cannot read."""
    assert salvosim._core.parse_key_path('layer."s.r.".engages.ballistic.pk') == (
        "layer",
        "s.r.",
        ["engages", "ballistic", "pk"],
    )
    assert salvosim._core.parse_key_path("threat.mrbm.flight_time.mean") == ("threat", "mrbm", ["flight_time", "mean"])
    scenario = salvosim.Scenario.from_toml_string(scenario_text(0.5, 0.81, 0.5))
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


def test_a_target_can_be_an_affine_function_of_the_parameter(tmp_path: pathlib.Path) -> None:
    """`{ path, scale, offset }` writes offset + scale * value**power: one parameter keeps two
    keys in step (a share and its complement), and a malformed target is refused."""
    data = tomllib.loads(
        '[[case]]\nname = "a"\nconfig = "a.toml"\n'
        '[[parameter]]\nname = "q"\nprior = [0, 1]\n'
        'targets.a = ["layer.outer.coverage", { path = "layer.aircraft.coverage", scale = -1, offset = 0.9 }]\n'
    )
    q = cal.CalibrationSpec.from_dict(data, base=str(tmp_path))
    scenario = salvosim.Scenario.from_toml_string(scenario_text(0.5, 0.81, 0.5))
    edited = q.apply(scenario, "a", {"q": 0.25})
    assert edited.layer("outer").coverage == 0.25
    assert edited.layer("aircraft").coverage == pytest.approx(0.65, abs=1e-15)
    assert q.parameters[0].targets["a"][1].describe() == "layer.aircraft.coverage = 0.9 - 1 x"
    for bad in ('{ path = "layer.outer.coverage", scal = 2 }', "{ scale = 2 }", '{ path = "x", offset = "1" }', "3"):
        text = (
            f'[[case]]\nname = "a"\nconfig = "a.toml"\n[[parameter]]\nname = "p"\nprior = [0, 1]\ntargets.a = [{bad}]\n'
        )
        with pytest.raises(ValueError, match="a target"):
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
    assert [c.parameters for c in cal.CalibrationResult.load(out).components] == [
        ["pk", "reliability", "shots"],
        ["air"],
    ]
    bad = subprocess.run(
        [sys.executable, "-m", "salvosim.calibrate", str(tmp_path / "missing.toml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "missing.toml" in bad.stderr and "Traceback" not in bad.stderr, bad.stderr


# --- what the data pin down, leave one out, and writing the point into the configs ---------


def test_identifiability_and_the_ess_warning_are_reported_and_stored(
    result: cal.CalibrationResult, tmp_path: pathlib.Path
) -> None:
    identified = result.identifiability()
    # Every parameter is pinned well inside its prior by the synthetic figures.
    for name in TRUTH:
        assert 0 <= identified["width_ratio"][name] < 0.5, name
        assert 0 <= identified["sd_ratio"][name] < 0.5, name
    matrix = np.array(identified["correlations"]["pk"]["matrix"])
    assert matrix.shape == (3, 3) and np.allclose(np.diag(matrix), 1.0) and np.allclose(matrix, matrix.T)
    assert all(abs(pair["correlation"]) >= 0.5 for pair in identified["confounded_pairs"])
    low = [name for name, ess in result.effective_sample_size().items() if ess < 200]
    assert [w.split(":")[0] for w in result.warnings()] == [f"component {name}" for name in low]
    text = cal.report(result)
    assert "what the data pin down" in text and "confounded" in text
    result.save(tmp_path / "posterior.json")
    stored = json.loads((tmp_path / "posterior.json").read_text())
    assert stored["identifiability"]["width_ratio"] == pytest.approx(identified["width_ratio"])
    assert stored["warnings"] == result.warnings() and set(stored["effective_sample_size"]) == {"pk", "air"}
    # Too few points: the warning says which component and why, in the result and its file.
    assert cal.posterior.MINIMUM_ESS == 200.0
    few = cal.CalibrationResult(spec=result.spec, components=[_thin(c, 40) for c in result.components])
    assert len(few.warnings()) == 2 and "effective sample size" in few.warnings()[0]
    few.save(tmp_path / "few.json")
    assert len(json.loads((tmp_path / "few.json").read_text())["warnings"]) == 2


def _thin(component: cal.Component, n: int) -> cal.Component:
    """A component cut to its first n points (round 0, from the prior): few effective points."""
    return cal.Component(
        parameters=component.parameters,
        observables=component.observables,
        points=component.points[:n],
        rounds=component.rounds[:n],
        likelihood=component.likelihood[:n],
        observable_likelihood=component.observable_likelihood[:n],
        proposal_density=np.ones(n),
    )


def test_leave_one_out_predicts_the_left_out_case(synthetic: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Two nights at the same true parameters: fitted on the first alone, the second's figures
    fall inside their predictive intervals; a parameter only the second sets is drawn from its
    prior and named so; the prediction is stored with the fit and read back."""
    (synthetic / "again.toml").write_text((synthetic / "synthetic.toml").read_text())
    data = tomllib.loads(SPEC)
    data["case"].append({"name": "again", "config": "again.toml"})
    for parameter in data["parameter"]:
        parameter["targets"]["again"] = parameter["targets"]["night"]
    data["parameter"].append(
        {"name": "again_coverage", "prior": [0.97, 1.0], "targets": {"again": ["layer.aircraft.coverage"]}}
    )
    (synthetic / "two.toml").write_text(tomlkit.dumps(data))
    spec = cal.CalibrationSpec.load(synthetic / "two.toml")
    with pytest.raises(ValueError, match="no case named 'nowhere' to leave out"):
        spec.leave_out("nowhere")
    without = spec.leave_out("again")
    assert without.left_out == "again" and [c.name for c in without.fitted_cases] == ["night"]
    assert "again_coverage" not in without.parameter_names
    assert [p.name for p in without.prior_only("again")] == ["again_coverage"]
    fit = cal.calibrate(without, threads=0)
    prediction = cal.predictive(fit, "again", draws=30, trials=100)
    assert prediction["left_out"] and prediction["fitted_to"] == ["night"]
    assert prediction["prior_only"] == ["again_coverage"]
    assert prediction["config"] == "again.toml"  # as the spec names it, not this machine's path
    rows = {row["observable"]: row for row in prediction["observables"]}
    assert set(rows) == {"failed", "leaked", "intercepted", "drones-down", "fired"}
    for name, row in rows.items():
        low, high = row["interval"]
        assert low <= row["published"] <= high and row["inside"], name
        assert 0.2 < row["p_within_range"] <= 1.0, name  # ranges of about one trial's sd around the truth
    # A published value far from the prediction is reported outside.
    far = dict(rows["fired"], published=10 * rows["fired"]["interval"][1])
    assert not (far["interval"][0] <= far["published"] <= far["interval"][1])
    fit.predictions["again"] = prediction
    fit.save(tmp_path / "loo.json")
    back = cal.CalibrationResult.load(tmp_path / "loo.json")
    assert back.spec.left_out == "again" and back.predictions["again"] == prediction
    assert [c.parameters for c in back.components] == [c.parameters for c in fit.components]
    assert "left out of the fit: predicted from night" in cal.report(back)
    assert "drawn from their prior (no fitted case constrains them): again_coverage" in cal.report(back)


def test_apply_writes_the_point_into_copies_of_the_configs(tmp_path: pathlib.Path) -> None:
    """`apply` on copies of the three events' configs: only the calibrated keys' lines change,
    every comment stays, the `calibrated:` figures are refreshed, and the configs load with
    the new values; --check writes nothing, and a leave-one-out result is refused."""
    root = pathlib.Path(__file__).resolve().parents[2] / "configs"
    (tmp_path / "calibration").mkdir()
    names = ("true_promise_1.toml", "true_promise_2.toml", "june_2025.toml")
    for name in names:
        (tmp_path / name).write_text((root / name).read_text())
    # A calibrated key whose comment only mentions a calibrated value elsewhere: it is no
    # calibration's comment, so apply puts one in front of it.
    june = (tmp_path / "june_2025.toml").read_text()
    fighters = next(x for x in june.splitlines() if x.startswith("coverage = ") and "aircraft_coverage_june" in x)
    mentions = fighters.split("#", 1)[0] + "# assumption: with the calibrated Pk, most routes (range 0.7-0.9)"
    (tmp_path / "june_2025.toml").write_text(june.replace(fighters, mentions))
    (tmp_path / "calibration" / "three_events.toml").write_text(
        (root / "calibration" / "three_events.toml").read_text()
    )
    data = json.loads((root / "calibration" / "three_events.posterior.json").read_text())
    data["spec_path"] = str(tmp_path / "calibration" / "three_events.toml")
    data["point"].update(pk_bm=0.31234, reliability_tp1=0.5)
    (tmp_path / "posterior.json").write_text(json.dumps(data))
    before = {name: (tmp_path / name).read_text() for name in names}

    assert cal.main(["apply", str(tmp_path / "posterior.json"), "--check"]) == 0
    assert all((tmp_path / name).read_text() == text for name, text in before.items())
    assert cal.main(["apply", str(tmp_path / "posterior.json")]) == 0

    summary = {row["parameter"]: row for row in cal.CalibrationResult.load(tmp_path / "posterior.json").summary()}
    for name, text in before.items():
        after = (tmp_path / name).read_text()
        old_lines, new_lines = text.splitlines(), after.splitlines()
        assert len(old_lines) == len(new_lines)
        changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
        assert changed, name
        for a, b in changed:
            assert b.split("=", 1)[0] == a.split("=", 1)[0] and "# " in b  # the same key, still commented
            # A new value where the point moved; elsewhere only the comment's figures are refreshed.
            if not re.search(r"pk = 0\.3123|^p_launch = 0\.7071|^p_flight = 0\.7071", b):
                assert b.split("#", 1)[0] == a.split("#", 1)[0] and "posterior median" in b, b
        scenario = salvosim.load(tmp_path / name)
        for layer in ("arrow-3", "arrow-2", "davids-sling"):
            assert scenario.layer(layer).engagement("ballistic").pk == 0.3123
    tp1 = (tmp_path / "true_promise_1.toml").read_text()
    line = next(x for x in tp1.splitlines() if x.startswith("p_launch = 0.7071"))
    assert "r = p_launch x p_flight = 0.500" in line
    median = summary["reliability_tp1"]["median"]
    assert f"posterior median {median:.3g}," in line
    assert salvosim.load(tmp_path / "true_promise_1.toml").threat("mrbm").p_launch == 0.7071
    # The continuation comment under p_launch is left as it is.
    assert "#   (fitted mainly to PF" in tp1
    fighters_after = next(
        x for x in (tmp_path / "june_2025.toml").read_text().splitlines() if x.startswith(mentions.split("#")[0])
    )
    assert "# calibrated (" in fighters_after and "posterior median" in fighters_after
    assert fighters_after.endswith("; before calibration: " + mentions.split("# ", 1)[1])

    data["left_out"] = "tp2"
    (tmp_path / "loo.json").write_text(json.dumps(data))
    with pytest.raises(SystemExit) as exit_info:
        cal.main(["apply", str(tmp_path / "loo.json")])
    assert exit_info.value.code == 2


def test_a_case_can_take_its_own_trials(synthetic: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """`trials` on a [[case]] sets its trials per point in the rounds (a case whose block is
    reproduced in a small share of trials needs more); a bad value is refused."""
    data = tomllib.loads(SPEC)
    data["case"][0]["trials"] = 37
    data["calibration"]["rounds"] = [12]
    (synthetic / "own_trials.toml").write_text(tomlkit.dumps(data))
    spec = cal.CalibrationSpec.load(synthetic / "own_trials.toml")
    assert spec.case("night").trials == 37 and spec.trials == 200
    fit = cal.calibrate(spec)
    shares = np.concatenate([c.observable_likelihood.ravel() for c in fit.components])
    assert np.allclose(shares * 37, np.round(shares * 37)) and not np.allclose(shares * 200, np.round(shares * 200))
    assert fit.info["case_trials"] == {"night": 37}
    for bad, message in ((0.5, "integer >= 1"), (-1, "integer >= 1"), (True, "integer >= 1")):
        data["case"][0]["trials"] = bad
        with pytest.raises(ValueError, match=message):
            cal.CalibrationSpec.from_dict(data, base=str(tmp_path))
    data["case"][0]["trials"] = 37
    data["case"][0]["trails"] = 37
    with pytest.raises(ValueError, match="unknown key"):
        cal.CalibrationSpec.from_dict(data, base=str(tmp_path))


def test_a_fit_that_nothing_reproduces_says_which_observables(
    synthetic: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A prior under which no trial reproduces some figure (as June 2025 with today's model):
    exit status 1 and the observables named, with no traceback."""
    (synthetic / "impossible.toml").write_text(SPEC.replace("prior = [0.1, 0.9]", "prior = [0.0001, 0.0002]"))
    for rounds in (["20", "10"], ["20"]):  # stopped in the rounds, or when the weights are read
        code = cal.main(
            [str(synthetic / "impossible.toml"), "--rounds", *rounds, "--trials", "20", "--candidates", "0"]
        )
        err = capsys.readouterr().err
        assert code == 1 and "night/drones-down" in err and "Traceback" not in err, err
