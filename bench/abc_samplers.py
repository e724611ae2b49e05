"""The calibration's ABC sampler against pyabc's ABC-SMC on a synthetic recovery case, at an
equal simulation budget (docs/calibration.md, "Which sampler").

    python bench/abc_samplers.py [--repetitions 8] [--budget 30000] [--out abc_samplers.json]

Each repetition draws true parameters from the prior, simulates one night (one trial) of a
small scenario at them, and publishes that night's four figures with fixed tolerances as the
[published] ranges. Both samplers then fit the same three parameters to the same ABC
posterior (every figure within its tolerance) with the same number of simulated trials:
salvosim.calibrate estimates each point's acceptance probability from `trials` trials, pyabc
(population Monte Carlo, one simulated night per particle) runs until its budget of trials is
spent or its tolerance reaches the published ranges. Reported per sampler: how often the 90%
credible interval holds the true value (over repetitions and parameters; a correct posterior
gives about 90%), the mean interval width over the prior's, the effective sample size of the
final weighted points, and the wall time. pyabc is not a dependency of salvosim: install it
with `pip install pyabc` (or the `bench` extra) to run this.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pathlib
import sys
import tempfile
import time
from typing import Any

import numpy as np

import salvosim
from salvosim import calibrate, published
from salvosim.calibrate import sampler

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "python"))
import synthetic_case  # noqa: E402  (the scenario of the recovery tests)

PRIORS = {"pk": (0.1, 0.95), "reliability": (0.3, 1.0), "air": (0.1, 0.9)}
# (name, statistic, keys, tolerance): a published figure is the night's value +- tolerance.
FIGURES = [
    ("failed", "fate", {"selection": "mrbm", "fate": "launch_failure"}, 3.0),
    ("leaked", "fate", {"selection": "mrbm", "fate": "leaked_defended"}, 3.0),
    ("intercepted", "fate", {"selection": "mrbm", "fate": "intercepted"}, 3.0),
    ("drones-down", "intercepts", {"selection": "drone", "layer": "aircraft"}, 3.0),
]
SPEC = """
[calibration]
name = "recovery"
trials = {trials}
rounds = {rounds}
seed = {seed}
sampler_seed = {seed}

[[case]]
name = "night"
config = "night.toml"

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


def scenario_text(values: dict[str, float]) -> str:
    return synthetic_case.scenario_text(values["pk"], values["reliability"], values["air"])


def probes() -> list[published.Observable]:
    return [
        published.statistic(
            statistic,
            keys["selection"],
            fates=filter(None, [keys.get("fate")]),
            layers=filter(None, [keys.get("layer")]),
            name=name,
        )
        for name, statistic, keys, _ in FIGURES
    ]


def night(values: dict[str, float], seed: int, trials: int = 1) -> np.ndarray:
    """The four figures of `trials` simulated nights at `values` (figures x trials)."""
    scenario = salvosim.Scenario.from_toml_string(scenario_text(values))
    res = salvosim.run(scenario, trials=trials, seed=seed, threads=1, per_trial=True)
    return np.stack([published.per_trial(o, res, scenario) for o in probes()])


def published_config(values: dict[str, float], observed: np.ndarray) -> str:
    text = scenario_text(values) + "\n[published]\n"
    for (name, statistic, keys, tolerance), x in zip(FIGURES, observed):
        text += f'\n[[published.observable]]\nname = "{name}"\nstatistic = "{statistic}"\n'
        text += "".join(f'{k} = "{v}"\n' for k, v in keys.items())
        text += f'range = [{x - tolerance}, {x + tolerance}]\ndefinition = "count"\nsource = "synthetic"\n'
    return text


def interval_summary(values: dict[str, np.ndarray], weights: np.ndarray, truth: dict[str, float]) -> dict[str, Any]:
    out = {}
    for name, v in values.items():
        low, high = (sampler.weighted_quantile(v, weights, q) for q in (0.05, 0.95))
        prior_low, prior_high = PRIORS[name]
        out[name] = {
            "interval": [low, high],
            "covers": bool(low <= truth[name] <= high),
            "width": (high - low) / (prior_high - prior_low),
        }
    return out


def run_salvosim(truth: dict[str, float], observed: np.ndarray, budget: int, seed: int) -> dict[str, Any]:
    trials = 50
    points = budget // (2 * trials)  # two components, each running the scenario at each of its points
    rounds = [points // 2, points - points // 2 - points // 4, points // 4]
    with tempfile.TemporaryDirectory() as directory:
        folder = pathlib.Path(directory)
        (folder / "night.toml").write_text(published_config(truth, observed))
        (folder / "spec.toml").write_text(SPEC.format(trials=trials, rounds=rounds, seed=seed))
        start = time.perf_counter()
        result = calibrate.calibrate(calibrate.CalibrationSpec.load(folder / "spec.toml"), threads=1)
        seconds = time.perf_counter() - start
    out: dict[str, Any] = {"seconds": seconds, "trials": 2 * trials * sum(rounds), "parameters": {}}
    ess = []
    for c in result.components:
        values = result._values(c)
        w = c.weights
        out["parameters"].update(interval_summary({n: values[:, k] for k, n in enumerate(c.parameters)}, w, truth))
        ess.append(sampler.effective_sample_size(w))
    out["ess"] = min(ess)
    return out


def run_pyabc(truth: dict[str, float], observed: np.ndarray, budget: int, seed: int) -> dict[str, Any]:
    import pyabc  # not a dependency of salvosim: see the module's docstring

    logging.getLogger("ABC").setLevel(logging.WARNING)  # one line a generation otherwise

    np.random.seed(seed)
    counter = iter(range(10**9))
    tolerance = np.array([f[3] for f in FIGURES])

    def model(parameters: dict[str, float]) -> dict[str, np.ndarray]:
        values = {k: float(parameters[k]) for k in PRIORS}
        return {"x": night(values, seed=1_000_000 * seed + next(counter))[:, 0]}

    def distance(x: dict[str, np.ndarray], y: dict[str, np.ndarray]) -> float:
        return float(np.max(np.abs(x["x"] - y["x"]) / tolerance))  # <= 1: every figure within its range

    prior = pyabc.Distribution(**{k: pyabc.RV("uniform", low, high - low) for k, (low, high) in PRIORS.items()})
    abc = pyabc.ABCSMC(
        model,
        prior,
        distance,
        population_size=300,
        sampler=pyabc.sampler.SingleCoreSampler(),
        eps=pyabc.MedianEpsilon(),
    )
    with tempfile.TemporaryDirectory() as directory:
        abc.new("sqlite:///" + os.path.join(directory, "abc.db"), {"x": observed})
        start = time.perf_counter()
        history = abc.run(minimum_epsilon=1.0, max_total_nr_simulations=budget)
        seconds = time.perf_counter() - start
        frame, weights = history.get_distribution()
        epsilon = float(history.get_all_populations()["epsilon"].iloc[-1])
        simulations = int(history.total_nr_simulations)
    weights = np.asarray(weights, dtype=float)
    values = {k: frame[k].to_numpy(dtype=float) for k in PRIORS}
    return {
        "seconds": seconds,
        "trials": simulations,
        "final_epsilon": epsilon,
        "parameters": interval_summary(values, weights, truth),
        "ess": sampler.effective_sample_size(weights),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=8)
    parser.add_argument("--budget", type=int, default=30_000, help="simulated trials per fit and sampler")
    parser.add_argument("--out", help="write every repetition's numbers to this JSON file")
    args = parser.parse_args()
    rng = np.random.default_rng(2025)
    runs: list[dict[str, Any]] = []
    for r in range(args.repetitions):
        truth = {k: float(rng.uniform(low, high)) for k, (low, high) in PRIORS.items()}
        observed = night(truth, seed=500 + r)[:, 0]
        row = {"truth": truth, "observed": observed.tolist()}
        row["salvosim"] = run_salvosim(truth, observed, args.budget, seed=r + 1)
        row["pyabc"] = run_pyabc(truth, observed, args.budget, seed=r + 1)
        runs.append(row)
        print(
            f"repetition {r}: "
            + "; ".join(
                f"{s}: covers {sum(p['covers'] for p in row[s]['parameters'].values())}/3, ess {row[s]['ess']:.0f}, "
                f"{row[s]['seconds']:.1f} s"
                for s in ("salvosim", "pyabc")
            ),
            file=sys.stderr,
        )
    summary = {}
    for s in ("salvosim", "pyabc"):
        covers = [p["covers"] for row in runs for p in row[s]["parameters"].values()]
        summary[s] = {
            "coverage": float(np.mean(covers)),
            "checks": len(covers),
            "mean_width": float(np.mean([p["width"] for row in runs for p in row[s]["parameters"].values()])),
            "median_ess": float(np.median([row[s]["ess"] for row in runs])),
            "mean_seconds": float(np.mean([row[s]["seconds"] for row in runs])),
            "mean_trials": float(np.mean([row[s]["trials"] for row in runs])),
        }
    if any("final_epsilon" in row["pyabc"] for row in runs):
        summary["pyabc"]["runs_reaching_the_ranges"] = sum(row["pyabc"]["final_epsilon"] <= 1.0 for row in runs)
    print(f"{args.repetitions} repetitions, budget {args.budget} trials per fit, 90% credible intervals")
    print(f"{'sampler':<10}{'coverage':>10}{'width/prior':>13}{'median ESS':>12}{'seconds':>10}{'trials':>10}")
    for s, row in summary.items():
        print(
            f"{s:<10}{row['coverage']:>10.2f}{row['mean_width']:>13.2f}{row['median_ess']:>12.0f}"
            f"{row['mean_seconds']:>10.1f}{row['mean_trials']:>10.0f}"
        )
    if "runs_reaching_the_ranges" in summary["pyabc"]:
        print(
            f"pyabc reached the published ranges (epsilon <= 1) in {summary['pyabc']['runs_reaching_the_ranges']} runs"
        )
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps({"summary": summary, "runs": runs}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
