"""README.md's validation table is what scripts/validation_table.py generates from the stored
calibration results: a hand edit, or a new result not written into the README, fails here."""

from __future__ import annotations

import importlib.util
import json
import pathlib
from types import ModuleType
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("validation_table", ROOT / "scripts" / "validation_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_the_generated_one() -> None:
    script = _script()
    generated = script.table(script.collect(sorted(ROOT.glob(script.RESULTS))))
    readme = (ROOT / "README.md").read_text()
    assert script.readme_with(readme, generated) == readme, "run scripts/validation_table.py --write"
    assert "| june |" not in generated  # cases are labelled by their scenario's description
    assert "The twelve-day war, 13-24 June 2025" in generated


def _prediction(case: str, fitted_to: list[str], left_out: bool, mean: float) -> dict[str, Any]:
    return {
        "case": case,
        "description": f"{case} night: details",
        "fitted_to": fitted_to,
        "left_out": left_out,
        "prior_only": ["only_" + case] if left_out else [],
        "coverage": 0.9,
        "observables": [
            {
                "observable": "impacts",
                "definition": "impacts",
                "published": 5.0,
                "range": [3.0, 9.0],
                "mean": mean,
                "interval": [mean - 2, mean + 2],
                "inside": mean - 2 <= 5.0 <= mean + 2,
            }
        ],
    }


def test_the_table_takes_the_widest_fit_and_the_left_out_prediction(tmp_path: pathlib.Path) -> None:
    script = _script()
    files = {
        "a.json": {"predictions": {"x": _prediction("x", ["x"], False, 40.0)}},
        "b.json": {"predictions": {"x": _prediction("x", ["x", "y"], False, 5.0)}},
        "c.json": {"predictions": {"x": _prediction("x", ["y"], True, 20.0), "y": _prediction("y", ["y"], False, 6.0)}},
    }
    for name, data in files.items():
        (tmp_path / name).write_text(json.dumps(data))
    cases = script.collect(sorted(tmp_path.glob("*.json")))
    assert cases["x"]["fitted"]["fitted_to"] == ["x", "y"] and cases["x"]["left_out"]["fitted_to"] == ["y"]
    assert "left_out" not in cases["y"]
    text = script.table(cases)
    assert "| x night | impacts | impacts | 5 (3 to 9) | 5 [3, 7] | yes | 20 [18, 22] | **no** |" in text
    assert "| y night | impacts | impacts | 5 (3 to 9) | 6 [4, 8] | yes | not run |  |" in text
    assert "drawn from the prior: only_x" in text
    # The check fails when the README's table is not the generated one.
    readme = f"intro\n{script.BEGIN}\nold table\n{script.END}\nafter\n"
    assert script.readme_with(readme, text) != readme
    assert script.readme_with(script.readme_with(readme, text), text) == script.readme_with(readme, text)
