"""Shared fixtures: where the salvosim program and the project's files are."""

import importlib.util
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The independent pure-Python model: the cross-check's reference and the benchmarks' baseline.
REFERENCE_MODEL = ROOT / "tests" / "reference_model" / "reference.py"


def load_module(path, name):
    """A Python file of the project that is not part of an installed package, imported by path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def salvosim_exe():
    """The salvosim program: $SALVOSIM_EXE, else the CI build, else the release build."""
    candidates = [os.environ.get("SALVOSIM_EXE"), ROOT / "build/ci/salvosim", ROOT / "build/release/salvosim"]
    for candidate in candidates:
        if candidate and pathlib.Path(candidate).is_file():
            return str(candidate)
    pytest.fail("no salvosim program: build it (scripts/build.sh) or set SALVOSIM_EXE")


@pytest.fixture(scope="session")
def configs_dir():
    return ROOT / "configs"
