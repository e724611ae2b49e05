"""salvosim: Monte Carlo simulation of layered air and missile defence against mixed salvos.

    import salvosim
    sc = salvosim.load("configs/example.toml")
    sc.layer("upper-tier").interceptors = 24
    res = salvosim.run(sc, trials=200_000, seed=7)
    res.rate("threatening")

The model is described in docs/model.md of the salvosim repository.
"""

from . import sensitivity
from ._api import PrecisionWarning, from_dict, load, run, to_dict
from ._core import (
    BadFileError,
    EngagementSpec,
    Layer,
    Ration,
    RunCancelled,
    Salvo,
    Scenario,
    ThreatGroup,
    Tier,
)
from ._core import version as _core_version
from ._errors import ConfigError
from ._results import RateEstimate, Results, read
from ._sweep import Axis, SweepPlan, SweepResults, plan_sweep, read_sweep, sweep
from .calibrate.propagate import run_posterior

__version__: str = _core_version()

__all__ = [
    "Axis",
    "BadFileError",
    "ConfigError",
    "EngagementSpec",
    "Layer",
    "PrecisionWarning",
    "RateEstimate",
    "Ration",
    "Results",
    "RunCancelled",
    "Salvo",
    "Scenario",
    "SweepPlan",
    "SweepResults",
    "ThreatGroup",
    "Tier",
    "__version__",
    "from_dict",
    "load",
    "plan_sweep",
    "read",
    "read_sweep",
    "run",
    "run_posterior",
    "sensitivity",
    "sweep",
    "to_dict",
]
