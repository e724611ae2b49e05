"""The numerical side of approximate Bayesian computation by importance sampling, with no
knowledge of scenarios: points in the unit cube, proposals, weights and weighted summaries.

Parameters live in the unit cube [0, 1]^d (each mapped linearly onto its prior range), where
the prior is uniform. Round 0 draws a Latin hypercube from the prior; each later round draws
from a proposal fitted to the weighted points so far: Gaussian kernels around points
resampled by weight, mixed with a little of the prior so that no region of the prior is ever
given zero density ("defensive" importance sampling, Hesterberg 1995). All rounds are combined with
deterministic-mixture weights (Owen and Zhou 2000): a point's density under the proposal is
the mixture of every round's proposal, weighted by how many points each round drew.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """n points in [0, 1]^d, one in each of n equal slices of every coordinate."""
    slices = np.stack([rng.permutation(n) for _ in range(d)], axis=1)
    return (slices + rng.random((n, d))) / n


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf)(np.asarray(x) / math.sqrt(2.0)))


@dataclass(frozen=True)
class Proposal:
    """A mixture of Gaussian kernels, each truncated to the unit cube, centred on points
    resampled by weight (as in ABC population Monte Carlo, Beaumont et al. 2009, which
    follows ridges and curved posteriors that one Gaussian would miss), mixed with the
    uniform prior (weight `defensive`)."""

    centres: np.ndarray  # (m, d)
    sd: np.ndarray  # (d,) the kernels' standard deviations
    defensive: float

    @classmethod
    def fit(
        cls,
        points: np.ndarray,
        weights: np.ndarray,
        rng: np.random.Generator,
        kernels: int = 300,
        defensive: float = 0.1,
        spread: float = 2.0,
    ) -> Proposal:
        """Kernels on `kernels` points drawn by weight, each with `spread` times the weighted
        variance of the points (twice: the choice of Beaumont et al.), floored so that a
        parameter the data pin down still gets a kernel that moves."""
        w = weights / weights.sum()
        centres = points[rng.choice(len(points), size=kernels, p=w)]
        mean = w @ points
        sd = np.sqrt(spread * (w @ (points - mean) ** 2))
        return cls(centres=centres, sd=np.maximum(sd, 0.01), defensive=defensive)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        d = self.centres.shape[1]
        out = rng.random((n, d))  # the draws from the prior stay as they are
        for i in np.flatnonzero(rng.random(n) >= self.defensive):
            centre = self.centres[rng.integers(len(self.centres))]
            while True:  # a kernel truncated to the cube: draw again until inside
                draw = centre + self.sd * rng.standard_normal(d)
                if np.all((draw >= 0.0) & (draw <= 1.0)):
                    out[i] = draw
                    break
        return out

    def density(self, points: np.ndarray) -> np.ndarray:
        # Each kernel's mass inside the cube factorises over the (independent) coordinates.
        log_mass = np.log(_normal_cdf((1.0 - self.centres) / self.sd) - _normal_cdf(-self.centres / self.sd)).sum(
            axis=1
        )
        z = (points[:, None, :] - self.centres[None, :, :]) / self.sd
        log_kernel = -0.5 * (z**2).sum(axis=2) - np.log(self.sd).sum() - 0.5 * self.sd.size * math.log(2 * math.pi)
        log_kernel -= log_mass[None, :]
        peak = log_kernel.max(axis=1, keepdims=True)
        mixture = np.exp(peak[:, 0]) * np.exp(log_kernel - peak).mean(axis=1)
        return self.defensive + (1.0 - self.defensive) * mixture


def mixture_density(points: np.ndarray, proposals: list[Proposal | None], counts: list[int]) -> np.ndarray:
    """Each point's density under the mixture of all rounds' proposals (None: the prior)."""
    total = float(sum(counts))
    density = np.zeros(points.shape[0])
    for proposal, n in zip(proposals, counts):
        density += (n / total) * (np.ones(points.shape[0]) if proposal is None else proposal.density(points))
    return density


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size: how many equally weighted points the weights are worth."""
    total = weights.sum()
    return float(total**2 / np.sum(weights**2)) if total > 0 else 0.0


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float, discrete: bool = False) -> float:
    """The q-quantile of values under weights (the weighted empirical distribution,
    interpolated at the midpoints of each point's mass). `discrete`: the smallest value whose
    cumulative weight reaches q, with no interpolation, so that the quantile of integers is
    an integer."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    if discrete:
        cumulative = np.cumsum(w) / w.sum()
        return float(v[min(int(np.searchsorted(cumulative, q - 1e-12)), len(v) - 1)])
    cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cumulative, v))


def weighted_sd(values: np.ndarray, weights: np.ndarray) -> float:
    w = weights / weights.sum()
    mean = float(w @ values)
    return float(np.sqrt(w @ (values - mean) ** 2))
