"""salvosim.run_posterior: a scenario over a calibration's posterior. A posterior at one point
gives exactly the statistics of one plain run at that point (the draws together run trials
0..draws*trials of one seed); a wide posterior gives wider intervals than a plain run, and
per-draw means that spread with the parameter."""

import pathlib

import numpy as np
import pytest

import salvosim
from salvosim import calibrate as cal
from salvosim import published

SCENARIO = """
[scenario]
name = "one layer"

[[threat]]
name = "mrbm"
class = "ballistic"
count = 40
launch = { start = 0.0, duration = 60.0 }
flight_time = { mean = 3600.0, sd = 10.0 }
defended_fraction = 1.0

[[layer]]
name = "upper"
fire_units = 50
channels = 50
engagement_time = 1.0
interceptors = "unlimited"
engages.ballistic = { pk = 0.5, detect = 1.0, window = { open = 3000.0, close = 10.0 } }

[[published.observable]]
name = "leaked"
statistic = "fate"
selection = "all"
fate = "leaked_defended"
value = 20.0
range = [10.0, 30.0]
definition = "impacts"
source = "synthetic"
"""

PK = "layer.upper.engages.ballistic.pk"


@pytest.fixture
def config(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "one_layer.toml"
    path.write_text(SCENARIO)
    return path


def posterior(config: pathlib.Path, points: np.ndarray) -> cal.CalibrationResult:
    """A calibration of pk over [0.1, 0.9] whose weighted points are `points` (in the unit
    cube), equally weighted."""
    spec_path = config.parent / "calibration.toml"
    spec_path.write_text(
        '[calibration]\nname = "synthetic"\n\n[[case]]\nname = "night"\nconfig = "one_layer.toml"\n\n'
        f'[[parameter]]\nname = "pk"\nprior = [0.1, 0.9]\ntargets = {{ night = ["{PK}"] }}\n'
    )
    spec = cal.CalibrationSpec.load(spec_path)
    n = len(points)
    component = cal.Component(
        parameters=["pk"],
        observables=["night/leaked"],
        points=points.reshape(n, 1),
        rounds=np.zeros(n, dtype=np.int64),
        likelihood=np.ones(n),
        observable_likelihood=np.ones((n, 1)),
        proposal_density=np.ones(n),
    )
    return cal.CalibrationResult(spec=spec, components=[component])


def test_a_posterior_at_one_point_gives_a_plain_runs_statistics(config: pathlib.Path, tmp_path: pathlib.Path) -> None:
    result = posterior(config, np.full(50, 0.5))  # every point at pk = 0.5
    path = tmp_path / "posterior.json"
    result.save(path)
    frame = salvosim.run_posterior(config, path, draws=8, trials=250, seed=11)
    assert list(frame.index) == ["leaked"] and frame.attrs["case"] == "night"
    plain = salvosim.run(salvosim.load(config), trials=8 * 250, seed=11, per_trial=True)
    (observable,) = published.observables(salvosim.load(config))
    values = published.per_trial(observable, plain, salvosim.load(config))
    row = frame.loc["leaked"]
    assert row["mean"] == pytest.approx(values.mean(), rel=1e-15)
    assert published.mean(observable, plain) == pytest.approx(row["mean"], rel=1e-15)
    assert [row["q05"], row["q50"], row["q95"]] == list(np.quantile(values, (0.05, 0.5, 0.95)))
    # The per-draw means differ only by the luck of their 250 trials each.
    blocks = values.reshape(8, 250).mean(axis=1)
    assert row["draw_mean_sd"] == pytest.approx(blocks.std(ddof=1), rel=1e-12)


def test_a_wide_posterior_widens_the_interval(config: pathlib.Path) -> None:
    narrow = salvosim.run_posterior(config, posterior(config, np.full(50, 0.5)), draws=40, trials=100, seed=5)
    wide = salvosim.run_posterior(config, posterior(config, np.linspace(0.0, 1.0, 50)), draws=40, trials=100, seed=5)
    n, w = narrow.loc["leaked"], wide.loc["leaked"]
    # Leaked ~ Binomial(40, 1 - pk): at pk = 0.5 its 5-95% range is about 20 +- 5.2; with pk
    # uniform over [0.1, 0.9] the mean 40 (1 - pk) alone spans 4..36, so its 5-95% range is
    # about 29 wide, against about 10.
    assert w["q95"] - w["q05"] > 2 * (n["q95"] - n["q05"])
    # The spread of the per-draw means: the parameter's (sd 40 x 0.8 / sqrt(12) = 9.2) against
    # 100 trials' luck alone (sd sqrt(40 x 0.25) / sqrt(100) = 0.32).
    assert w["draw_mean_sd"] > 5.0 > 1.0 > n["draw_mean_sd"]
    assert w["mean"] == pytest.approx(20.0, abs=3 * 9.2 / np.sqrt(40))


def test_a_changed_scenario_keeps_its_changes_and_statistics_can_be_chosen(config: pathlib.Path) -> None:
    scenario = salvosim.load(config)
    scenario.threats["mrbm"].count = 10  # a smaller salvo, beyond what was calibrated
    leaked = published.statistic("fate", "all", fates=["leaked_defended"])
    frame = salvosim.run_posterior(
        scenario, posterior(config, np.full(10, 0.5)), draws=4, trials=100, seed=1, statistics=[leaked, "leaked"]
    )
    assert list(frame.index) == ["leaked_defended of all", "leaked"]
    assert frame["mean"].iloc[0] == frame["mean"].iloc[1] < 10


def test_bad_input(config: pathlib.Path, tmp_path: pathlib.Path) -> None:
    result = posterior(config, np.full(10, 0.5))
    other = tmp_path / "other.toml"
    other.write_text(SCENARIO)
    with pytest.raises(ValueError, match=r"not the config of any case .* pass case="):
        salvosim.run_posterior(other, result, draws=2, trials=10)
    assert salvosim.run_posterior(other, result, draws=2, trials=10, case="night").shape[0] == 1
    with pytest.raises(ValueError, match=r"no case 'nigth'"):
        salvosim.run_posterior(config, result, draws=2, trials=10, case="nigth")
    with pytest.raises(ValueError, match=r"no published observable named 'leak' \(did you mean \"leaked\"\?\)"):
        salvosim.run_posterior(config, result, draws=2, trials=10, statistics="leak")
    with pytest.raises(ValueError, match=r"draws and trials must be at least 1"):
        salvosim.run_posterior(config, result, draws=0, trials=10)
