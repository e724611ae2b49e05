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
from . import nested, sampler
from .components import (
    CaseSplit,
    ComponentPlan,
    LoadedCase,
    case_split,
    component_observables,
    components,
    load_case,
)
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


def _case_likelihood(
    spec: CalibrationSpec,
    loaded: LoadedCase,
    blocks: Sequence[int],
    values: Mapping[str, float],
    trials: int | None,
    threads: int,
) -> tuple[float, np.ndarray, np.ndarray]:
    """At parameter values, one case's share of its `blocks`: the product over them of the
    share of trials reproducing the whole block, and each of their observables' own share of
    trials and mean. `trials` None: the case's own (its `trials`, else the spec's)."""
    inside, mean = evaluate(
        spec.apply(loaded.scenario, loaded.case.name, values),
        loaded.observables,
        trials or loaded.case.trials or spec.trials,
        spec.seed,
        threads,
    )
    joint = 1.0
    shares: list[float] = []
    means: list[float] = []
    for b in blocks:
        indices = loaded.blocks[b][0]
        joint *= float(np.mean(np.all(inside[indices], axis=0)))
        shares.extend(inside[indices].mean(axis=1))
        means.extend(mean[indices])
    return joint, np.array(shares), np.array(means)


def _case_blocks(plan: ComponentPlan, c: int) -> list[int]:
    return [b for cc, b in plan.blocks if cc == c]


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
    shares: list[np.ndarray] = []
    means: list[np.ndarray] = []
    for c in dict.fromkeys(c for c, _ in plan.blocks):
        case_joint, case_shares, case_means = _case_likelihood(
            spec, cases[c], _case_blocks(plan, c), values, trials, threads
        )
        joint *= case_joint
        shares.append(case_shares)
        means.append(case_means)
    return joint, np.concatenate(shares), np.concatenate(means)


ProgressCallback = Callable[[str, int, int, int], None]  # (component, round, done, points in the round)


def _values(spec: CalibrationSpec, names: Sequence[str], u: np.ndarray) -> dict[str, float]:
    """Parameter values at a position u of the unit cube (one coordinate per name)."""
    return {name: spec.parameter(name).value(float(x)) for name, x in zip(names, u)}


def _importance_component(
    spec: CalibrationSpec,
    cases: Sequence[LoadedCase],
    plan: ComponentPlan,
    rng: np.random.Generator,
    threads: int,
    progress: ProgressCallback | None,
) -> Component:
    """One component's rounds by importance sampling of all its parameters at once (sampler.py)."""
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
            batch_likelihood[i], batch_shares[i], _ = _component_likelihood(
                spec, cases, plan, _values(spec, plan.parameters, u), None, threads
            )
            if progress:
                progress(plan.parameters[0], r, i + 1, n)
        points = np.vstack([points, batch])
        rounds = np.concatenate([rounds, np.full(n, r)])
        likelihood = np.concatenate([likelihood, batch_likelihood])
        shares = np.vstack([shares, batch_shares])
    return Component(
        parameters=list(plan.parameters),
        observables=[name for name, _ in observables],
        points=points,
        rounds=rounds,
        likelihood=likelihood,
        observable_likelihood=shares,
        proposal_density=sampler.mixture_density(points, proposals, list(spec.rounds)),
    )


def _nested_component(
    spec: CalibrationSpec,
    cases: Sequence[LoadedCase],
    plan: ComponentPlan,
    split: CaseSplit,
    rng: np.random.Generator,
    threads: int,
    progress: ProgressCallback | None,
) -> Component:
    """One component's rounds by nested sampling (nested.py): the shared parameters outside,
    each case's own inside; the posterior is stored as weighted joint points (with the
    stated effective sample size and constraint rows, which they cannot give)."""
    blocks = [_case_blocks(plan, c) for c in split.cases]
    counts = [sum(len(cases[c].blocks[b][0]) for b in bs) for c, bs in zip(split.cases, blocks)]

    def likelihood(k: int, phi: np.ndarray, theta: np.ndarray) -> tuple[float, np.ndarray]:
        values = _values(spec, split.shared, phi) | _values(spec, split.local[k], theta)
        joint, shares, _ = _case_likelihood(spec, cases[split.cases[k]], blocks[k], values, None, threads)
        return joint, shares

    inner = [cases[c].case.inner_points or spec.inner_points for c in split.cases]
    sample = nested.run(
        likelihood,
        len(split.shared),
        [len(local) for local in split.local],
        counts,
        inner,
        spec.rounds,
        rng,
        (lambda r, done, n: progress(plan.parameters[0], r, done, n)) if progress else None,
    )
    outer, picks, weight = sample.joint(max(inner), rng)
    if len(outer) == 0:
        raise ValueError(f"no point reproduced every published range of the component of {plan.parameters[0]}")
    # Columns in the component's parameter order; rows one per joint point.
    columns = {name: sample.phi[outer, k] for k, name in enumerate(split.shared)}
    likelihood_joint = np.ones(len(outer))
    shares = []
    for k, draws in enumerate(sample.cases):
        i = picks[:, k]
        columns.update({name: draws.theta[outer, i, m] for m, name in enumerate(split.local[k])})
        likelihood_joint *= draws.likelihood[outer, i]
        shares.append(draws.shares[outer, i])
    index = {name: k for k, name in enumerate(plan.parameters)}
    constraint_rows = []
    for k, rows in enumerate(sample.constraint_rows()):
        for row in rows:
            full = np.zeros(len(plan.parameters))
            for value, name in zip(row, (*split.shared, *split.local[k])):
                full[index[name]] = value
            constraint_rows.append(full)
    weight = weight / weight.sum() * len(weight)
    return Component(
        parameters=list(plan.parameters),
        observables=[name for name, _ in component_observables(cases, plan)],
        points=np.stack([columns[name] for name in plan.parameters], axis=1),
        rounds=sample.rounds[outer],
        likelihood=likelihood_joint,
        observable_likelihood=np.concatenate(shares, axis=1),
        proposal_density=likelihood_joint / weight,
        ess=sample.effective_sample_size(),
        constraint_rows=np.array(constraint_rows),
    )


def calibrate(spec: CalibrationSpec, threads: int = 0, progress: ProgressCallback | None = None) -> CalibrationResult:
    """Run the rounds of a spec, component by component: by nested sampling where the spec
    asks for it (`inner_points`) and a component spans several cases, else by importance
    sampling of all its parameters at once."""
    cases = [load_case(c, spec) for c in spec.fitted_cases]
    rng = np.random.default_rng(spec.sampler_seed)
    result = []
    samplers = {}
    for plan in components(spec, cases):
        split = case_split(cases, plan)
        if spec.inner_points and len(split.cases) > 1:
            result.append(_nested_component(spec, cases, plan, split, rng, threads, progress))
            samplers[plan.parameters[0]] = "nested"
        else:
            result.append(_importance_component(spec, cases, plan, rng, threads, progress))
            samplers[plan.parameters[0]] = "importance"
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
    if spec.inner_points:
        info["inner_points"] = spec.inner_points
        info["case_inner_points"] = {c.name: c.inner_points for c in spec.fitted_cases if c.inner_points}
        info["samplers"] = samplers
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
