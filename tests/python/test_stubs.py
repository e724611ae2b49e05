"""The type stubs shipped with the package (salvosim/_core.pyi) describe the compiled
module: every public class, function and method of one is in the other."""

from __future__ import annotations

import ast
import inspect
import pathlib

import salvosim._core as core

STUB = pathlib.Path(__file__).resolve().parents[2] / "bindings" / "salvosim" / "_core.pyi"


def stub_names() -> dict[str, set[str]]:
    """Top-level names of the stub, each with the public members of a class (empty otherwise)."""
    names: dict[str, set[str]] = {}
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.ClassDef):
            members = {
                n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AnnAssign)) and hasattr(n, "name")
            }
            members |= {
                n.target.id for n in node.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            }
            names[node.name] = {m for m in members if not m.startswith("_")}
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = set()
    return names


def runtime_names() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for name, value in vars(core).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(value):
            names[name] = {m for m in vars(value) if not m.startswith("_")}
        elif callable(value):
            names[name] = set()
    return names


def test_stub_matches_the_compiled_module() -> None:
    assert stub_names() == runtime_names(), (
        "bindings/salvosim/_core.pyi is out of date: regenerate it with "
        "`pybind11-stubgen salvosim._core -o /tmp/stubs` and copy /tmp/stubs/salvosim/_core.pyi"
    )
