"""Calibration of unpublished parameters to published figures, by approximate Bayesian
computation (ABC), with the fast kernel doing the simulating.

    python -m salvosim.calibrate configs/calibration/true_promise.toml --out posterior.json

The method (docs/calibration.md explains it in full):

- Each parameter has a uniform prior over a plausible range and is written into one or more
  keys of the cases' scenarios (`targets`).
- A published figure is what happened on one night, so it is compared with one trial, not
  with a mean: at parameter values θ, the ABC likelihood of a block of observables is the
  probability that a trial reproduces every one of them within its published range,
  estimated from `trials` trials. Blocks the spec declares independent given θ (no threat
  or layer in common) multiply, as do cases (separate nights).
- A block also says which parameters it depends on. Parameters linked through blocks form a
  component; components are independent a posteriori and are sampled one by one, each in
  as few dimensions as the data allow.
- Each component's posterior is sampled by importance sampling in rounds (salvosim._abc): a
  Latin hypercube from the prior, then proposals fitted to the weighted points so far.
- Reported: each parameter's posterior median and central credible interval, the effective
  sample size, and which observables constrain which parameter (how much an observable on
  its own narrows each parameter's distribution relative to the prior). A representative
  point for the configs: the likeliest point whose means reproduce every published range.

Every point uses the same simulation seed (common random numbers), so differences between
points come from the parameters, not from the noise.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Optional, Union

import numpy as np

from . import _abc
from ._api import run
from ._core import Scenario, git_sha1, parse_key_path, version
from .published import Observable, load_with_observables, per_trial

PathLike = Union[str, "os.PathLike[str]"]


# --- the specification ------------------------------------------------------------------

@dataclass(frozen=True)
class Parameter:
    """A calibrated parameter: uniform prior on [low, high]; value**power is written into each
    target key path (`layer.<name>.engages.<target>.pk`, `threat.<name>.p_flight`, ...) of
    each named case."""

    name: str
    low: float
    high: float
    targets: Mapping[str, tuple[str, ...]]
    power: float = 1.0
    description: str = ""

    def value(self, u: float) -> float:
        """The parameter at position u in [0, 1] of its prior range."""
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True)
class Block:
    """Observables of one case reproduced together, and the parameters they depend on (empty:
    every parameter the case's scenario takes)."""

    observables: tuple[str, ...]
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """A scenario whose published observables are fitted, or (`predict`) one the fitted
    parameters are only carried into."""

    name: str
    config: str
    blocks: tuple[Block, ...] = ()
    predict: bool = False


@dataclass(frozen=True)
class CalibrationSpec:
    name: str
    description: str
    parameters: tuple[Parameter, ...]
    cases: tuple[Case, ...]
    trials: int
    rounds: tuple[int, ...]
    seed: int = 1
    sampler_seed: int = 1
    coverage: float = 0.9
    text: str = ""
    path: str = ""

    @classmethod
    def load(cls, path: PathLike) -> CalibrationSpec:
        path = os.fspath(path)
        with open(path, "rb") as f:
            text = f.read().decode()
        return cls.from_dict(tomllib.loads(text), base=os.path.dirname(os.path.abspath(path)), text=text, path=path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base: str = ".", text: str = "", path: str = "") -> CalibrationSpec:
        """A spec from a dict shaped like the TOML; config paths are relative to `base`."""
        unknown = set(data) - {"calibration", "case", "prediction", "parameter"}
        if unknown:
            raise ValueError(f"unknown table(s) in the calibration spec: {sorted(unknown)}")
        head = dict(data.get("calibration", {}))
        cases = [Case(name=c["name"], config=os.path.join(base, c["config"]),
                      blocks=tuple(Block(tuple(b["observables"]), tuple(b.get("parameters", ())))
                                   for b in c.get("block", ())))
                 for c in data.get("case", [])]
        cases += [Case(name=c["name"], config=os.path.join(base, c["config"]), predict=True)
                  for c in data.get("prediction", [])]
        names = [c.name for c in cases]
        if len(set(names)) != len(names):
            raise ValueError(f"case names must be unique: {names}")
        parameters = []
        for p in data.get("parameter", []):
            low, high = (float(x) for x in p["prior"])
            if not low < high:
                raise ValueError(f"parameter {p['name']}: prior must be [low, high] with low < high")
            targets = {case: tuple(paths) for case, paths in p.get("targets", {}).items()}
            for case in targets:
                if case not in names:
                    raise ValueError(f"parameter {p['name']}: targets name a case {case!r} that is not defined")
            parameters.append(Parameter(name=p["name"], low=low, high=high, targets=targets,
                                        power=float(p.get("power", 1.0)), description=p.get("description", "")))
        known = {p.name for p in parameters}
        for c in cases:
            for b in c.blocks:
                for name in b.parameters:
                    if name not in known:
                        raise ValueError(f"case {c.name}: a block names a parameter {name!r} that is not defined")
                    if c.name not in next(p for p in parameters if p.name == name).targets:
                        raise ValueError(f"case {c.name}: a block depends on {name!r}, which sets nothing in it")
        if not parameters or not any(not c.predict for c in cases):
            raise ValueError("a calibration spec needs at least one [[parameter]] and one [[case]]")
        return cls(name=head.get("name", "calibration"), description=head.get("description", ""),
                   parameters=tuple(parameters), cases=tuple(cases), trials=int(head.get("trials", 500)),
                   rounds=tuple(int(n) for n in head.get("rounds", (400, 200, 200))), seed=int(head.get("seed", 1)),
                   sampler_seed=int(head.get("sampler_seed", 1)), coverage=float(head.get("coverage", 0.9)),
                   text=text, path=path)

    @property
    def fitted_cases(self) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if not c.predict)

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def case(self, name: str) -> Case:
        for c in self.cases:
            if c.name == name:
                return c
        raise KeyError(f"no case named {name!r}")

    def apply(self, scenario: Scenario, case: str, values: Mapping[str, float]) -> Scenario:
        """A copy of the scenario with the parameters in `values` written into the case's
        targets (the others keep the scenario's own values)."""
        out = scenario.copy()
        for p in self.parameters:
            if p.name in values:
                for target in p.targets.get(case, ()):
                    set_path(out, target, values[p.name] ** p.power)
        return out


def set_path(scenario: Scenario, path: str, value: float) -> None:
    """Set the value at a key path: `threat.<group>.<key>`, `layer.<layer>.<key>`,
    `layer.<layer>.engages.<target>.<key>`, with dots for nested keys (`flight_time.mean`).
    A name holding dots is written in double quotes. The path is read by the parser of sweep
    axes (salvosim._core.parse_key_path), so a target path means what an axis path means."""
    kind, entry, keys = parse_key_path(path)
    if kind not in ("threat", "layer"):
        raise ValueError(f"{path}: a target path must be threat.<name>.<key> or layer.<name>.<key>")
    obj: Any = scenario.threat(entry) if kind == "threat" else scenario.layer(entry)
    if kind == "layer" and keys[0] == "engages":
        if len(keys) != 3:
            raise ValueError(f"{path}: an engages path is layer.<name>.engages.<target>.<key>")
        obj, keys = obj.engagement(keys[1]), keys[2:]
    for key in keys[:-1]:
        obj = getattr(obj, key)
    current = getattr(obj, keys[-1])
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise ValueError(f"{path}: {keys[-1]} is not a number and cannot be calibrated")
    setattr(obj, keys[-1], int(round(value)) if isinstance(current, int) else float(value))


# --- cases, blocks and components ----------------------------------------------------------

@dataclass
class LoadedCase:
    case: Case
    scenario: Scenario
    observables: list[Observable]
    blocks: list[tuple[list[int], list[str]]]  # (indices into observables, parameter names)


def load_case(case: Case, spec: CalibrationSpec) -> LoadedCase:
    scenario, observables = load_with_observables(case.config)
    names = [o.name for o in observables]
    if not observables:
        raise ValueError(f"case {case.name}: {case.config} has no [published] observables to calibrate against")
    listed = [name for block in case.blocks for name in block.observables]
    for name in listed:
        if name not in names:
            raise ValueError(f"case {case.name}: a block names an observable {name!r} that {case.config} does not publish")
    if len(set(listed)) != len(listed):
        raise ValueError(f"case {case.name}: an observable appears in two blocks")
    everything = [p.name for p in spec.parameters if case.name in p.targets]
    blocks = [([names.index(n) for n in b.observables], list(b.parameters) or everything) for b in case.blocks]
    rest = [k for k, n in enumerate(names) if n not in listed]
    if rest:
        blocks.append((rest, everything))
    return LoadedCase(case=case, scenario=scenario, observables=observables, blocks=blocks)


@dataclass(frozen=True)
class ComponentPlan:
    """Parameters linked through blocks (sampled together), and their blocks as (case index,
    block index) into the loaded cases."""

    parameters: tuple[str, ...]
    blocks: tuple[tuple[int, int], ...]


def components(spec: CalibrationSpec, cases: Sequence[LoadedCase]) -> list[ComponentPlan]:
    """Group parameters into independent components (connected through shared blocks)."""
    parent = {p: p for p in spec.parameter_names}

    def root(p: str) -> str:
        while parent[p] != p:
            p = parent[p]
        return p

    for loaded in cases:
        for _, params in loaded.blocks:
            for p in params[1:]:
                parent[root(p)] = root(params[0])
    unconstrained = [p for p in spec.parameter_names
                     if not any(p in params for loaded in cases for _, params in loaded.blocks)]
    if unconstrained:
        raise ValueError(f"no observable constrains {unconstrained}: remove them or add blocks that depend on them")
    out = []
    for r in dict.fromkeys(root(p) for p in spec.parameter_names):
        members = tuple(p for p in spec.parameter_names if root(p) == r)
        blocks = tuple((c, b) for c, loaded in enumerate(cases) for b, (_, params) in enumerate(loaded.blocks)
                       if params and root(params[0]) == r)
        out.append(ComponentPlan(parameters=members, blocks=blocks))
    return out


def evaluate(scenario: Scenario, observables: Sequence[Observable], trials: int, seed: int,
             threads: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Run a scenario and say, for each observable, whether each trial reproduced it within
    its range (observables x trials) and its mean over trials."""
    results = run(scenario, trials=trials, seed=seed, threads=threads, per_trial=True)
    values = [per_trial(o, results, scenario) for o in observables]
    inside = np.stack([np.asarray(o.contains(v), dtype=bool) for o, v in zip(observables, values)])
    return inside, np.array([np.nanmean(v) for v in values])


def _component_likelihood(spec: CalibrationSpec, cases: Sequence[LoadedCase], plan: ComponentPlan,
                          values: Mapping[str, float], trials: int, threads: int
                          ) -> tuple[float, np.ndarray, np.ndarray]:
    """At parameter values: the component's ABC likelihood (the product over its blocks of
    the share of trials reproducing the whole block), and each of its observables' own
    share of trials and mean."""
    joint = 1.0
    shares: list[float] = []
    means: list[float] = []
    for c in dict.fromkeys(c for c, _ in plan.blocks):
        loaded = cases[c]
        inside, mean = evaluate(spec.apply(loaded.scenario, loaded.case.name, values), loaded.observables, trials,
                                spec.seed, threads)
        for cc, b in plan.blocks:
            if cc == c:
                indices = loaded.blocks[b][0]
                joint *= float(np.mean(np.all(inside[indices], axis=0)))
                shares.extend(inside[indices].mean(axis=1))
                means.extend(mean[indices])
    return joint, np.array(shares), np.array(means)


def _component_observables(cases: Sequence[LoadedCase], plan: ComponentPlan) -> list[tuple[str, Observable]]:
    out: list[tuple[str, Observable]] = []
    for c in dict.fromkeys(c for c, _ in plan.blocks):
        for cc, b in plan.blocks:
            if cc == c:
                out.extend((f"{cases[c].case.name}/{cases[c].observables[k].name}", cases[c].observables[k])
                           for k in cases[c].blocks[b][0])
    return out


# --- the result ---------------------------------------------------------------------------

@dataclass
class Component:
    """The weighted points of one component's ABC run."""

    parameters: list[str]
    observables: list[str]             # "<case>/<observable>"
    points: np.ndarray                 # (n, d) in the unit cube
    rounds: np.ndarray                 # (n,) the round each point was drawn in
    likelihood: np.ndarray             # (n,) the ABC likelihood
    observable_likelihood: np.ndarray  # (n, observables): each observable on its own
    proposal_density: np.ndarray       # (n,) under the mixture of the rounds' proposals

    @property
    def weights(self) -> np.ndarray:
        """Importance weights of the posterior (uniform prior over the cube), summing to 1."""
        w = self.likelihood / self.proposal_density
        if w.sum() <= 0:
            raise ValueError(f"no point reproduced every published range of {self.observables}")
        return w / w.sum()

    def to_dict(self) -> dict[str, Any]:
        return {"parameters": self.parameters, "observables": self.observables,
                "points": np.round(self.points, 6).tolist(), "rounds": self.rounds.tolist(),
                "likelihood": np.round(self.likelihood, 8).tolist(),
                "observable_likelihood": np.round(self.observable_likelihood, 6).tolist(),
                "proposal_density": self.proposal_density.tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Component:
        d = len(data["parameters"])
        return cls(parameters=list(data["parameters"]), observables=list(data["observables"]),
                   points=np.array(data["points"], dtype=float).reshape(-1, d), rounds=np.array(data["rounds"], dtype=int),
                   likelihood=np.array(data["likelihood"], dtype=float),
                   observable_likelihood=np.array(data["observable_likelihood"], dtype=float).reshape(
                       -1, len(data["observables"])),
                   proposal_density=np.array(data["proposal_density"], dtype=float))


@dataclass
class CalibrationResult:
    """What an ABC run says about each parameter, component by component."""

    spec: CalibrationSpec
    components: list[Component]
    info: dict[str, Any] = field(default_factory=dict)
    point: dict[str, float] = field(default_factory=dict)  # see representative_point()

    @property
    def parameter_names(self) -> list[str]:
        return self.spec.parameter_names

    @property
    def observable_names(self) -> list[str]:
        return [name for c in self.components for name in c.observables]

    def _values(self, component: Component) -> np.ndarray:
        """(n, d) parameter values of a component's points."""
        params = [next(p for p in self.spec.parameters if p.name == name) for name in component.parameters]
        lows, highs = np.array([p.low for p in params]), np.array([p.high for p in params])
        return lows + component.points * (highs - lows)

    def effective_sample_size(self) -> dict[str, float]:
        """Per component (named by its first parameter): how many equally weighted points
        its weighted points are worth."""
        return {c.parameters[0]: _abc.effective_sample_size(c.weights) for c in self.components}

    def summary(self, coverage: Optional[float] = None) -> list[dict[str, Any]]:
        """Per parameter: prior range, posterior median and central credible interval."""
        coverage = self.spec.coverage if coverage is None else coverage
        tail = (1.0 - coverage) / 2.0
        rows = {}
        for c in self.components:
            values, w = self._values(c), c.weights
            for k, name in enumerate(c.parameters):
                rows[name] = {"median": _abc.weighted_quantile(values[:, k], w, 0.5),
                              "interval": (_abc.weighted_quantile(values[:, k], w, tail),
                                           _abc.weighted_quantile(values[:, k], w, 1.0 - tail))}
        return [{"parameter": p.name, "prior": (p.low, p.high), **rows[p.name], "coverage": coverage,
                 "description": p.description} for p in self.spec.parameters]

    def median(self) -> dict[str, float]:
        return {row["parameter"]: row["median"] for row in self.summary()}

    def constraints(self) -> np.ndarray:
        """(observables, parameters): how much each observable on its own narrows each
        parameter, 1 − (posterior sd given that observable alone) / (prior sd). 0: not at
        all (always 0 across components); near 1: pinned down."""
        prior_sd = 1.0 / math.sqrt(12.0)  # uniform on the unit cube
        names = self.parameter_names
        rows = []
        for c in self.components:
            for j in range(len(c.observables)):
                row = np.zeros(len(names))
                w = c.observable_likelihood[:, j] / c.proposal_density
                if w.sum() > 0:
                    for k, name in enumerate(c.parameters):
                        row[names.index(name)] = 1.0 - _abc.weighted_sd(c.points[:, k], w) / prior_sd
                rows.append(row)
        return np.array(rows)

    def draws(self, n: int, seed: int = 1) -> list[dict[str, float]]:
        """n parameter sets drawn from the posterior (each component's points resampled by
        weight, independently), for carrying the calibration's uncertainty into a prediction."""
        rng = np.random.default_rng(seed)
        out: list[dict[str, float]] = [{} for _ in range(n)]
        for c in self.components:
            values = self._values(c)
            for draw, i in zip(out, rng.choice(len(c.weights), size=n, p=c.weights)):
                draw.update(zip(c.parameters, map(float, values[i])))
        return out

    # --- files ---
    def to_dict(self) -> dict[str, Any]:
        return {"format": "salvosim-calibration", "version": 1, "info": self.info, "spec_text": self.spec.text,
                "spec_path": self.spec.path, "components": [c.to_dict() for c in self.components],
                "summary": self.summary(), "point": self.point}

    def save(self, path: PathLike) -> None:
        """Write JSON; the file appears only when complete."""
        path = os.fspath(path)
        temporary = path + ".part"
        with open(temporary, "w") as f:
            json.dump(self.to_dict(), f, separators=(",", ":"))
            f.write("\n")
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: PathLike) -> CalibrationResult:
        """A saved result; its spec is rebuilt from the stored text, with config paths relative
        to where the spec was when it ran if that still exists, else to the result file."""
        path = os.fspath(path)
        with open(path) as f:
            data = json.load(f)
        if data.get("format") != "salvosim-calibration" or data.get("version") != 1:
            raise ValueError(f"{path}: not a salvosim calibration result of version 1")
        spec_dir = os.path.dirname(os.path.abspath(data["spec_path"])) if data["spec_path"] else ""
        if not spec_dir or not os.path.isdir(spec_dir):
            spec_dir = os.path.dirname(os.path.abspath(path))
        spec = CalibrationSpec.from_dict(tomllib.loads(data["spec_text"]), base=spec_dir, text=data["spec_text"],
                                         path=data["spec_path"])
        return cls(spec=spec, components=[Component.from_dict(c) for c in data["components"]],
                   info=dict(data["info"]), point=dict(data.get("point", {})))


# --- the run ------------------------------------------------------------------------------

ProgressCallback = Callable[[str, int, int, int], None]  # (component, round, done, points in the round)


def calibrate(spec: CalibrationSpec, threads: int = 0, progress: Optional[ProgressCallback] = None) -> CalibrationResult:
    """Run the ABC rounds of a spec, component by component; see the module's docstring."""
    cases = [load_case(c, spec) for c in spec.fitted_cases]
    rng = np.random.default_rng(spec.sampler_seed)
    result = []
    for plan in components(spec, cases):
        observables = _component_observables(cases, plan)
        d = len(plan.parameters)
        points = np.empty((0, d))
        rounds = np.empty(0, dtype=int)
        likelihood = np.empty(0)
        shares = np.empty((0, len(observables)))
        proposals: list[Optional[_abc.Proposal]] = []
        for r, n in enumerate(spec.rounds):
            if r == 0:
                proposal, batch = None, _abc.latin_hypercube(n, d, rng)
            else:
                # The proposal is fitted to a smoother stand-in for the likelihood: the
                # product of each observable's own probability, which many more points
                # estimate above zero than the joint one. It only decides where points are
                # drawn: their weights use the joint probability.
                stand_in = np.prod(shares, axis=1) / _abc.mixture_density(points, proposals, list(spec.rounds[:r]))
                if stand_in.sum() <= 0:
                    raise ValueError(f"no point reproduced any of {[name for name, _ in observables]}: widen the "
                                     "priors, add points to round 0, or check the scenarios")
                proposal = _abc.Proposal.fit(points, stand_in, rng)
                batch = proposal.sample(n, rng)
            proposals.append(proposal)
            batch_likelihood, batch_shares = np.zeros(n), np.zeros((n, len(observables)))
            for i, u in enumerate(batch):
                values = {name: next(p for p in spec.parameters if p.name == name).value(float(x))
                          for name, x in zip(plan.parameters, u)}
                batch_likelihood[i], batch_shares[i], _ = _component_likelihood(spec, cases, plan, values, spec.trials,
                                                                                threads)
                if progress:
                    progress(plan.parameters[0], r, i + 1, n)
            points = np.vstack([points, batch])
            rounds = np.concatenate([rounds, np.full(n, r)])
            likelihood = np.concatenate([likelihood, batch_likelihood])
            shares = np.vstack([shares, batch_shares])
        result.append(Component(parameters=list(plan.parameters), observables=[name for name, _ in observables],
                                points=points, rounds=rounds, likelihood=likelihood, observable_likelihood=shares,
                                proposal_density=_abc.mixture_density(points, proposals, list(spec.rounds))))
    info = {"salvosim_version": version(), "git_sha1": git_sha1(), "trials": spec.trials, "seed": spec.seed,
            "sampler_seed": spec.sampler_seed, "rounds": list(spec.rounds),
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    return CalibrationResult(spec=spec, components=result, info=info)


def representative_point(result: CalibrationResult, candidates: int = 150, screen_trials: int = 1000,
                         trials: int = 4000, threads: int = 0, max_steps: int = 80) -> dict[str, float]:
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
        observables = [o for _, o in _component_observables(cases, plan)]
        params = [next(p for p in spec.parameters if p.name == name) for name in plan.parameters]

        def score(values: dict[str, float], n: int) -> tuple[float, float, float]:
            """(sum of squared misses, minus the likelihood, worst miss)."""
            joint, _, means = _component_likelihood(spec, cases, plan, values, n, threads)
            misses = [max(o.low - m, m - o.high, 0.0) / max(o.high - o.low, 1.0) for o, m in zip(observables, means)]
            return sum(x * x for x in misses), -joint, max(misses)

        pool = [{p.name: p.value(float(x)) for p, x in zip(params, component.points[i])}
                for i in np.argsort(component.likelihood)[::-1][:candidates]]
        values = min(pool, key=lambda v: score(v, screen_trials)[:2])
        values = {k: float(np.clip(v, *bounds[k])) for k, v in values.items()}
        best = score(values, trials)
        steps = {k: (bounds[k][1] - bounds[k][0]) / 4.0 for k in values}
        for _ in range(max_steps):
            if best[0] == 0.0 or max(steps[k] / (bounds[k][1] - bounds[k][0] or 1.0) for k in steps) < 1e-3:
                break
            moved = False
            for k in values:
                for sign in (1.0, -1.0):
                    trial_values = dict(values, **{k: float(np.clip(values[k] + sign * steps[k], *bounds[k]))})
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


# --- reporting and the command line ---------------------------------------------------------

def report(result: CalibrationResult) -> str:
    """The fitted ranges and the constraint matrix as text."""
    sizes = ", ".join(f"{len(c.points)} points ({'+'.join(c.parameters)}): effective sample size "
                      f"{_abc.effective_sample_size(c.weights):.0f}" for c in result.components)
    lines = [f"calibration {result.spec.name!r}, {len(result.components)} independent components", sizes, ""]
    coverage = int(round(result.spec.coverage * 100))
    lines.append(f"{'parameter':<22}{'prior':>16}{'median':>9}{f'{coverage}% interval':>20}"
                 + (f"{'point':>9}" if result.point else ""))
    for row in result.summary():
        low, high = row["interval"]
        point = f"{result.point[row['parameter']]:>9.3f}" if result.point else ""
        lines.append(f"{row['parameter']:<22}{'[%.3g, %.3g]' % row['prior']:>16}{row['median']:>9.3f}"
                     f"{'[%.3f, %.3f]' % (low, high):>20}{point}")
    if result.point:
        miss = result.point["worst_miss"]
        lines += ["", "point: inside the credible intervals, with means that reproduce the published ranges: "
                  + ("every mean within its range" if miss == 0 else f"worst mean outside its range by {miss:.2f} widths")]
    lines += ["", "constraint of each parameter by each observable alone (1 - posterior sd / prior sd):", ""]
    names = result.parameter_names
    width = max(len(n) for n in result.observable_names) + 2
    lines.append(" " * width + "".join(f"{n[:12]:>13}" for n in names))
    for name, row in zip(result.observable_names, result.constraints()):
        lines.append(f"{name:<{width}}" + "".join(f"{x:>13.2f}" for x in row))
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m salvosim.calibrate",
                                     description="Fit unpublished parameters to published figures (ABC).")
    parser.add_argument("spec", help="calibration spec (TOML), e.g. configs/calibration/true_promise.toml")
    parser.add_argument("--out", help="write the weighted points and the summary to this JSON file")
    parser.add_argument("--threads", type=int, default=0, help="worker threads (0: every core)")
    parser.add_argument("--trials", type=int, help="trials per case and point (overrides the spec)")
    parser.add_argument("--rounds", type=int, nargs="+", help="points per round (overrides the spec)")
    parser.add_argument("--candidates", type=int, default=150,
                        help="likeliest points re-estimated to choose the configs' point (0: skip)")
    args = parser.parse_args(argv)
    spec = CalibrationSpec.load(args.spec)
    spec = replace(spec, trials=args.trials or spec.trials, rounds=tuple(args.rounds or spec.rounds))

    def show(component: str, r: int, done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total:
            print(f"\r{component}: round {r}: {done}/{total} points", end="\n" if done == total else "",
                  file=sys.stderr)

    result = calibrate(spec, threads=args.threads, progress=show)
    if args.candidates:
        representative_point(result, candidates=args.candidates, threads=args.threads)
    print(report(result))
    if args.out:
        result.save(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
