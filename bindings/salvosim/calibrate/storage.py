"""The calibration's result file: JSON holding the spec's text, every component's weighted
points, the summary and the representative point (format "salvosim-calibration", version 1).
It appears only when complete."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from typing import Any

import numpy as np

from .posterior import CalibrationResult, Component
from .spec import CalibrationSpec, PathLike

FORMAT, VERSION = "salvosim-calibration", 1


def component_to_dict(component: Component) -> dict[str, Any]:
    stated = {}
    if component.ess is not None:
        stated["effective_sample_size"] = component.ess
    if component.constraint_rows is not None:
        stated["constraints"] = np.round(component.constraint_rows, 6).tolist()
    return {
        **stated,
        "parameters": component.parameters,
        "observables": component.observables,
        "points": np.round(component.points, 6).tolist(),
        "rounds": component.rounds.tolist(),
        # significant digits, not decimals: a product over cases can be far below 1e-8
        "likelihood": [float(f"{x:.8g}") for x in component.likelihood],
        "observable_likelihood": np.round(component.observable_likelihood, 6).tolist(),
        "proposal_density": component.proposal_density.tolist(),
    }


def component_from_dict(data: Mapping[str, Any]) -> Component:
    d = len(data["parameters"])
    return Component(
        parameters=list(data["parameters"]),
        observables=list(data["observables"]),
        points=np.array(data["points"], dtype=float).reshape(-1, d),
        rounds=np.array(data["rounds"], dtype=int),
        likelihood=np.array(data["likelihood"], dtype=float),
        observable_likelihood=np.array(data["observable_likelihood"], dtype=float).reshape(
            -1, len(data["observables"])
        ),
        proposal_density=np.array(data["proposal_density"], dtype=float),
        ess=data.get("effective_sample_size"),
        constraint_rows=(np.array(data["constraints"], dtype=float).reshape(-1, d) if "constraints" in data else None),
    )


def to_dict(result: CalibrationResult) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "info": result.info,
        "spec_text": result.spec.text,
        "spec_path": result.spec.path,
        "components": [component_to_dict(c) for c in result.components],
        "summary": result.summary(),
        "effective_sample_size": result.effective_sample_size(),
        "warnings": result.warnings(),
        "identifiability": result.identifiability(),
        "point": result.point,
        "left_out": result.spec.left_out,
        "predictions": result.predictions,
    }


def save(result: CalibrationResult, path: PathLike) -> None:
    """Write the result as JSON; the file appears only when complete."""
    path = os.fspath(path)
    temporary = path + ".part"
    with open(temporary, "w") as f:
        json.dump(to_dict(result), f, separators=(",", ":"))
        f.write("\n")
    os.replace(temporary, path)


def load(path: PathLike) -> CalibrationResult:
    """A saved result; its spec is rebuilt from the stored text, with config paths relative to
    where the spec was when it ran if that still exists, else to the result file."""
    path = os.fspath(path)
    with open(path) as f:
        data = json.load(f)
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValueError(f"{path}: not a salvosim calibration result of version {VERSION}")
    spec_dir = os.path.dirname(os.path.abspath(data["spec_path"])) if data["spec_path"] else ""
    if not spec_dir or not os.path.isdir(spec_dir):
        spec_dir = os.path.dirname(os.path.abspath(path))
    spec = CalibrationSpec.from_dict(
        tomllib.loads(data["spec_text"]), base=spec_dir, text=data["spec_text"], path=data["spec_path"]
    )
    if data.get("left_out"):
        spec = spec.leave_out(data["left_out"])
    return CalibrationResult(
        spec=spec,
        components=[component_from_dict(c) for c in data["components"]],
        info=dict(data["info"]),
        point=dict(data.get("point", {})),
        predictions=dict(data.get("predictions", {})),
    )
