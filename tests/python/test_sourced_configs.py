"""The sourced scenarios in configs/: they load, every number says where it comes from, and
each reproduces every one of its published observables within the published range.

These are regression tests that can fail: the configs carry the calibration's point
(configs/calibration/three_events.posterior.json), chosen with the same trials and seed as
here, so a change to the kernel, the configs or the calibration shows up as a mean leaving
its published range."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import tomllib
from typing import Any

import h5py
import pytest

import salvosim
from salvosim import calibrate, published

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "configs"
CALIBRATED = ["true_promise_1.toml", "true_promise_2.toml", "june_2025.toml"]
SOURCED = CALIBRATED
JUNE = "june_2025.toml"  # built from published inputs, and the third event of the calibration
POSTERIOR = CONFIGS / "calibration" / "three_events.posterior.json"

# The trials and seed the calibration chose its point with (calibrate.representative_point).
TRIALS, SEED = 4000, 1


@pytest.mark.parametrize("name", CALIBRATED)
def test_reproduces_each_published_observable_it_was_calibrated_to(name: str) -> None:
    """Every observable of the config that the stored calibration fitted (the one that chose
    the configs' point). An observable added to a config since (the consumption figures, for
    the three-event calibration) is fitted, and checked here, once a calibration that fits it
    is stored."""
    scenario, observables = published.load_with_observables(CONFIGS / name)
    assert observables, f"{name} has no [published] observables"
    result = calibrate.CalibrationResult.load(POSTERIOR)
    case = next(c.name for c in result.spec.fitted_cases if pathlib.Path(c.config).name == name)
    fitted = {o.split("/", 1)[1] for o in result.observable_names if o.startswith(case + "/")}
    observables = [o for o in observables if o.name in fitted]
    assert observables, f"the stored calibration fits none of {name}'s observables"
    res = salvosim.run(scenario, trials=TRIALS, seed=SEED)
    outside = [
        f"{o.name}: mean {published.mean(o, res):.3f} outside {o.range}"
        for o in observables
        if not o.contains(published.mean(o, res))
    ]
    assert not outside, "\n".join(outside)


def test_a_wrong_parameter_would_fail() -> None:
    """The check can fail: with twice the fitted Pk, April's impacts fall below the range."""
    scenario, observables = published.load_with_observables(CONFIGS / "true_promise_1.toml")
    for layer in ("arrow-3", "arrow-2", "davids-sling"):
        scenario.layer(layer).engagement("ballistic").pk = min(
            1.0, 2 * scenario.layer(layer).engagement("ballistic").pk
        )
    res = salvosim.run(scenario, trials=TRIALS, seed=SEED)
    impacts = next(o for o in observables if o.name == "impacts-defended")
    assert published.mean(impacts, res) < impacts.low


@pytest.mark.parametrize("name", SOURCED)
def test_the_loader_keeps_the_published_table(name: str) -> None:
    """Every key of every observable, as the loader keeps it, against the file read by tomllib."""
    scenario, observables = published.load_with_observables(CONFIGS / name)
    table = tomllib.loads((CONFIGS / name).read_text())["published"]
    assert scenario.published.description == table["description"]
    assert len(observables) == len(table["observable"]) > 0

    def names(entry: dict[str, Any], key: str) -> tuple[str, ...]:
        value = entry.get(key, ())
        return (value,) if isinstance(value, str) else tuple(value)

    for o, entry in zip(observables, table["observable"]):
        assert (o.name, o.statistic, o.selection, o.rate, o.metric) == (
            entry["name"],
            entry["statistic"],
            entry.get("selection", ""),
            entry.get("rate", ""),
            entry.get("metric", ""),
        )
        assert (o.fates, o.layers, o.value, [o.low, o.high]) == (
            names(entry, "fate"),
            names(entry, "layer"),
            entry.get("value"),
            entry["range"],
        )
        assert (o.definition, o.source, o.note) == (entry["definition"], entry["source"], entry.get("note", ""))


@pytest.mark.parametrize("name", SOURCED)
def test_validate_accepts_it_and_a_results_file_keeps_the_table(
    name: str, salvosim_exe: str, tmp_path: pathlib.Path
) -> None:
    validated = subprocess.run([salvosim_exe, "validate", str(CONFIGS / name)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    out = tmp_path / "run.h5"
    subprocess.run(
        [salvosim_exe, "run", str(CONFIGS / name), "--trials", "20", "--out", str(out)], check=True, capture_output=True
    )
    with h5py.File(out, "r") as f:
        text = f["scenario/text"][()].decode()
    stored = salvosim.Scenario.from_toml_string(text)
    assert published.observables(stored) == published.observables(salvosim.load(CONFIGS / name))


@pytest.mark.parametrize("name", SOURCED)
def test_every_number_says_where_it_comes_from(name: str) -> None:
    """Each line of the scenario (above [published], whose entries name their source) that
    sets a number carries a comment citing the published figures (PF:), an assumption, or
    the calibration, or continues the comment of the line above."""
    text = (CONFIGS / name).read_text().split("\n[published]")[0]
    unsourced = []
    previous_comment = ""
    for number, line in enumerate(text.splitlines(), 1):
        code, _, comment = line.partition("#")
        if (
            re.search(r"=\s*[-\d\[{]", code)
            and not re.search(r"PF:|assumption|calibrated", comment)
            and not (comment.strip().startswith("(") and previous_comment)
        ):
            unsourced.append(f"{name}:{number}: {line.strip()}")
        previous_comment = comment if code.strip() else previous_comment
    assert not unsourced, "lines without a source, assumption or calibration:\n" + "\n".join(unsourced)


def test_configs_carry_the_calibrations_point() -> None:
    """The calibrated keys of the configs hold the stored calibration's point."""
    result = calibrate.CalibrationResult.load(POSTERIOR)
    assert result.point and result.point["worst_miss"] == 0.0
    for case in result.spec.fitted_cases:
        scenario, _ = published.load_with_observables(case.config)
        expected = result.spec.apply(scenario, case.name, {p: result.point[p] for p in result.parameter_names})
        # The configs round to four decimals.
        assert _same_numbers(salvosim.to_dict(expected), salvosim.to_dict(scenario), 6e-5), case.name


def _same_numbers(a: object, b: object, tolerance: float) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_numbers(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_numbers(x, y, tolerance) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= tolerance  # type: ignore[arg-type]
    return a == b


def test_stored_calibration_is_readable_and_summarised() -> None:
    data = json.loads(POSTERIOR.read_text())
    result = calibrate.CalibrationResult.load(POSTERIOR)
    assert [row["parameter"] for row in data["summary"]] == result.parameter_names
    for row in result.summary():
        low, high = row["interval"]
        assert row["prior"][0] <= low <= row["median"] <= high <= row["prior"][1]
    # Every component's stated effective sample size (docs/calibration.md) reaches the
    # threshold below which the calibration warns.
    assert min(result.effective_sample_size().values()) >= calibrate.posterior.MINIMUM_ESS
    assert not result.warnings() and not data["warnings"]


def test_june_2025_is_built_from_the_published_inputs() -> None:
    """The salvos add up to the published inputs: ~550 ballistic missiles over 12 days, ~370 of
    them by 16 June (the fourth day), ~1,000 drones; one salvo a day; the THAAD magazine of two
    batteries of 6 launchers x 8."""
    june = salvosim.load(CONFIGS / JUNE)
    assert [s.name for s in june.salvos] == [f"day-{d:02d}" for d in range(1, 13)]
    assert [s.start for s in june.salvos] == [86400.0 * d for d in range(12)]

    def count(threat_class: str, salvos: list[salvosim.Salvo]) -> int:
        return sum(t.count for s in salvos for t in s.threats if t.threat_class == threat_class)

    salvos = list(june.salvos)
    assert (count("ballistic", salvos), count("ballistic", salvos[:4]), count("drone", salvos)) == (550, 370, 1000)
    thaad = june.layer("thaad")
    # 96 loaded, restocked during the war (WSJ 2025-06-20): 100-150 fired in all (CNN 2025-07-28).
    assert thaad.interceptors == 96 and thaad.capacity == 96 and thaad.resupply == 0
    assert 96 + sum(thaad.resupply_schedule.values()) >= 100
