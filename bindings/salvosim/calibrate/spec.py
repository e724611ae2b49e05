"""The calibration spec (configs/calibration/*.toml, docs/calibration.md): the parameters with
their priors and the key paths they are written into, the cases (scenarios whose published
observables are fitted, or carried into a prediction) and their blocks."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Union

import numpy as np

from .._core import Scenario, parse_key_path, set_key_path

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Target:
    """A key path a parameter is written into, as `offset + scale * value**power`: a plain
    path is scale 1, offset 0; `{ path = ..., scale = -1, offset = 0.85 }` writes a
    complement, for keys that must stay in step with the parameter (a group's target shares,
    which add up to 1: one share is the parameter, another the rest)."""

    path: str
    scale: float = 1.0
    offset: float = 0.0

    def written(self, value: float) -> float:
        """What this target receives for the (powered) parameter value."""
        return self.offset + self.scale * value

    def describe(self) -> str:
        if self.scale == 1.0 and self.offset == 0.0:
            return self.path
        return f"{self.path} = {self.offset:g} {'+' if self.scale >= 0 else '-'} {abs(self.scale):g} x"


def _target(entry: Any, parameter: str) -> Target:
    if isinstance(entry, str):
        return Target(entry)
    if isinstance(entry, Mapping):
        unknown = set(entry) - {"path", "scale", "offset"}
        if unknown or not isinstance(entry.get("path"), str):
            raise ValueError(
                f"parameter {parameter}: a target is a key path or a table {{ path, scale, offset }}, got {dict(entry)}"
            )
        scale, offset = entry.get("scale", 1.0), entry.get("offset", 0.0)
        if any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in (scale, offset)):
            raise ValueError(f"parameter {parameter}: a target's scale and offset are numbers, got {dict(entry)}")
        return Target(entry["path"], float(scale), float(offset))
    raise ValueError(
        f"parameter {parameter}: a target is a key path or a table {{ path, scale, offset }}, got {entry!r}"
    )


def unit_to_range(u: np.ndarray, low: float, high: float, integer: bool) -> np.ndarray:
    """Positions u in [0, 1] as values in [low, high]: linearly for reals; for integers,
    floor(low + u (high - low + 1)), so that each integer of low..high takes an equal slice
    of [0, 1] (and u = 1 gives high). The calibration's priors and the sensitivity analyses'
    factors both map their unit cubes by it."""
    if integer:
        return np.minimum(np.floor(low + u * (high - low + 1.0)), high)
    return low + u * (high - low)


@dataclass(frozen=True)
class Parameter:
    """A calibrated parameter: uniform prior on [low, high]; value**power is written into each
    target of each named case: a key path (`layer.<name>.engages.<target>.pk`,
    `threat.<name>.p_flight`, ...), or an affine function of the value at a key path (`Target`).

    An `integer` parameter (shots, a reserve, a stock) has a uniform prior over the integers
    low..high: the sampler still works in the continuous unit cube, and position u maps to
    floor(low + u (high - low + 1)), so each integer gets an equal slice of the cube."""

    name: str
    low: float
    high: float
    targets: Mapping[str, tuple[Target, ...]]
    power: float = 1.0
    description: str = ""
    integer: bool = False

    def value(self, u: float) -> float:
        """The parameter at position u in [0, 1] of its prior range."""
        return float(self.values(np.asarray(u, dtype=float)))

    def values(self, u: np.ndarray) -> np.ndarray:
        """The parameter at each position of an array of positions in [0, 1]."""
        return unit_to_range(u, self.low, self.high, self.integer)

    def snap(self, value: float) -> float:
        """A value moved onto the parameter's support: rounded for an integer parameter."""
        return float(round(value)) if self.integer else float(value)


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
    trials: int = 0  # per point in the ABC rounds; 0: the spec's `trials`
    inner_points: int = 0  # nested sampling: this case's inner points per outer point; 0: the spec's
    named: str = ""  # `config` as the spec names it (relative to the spec's directory): what results record


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
    inner_points: int = 0  # > 0: nested sampling of components spanning several cases (docs/calibration.md)
    text: str = ""
    path: str = ""
    left_out: str = ""  # the case leave_out() made a prediction, if any
    all_parameters: tuple[Parameter, ...] = ()  # every parameter of the spec file, fitted or not

    def __post_init__(self) -> None:
        if not self.all_parameters:
            object.__setattr__(self, "all_parameters", self.parameters)

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
        for c in data.get("case", []):
            unknown_keys = set(c) - {"name", "config", "block", "trials", "inner_points"}
            if unknown_keys:
                raise ValueError(f"case {c.get('name')}: unknown key(s) {sorted(unknown_keys)}")
            for key in ("trials", "inner_points"):
                value = c.get(key, 0)
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"case {c.get('name')}: {key} must be an integer >= 1 (or 0: the spec's {key})")
        inner_points = head.get("inner_points", 0)
        if isinstance(inner_points, bool) or not isinstance(inner_points, int) or inner_points < 0:
            raise ValueError(
                f"[calibration] inner_points must be an integer >= 0 (0: no nested sampling), not {inner_points!r}"
            )
        cases = [
            Case(
                name=c["name"],
                config=os.path.join(base, c["config"]),
                named=c["config"],
                blocks=tuple(
                    Block(tuple(b["observables"]), tuple(b.get("parameters", ()))) for b in c.get("block", ())
                ),
                trials=int(c.get("trials", 0)),
                inner_points=int(c.get("inner_points", 0)),
            )
            for c in data.get("case", [])
        ]
        cases += [
            Case(name=c["name"], config=os.path.join(base, c["config"]), named=c["config"], predict=True)
            for c in data.get("prediction", [])
        ]
        names = [c.name for c in cases]
        if len(set(names)) != len(names):
            raise ValueError(f"case names must be unique: {names}")
        parameters = []
        for p in data.get("parameter", []):
            unknown_keys = set(p) - {"name", "prior", "targets", "power", "description", "integer"}
            if unknown_keys:
                raise ValueError(f"parameter {p.get('name')}: unknown key(s) {sorted(unknown_keys)}")
            low, high = (float(x) for x in p["prior"])
            if not low < high:
                raise ValueError(f"parameter {p['name']}: prior must be [low, high] with low < high")
            integer = p.get("integer", False)
            if not isinstance(integer, bool):
                raise ValueError(f"parameter {p['name']}: integer must be true or false")
            if integer and (not (low.is_integer() and high.is_integer()) or p.get("power", 1.0) != 1.0):
                raise ValueError(
                    f"parameter {p['name']}: an integer parameter needs a prior of two integers and no power"
                )
            targets = {
                case: tuple(_target(t, p["name"]) for t in paths) for case, paths in p.get("targets", {}).items()
            }
            for case in targets:
                if case not in names:
                    raise ValueError(f"parameter {p['name']}: targets name a case {case!r} that is not defined")
            parameters.append(
                Parameter(
                    name=p["name"],
                    low=low,
                    high=high,
                    targets=targets,
                    power=float(p.get("power", 1.0)),
                    description=p.get("description", ""),
                    integer=integer,
                )
            )
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
        return cls(
            name=head.get("name", "calibration"),
            description=head.get("description", ""),
            parameters=tuple(parameters),
            cases=tuple(cases),
            trials=int(head.get("trials", 500)),
            rounds=tuple(int(n) for n in head.get("rounds", (400, 200, 200))),
            seed=int(head.get("seed", 1)),
            sampler_seed=int(head.get("sampler_seed", 1)),
            coverage=float(head.get("coverage", 0.9)),
            inner_points=inner_points,
            text=text,
            path=path,
        )

    def leave_out(self, name: str) -> CalibrationSpec:
        """The spec fitted without case `name`, which becomes a case carried into a prediction:
        the parameters that set keys in no other fitted case are left out of the fit (a
        prediction draws them from their prior, `prior_only`)."""
        if name not in [c.name for c in self.cases]:
            raise ValueError(
                f"no case named {name!r} to leave out: the spec's cases are {[c.name for c in self.cases]}"
            )
        case = self.case(name)
        if case.predict:
            raise ValueError(f"case {name!r} is not fitted, so it cannot be left out")
        cases = tuple(replace(c, predict=True) if c.name == name else c for c in self.cases)
        fitted = {c.name for c in cases if not c.predict}
        if not fitted:
            raise ValueError(f"leaving out {name!r} leaves no case to fit")
        parameters = tuple(p for p in self.parameters if fitted & set(p.targets))
        return replace(self, cases=cases, parameters=parameters, left_out=name)

    def prior_only(self, case: str) -> tuple[Parameter, ...]:
        """The parameters of the full spec that set keys in `case` but are not fitted here
        (after leave_out(case): those that only the left-out case constrains)."""
        fitted = set(self.parameter_names)
        return tuple(p for p in self.all_parameters if case in p.targets and p.name not in fitted)

    @property
    def fitted_cases(self) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if not c.predict)

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(f"no parameter named {name!r}")

    def case(self, name: str) -> Case:
        for c in self.cases:
            if c.name == name:
                return c
        raise KeyError(f"no case named {name!r}")

    def apply(self, scenario: Scenario, case: str, values: Mapping[str, float]) -> Scenario:
        """A copy of the scenario with the parameters in `values` written into the case's
        targets (the others keep the scenario's own values)."""
        out = scenario.copy()
        for p in self.all_parameters:
            if p.name in values:
                for target in p.targets.get(case, ()):
                    set_path(out, target.path, target.written(values[p.name] ** p.power))
        return out


def set_path(scenario: Scenario, path: str, value: float) -> None:
    """Set the number at a key path (`threat.<group>.<key>`, `layer.<layer>.<key>`,
    `layer.<layer>.engages.<target>.<key>`, `layer.<layer>.ration.<i>.<key>`,
    `layer.<layer>.resupply.<salvo>`, `tier.<tier>.value`, `threat.<group>.targets.<tier>`, ...)
    as a sweep point does: by the C++ setter of sweep axes (salvosim._core.set_key_path), so a
    target path means what an axis path means and reaches every key an axis reaches. An integral
    value is written as an integer (a float key takes it as a float); any other value into an
    integer key is refused, never rounded."""
    kind, _, _ = parse_key_path(path)
    if kind not in ("threat", "layer", "tier"):
        raise ValueError(f"{path}: a target path must be threat.<name>.<key>, layer.<name>.<key> or tier.<name>.<key>")
    number = float(value)
    try:
        set_key_path(scenario, path, int(number) if number.is_integer() else number)
    except ValueError as error:
        if "must be an integer" in str(error):
            raise ValueError(f"{path}: {error}: calibrate it with an `integer = true` parameter") from None
        raise
