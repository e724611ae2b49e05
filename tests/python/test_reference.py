"""Self-checks of tests/reference_model/reference.py against MODEL.md section 4's closed forms.

Every check uses a fixed seed, so it is deterministic, and a tolerance in standard
errors, so it can fail. Tolerances: K_SE standard errors for each statistical check
(with K_SE = 4 a correct implementation fails one check with probability ~6e-5).
The saturation count is exact.
"""

import json
import math
import random
import subprocess
import sys
import textwrap

import pytest

from conftest import REFERENCE_MODEL, load_module

K_SE = 4.0


ref = load_module(REFERENCE_MODEL, "salvosim_reference")


def write_toml(tmp_path, text, name="scenario.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def assert_close(stat, expected, what):
    """Mean within K_SE standard errors of the closed form."""
    mean, se = stat["mean"], stat["se"]
    assert se > 0, f"{what}: zero standard error, the check could not fail"
    assert abs(mean - expected) <= K_SE * se, (
        f"{what}: mean {mean:.5f} vs closed form {expected:.5f} ({(mean - expected) / se:+.2f} SE, tolerance {K_SE} SE)"
    )


def survival_sls(q_salvo, a, m):
    """MODEL.md section 4: S_1 = Q, S_m = Q*((1 - a) + a*S_{m-1})."""
    s = q_salvo
    for _ in range(m - 1):
        s = q_salvo * ((1 - a) + a * s)
    return s


# ---------------------------------------------------------------------------
# MODEL.md section 6's example
# ---------------------------------------------------------------------------

EXAMPLE_TOML = """
[scenario]
name = "example"
description = "two groups against two layers"

[[threat]]
name = "shahed"
class = "drone"
count = 50
launch = { start = 0.0, duration = 3600.0 }
flight_time = { mean = 28000.0, sd = 2000.0 }
p_launch = 0.97
p_flight = 0.95
defended_fraction = 0.7
cost = 35000

[[threat]]
name = "mrbm"
class = "ballistic"
count = 30
launch = { waves = [[20000.0, 15], [20600.0, 15]] }
flight_time = { mean = 720.0, sd = 30.0 }
p_launch = 0.8
p_flight = 0.8

[[layer]]
name = "upper-tier"
fire_units = 2
channels = 4
engagement_time = 90.0
interceptors = 48
shots = 2
doctrine = "shoot-look-shoot"
look_time = 10.0
max_engagements = 2
kill_assessment = 0.9
point_defense = true
coverage = 1.0
cost = 3000000
engages.ballistic = { pk = 0.7, detect = 0.95, window = { open = 420.0, close = 120.0 } }

[[layer]]
name = "short-range"
fire_units = 6
channels = 2
engagement_time = 20.0
interceptors = "unlimited"
shots = 1
doctrine = "salvo"
point_defense = true
cost = 50000
engages.drone = { pk = 0.9, detect = 0.9, window = { open = 120.0, close = 5.0 } }
engages.mrbm = { pk = 0.3, detect = 0.8, window = { open = 60.0, close = 10.0 } }
"""


def test_example_loads_with_defaults(tmp_path):
    scenario = ref.load(write_toml(tmp_path, EXAMPLE_TOML))
    mrbm = scenario["groups"][1]
    assert mrbm["defended_fraction"] == 1.0 and mrbm["cost"] == 0.0
    assert mrbm["launch"]["waves"] == [(20000.0, 15), (20600.0, 15)]
    upper, short = scenario["layers"]
    assert upper["interceptors"] == 48 and short["interceptors"] == math.inf
    assert short["max_engagements"] == math.inf and short["kill_assessment"] == 1.0
    assert short["coverage"] == 1.0 and short["look_time"] == 0.0
    assert set(short["engages"]) == {"drone", "mrbm"}


def test_example_per_trial_invariants(tmp_path):
    scenario = ref.load(write_toml(tmp_path, EXAMPLE_TOML))
    rng = random.Random(11)
    for _ in range(200):
        trial = ref.simulate_trial(scenario, rng)
        for group in scenario["groups"]:
            counts = trial["groups"][group["name"]]
            # Exactly one fate per threat.
            assert sum(counts[f] for f in ref.FATES) == group["count"]
            assert sum(counts["intercepts_by_layer"].values()) == counts["intercepted"]
            assert counts["engaged"] >= counts["intercepted"]
        # The upper tier engages only ballistic threats; mrbm is always aimed at a
        # defended area (default defended_fraction = 1).
        assert trial["groups"]["shahed"]["intercepts_by_layer"]["upper-tier"] == 0
        assert trial["groups"]["mrbm"]["leaked_open"] == 0
        for layer in scenario["layers"]:
            stats = trial["layers"][layer["name"]]
            assert stats["fired"] <= layer["interceptors"]
            assert stats["engagements"] <= stats["fired"] <= layer["shots"] * stats["engagements"]
            assert stats["cost"] == stats["fired"] * layer["cost"]
            assert stats["intercepts"] == sum(
                trial["groups"][g["name"]]["intercepts_by_layer"][layer["name"]] for g in scenario["groups"]
            )


def test_example_launch_failures_and_reproducibility(tmp_path):
    scenario = ref.load(write_toml(tmp_path, EXAMPLE_TOML))
    summary = ref.run(scenario, 1000, seed=5)
    assert_close(summary["groups"]["shahed"]["launch_failure"], 50 * 0.03, "shahed launch_failure")
    assert_close(summary["groups"]["mrbm"]["launch_failure"], 30 * 0.2, "mrbm launch_failure")
    again = ref.run(scenario, 1000, seed=5)
    assert again["groups"] == summary["groups"] and again["layers"] == summary["layers"]


def test_cli_json_shape(tmp_path):
    path = write_toml(tmp_path, EXAMPLE_TOML)
    out = subprocess.run(
        [sys.executable, str(REFERENCE_MODEL), str(path), "--trials", "20", "--seed", "3", "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    summary = json.loads(out)
    assert summary["scenario"] == "example" and summary["trials"] == 20 and summary["seed"] == 3
    assert set(summary["groups"]["mrbm"]) == set(ref.FATES) | {"engaged"}
    assert set(summary["layers"]["upper-tier"]) == set(ref.LAYER_METRICS)
    assert set(summary["rates"]) == {"launched", "engaged", "threatening"}
    assert summary["trials_per_second"] > 0


def test_missing_required_key_fails_clearly(tmp_path):
    path = write_toml(tmp_path, EXAMPLE_TOML.replace("engagement_time = 90.0\n", ""))
    with pytest.raises(ref.ConfigError, match="layer.upper-tier.engagement_time"):
        ref.load(path)


# ---------------------------------------------------------------------------
# Closed forms: leak and intercept probabilities (unlimited channels and magazines,
# windows that always fit)
# ---------------------------------------------------------------------------

# Two groups of one class. "a" may fail in flight; "b" never does, so its intercepts per
# layer follow the closed form too. The inner layer names group "a" explicitly (the group
# name wins over the class) and is point defence, so threats aimed elsewhere pass it.
# Windows: the outer layer's 3 shoot-look-shoot engagements end by T - 530 <= T - 300;
# the inner layer starts at T - 200 (after any release from the outer) and ends at T - 190.
LEAK_TOML = """
[scenario]
name = "leak"

[[threat]]
name = "a"
class = "cruise"
count = 40
launch = { start = 0.0, duration = 100.0 }
flight_time = { mean = 1000.0, sd = 50.0 }
p_launch = 0.9
p_flight = 0.8
defended_fraction = 0.6

[[threat]]
name = "b"
class = "cruise"
count = 40
launch = { waves = [[0.0, 20], [50.0, 20]] }
flight_time = { mean = 1000.0, sd = 50.0 }
p_launch = 0.9
defended_fraction = 0.6

[[layer]]
name = "outer"
fire_units = 10
channels = 10
engagement_time = 20.0
interceptors = "unlimited"
shots = 2
doctrine = "shoot-look-shoot"
look_time = 5.0
max_engagements = 3
kill_assessment = 0.8
coverage = 0.9
engages.cruise = { pk = 0.5, detect = 0.9, window = { open = 600.0, close = 300.0 } }

[[layer]]
name = "inner"
fire_units = 10
channels = 10
engagement_time = 10.0
interceptors = "unlimited"
point_defense = true
coverage = 0.8
engages.a = { pk = 0.7, detect = 0.95, window = { open = 200.0, close = 50.0 } }
engages.cruise = { pk = 0.4, detect = 0.95, window = { open = 200.0, close = 50.0 } }
"""


def test_leak_and_intercepts_match_closed_forms(tmp_path):
    scenario = ref.load(write_toml(tmp_path, LEAK_TOML))
    summary = ref.run(scenario, 4000, seed=20240601)

    p_launch, d = 0.9, 0.6
    outer_survive = 1 - 0.9 * 0.9 * (1 - survival_sls((1 - 0.5) ** 2, a=0.8, m=3))

    def inner_survive(pk, aimed_defended):
        engaged = 1.0 if aimed_defended else 0.0  # point defence
        return 1 - 0.8 * 0.95 * engaged * (1 - (1 - pk) ** 1)

    for group, pk_inner, p_flight in (("a", 0.7, 0.8), ("b", 0.4, 1.0)):
        stats = summary["groups"][group]
        leak_defended = p_launch * p_flight * d * outer_survive * inner_survive(pk_inner, True)
        leak_open = p_launch * p_flight * (1 - d) * outer_survive * inner_survive(pk_inner, False)
        assert_close(stats["leaked_defended"], 40 * leak_defended, f"{group} leaked_defended")
        assert_close(stats["leaked_open"], 40 * leak_open, f"{group} leaked_open")
        assert_close(stats["launch_failure"], 40 * (1 - p_launch), f"{group} launch_failure")

    # Group "b" never fails in flight, so its intercepts per layer have closed forms.
    by_layer = summary["group_layers"]["b"]
    outer_kill = p_launch * (1 - outer_survive)
    inner_kill = p_launch * d * outer_survive * (1 - inner_survive(0.4, True))
    assert_close(by_layer["outer"], 40 * outer_kill, "b intercepted by outer")
    assert_close(by_layer["inner"], 40 * inner_kill, "b intercepted by inner")
    assert summary["groups"]["b"]["flight_failure"]["mean"] == 0.0

    # Unlimited channels and windows that fit: no missed request of any cause.
    for layer in ("outer", "inner"):
        for cause in ("missed_window", "missed_no_channel", "missed_magazine"):
            assert summary["layers"][layer][cause]["mean"] == 0.0, (layer, cause)


def test_salvo_doctrine_closed_form_and_rates(tmp_path):
    # One salvo layer with 3 shots per engagement: S = q^3.
    toml = """
    [[threat]]
    name = "t"
    count = 25
    launch = { start = 0.0, duration = 10.0 }
    flight_time = { mean = 500.0 }
    p_flight = 0.9
    defended_fraction = 0.5

    [[layer]]
    name = "only"
    fire_units = 5
    channels = 5
    engagement_time = 30.0
    interceptors = "unlimited"
    shots = 3
    coverage = 0.7
    engages.t = { pk = 0.4, detect = 0.8, window = { open = 300.0, close = 0.0 } }
    """
    scenario = ref.load(write_toml(tmp_path, toml))
    summary = ref.run(scenario, 4000, seed=77)
    survive = 1 - 0.7 * 0.8 * (1 - 0.6**3)
    assert_close(summary["groups"]["t"]["leaked_defended"], 25 * 0.9 * 0.5 * survive, "leaked_defended")
    assert_close(summary["groups"]["t"]["leaked_open"], 25 * 0.9 * 0.5 * survive, "leaked_open")
    # Salvo doctrine: exactly one engagement per engaged threat, 3 interceptors each.
    assert summary["layers"]["only"]["fired"]["mean"] == pytest.approx(
        3 * summary["layers"]["only"]["engagements"]["mean"]
    )
    assert summary["groups"]["t"]["engaged"]["mean"] == pytest.approx(summary["layers"]["only"]["engagements"]["mean"])


def test_perfect_defence_rates_are_one(tmp_path):
    toml = """
    [[threat]]
    name = "t"
    count = 10
    launch = { start = 0.0, duration = 10.0 }
    flight_time = { mean = 500.0 }
    p_launch = 0.5

    [[layer]]
    name = "wall"
    fire_units = 10
    channels = 1
    engagement_time = 10.0
    interceptors = "unlimited"
    engages.t = { pk = 1.0, window = { open = 100.0, close = 0.0 } }
    """
    summary = ref.run(ref.load(write_toml(tmp_path, toml)), 200, seed=1)
    for rate in ("launched", "engaged", "threatening"):
        assert summary["rates"][rate] == {"mean": 1.0, "se": 0.0}
    assert summary["groups"]["t"]["leaked_defended"]["mean"] == 0.0


# ---------------------------------------------------------------------------
# Closed form: saturation (exact count in every trial)
# ---------------------------------------------------------------------------

SATURATION_TOML = """
[[threat]]
name = "t"
count = {n}
launch = {{ waves = [[0.0, {n}]] }}
flight_time = {{ mean = 1000.0 }}

[[layer]]
name = "only"
fire_units = 1
channels = {c}
engagement_time = {e}
interceptors = "unlimited"
engages.t = {{ pk = 0.5, window = {{ open = {w}, close = {close} }} }}
"""


@pytest.mark.parametrize(
    "n, c, w, close, e",
    [
        (20, 3, 100.0, 10.0, 20.0),  # floor(70/20) + 1 = 4 slots a channel: 12 engaged
        (20, 3, 90.0, 10.0, 20.0),  # the last slot ends exactly at T - close: 4 slots, 12
        (5, 3, 100.0, 10.0, 20.0),  # fewer threats than slots: all 5
        (50, 4, 60.0, 0.0, 60.0),  # W - c = E: one slot a channel: 4
        (50, 2, 255.0, 5.0, 25.0),  # floor(225/25) + 1 = 10 slots: 20
    ],
)
def test_saturation_count_is_exact(tmp_path, n, c, w, close, e):
    toml = SATURATION_TOML.format(n=n, c=c, w=w, close=close, e=e)
    scenario = ref.load(write_toml(tmp_path, toml))
    expected = min(n, c * (math.floor((w - close - e) / e) + 1))
    rng = random.Random(99)
    for _ in range(50):
        trial = ref.simulate_trial(scenario, rng)
        assert trial["groups"]["t"]["engaged"] == expected
        assert trial["layers"]["only"]["engagements"] == expected
        # Every threat requests once; the rest find no channel in time.
        assert trial["layers"]["only"]["missed_no_channel"] == n - expected
        assert trial["layers"]["only"]["missed_window"] == 0


# ---------------------------------------------------------------------------
# Magazine
# ---------------------------------------------------------------------------


def test_magazine_limits(tmp_path):
    toml = """
    [[threat]]
    name = "t"
    count = 30
    launch = { start = 0.0, duration = 100.0 }
    flight_time = { mean = 1000.0 }

    [[layer]]
    name = "only"
    fire_units = 30
    channels = 1
    engagement_time = 10.0
    interceptors = 7
    shots = 2
    engages.t = { pk = 0.5, window = { open = 500.0, close = 0.0 } }
    """
    scenario = ref.load(write_toml(tmp_path, toml))
    rng = random.Random(4)
    for _ in range(50):
        stats = ref.simulate_trial(scenario, rng)["layers"]["only"]
        # 3 full salvos and one last single shot, then the magazine is empty.
        assert stats["fired"] == 7
        assert stats["engagements"] == 4
        assert stats["missed_magazine"] == 30 - 4
