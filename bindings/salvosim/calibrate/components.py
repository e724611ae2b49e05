"""What is fitted together: each case's observables in blocks (with the parameters each block
depends on), and the parameters linked through blocks in independent components."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._core import Scenario
from ..published import Observable, load_with_observables
from .spec import CalibrationSpec, Case


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
            raise ValueError(
                f"case {case.name}: a block names an observable {name!r} that {case.config} does not publish"
            )
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
    unconstrained = [
        p for p in spec.parameter_names if not any(p in params for loaded in cases for _, params in loaded.blocks)
    ]
    if unconstrained:
        raise ValueError(f"no observable constrains {unconstrained}: remove them or add blocks that depend on them")
    out = []
    for r in dict.fromkeys(root(p) for p in spec.parameter_names):
        members = tuple(p for p in spec.parameter_names if root(p) == r)
        blocks = tuple(
            (c, b)
            for c, loaded in enumerate(cases)
            for b, (_, params) in enumerate(loaded.blocks)
            if params and root(params[0]) == r
        )
        out.append(ComponentPlan(parameters=members, blocks=blocks))
    return out


def component_observables(cases: Sequence[LoadedCase], plan: ComponentPlan) -> list[tuple[str, Observable]]:
    out: list[tuple[str, Observable]] = []
    for c in dict.fromkeys(c for c, _ in plan.blocks):
        for cc, b in plan.blocks:
            if cc == c:
                out.extend(
                    (f"{cases[c].case.name}/{cases[c].observables[k].name}", cases[c].observables[k])
                    for k in cases[c].blocks[b][0]
                )
    return out


@dataclass(frozen=True)
class CaseSplit:
    """A component's parameters split by case (for nested sampling): `shared` are used by the
    blocks of several of its cases, each case's `local` by its blocks alone. `cases` are case
    indices into the loaded cases, in the order component_observables() lists them."""

    shared: tuple[str, ...]
    cases: tuple[int, ...]
    local: tuple[tuple[str, ...], ...]


def case_split(cases: Sequence[LoadedCase], plan: ComponentPlan) -> CaseSplit:
    order = tuple(dict.fromkeys(c for c, _ in plan.blocks))
    used = {c: {p for cc, b in plan.blocks if cc == c for p in cases[c].blocks[b][1]} for c in order}
    shared = tuple(p for p in plan.parameters if sum(p in used[c] for c in order) > 1)
    local = tuple(tuple(p for p in plan.parameters if p in used[c] and p not in shared) for c in order)
    return CaseSplit(shared=shared, cases=order, local=local)
