"""salvosim.sensitivity: the ranges read from `assumption:` comments, Sobol indices and Morris
screening against answers known in closed form, and the sweep-file path giving the numbers of
the in-process one exactly.

The synthetic scenarios make the answer exact in expectation: every threat is launched, flies,
is detected and meets one shot of an unlimited layer with ample channels, so a group of n
threats leaks n (1 - pk) on average, and a layer's `cost` changes no fate at all. Every point
runs with the same seed (common random numbers), so a factor that changes nothing gives the
same number at every point: its indices are 0 exactly, not merely within noise."""

import math
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

import salvosim
from salvosim import published, sensitivity

LAYER = """
[[layer]]
name = "{name}"
fire_units = 50
channels = 50
engagement_time = 1.0
interceptors = "unlimited"
shots = 1
cost = 100000.0
engages.{target} = {{ pk = {pk}, detect = 1.0, window = {{ open = 3000.0, close = 10.0 }} }}
"""
THREAT = """
[[threat]]
name = "{name}"
class = "{target}"
count = {count}
launch = {{ start = 0.0, duration = 60.0 }}
flight_time = {{ mean = 3600.0, sd = 10.0 }}
p_launch = 1.0
p_flight = 1.0
defended_fraction = 1.0
"""


def scenario(groups: list[tuple[str, str, int, float]]) -> salvosim.Scenario:
    """One threat group and one layer (that engages only its class) per (name, class, count, pk)."""
    text = '[scenario]\nname = "known answers"\n'
    for name, target, count, _ in groups:
        text += THREAT.format(name=name, target=target, count=count)
    for name, target, _, pk in groups:
        text += LAYER.format(name=f"{name}-layer", target=target, pk=pk)
    return salvosim.Scenario.from_toml_string(text, "<known answers>")


LEAKED = published.statistic("fate", "all", fates=["leaked_defended"])


def test_a_factor_that_changes_nothing_has_zero_indices_and_the_one_that_matters_takes_all() -> None:
    base = scenario([("mrbm", "ballistic", 20, 0.5)])
    factors = {"layer.mrbm-layer.engages.ballistic.pk": (0.2, 0.8), "layer.mrbm-layer.cost": (1e4, 1e6)}
    s = sensitivity.sobol(base, LEAKED, factors, n=256, trials=200, seed=3)
    assert list(s.index) == list(factors)
    pk, cost = s.loc["layer.mrbm-layer.engages.ballistic.pk"], s.loc["layer.mrbm-layer.cost"]
    # With common random numbers the cost changes no trial, so its estimates are 0 to rounding.
    assert abs(cost["S1"]) < 1e-12 and abs(cost["ST"]) < 1e-12
    # The leak is a function of pk alone: S1 = ST = 1. SALib's *_conf is the half-width of a
    # 95% bootstrap interval (about 2 standard errors); 2 of them is about 4 standard errors.
    assert abs(pk["S1"] - 1.0) <= 2 * pk["S1_conf"] and abs(pk["ST"] - 1.0) <= 2 * pk["ST_conf"]
    assert pk["S1_conf"] < 0.2 and pk["ST_conf"] < 0.2  # the check above is not vacuous

    m = sensitivity.morris(base, LEAKED, factors, n=20, trials=200, seed=3)
    assert m.loc["layer.mrbm-layer.cost", "mu_star"] == 0.0 and m.loc["layer.mrbm-layer.cost", "sigma"] == 0.0
    # E[leaked] = 20 (1 - pk): over pk's whole range (0.6) it falls by 12. An elementary effect
    # here is a difference of two means of 200 trials of the same seed, each a count of the 20
    # threats whose shot lands between two values of pk (binomial, sd <= sqrt(20 / 4) / sqrt(200)
    # = 0.16 threats, i.e. <= 0.24 in these units over a step of 2/3 of the range); mu_star
    # averages 20 of them: its sd is below 0.06, so 5 sd is 0.3 of 12.
    assert m.loc["layer.mrbm-layer.engages.ballistic.pk", "mu"] == pytest.approx(-12.0, abs=0.3)
    assert m.loc["layer.mrbm-layer.engages.ballistic.pk", "mu_star"] == pytest.approx(12.0, abs=0.3)


def test_first_order_indices_of_an_additive_leak_are_the_closed_form_shares() -> None:
    # Two independent groups, each met by its own layer: E[leaked] = 30 (1 - pk1) + 10 (1 - pk2),
    # additive, so S1 = ST = each term's share of the variance: 30^2 : 10^2 over the same range.
    base = scenario([("mrbm", "ballistic", 30, 0.5), ("cm", "cruise", 10, 0.5)])
    factors = {
        "layer.mrbm-layer.engages.ballistic.pk": (0.2, 0.8),
        "layer.cm-layer.engages.cruise.pk": (0.2, 0.8),
        "layer.cm-layer.cost": (1e4, 1e6),
    }
    s = sensitivity.sobol(base, LEAKED, factors, n=256, trials=200, seed=5)
    expected = {"layer.mrbm-layer.engages.ballistic.pk": 0.9, "layer.cm-layer.engages.cruise.pk": 0.1}
    for path, share in expected.items():
        # 2 half-widths of SALib's 95% intervals: about 4 standard errors of the estimator.
        assert abs(s.loc[path, "S1"] - share) <= 2 * s.loc[path, "S1_conf"], (path, s.loc[path].to_dict())
        assert abs(s.loc[path, "ST"] - share) <= 2 * s.loc[path, "ST_conf"], (path, s.loc[path].to_dict())
    assert abs(s.loc["layer.cm-layer.cost", "ST"]) < 1e-12
    assert s.loc["layer.mrbm-layer.engages.ballistic.pk", "S1"] > 5 * s.loc["layer.cm-layer.engages.cruise.pk", "S1"]


def _arrays(results: salvosim.SweepResults) -> dict[str, np.ndarray]:
    return {name: results[name].values for name in results.names}


def test_a_written_plan_keeps_its_base_files_comments(tmp_path: pathlib.Path, configs_dir: pathlib.Path) -> None:
    """The base beside a written sweep file is the config's own text (its sources are in its
    comments), and it loads to the scenario the plan runs."""
    config = configs_dir / "example.toml"
    plan = sensitivity.plan(salvosim.load(config), "morris", {"layer.upper-tier.engages.ballistic.pk": (0.5, 0.9)}, n=2)
    plan.write(tmp_path / "p.toml")
    assert (tmp_path / "p.base.toml").read_text() == config.read_text()
    assert salvosim.load(tmp_path / "p.base.toml").to_toml() == plan.base().to_toml()


def test_the_sweep_file_gives_the_numbers_of_the_run_in_this_process(tmp_path: pathlib.Path, salvosim_exe: str) -> None:
    base = scenario([("mrbm", "ballistic", 30, 0.5), ("cm", "cruise", 10, 0.5)])
    factors = {"layer.mrbm-layer.engages.ballistic.pk": (0.2, 0.8), "layer.cm-layer.fire_units": (1, 4)}
    stats = [LEAKED, published.statistic("intercepts", "all", layers=["mrbm-layer"])]
    for method, n in (("sobol", 8), ("morris", 4)):
        plan = sensitivity.plan(base, method, factors, n=n, trials=50, seed=2)
        in_process = plan.run(threads=1)
        path = tmp_path / f"{method}.toml"
        plan.write(path)
        assert sorted(p.name for p in tmp_path.glob(f"{method}*")) == [
            f"{method}.base.toml",
            f"{method}.plan.json",
            f"{method}.toml",
        ]
        from_file = salvosim.sweep(path)
        # The command line, in two shards merged, as a cluster would run it.
        shards = []
        for i in (1, 2):
            shard = tmp_path / f"{method}-{i}.h5"
            subprocess.run([salvosim_exe, "sweep", str(path), "--out", str(shard), "--shard", f"{i}/2"], check=True)
            shards.append(str(shard))
        merged = tmp_path / f"{method}.h5"
        subprocess.run([salvosim_exe, "merge", *shards, "--out", str(merged)], check=True)
        from_cli = salvosim.read_sweep(merged)
        reference = _arrays(in_process)
        for other in (from_file, from_cli):
            arrays = _arrays(other)
            assert arrays.keys() == reference.keys()
            for name, values in reference.items():
                np.testing.assert_array_equal(arrays[name], values, err_msg=name)
        loaded = sensitivity.Plan.load(tmp_path / f"{method}.plan.json")
        np.testing.assert_array_equal(loaded.unit, plan.unit)
        expected = sensitivity.analyse(plan, in_process, stats)
        pd.testing.assert_frame_equal(sensitivity.analyse(loaded, merged, stats), expected)
        pd.testing.assert_frame_equal(sensitivity.analyse(plan, from_file, stats), expected)
    one_call = sensitivity.sobol(base, stats, factors, n=8, trials=50, seed=2)
    pd.testing.assert_frame_equal(
        one_call,
        sensitivity.analyse(
            sensitivity.plan(base, "sobol", factors, n=8, trials=50, seed=2),
            salvosim.sweep(tmp_path / "sobol.toml"),
            stats,
        ),
    )


def test_integer_keys_take_integers_each_with_an_equal_share() -> None:
    base = scenario([("mrbm", "ballistic", 10, 0.5)])
    plan = sensitivity.plan(base, "sobol", {"layer.mrbm-layer.fire_units": (1, 4)}, n=256, trials=10)
    (factor,) = plan.factors
    assert factor.integer
    values = plan.values[:, 0]
    assert set(values) == {1.0, 2.0, 3.0, 4.0}
    # A scrambled Sobol sequence fills [0, 1] evenly: each integer takes about a quarter of the
    # 768 points (binomial sd 12; the design is far more even than that).
    assert all(abs(np.sum(values == v) - len(values) / 4) < 36 for v in (1, 2, 3, 4))
    assert all(isinstance(v, int) for v in plan.axes()[0].values)


def test_bad_input_gets_a_clear_error(tmp_path: pathlib.Path, salvosim_exe: str) -> None:
    base = scenario([("mrbm", "ballistic", 10, 0.5)])
    pk = "layer.mrbm-layer.engages.ballistic.pk"
    with pytest.raises(ValueError, match=r'has no key pkk \(did you mean "pk"\?\)'):
        sensitivity.plan(base, "sobol", {"layer.mrbm-layer.engages.ballistic.pkk": (0.1, 0.9)}, n=8)
    with pytest.raises(ValueError, match=r"no layer named .*did you mean"):
        sensitivity.plan(base, "sobol", {"layer.mrbm-layr.channels": (1, 4)}, n=8)
    with pytest.raises(ValueError, match=r"low < high, got \[0.9, 0.1\]"):
        sensitivity.plan(base, "sobol", {pk: (0.9, 0.1)}, n=8)
    with pytest.raises(ValueError, match=r"at its high end 1.2: .*pk: must be in \[0, 1\]"):
        sensitivity.plan(base, "sobol", {pk: (0.5, 1.2)}, n=8)
    with pytest.raises(ValueError, match=r"takes integers, so must its range"):
        sensitivity.plan(base, "sobol", [sensitivity.Factor("layer.mrbm-layer.channels", 1.5, 4, integer=True)], n=8)
    with pytest.raises(ValueError, match=r"power of 2 .*got 100: try 64 or 128"):
        sensitivity.plan(base, "sobol", {pk: (0.1, 0.9)}, n=100)
    with pytest.raises(ValueError, match=r"method must be one of"):
        sensitivity.plan(base, "sobbol", {pk: (0.1, 0.9)}, n=8)
    with pytest.raises(ValueError, match=r"a factor is given twice"):
        sensitivity.plan(base, "morris", [sensitivity.Factor(pk, 0.1, 0.9)] * 2, n=4)
    with pytest.raises(ValueError, match=r"not loaded from a file"):
        sensitivity.plan(base, "morris", None, n=4)
    with pytest.raises(ValueError, match=r'"trials" names no value of a scenario'):
        sensitivity.plan(base, "morris", {"trials": (10, 20)}, n=4)
    plan = sensitivity.plan(base, "morris", {pk: (0.1, 0.9), "layer.mrbm-layer.cost": (1, 2)}, n=4, trials=20)
    with pytest.raises(ValueError, match=r"no published observable named 'leak'"):
        sensitivity.analyse(plan, plan.run(), "leak")
    other = sensitivity.plan(
        base, "morris", {pk: (0.1, 0.9), "layer.mrbm-layer.cost": (1, 2)}, n=4, trials=20, sample_seed=9
    )
    with pytest.raises(ValueError, match=r"sets other values than the plan's"):
        sensitivity.analyse(other, plan.run(), LEAKED)
    # Every threat meets one shot whatever pk is: the shots fired are the same at every point.
    fired = published.statistic("layer", layers=["mrbm-layer"], metric="fired")
    sobol_plan = sensitivity.plan(base, "sobol", {pk: (0.1, 0.9), "layer.mrbm-layer.cost": (1, 2)}, n=8, trials=20)
    with pytest.warns(UserWarning, match=r"is 10 at every point: its Sobol indices are undefined"):
        constant = sensitivity.analyse(sobol_plan, sobol_plan.run(), [fired, LEAKED])
    assert constant.loc["fired by mrbm-layer"].isna().all().all()
    assert constant.loc["leaked_defended of all"].notna().all().all()
    plan.write(tmp_path / "p.toml")
    half = tmp_path / "half.h5"
    subprocess.run([salvosim_exe, "sweep", str(tmp_path / "p.toml"), "--out", str(half), "--shard", "1/2"], check=True)
    with pytest.raises(ValueError, match=r"merge the shards first"):
        sensitivity.analyse(plan, half, LEAKED)


# --- the ranges of `assumption:` comments ------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("assumption: as a city's (range 0.5-2)", [(("s", "assumption"), 0.5, 2.0)]),
        ("assumption: range 1-4", [(("assumption",), 1.0, 4.0)]),
        ("assumption: as in April (range 90-180 s)", [(("April", "assumption"), 90.0, 180.0)]),
        ("assumption: about 12 min (range 10-14 min)", [(("min", "assumption"), 600.0, 840.0)]),
        ("assumption: the last hour; range 0.5-1.5 h", [(("range",), 1800.0, 5400.0)]),
        ("assumption: an AIM-9X; range $0.03M-1M", [(("range",), 30000.0, 1e6)]),
        ("assumption: pk range 0.6-0.95, detect 0.8-1", [(("pk", "assumption"), 0.6, 0.95), (("detect",), 0.8, 1.0)]),
        (
            "pk calibrated: median 0.4, 90% interval [0.2, 0.5]; detect assumption (range 0.9-1)",
            [(("assumption", "detect"), 0.9, 1.0)],
        ),
        ("assumption: 8 per ship; range 4-12 each", [(("range",), 4.0, 12.0)]),
        ("assumption: upper atmosphere, range +-30 s", []),
        ("PF: 8 barrages of 30-100 missiles; assumption: two a day", []),
        ("assumption: range: salvo of 1-2", []),
    ],
)
def test_parse_ranges_reads_what_the_configs_write(
    comment: str, expected: list[tuple[tuple[str, ...], float, float]]
) -> None:
    got = [(m.keys, m.low, m.high) for m in sensitivity.parse_ranges(comment)]
    assert [(k, pytest.approx(lo), pytest.approx(hi)) for k, lo, hi in expected] == got
    assert [m.each for m in sensitivity.parse_ranges(comment)] == ["each" in comment] * len(expected)


CONFIG = """
[scenario]
name = "assumptions"

[[tier]]
name = "city"
value = 1.0                     # assumption: the unit of damage

[[tier]]
name = "base"
value = 0.5                     # assumption: half a city's (range 0.25-1)

[[threat]]
name = "mrbm"
class = "ballistic"
count = 20                      # PF: a count
launch = { start = 0.0, duration = 600.0 }   # assumption: over 10 min
flight_time = { mean = 720.0, sd = 60.0 }    # assumption: about 12 min (range 10-14 min)
targets = { city = 0.8, base = 0.2 }         # assumption: mostly cities; range 0.7-0.9

[[layer]]
name = "upper"
fire_units = 2                  # assumption: range 1-3
channels = 4                    # assumption: 2 per battery; range 1-3 each
engagement_time = 60.0          # assumption: (range 30-90 s); as elsewhere (range 40-80 s)
interceptors = 40               # assumption: not public
coverage = 0.95                 # assumption: (range 0.5-0.9)
"""
CONFIG += (
    "engages.ballistic = { pk = 0.7, detect = 0.95, window = { open = 400.0, close = 100.0 } }"
    " # pk assumption (range 0.5-0.9); window assumption: range 0.5-1 min\n"
)


def test_assumptions_lists_each_value_with_its_range_or_why_not(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(CONFIG)
    table = sensitivity.assumptions(path).set_index("key_path")
    ranged = table[table["low"].notna()]
    assert ranged[["value", "low", "high", "integer"]].to_dict("index") == {
        "tier.base.value": {"value": 0.5, "low": 0.25, "high": 1.0, "integer": False},
        "threat.mrbm.flight_time.mean": {"value": 720.0, "low": 600.0, "high": 840.0, "integer": False},
        "layer.upper.fire_units": {"value": 2, "low": 1.0, "high": 3.0, "integer": True},
        "layer.upper.coverage": {"value": 0.95, "low": 0.5, "high": 0.9, "integer": False},
        "layer.upper.engages.ballistic.pk": {"value": 0.7, "low": 0.5, "high": 0.9, "integer": False},
    }
    notes = table["note"].to_dict()
    assert notes["layer.upper.coverage"] == "the value 0.95 lies outside its stated range"
    assert notes["tier.city.value"] == "no range stated"
    assert notes["threat.mrbm.flight_time.sd"] == "no range stated for it (the line's range is for mean)"
    assert "per unit ('each')" in notes["layer.upper.channels"]
    assert "two different ranges" in notes["layer.upper.engagement_time"]
    assert "names window, a table of several values" in notes["layer.upper.engages.ballistic.window.open"]
    assert "not a factor on its own" in notes["threat.mrbm.targets.city"]  # the shares must add up to 1
    assert "interceptors" in table.index[table["note"] == "no range stated"].str.cat(sep=" ")
    assert "threat.mrbm.count" not in table.index  # its comment says no `assumption`
    # The defaults of an analysis are the rows with a range, checked against the scenario.
    factors = sensitivity.factors_from(salvosim.load(path))
    assert [f.path for f in factors] == list(ranged.index)


def test_the_june_2025_assumptions_include_the_ranges_its_comments_state(configs_dir: pathlib.Path) -> None:
    table = sensitivity.assumptions(configs_dir / "june_2025.toml").set_index("key_path")
    assert table.loc["tier.military.value", ["low", "high"]].tolist() == [0.5, 2.0]
    assert table.loc["layer.arrow-3.channels", ["low", "high"]].tolist() == [3.0, 12.0]
    # A value the calibration fits is no assumption: its comment says "calibrated".
    assert math.isnan(table.loc["layer.thaad.engages.ballistic.pk", "low"])
    assert table.loc["layer.coalition-aircraft.cost", ["low", "high"]].tolist() == [30000.0, 1e6]
    assert math.isnan(table.loc["layer.thaad.engages.ballistic.detect", "low"])
    assert (table["low"] < table["high"]).sum() >= 30
