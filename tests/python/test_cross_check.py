"""The C++ kernel against the independent pure-Python reference (tests/reference_model/).

The two share the model (docs/model.md) but nothing else: not the random numbers, not the
code. On each standard scenario every per-group fate mean and every per-layer counter mean
must agree within K_SE standard errors of their difference. The standard error of the
difference is estimated from the C++ run's per-trial spread (both estimate the same
distribution, and the C++ run is 50-100 times larger): sd * sqrt(1/n_cpp + 1/n_ref). A
quantity with no spread at all must then agree exactly.

K_SE = 4.5: two-sided false-alarm probability ~7e-6 per comparison, ~5e-4 over the ~70
comparisons here; a real difference in the model (e.g. a changed miss rule) shows up at
tens of standard errors. Seeds are fixed, so the outcome is deterministic.
"""

import json
import math
import subprocess

import pytest

from conftest import REFERENCE_MODEL, load_module
from salvosim import _core

K_SE = 4.5
FATES = list(_core.FATE_NAMES)  # names.hpp: the reference must use the same names
LAYER_METRICS = list(_core.LAYER_METRIC_NAMES)


def _reference():
    return load_module(REFERENCE_MODEL, "salvosim_reference")


def run_cpp(exe, config, trials, seed):
    out = subprocess.run(
        [exe, "run", str(config), "--trials", str(trials), "--seed", str(seed), "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def compare(what, cpp, ref, n_cpp, n_ref, failures):
    sd = cpp["se"] * math.sqrt(n_cpp)
    se_diff = sd * math.sqrt(1.0 / n_cpp + 1.0 / n_ref)
    diff = cpp["mean"] - ref["mean"]
    if se_diff == 0.0:
        if diff != 0.0:
            failures.append(f"{what}: C++ {cpp['mean']} vs reference {ref['mean']} (no spread: must be equal)")
    elif abs(diff) > K_SE * se_diff:
        failures.append(f"{what}: C++ {cpp['mean']:.4f} vs reference {ref['mean']:.4f} ({diff / se_diff:+.1f} SE)")


SCENARIOS = [
    # (config, reference trials, C++ trials)
    ("example.toml", 3000, 200000),
    ("true_promise_1_illustrative.toml", 600, 60000),
    ("saturation.toml", 3000, 200000),
]


@pytest.mark.parametrize("config,n_ref,n_cpp", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_cpp_kernel_agrees_with_reference(salvosim_exe, configs_dir, config, n_ref, n_cpp):
    ref_module = _reference()
    path = configs_dir / config
    ref = ref_module.run(ref_module.load(str(path)), n_ref, 20261122)
    cpp = run_cpp(salvosim_exe, path, n_cpp, 7)
    failures = []
    for group, fates in ref["groups"].items():
        for fate in FATES:
            compare(f"{group}.{fate}", cpp["groups"][group][fate], fates[fate], n_cpp, n_ref, failures)
    for layer, metrics in ref["layers"].items():
        for metric in LAYER_METRICS:
            compare(f"{layer}.{metric}", cpp["layers"][layer][metric], metrics[metric], n_cpp, n_ref, failures)
    assert not failures, "C++ and reference disagree:\n" + "\n".join(failures)
