"""Global sensitivity analysis with SALib (docs/sensitivity.md): which unknown inputs of a
scenario move a statistic most.

    from salvosim import sensitivity, published
    sensitivity.assumptions("configs/june_2025.toml")           # the config's unknowns and ranges
    leak = published.statistic("fate", "class:ballistic", fates=["leaked_defended"])
    sensitivity.morris("configs/june_2025.toml", leak, n=10, trials=200)    # screening
    sensitivity.sobol("configs/june_2025.toml", leak, {"layer.thaad.engages.ballistic.pk": (0.2, 0.8),
                                                       "layer.thaad.coverage": (0.3, 1.0)}, n=256)

An analysis is a sweep of explicit points: `plan(...)` makes it, `Plan.run()` runs it in this
process, `Plan.write(path)` writes it as a sweep file for `salvosim sweep` (threads, MPI,
shards), and `analyse(plan, results, statistic)` turns either's results into the indices,
the same numbers both ways.

One module per responsibility: `assumptions` (the `assumption:` ranges a config states),
`design` (factors, SALib's design, the sweep), `analysis` (the statistic at each point and
SALib's estimators).
"""

from .analysis import analyse, morris, sobol
from .assumptions import RangeMention, assumptions, parse_ranges
from .design import Factor, Plan, factors_from, plan

__all__ = [
    "Factor",
    "Plan",
    "RangeMention",
    "analyse",
    "assumptions",
    "factors_from",
    "morris",
    "parse_ranges",
    "plan",
    "sobol",
]
