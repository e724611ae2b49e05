"""What a scenario, its layers and threat groups, and results show in a notebook (`_repr_html_`)
and at a prompt (`__repr__`): what a user needs at a glance (groups and counts, layers and
magazines, trials, the headline leak with its 95% interval), in tables built with pandas."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _core

if TYPE_CHECKING:
    from ._results import Results
    from ._sweep import SweepPlan, SweepResults

# The headline of a run: threats that reached a defended area, of every group (docs/model.md §3.7).
HEADLINE_FATE = "leaked_defended"
HEADLINE_RATE = "threatening"
# The most points a sweep's table shows; the rest are in to_dataframe().
SWEEP_ROWS_SHOWN = 20


def _number(value: float) -> str:
    return f"{value:.4g}"


def _seconds(value: float) -> str:
    return f"{value:,.6g} s"


def _table(frame: pd.DataFrame, index: bool = False) -> str:
    return str(frame.to_html(index=index, float_format=_number, border=0, escape=True))


def _heading(kind: str, name: str, rest: str) -> str:
    return f"<p><strong>salvosim.{kind}</strong> <code>{html.escape(name)}</code>: {html.escape(rest)}</p>"


# --- scenarios ----------------------------------------------------------------------------
def _magazine(layer: _core.Layer) -> str:
    return f"{layer.interceptors:,}" if isinstance(layer.interceptors, int) else str(layer.interceptors)


def _launch(group: _core.ThreatGroup) -> str:
    launch = group.launch
    if launch.kind == "waves":
        return f"{len(launch.waves)} waves from {_seconds(min(t for t, _ in launch.waves))}"
    return f"from {_seconds(launch.start)} over {_seconds(launch.duration)}"


def _groups_frame(groups: Iterable[tuple[str, _core.ThreatGroup]]) -> pd.DataFrame:
    rows = [
        {
            "salvo": salvo,
            "group": g.name,
            "class": g.threat_class,
            "count": g.count,
            "launch": _launch(g),
            "flight time": f"{_seconds(g.flight_time.mean)} ± {_seconds(g.flight_time.sd)}",
            "p_launch": g.p_launch,
            "p_flight": g.p_flight,
            "defended_fraction": g.defended_fraction,
        }
        for salvo, g in groups
    ]
    frame = pd.DataFrame(rows)
    if not rows or all(not r["salvo"] for r in rows):
        frame = frame.drop(columns="salvo", errors="ignore")
    return frame


def _layers_frame(layers: Iterable[_core.Layer]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "layer": layer.name,
                "fire units × channels": f"{layer.fire_units} × {layer.channels}",
                "interceptors": _magazine(layer),
                "shots": layer.shots,
                "doctrine": layer.doctrine,
                "engagement time (s)": layer.engagement_time,
                "engages (pk)": ", ".join(f"{e.target} ({_number(e.pk)})" for e in layer.engages),
            }
            for layer in layers
        ]
    )


def _scenario_groups(scenario: _core.Scenario) -> list[tuple[str, _core.ThreatGroup]]:
    if len(scenario.salvos):
        return [(s.name, g) for s in scenario.salvos for g in s.threats]
    return [("", g) for g in scenario.threats]


def scenario_html(scenario: _core.Scenario) -> str:
    groups = _scenario_groups(scenario)
    threats = sum(g.count for _, g in groups)
    salvos = f"{len(scenario.salvos)} salvos, " if len(scenario.salvos) else ""
    parts = [
        _heading(
            "Scenario",
            scenario.name,
            f"{salvos}{len(groups)} threat groups ({threats:,} threats), {len(scenario.layers)} layers",
        ),
    ]
    if scenario.description:
        parts.append(f"<p>{html.escape(scenario.description)}</p>")
    parts += ["<p>Threat groups</p>", _table(_groups_frame(groups))]
    parts += ["<p>Layers, in order</p>", _table(_layers_frame(scenario.layers))]
    return "\n".join(parts)


# --- results -------------------------------------------------------------------------------
def _headline(results: Results) -> tuple[str, str]:
    """The leak into defended areas and the interception rate of every threat, as text."""
    mean = float(results["fate_mean"].sel(selection="all", fate=HEADLINE_FATE))
    se = float(results["fate_se"].sel(selection="all", fate=HEADLINE_FATE))
    rate = results.rate(HEADLINE_RATE)
    leak = (
        f"{_number(mean)} threats per trial leaked into defended areas "
        f"(95% CI {_number(mean - _core.Z95 * se)} to {_number(mean + _core.Z95 * se)})"
    )
    interception = (
        f"interception rate ({HEADLINE_RATE}) {rate.mean:.4f} (95% CI {rate.ci95[0]:.4f} to {rate.ci95[1]:.4f})"
    )
    return leak, interception


def results_repr(results: Results) -> str:
    info = results.info
    leak, rate = _headline(results)
    return (
        f"<salvosim.Results {info['scenario_name']!r}: {results.trials:,} trials, seed {info['seed']}; {leak}; {rate}>"
    )


def results_html(results: Results) -> str:
    info = results.info
    leak, rate = _headline(results)
    fates = results["fate_mean"].to_pandas()
    fates["rate_threatening"] = results["rate_mean"].sel(rate=HEADLINE_RATE).to_pandas()
    layers = results["layer_mean"].to_pandas()
    return "\n".join(
        [
            _heading(
                "Results",
                str(info["scenario_name"]),
                f"{results.trials:,} trials from {info['first_trial']}, seed {info['seed']}, "
                f"salvosim {info['salvosim_version']}",
            ),
            f"<p>{html.escape(leak)}; {html.escape(rate)}.</p>",
            "<p>Threats per trial by fate, and the interception rate (to_dataframe() has every standard error "
            "and interval)</p>",
            _table(fates, index=True),
            "<p>Per layer, per trial (layer_dataframe())</p>",
            _table(layers, index=True),
        ]
    )


# --- sweeps --------------------------------------------------------------------------------
def _values_text(values: list[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:6])
    return shown + (f", ... ({len(values)} values)" if len(values) > 6 else "")


def sweep_repr(sweep: SweepResults) -> str:
    info = sweep.info
    sizes = sweep["fate_mean"].sizes
    shape = " x ".join(f"{d} {sizes[d]}" for d in sweep.dims)
    return f"<salvosim.SweepResults {info['name']!r}, {info['mode']}: {shape} ({len(sweep.points.point)} points)>"


def sweep_html(sweep: SweepResults) -> str:
    info = sweep.info
    axes = pd.DataFrame(
        [
            {"dimension": dim, "key path": path, "values": _values_text(list(values))}
            for path, dim, values in info["axes"]
        ]
    )
    frame = sweep.to_dataframe()
    leak = frame[(frame["kind"] == "fate") & (frame["selection"] == "all") & (frame["statistic"] == HEADLINE_FATE)]
    leak = leak.drop(columns=["kind", "selection", "statistic"])
    shown = leak.head(SWEEP_ROWS_SHOWN)
    more = f" (the first {SWEEP_ROWS_SHOWN} of {len(leak)})" if len(leak) > SWEEP_ROWS_SHOWN else ""
    trials = sorted({int(t) for t in sweep.points["trials"].values})
    return "\n".join(
        [
            _heading(
                "SweepResults",
                str(info["name"]),
                f"{info['mode']}, {len(sweep.points.point)} points of {', '.join(f'{t:,}' for t in trials)} trials",
            ),
            _table(axes),
            f"<p>Threats per trial leaked into defended areas{more}</p>",
            _table(shown),
        ]
    )


def sweep_plan_html(plan: SweepPlan) -> str:
    shown = plan.points.head(SWEEP_ROWS_SHOWN)
    count = len(plan.points)
    more = f" (the first {SWEEP_ROWS_SHOWN} of {count})" if count > SWEEP_ROWS_SHOWN else ""
    lines = [
        _heading(
            "SweepPlan",
            plan.name,
            f"{count} points, estimated {_seconds(plan.total_seconds)} on {plan.threads} threads; "
            f"{plan.shards} shards of at most {_seconds(plan.target_seconds)} each",
        ),
    ]
    if not plan.fits:
        lines.append("<p>Even one point a shard takes longer than that: raise target_hours, or use more threads.</p>")
    lines += [f"<p>Points and their estimated time{more}</p>", _table(shown, index=True)]
    return "\n".join(lines)


# The displays of the compiled classes, which call these by name (bindings/src/scenario.cpp).
def layers_html(layers: Iterable[_core.Layer]) -> str:
    return _table(_layers_frame(layers))


def layer_html(layer: _core.Layer) -> str:
    return _table(_layers_frame([layer]))


def groups_html(groups: Iterable[_core.ThreatGroup]) -> str:
    return _table(_groups_frame(("", g) for g in groups))


def group_html(group: _core.ThreatGroup) -> str:
    return _table(_groups_frame([("", group)]))
