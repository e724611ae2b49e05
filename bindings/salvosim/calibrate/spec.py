"""The calibration spec (configs/calibration/*.toml, docs/calibration.md): the parameters with
their priors and the key paths they are written into, the cases (scenarios whose published
observables are fitted, or carried into a prediction) and their blocks."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

from .._core import Scenario, parse_key_path

PathLike = Union[str, "os.PathLike[str]"]


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
        cases = [
            Case(
                name=c["name"],
                config=os.path.join(base, c["config"]),
                blocks=tuple(
                    Block(tuple(b["observables"]), tuple(b.get("parameters", ()))) for b in c.get("block", ())
                ),
            )
            for c in data.get("case", [])
        ]
        cases += [
            Case(name=c["name"], config=os.path.join(base, c["config"]), predict=True)
            for c in data.get("prediction", [])
        ]
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
            parameters.append(
                Parameter(
                    name=p["name"],
                    low=low,
                    high=high,
                    targets=targets,
                    power=float(p.get("power", 1.0)),
                    description=p.get("description", ""),
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
            text=text,
            path=path,
        )

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
    `layer.<layer>.engages.<target>.<key>`, `tier.<tier>.value`, `threat.<group>.targets.<tier>`
    (a share: the shares must still add up to 1 when the scenario is run), with dots for nested
    keys (`flight_time.mean`).
    A name holding dots is written in double quotes. The path is read by the parser of sweep
    axes (salvosim._core.parse_key_path), so a target path means what an axis path means."""
    kind, entry, keys = parse_key_path(path)
    if kind not in ("threat", "layer", "tier"):
        raise ValueError(f"{path}: a target path must be threat.<name>.<key>, layer.<name>.<key> or tier.<name>.<key>")
    if kind == "threat" and keys[0] == "targets":  # a share of a tier (a dict, assigned whole)
        if len(keys) != 2:
            raise ValueError(f"{path}: a share is threat.<name>.targets.<tier>")
        group = scenario.threat(entry)
        group.targets = {**group.targets, keys[1]: float(value)}
        return
    obj: Any = {"threat": scenario.threat, "layer": scenario.layer, "tier": scenario.tier}[kind](entry)
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
