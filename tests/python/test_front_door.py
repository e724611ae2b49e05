"""The front door of a run from Python: requests are checked by the C++ rules (run.hpp), the
provenance and the numbers equal the command line's, and names come from names.hpp."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import salvosim
from salvosim import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "example.toml"
CAMPAIGN = ROOT / "configs" / "campaign_example.toml"


@pytest.fixture(scope="module")
def scenario() -> salvosim.Scenario:
    return salvosim.load(EXAMPLE)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"trials": 0}, "trials must be an integer in [1, 2147483647], got 0"),
        ({"trials": 2**31}, "trials must be an integer in [1, 2147483647], got 2147483648"),
        ({"threads": 5000}, "threads must be an integer in [0, 4096] (0: every core), got 5000"),
        ({"seed": -1}, "seed must be an integer in [0, 2^64 - 1], got -1"),
        ({"first_trial": 2**64 - 5}, "first_trial + trials overflows the trial index"),
    ],
)
def test_requests_are_checked_by_the_front_door(scenario: salvosim.Scenario, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        salvosim.run(scenario, **{"trials": 10, **kwargs})
    assert message in str(caught.value)


def test_provenance_and_numbers_equal_the_command_line(
    salvosim_exe: str, tmp_path: pathlib.Path, scenario: salvosim.Scenario
) -> None:
    path = tmp_path / "cli.h5"
    subprocess.run(
        [salvosim_exe, "run", str(EXAMPLE), "--trials", "3000", "--seed", "7", "--threads", "2", "--out", str(path)],
        check=True,
        capture_output=True,
    )
    cli = salvosim.read(path)
    ours = salvosim.run(scenario, trials=3000, seed=7, threads=2)
    # git_sha1 is each build's own (the program and the module may be configured at different
    # commits); `created` is each run's own time, stamped in the same format.
    for key in (
        "scenario_name",
        "scenario_text",
        "source_name",
        "seed",
        "first_trial",
        "trials",
        "threads",
        "salvosim_version",
    ):
        assert ours.info[key] == cli.info[key], key
    assert ours.info["scenario_text"] == EXAMPLE.read_text()
    for info in (ours.info, cli.info):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info["created"])
    assert ours.names == cli.names
    for name in ours.names:
        np.testing.assert_array_equal(ours.array(name), cli.array(name), err_msg=name)


def run_python_with_draw_isa(isa: str, code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SALVOSIM_DRAW_ISA": isa}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False)


def test_an_unknown_draw_isa_is_refused_on_import() -> None:
    # The kernel would run with it as if unset; the package refuses it, as the command does.
    done = run_python_with_draw_isa("sse9", "import salvosim")
    assert done.returncode != 0
    assert "ImportError: SALVOSIM_DRAW_ISA=sse9: must be one of portable avx2 avx512 (or unset)" in done.stderr


def test_a_capped_draw_isa_gives_the_same_numbers(scenario: salvosim.Scenario) -> None:
    code = (
        "import json, sys, salvosim; assert salvosim._core.kernel_draw_isa() == 'portable';"
        "r = salvosim.run(salvosim.load(sys.argv[1]), trials=2000, seed=5);"
        "print(json.dumps({n: r.array(n).tolist() for n in r.names}))"
    )
    ours = salvosim.run(scenario, trials=2000, seed=5)
    done = run_python_with_draw_isa("portable", code, str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    capped = json.loads(done.stdout)
    assert sorted(capped) == sorted(ours.names)
    for name in ours.names:
        np.testing.assert_array_equal(np.asarray(capped[name]), ours.array(name), err_msg=name)


def test_an_edited_scenario_is_kept_as_it_ran(scenario: salvosim.Scenario) -> None:
    edited = scenario.copy()
    edited.layer("upper-tier").shots = 1
    edited.layer("upper-tier").interceptors = 12
    res = salvosim.run(edited, trials=20, seed=1)
    assert res.info["scenario_text"] == edited.to_toml() == _core.provenance_text(edited)
    assert salvosim.load({**salvosim.to_dict(edited)}).layer("upper-tier").interceptors == 12
    assert _core.provenance_text(scenario) == EXAMPLE.read_text()


def test_a_file_without_a_name_keeps_its_text_as_provenance() -> None:
    # minimal.toml names no scenario: it is named after the file, and its text, comments and
    # all, is what a run records until the scenario is edited (a rename included).
    path = ROOT / "tests" / "data" / "configs" / "minimal.toml"
    scenario = salvosim.load(path)
    assert scenario.name == "minimal"
    assert salvosim.run(scenario, trials=10, seed=1).info["scenario_text"] == path.read_text()
    renamed = scenario.copy()
    renamed.name = "renamed"
    assert _core.provenance_text(renamed) == renamed.to_toml()


def _documented(dimension: str) -> list[str]:
    """The labels docs/hdf5-format.md lists for a dimension of /summary."""
    for line in (ROOT / "docs" / "hdf5-format.md").read_text().splitlines():
        if line.startswith(f"| `{dimension}` | string |"):
            return re.findall(r"`([a-z_]+)`", line.split("|")[3])
    raise AssertionError(f"docs/hdf5-format.md lists no {dimension}")


def test_names_come_from_the_core_and_match_the_documentation(scenario: salvosim.Scenario) -> None:
    assert list(_core.FATE_NAMES) == _documented("fate")
    assert list(_core.RATE_NAMES) == _documented("rate")
    assert list(_core.LAYER_METRIC_NAMES) == _documented("layer_metric")
    res = salvosim.run(scenario, trials=10, seed=1)
    assert res.coords["fate"] == list(_core.FATE_NAMES)
    assert res.coords["rate"] == list(_core.RATE_NAMES)
    assert res.coords["layer_metric"] == list(_core.LAYER_METRIC_NAMES)
    assert _core.SELECTION_ALL in res.coords["selection"]
    assert any(s.startswith(_core.SELECTION_CLASS_PREFIX) for s in res.coords["selection"])


@pytest.mark.parametrize("config", [EXAMPLE, CAMPAIGN], ids=["plain", "campaign"])
def test_per_trial_blocks_are_the_layout_of_the_core(config: pathlib.Path, tmp_path: pathlib.Path) -> None:
    res = salvosim.run(salvosim.load(config), trials=50, seed=4, per_trial=True)
    plan = _core.compile(salvosim.load(config))
    blocks = plan.record_blocks
    assert sum(b["size"] for b in blocks) == plan.record_size
    data = res.per_trial
    assert data is not None
    assert list(data.data_vars) == [b["name"] for b in blocks]
    for block in blocks:
        assert data[block["name"]].dims == ("trial",) + block["dims"]
        assert data[block["name"]].shape == (50,) + block["shape"]
    path = tmp_path / "run.h5"
    res.to_hdf5(path)
    again = salvosim.read(path).per_trial
    assert again is not None
    for block in blocks:
        np.testing.assert_array_equal(again[block["name"]].values, data[block["name"]].values)
