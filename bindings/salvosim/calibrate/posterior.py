"""The result of a calibration: each component's weighted points, and what they say about
each parameter (median, credible interval, effective sample size, the constraint matrix,
draws for a prediction)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import sampler
from .spec import CalibrationSpec, PathLike

# Below this effective sample size a calibration warns that its intervals are not to be
# trusted: the ends of a central 90% interval are weighted quantiles at 5% and 95%, and with n
# effective points only 0.05 n of them lie beyond each end. With fewer than about 10 there
# (n < 200) an end moves by a large fraction of the interval from one run to the next.
MINIMUM_ESS = 200.0


@dataclass
class Component:
    """The weighted points of one component's ABC run."""

    parameters: list[str]
    observables: list[str]  # "<case>/<observable>"
    points: np.ndarray  # (n, d) in the unit cube
    rounds: np.ndarray  # (n,) the round each point was drawn in
    likelihood: np.ndarray  # (n,) the ABC likelihood
    observable_likelihood: np.ndarray  # (n, observables): each observable on its own
    proposal_density: np.ndarray  # (n,) under the mixture of the rounds' proposals
    # Nested sampling (nested.py) stores its posterior as weighted joint points resampled from
    # its outer and inner points; their own Kish size would count repeats, so it states its
    # effective sample size, and each observable's constraint rows (observables, parameters),
    # which resampled posterior points cannot give. None: from the points, as above.
    ess: float | None = None
    constraint_rows: np.ndarray | None = None

    @property
    def weights(self) -> np.ndarray:
        """Importance weights of the posterior (uniform prior over the cube), summing to 1."""
        w = self.likelihood / self.proposal_density
        if w.sum() <= 0:
            raise ValueError(f"no point reproduced every published range of {self.observables}")
        return w / w.sum()

    @property
    def effective_sample_size(self) -> float:
        """How many equally weighted points the posterior is worth: stated (nested sampling),
        else Kish's of the weights."""
        return sampler.effective_sample_size(self.weights) if self.ess is None else self.ess


@dataclass
class CalibrationResult:
    """What an ABC run says about each parameter, component by component."""

    spec: CalibrationSpec
    components: list[Component]
    info: dict[str, Any] = field(default_factory=dict)
    point: dict[str, float] = field(default_factory=dict)  # see representative_point()
    predictions: dict[str, dict[str, Any]] = field(default_factory=dict)  # case -> predictive.predictive()

    @property
    def parameter_names(self) -> list[str]:
        return self.spec.parameter_names

    @property
    def observable_names(self) -> list[str]:
        return [name for c in self.components for name in c.observables]

    def _values(self, component: Component) -> np.ndarray:
        """(n, d) parameter values of a component's points."""
        params = [next(p for p in self.spec.parameters if p.name == name) for name in component.parameters]
        return np.stack([p.values(component.points[:, k]) for k, p in enumerate(params)], axis=1)

    def effective_sample_size(self) -> dict[str, float]:
        """Per component (named by its first parameter): how many equally weighted points
        its weighted points are worth."""
        return {c.parameters[0]: c.effective_sample_size for c in self.components}

    def summary(self, coverage: float | None = None) -> list[dict[str, Any]]:
        """Per parameter: prior range, posterior median and central credible interval."""
        coverage = self.spec.coverage if coverage is None else coverage
        tail = (1.0 - coverage) / 2.0
        rows = {}
        integer = {p.name: p.integer for p in self.spec.parameters}
        for c in self.components:
            values, w = self._values(c), c.weights
            for k, name in enumerate(c.parameters):
                discrete = integer[name]
                rows[name] = {
                    "median": sampler.weighted_quantile(values[:, k], w, 0.5, discrete),
                    "interval": (
                        sampler.weighted_quantile(values[:, k], w, tail, discrete),
                        sampler.weighted_quantile(values[:, k], w, 1.0 - tail, discrete),
                    ),
                }
        return [
            {
                "parameter": p.name,
                "prior": (p.low, p.high),
                **rows[p.name],
                "coverage": coverage,
                "description": p.description,
            }
            for p in self.spec.parameters
        ]

    def identifiability(self, confounded: float = 0.5) -> dict[str, Any]:
        """What the data pin down and what they leave confounded. Per parameter: the width of
        its credible interval over the prior's (1: the data say nothing; small: pinned down)
        and its posterior sd over the prior's. Per component: the posterior correlations of its
        parameters, and the pairs correlated at |r| >= `confounded`: the data constrain a
        combination of them (e.g. a Pk against a reliability), not each one."""
        summary = {row["parameter"]: row for row in self.summary()}
        integer = {p.name: p.integer for p in self.spec.parameters}
        widths = {}
        for name, row in summary.items():
            extra = 1.0 if integer[name] else 0.0  # an integer's width is how many integers it holds
            prior_width = row["prior"][1] - row["prior"][0] + extra
            widths[name] = (row["interval"][1] - row["interval"][0] + extra) / prior_width
        sd_ratio: dict[str, float] = {}
        pairs = []
        correlations = {}
        for c in self.components:
            values, w = self._values(c), c.weights
            params = [next(p for p in self.spec.parameters if p.name == name) for name in c.parameters]
            prior_sd = np.array([(p.high - p.low) / math.sqrt(12.0) for p in params])
            mean = w @ values
            centred = values - mean
            covariance = (centred * w[:, None]).T @ centred
            sd = np.sqrt(np.diag(covariance))
            sd_ratio.update({name: float(s / ps) for name, s, ps in zip(c.parameters, sd, prior_sd)})
            with np.errstate(invalid="ignore", divide="ignore"):
                r = covariance / np.outer(sd, sd)
            r = np.where(np.isfinite(r), r, 0.0)  # a parameter fixed at one value correlates with nothing
            np.fill_diagonal(r, 1.0)
            correlations[c.parameters[0]] = {
                "parameters": list(c.parameters),
                "matrix": np.round(r, 4).tolist(),
            }
            for i in range(len(c.parameters)):
                for j in range(i + 1, len(c.parameters)):
                    if abs(r[i, j]) >= confounded:
                        pairs.append({"parameters": [c.parameters[i], c.parameters[j]], "correlation": float(r[i, j])})
        return {
            "width_ratio": widths,
            "sd_ratio": sd_ratio,
            "correlations": correlations,
            "confounded_pairs": sorted(pairs, key=lambda pair: -abs(pair["correlation"])),
            "threshold": confounded,
        }

    def warnings(self, minimum_ess: float = MINIMUM_ESS) -> list[str]:
        """Why the result should not be trusted as it stands: a component whose effective
        sample size is below `minimum_ess` (MINIMUM_ESS explains the threshold)."""
        return [
            f"component {name}: effective sample size {ess:.0f} is below {minimum_ess:.0f}: its credible "
            "intervals rest on too few points to trust (fewer than 10 beyond each end of a 90% interval); "
            "add points to the rounds"
            for name, ess in self.effective_sample_size().items()
            if ess < minimum_ess
        ]

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
                if c.constraint_rows is not None:
                    for k, name in enumerate(c.parameters):
                        row[names.index(name)] = c.constraint_rows[j, k]
                    rows.append(row)
                    continue
                w = c.observable_likelihood[:, j] / c.proposal_density
                if w.sum() > 0:
                    for k, name in enumerate(c.parameters):
                        row[names.index(name)] = 1.0 - sampler.weighted_sd(c.points[:, k], w) / prior_sd
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

    # --- files (storage.py) ---
    def save(self, path: PathLike) -> None:
        """Write JSON; the file appears only when complete."""
        from .storage import save  # storage imports this module

        save(self, path)

    @classmethod
    def load(cls, path: PathLike) -> CalibrationResult:
        """A saved result; its spec is rebuilt from the stored text, with config paths relative
        to where the spec was when it ran if that still exists, else to the result file."""
        from .storage import load  # storage imports this module

        return load(path)
