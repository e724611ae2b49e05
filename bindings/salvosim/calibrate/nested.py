"""Nested (case-factorised) importance sampling, for a component whose cases share a few
parameters and each have their own: like `sampler`, it knows nothing of scenarios.

The component's likelihood is a product over its cases, L(φ, θ) = Π_c L_c(φ, θ_c), where φ are
the parameters several cases use (a Pk, a doctrine) and θ_c those only case c uses (its
reliability, coverages, shares). Given φ the cases are independent, so the posterior of φ is
the prior times Π_c m_c(φ), with m_c(φ) = ∫ L_c(φ, θ_c) p(θ_c) dθ_c, and each θ_c given φ has
its own posterior. The sampler draws outer points φ_j in rounds (as `sampler` draws points),
and at each φ_j estimates every case's m_c by importance sampling over that case's θ_c alone
(`inner` points, a few dimensions each, from a proposal adapted to that case):

    m̂_c(φ_j) = (1/M_c) Σ_i L_c(φ_j, θ_cji) / r_c(θ_cji),      W_j = Π_c m̂_c(φ_j) / q(φ_j).

The product over cases is what a joint sampler would need Π_c M_c points to see at once: the
M_1 + M_2 + ... runs at φ_j stand for every combination of the cases' inner points. m̂_c is
unbiased, so W_j are valid importance weights of φ_j (a pseudo-marginal estimate), and θ_c
given φ_j is weighted by L_c / r_c among its inner points.

The effective sample size is counted per parameter, on the weights its posterior is
summarised with: φ's on W_j (Kish), case c's θ_c on W_j × (its inner point's share of
m̂_c(φ_j)) over every (j, i); the component's is the smallest of these.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import sampler

# (case index, φ in the unit cube, θ_c in the unit cube) -> (L_c, each of its observables' share)
CaseLikelihood = Callable[[int, np.ndarray, np.ndarray], tuple[float, np.ndarray]]
Progress = Callable[[int, int, int], None]  # (round, outer points done, outer points in the round)


@dataclass
class CaseDraws:
    """One case's inner points at every outer point."""

    theta: np.ndarray  # (N, M, d_c) in the unit cube
    likelihood: np.ndarray  # (N, M) L_c
    shares: np.ndarray  # (N, M, observables of the case) each observable's own share of trials
    density: np.ndarray  # (N, M) under the inner proposal they were drawn from

    def marginal(self, stand_in: bool = False) -> np.ndarray:
        """(N,) m̂_c at each outer point; `stand_in`: of the product of the observables' own
        shares (which many more points estimate above zero; it only places proposals)."""
        values = np.prod(self.shares, axis=2) if stand_in else self.likelihood
        return np.mean(values / self.density, axis=1)

    def conditional(self, stand_in: bool = False) -> np.ndarray:
        """(N, M) each inner point's share of its outer point's m̂_c (0 where m̂_c is 0)."""
        values = (np.prod(self.shares, axis=2) if stand_in else self.likelihood) / self.density
        total = values.sum(axis=1, keepdims=True)
        return np.divide(values, total, out=np.zeros_like(values), where=total > 0)


@dataclass
class NestedSample:
    phi: np.ndarray  # (N, d_φ) in the unit cube
    rounds: np.ndarray  # (N,)
    phi_density: np.ndarray  # (N,) under the mixture of the rounds' outer proposals
    cases: list[CaseDraws]

    def outer_weights(self, stand_in: bool = False) -> np.ndarray:
        """W_j = Π_c m̂_c(φ_j) / q(φ_j), unnormalised."""
        w = np.prod(np.stack([c.marginal(stand_in) for c in self.cases]), axis=0)
        return w / self.phi_density

    def local_weights(self, c: int, stand_in: bool = False) -> np.ndarray:
        """(N, M_c) the weights of case c's inner points in the posterior of (φ, θ_c)."""
        return self.outer_weights(stand_in)[:, None] * self.cases[c].conditional(stand_in)

    def effective_sample_size(self) -> float:
        """The smallest Kish effective sample size over φ's weights and each case's (module doc)."""
        sizes = [sampler.effective_sample_size(self.outer_weights())]
        sizes += [
            sampler.effective_sample_size(self.local_weights(c).ravel())
            for c, draws in enumerate(self.cases)
            if draws.theta.shape[2] > 0
        ]
        return min(sizes)

    def constraint_rows(self) -> list[np.ndarray]:
        """Per case, per observable of it: 1 − (posterior sd given that observable alone) /
        (prior sd) for (φ, θ_c) in that order (the other cases' θ are not touched by it: 0)."""
        prior_sd = 1.0 / math.sqrt(12.0)
        out = []
        for draws in self.cases:
            points = np.concatenate(
                [np.repeat(self.phi[:, None, :], draws.theta.shape[1], axis=1), draws.theta], axis=2
            ).reshape(-1, self.phi.shape[1] + draws.theta.shape[2])
            # The observable alone, on φ from its outer proposal and θ_c from its inner one.
            base = (1.0 / self.phi_density)[:, None] / draws.density
            rows = []
            for k in range(draws.shares.shape[2]):
                w = (draws.shares[:, :, k] * base).ravel()
                if w.sum() > 0:
                    rows.append(
                        np.array(
                            [1.0 - sampler.weighted_sd(points[:, j], w) / prior_sd for j in range(points.shape[1])]
                        )
                    )
                else:
                    rows.append(np.zeros(points.shape[1]))
            out.append(np.array(rows).reshape(draws.shares.shape[2], points.shape[1]))
        return out

    def joint(self, per_point: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """The posterior as weighted joint points (φ, θ_1, θ_2, ...), for the summaries that
        read one weighted set: at every outer point of positive weight, `per_point` joint
        points, each case's θ_c drawn by its conditional weights (systematic resampling, in a
        random order per case), each carrying W_j / per_point; repeats are merged. Returns
        (outer index, each case's inner index (n, cases), weight)."""
        outer = self.outer_weights()
        conditionals = [c.conditional() for c in self.cases]
        rows: dict[tuple[int, ...], float] = {}
        for j in np.flatnonzero(outer > 0):
            picks = []
            for cond in conditionals:
                positions = (np.arange(per_point) + rng.random()) / per_point
                chosen = np.minimum(np.searchsorted(np.cumsum(cond[j]), positions), cond.shape[1] - 1)
                picks.append(rng.permutation(chosen))
            for combination in zip(*picks):
                key = (int(j), *map(int, combination))
                rows[key] = rows.get(key, 0.0) + outer[j] / per_point
        keys = np.array(list(rows), dtype=int).reshape(-1, 1 + len(self.cases))
        return keys[:, 0], keys[:, 1:], np.array(list(rows.values()))


# The effective number of outer points above which the proposals are fitted to the weights
# themselves rather than to the stand-in.
ENOUGH = 20.0
# The outer kernels' variance over the outer points' weighted variance: in the few dimensions
# of the shared parameters, kernels as wide as the posterior (rather than sampler.Proposal's
# twice) waste fewer outer points (on three synthetic nights: an effective sample size of 170
# of 400 outer points against 125).
OUTER_SPREAD = 1.0


@dataclass(frozen=True)
class _InnerProposal:
    """A case's proposal for θ_c given φ: Gaussian kernels on the (φ, θ_c) points of the rounds
    so far, resampled by weight (twice the weighted variance, as sampler.Proposal), and given
    φ, each kernel is chosen by how close its φ lies to φ (its kernel's density in φ), so
    that θ_c follows φ where the two are correlated (a reliability against a Pk). Given φ it is
    an ordinary sampler.Proposal, with the prior's 10%."""

    centres_phi: np.ndarray  # (k, d_φ)
    centres_theta: np.ndarray  # (k, d_c)
    sd_phi: np.ndarray
    sd_theta: np.ndarray

    @classmethod
    def fit(
        cls, phi: np.ndarray, theta: np.ndarray, weights: np.ndarray, rng: np.random.Generator, kernels: int = 300
    ) -> _InnerProposal:
        n, m, d = theta.shape
        points = np.concatenate([np.repeat(phi[:, None, :], m, axis=1), theta], axis=2).reshape(n * m, -1)
        joint = sampler.Proposal.fit(points, weights.ravel(), rng, kernels=kernels)
        k = phi.shape[1]
        return cls(joint.centres[:, :k], joint.centres[:, k:], joint.sd[:k], joint.sd[k:])

    def given(self, phi: np.ndarray, rng: np.random.Generator) -> sampler.Proposal:
        log_closeness = -0.5 * (((self.centres_phi - phi) / self.sd_phi) ** 2).sum(axis=1)
        p = np.exp(log_closeness - log_closeness.max())
        chosen = rng.choice(len(p), size=len(p), p=p / p.sum())
        return sampler.Proposal(centres=self.centres_theta[chosen], sd=self.sd_theta, defensive=0.1)


def run(
    likelihood: CaseLikelihood,
    d_phi: int,
    d_local: Sequence[int],
    observables: Sequence[int],
    inner: Sequence[int],
    rounds: Sequence[int],
    rng: np.random.Generator,
    progress: Progress | None = None,
) -> NestedSample:
    """The rounds: round 0 draws φ as a Latin hypercube from the prior and each case's inner
    points as a Latin hypercube from its prior; each later round draws φ from a proposal fitted
    to the outer weights so far, and each case's θ_c from a proposal fitted to its weights in
    the posterior of (φ, θ_c) so far (as in `sampler`: kernels on resampled points, 10% of the
    prior). The proposals are placed by the stand-in likelihood (the product of each
    observable's own share); the weights use the joint one. φ's density is the mixture of all
    rounds' outer proposals (deterministic-mixture weights); an inner point's is that of the
    proposal it was drawn from, so that each m̂_c(φ_j) stays unbiased."""
    if d_phi < 1 or not len(d_local) == len(observables) == len(inner) or any(m < 1 for m in inner):
        raise ValueError("nested sampling needs shared parameters and at least one inner point per case")
    phi = np.empty((0, d_phi))
    round_of = np.empty(0, dtype=int)
    outer_proposals: list[sampler.Proposal | None] = []
    cases = [
        # a case with no parameters of its own: one run at each φ
        CaseDraws(np.empty((0, m, d)), np.empty((0, m)), np.empty((0, m, k)), np.empty((0, m)))
        for d, k, m in ((d, k, m if d > 0 else 1) for d, k, m in zip(d_local, observables, inner))
    ]
    for r, n in enumerate(rounds):
        if r == 0:
            outer, batch = None, sampler.latin_hypercube(n, d_phi, rng)
            inner_proposals: list[_InnerProposal | None] = [None] * len(cases)
        else:
            current = NestedSample(
                phi, round_of, sampler.mixture_density(phi, outer_proposals, list(rounds[:r])), cases
            )
            # Once enough outer points carry weight, the proposals follow the posterior itself;
            # until then the stand-in, which many more points estimate above zero.
            stand_in = sampler.effective_sample_size(current.outer_weights()) < ENOUGH
            weights = current.outer_weights(stand_in)
            if weights.sum() <= 0:
                raise ValueError(
                    f"no trial at any of {len(phi)} outer points reproduced some observable of every case at once"
                )
            outer = sampler.Proposal.fit(phi, weights, rng, spread=OUTER_SPREAD)
            batch = outer.sample(n, rng)
            inner_proposals = [
                _InnerProposal.fit(phi, draws.theta, current.local_weights(c, stand_in), rng)
                if draws.theta.shape[2]
                else None
                for c, draws in enumerate(cases)
            ]
        outer_proposals.append(outer)
        new = []
        for draws, proposal in zip(cases, inner_proposals):
            _, m, d = draws.theta.shape
            theta, density = np.empty((n, m, d)), np.ones((n, m))
            for j in range(n):
                if proposal is None:
                    theta[j] = sampler.latin_hypercube(m, d, rng).reshape(m, d)
                else:
                    given = proposal.given(batch[j], rng)
                    theta[j] = given.sample(m, rng)
                    density[j] = given.density(theta[j])
            new.append(CaseDraws(theta, np.zeros((n, m)), np.zeros((n, m, draws.shares.shape[2])), density))
        for j, u in enumerate(batch):
            for c, draws in enumerate(new):
                for i in range(draws.theta.shape[1]):
                    draws.likelihood[j, i], draws.shares[j, i] = likelihood(c, u, draws.theta[j, i])
            if progress:
                progress(r, j + 1, n)
        phi = np.vstack([phi, batch])
        round_of = np.concatenate([round_of, np.full(n, r)])
        cases = [
            CaseDraws(
                *(
                    np.concatenate([getattr(old, f), getattr(add, f)])
                    for f in ("theta", "likelihood", "shares", "density")
                )
            )
            for old, add in zip(cases, new)
        ]
    return NestedSample(phi, round_of, sampler.mixture_density(phi, outer_proposals, list(rounds)), cases)
