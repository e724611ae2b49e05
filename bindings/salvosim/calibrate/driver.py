"""The calibration's runs: the scenarios simulated at parameter values, each trial compared
with the published ranges (the ABC likelihood), the ABC rounds of each component, and the
representative point for the configs. Every point uses the same simulation seed (common
random numbers), so that points differ by their parameters, not by their noise."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._api import run
from .._core import Scenario, git_sha1, version
from ..published import Observable, per_trial
from . import sampler
from .components import ComponentPlan, LoadedCase, component_observables, components, load_case
from .posterior import CalibrationResult, Component
from .spec import CalibrationSpec


def evaluate(
    scenario: Scenario, observables: Sequence[Observable], trials: int, seed: int, threads: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Run a scenario and say, for each observable, whether each trial reproduced it within
    its range (observables x trials) and its mean over trials."""
    results = run(scenario, trials=trials, seed=seed, threads=threads, per_trial=True)
    values = [per_trial(o, results, scenario) for o in observables]
    inside = np.stack([np.asarray(o.contains(v), dtype=bool) for o, v in zip(observables, values)])
    return inside, np.array([np.nanmean(v) for v in values])


def _component_likelihood(
    spec: CalibrationSpec,
    cases: Sequence[LoadedCase],
    plan: ComponentPlan,
    values: Mapping[str, float],
    trials: int | None,
    threads: int,
) -> tuple[float, np.ndarray, np.ndarray]:
    """At parameter values: the component's ABC likelihood (the product over its blocks of
    the share of trials reproducing the whole block), and each of its observables' own
    share of trials and mean. `trials` None: each case's own (its `trials`, else the spec's)."""
    joint = 1.0
    shares: list[float] = []
    means: list[float] = []
    for c in dict.fromkeys(c for c, _ in plan.blocks):
        loaded = cases[c]
        inside, mean = evaluate(
            spec.apply(loaded.scenario, loaded.case.name, values),
            loaded.observables,
            trials or loaded.case.trials or spec.trials,
            spec.seed,
            threads,
        )
        for cc, b in plan.blocks:
            if cc == c:
                indices = loaded.blocks[b][0]
                joint *= float(np.mean(np.all(inside[indices], axis=0)))
                shares.extend(inside[indices].mean(axis=1))
                means.extend(mean[indices])
    return joint, np.array(shares), np.array(means)


ProgressCallback = Callable[[str, int, int, int], None]  # (component, round, done, points in the round)


def calibrate(spec: CalibrationSpec, threads: int = 0, progress: ProgressCallback | None = None) -> CalibrationResult:
    """Run the ABC rounds of a spec, component by component; see the module's docstring."""
    cases = [load_case(c, spec) for c in spec.fitted_cases]
    rng = np.random.default_rng(spec.sampler_seed)
    result = []
    for plan in components(spec, cases):
        observables = component_observables(cases, plan)
        d = len(plan.parameters)
        points = np.empty((0, d))
        rounds = np.empty(0, dtype=int)
        likelihood = np.empty(0)
        shares = np.empty((0, len(observables)))
        proposals: list[sampler.Proposal | None] = []
        for r, n in enumerate(spec.rounds):
            if r == 0:
                proposal, batch = None, sampler.latin_hypercube(n, d, rng)
            else:
                # The proposal is fitted to a smoother stand-in for the likelihood: the
                # product of each observable's own probability, which many more points
                # estimate above zero than the joint one. It only decides where points are
                # drawn: their weights use the joint probability.
                stand_in = np.prod(shares, axis=1) / sampler.mixture_density(points, proposals, list(spec.rounds[:r]))
                if stand_in.sum() <= 0:
                    never = [name for (name, _), s in zip(observables, shares.T) if not np.any(s > 0)]
                    raise ValueError(
                        f"no trial at any of {len(points)} points reproduced {never}, so no point "
                        "reproduces the whole component: widen the priors, add points to round 0, or "
                        "check the scenarios (the model may not be able to reproduce them)"
                    )
                proposal = sampler.Proposal.fit(points, stand_in, rng)
                batch = proposal.sample(n, rng)
            proposals.append(proposal)
            batch_likelihood, batch_shares = np.zeros(n), np.zeros((n, len(observables)))
            for i, u in enumerate(batch):
                values = {
                    name: next(p for p in spec.parameters if p.name == name).value(float(x))
                    for name, x in zip(plan.parameters, u)
                }
                batch_likelihood[i], batch_shares[i], _ = _component_likelihood(
                    spec, cases, plan, values, None, threads
                )
                if progress:
                    progress(plan.parameters[0], r, i + 1, n)
            points = np.vstack([points, batch])
            rounds = np.concatenate([rounds, np.full(n, r)])
            likelihood = np.concatenate([likelihood, batch_likelihood])
            shares = np.vstack([shares, batch_shares])
        result.append(
            Component(
                parameters=list(plan.parameters),
                observables=[name for name, _ in observables],
                points=points,
                rounds=rounds,
                likelihood=likelihood,
                observable_likelihood=shares,
                proposal_density=sampler.mixture_density(points, proposals, list(spec.rounds)),
            )
        )
    info = {
        "salvosim_version": version(),
        "git_sha1": git_sha1(),
        "trials": spec.trials,
        "case_trials": {c.name: c.trials for c in spec.fitted_cases if c.trials},
        "seed": spec.seed,
        "sampler_seed": spec.sampler_seed,
        "rounds": list(spec.rounds),
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    return CalibrationResult(spec=spec, components=result, info=info)


def representative_point(
    result: CalibrationResult,
    candidates: int = 150,
    screen_trials: int = 1000,
    trials: int = 4000,
    threads: int = 0,
    max_steps: int = 80,
) -> dict[str, float]:
    """A point for the configs' values, component by component, that reproduces every
    published mean within its range and stays inside every parameter's credible interval.

    A published figure is one night, so the likeliest parameters need not put the *mean*
    over trials inside a published range (for an exact count, a range one wide). The point
    starts from the candidate, among the `candidates` points of highest estimated likelihood
    (screened with `screen_trials` trials), whose means fall least outside their ranges
    (in units of each range's width, likelier first on ties), and moves it by a coordinate
    search, with `trials` trials, within the credible intervals until no mean falls outside.
    Stored in result.point with the worst remaining miss (0: every mean within its range)."""
    spec = result.spec
    cases = [load_case(c, spec) for c in spec.fitted_cases]
    bounds = {row["parameter"]: row["interval"] for row in result.summary()}
    point: dict[str, float] = {"worst_miss": 0.0, "trials": float(trials)}
    for plan, component in zip(components(spec, cases), result.components):
        observables = [o for _, o in component_observables(cases, plan)]
        params = [next(p for p in spec.parameters if p.name == name) for name in plan.parameters]

        def score(
            values: dict[str, float], n: int, plan: ComponentPlan = plan, observables: list[Observable] = observables
        ) -> tuple[float, float, float]:
            """(sum of squared misses, minus the likelihood, worst miss), of this loop's component."""
            joint, _, means = _component_likelihood(spec, cases, plan, values, n, threads)
            misses = [max(o.low - m, m - o.high, 0.0) / max(o.high - o.low, 1.0) for o, m in zip(observables, means)]
            return sum(x * x for x in misses), -joint, max(misses)

        pool = [
            {p.name: p.value(float(x)) for p, x in zip(params, component.points[i])}
            for i in np.argsort(component.likelihood)[::-1][:candidates]
        ]
        snap = {p.name: p.snap for p in params}
        integer = {p.name: p.integer for p in params}
        values = min(pool, key=lambda v: score(v, screen_trials)[:2])
        values = {k: snap[k](float(np.clip(v, *bounds[k]))) for k, v in values.items()}
        best = score(values, trials)
        steps = {k: (bounds[k][1] - bounds[k][0]) / 4.0 for k in values}
        for _ in range(max_steps):
            if best[0] == 0.0 or max(steps[k] / (bounds[k][1] - bounds[k][0] or 1.0) for k in steps) < 1e-3:
                break
            moved = False
            for k in values:
                for sign in (1.0, -1.0):
                    step = max(steps[k], 1.0) if integer[k] else steps[k]  # an integer moves by one at least
                    moved_to = snap[k](float(np.clip(values[k] + sign * step, *bounds[k])))
                    if moved_to == values[k]:  # at a bound
                        continue
                    trial_values = dict(values, **{k: moved_to})
                    trial_score = score(trial_values, trials)
                    if trial_score[:2] < best[:2]:
                        values, best, moved = trial_values, trial_score, True
                        break
            if not moved:
                steps = {k: step / 2.0 for k, step in steps.items()}
        point.update(values)
        point[f"likelihood:{plan.parameters[0]}"] = -best[1]
        point["worst_miss"] = max(point["worst_miss"], best[2])
    result.point = point
    return {name: point[name] for name in spec.parameter_names}
