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
- Each component's posterior is sampled by importance sampling in rounds (`sampler`): a
  Latin hypercube from the prior, then proposals fitted to the weighted points so far.
- Reported: each parameter's posterior median and central credible interval, the effective
  sample size, and which observables constrain which parameter (how much an observable on
  its own narrows each parameter's distribution relative to the prior). A representative
  point for the configs: the likeliest point whose means reproduce every published range.

Every point uses the same simulation seed (common random numbers), so differences between
points come from the parameters, not from the noise.

One module per responsibility: `spec` (the spec file and the key paths its parameters are
written into), `components` (blocks and independent components), `sampler` (ABC importance
sampling in the unit cube, knowing nothing of scenarios), `driver` (the simulations: the
likelihood at a point, the rounds, the representative point), `posterior` (what the
weighted points say), `storage` (the result file), `report` (as text) and `cli` (the
command line). The statistics compared with the published figures are evaluated in C++
(`salvosim.published`).
"""

from . import posterior
from .cli import main
from .components import ComponentPlan, LoadedCase, components, load_case
from .driver import ProgressCallback, calibrate, evaluate, representative_point
from .posterior import MINIMUM_ESS, CalibrationResult, Component
from .predictive import posterior_runs, predictive, report_predictive
from .propagate import run_posterior
from .report import report
from .spec import Block, CalibrationSpec, Case, Parameter, Target, set_path

__all__ = [
    "Block",
    "CalibrationResult",
    "CalibrationSpec",
    "Case",
    "Component",
    "ComponentPlan",
    "LoadedCase",
    "Parameter",
    "Target",
    "ProgressCallback",
    "calibrate",
    "components",
    "evaluate",
    "load_case",
    "MINIMUM_ESS",
    "main",
    "posterior",
    "posterior_runs",
    "predictive",
    "report",
    "report_predictive",
    "representative_point",
    "run_posterior",
    "set_path",
]
