"""The calibration's result as text: the fitted ranges, the representative point and the
constraint matrix."""

from __future__ import annotations

from .posterior import CalibrationResult
from .predictive import report_predictive


def report(result: CalibrationResult) -> str:
    """The fitted ranges and the constraint matrix as text."""
    sizes = ", ".join(
        f"{len(c.points)} points ({'+'.join(c.parameters)}): effective sample size {c.effective_sample_size:.0f}"
        for c in result.components
    )
    lines = [f"calibration {result.spec.name!r}, {len(result.components)} independent components", sizes, ""]
    coverage = int(round(result.spec.coverage * 100))
    lines.append(
        f"{'parameter':<22}{'prior':>16}{'median':>9}{f'{coverage}% interval':>20}"
        + (f"{'point':>9}" if result.point else "")
    )
    for row in result.summary():
        low, high = row["interval"]
        point = f"{result.point[row['parameter']]:>9.3f}" if result.point else ""
        lines.append(
            f"{row['parameter']:<22}{'[{:.3g}, {:.3g}]'.format(*row['prior']):>16}{row['median']:>9.3f}"
            f"{f'[{low:.3f}, {high:.3f}]':>20}{point}"
        )
    if result.point:
        miss = result.point["worst_miss"]
        lines += [
            "",
            "point: inside the credible intervals, with means that reproduce the published ranges: "
            + ("every mean within its range" if miss == 0 else f"worst mean outside its range by {miss:.2f} widths"),
        ]
    identified = result.identifiability()
    lines += [
        "",
        "what the data pin down: credible interval width / prior width, and posterior sd / prior sd "
        "(1: the data say nothing):",
        "",
    ]
    for name in result.parameter_names:
        lines.append(f"{name:<22}{identified['width_ratio'][name]:>9.2f}{identified['sd_ratio'][name]:>9.2f}")
    pairs = identified["confounded_pairs"]
    lines += [
        "",
        f"confounded (posterior correlation |r| >= {identified['threshold']:.1f}: the data fix a combination, "
        "not each one): " + ("none" if not pairs else ""),
    ]
    lines += [f"  {a} ~ {b}: r = {pair['correlation']:+.2f}" for pair in pairs for a, b in [pair["parameters"]]]
    for warning in result.warnings():
        lines += ["", f"WARNING: {warning}"]
    if result.spec.left_out:
        lines += ["", f"fitted without case {result.spec.left_out!r} (left out, to be predicted)"]
    lines += ["", "constraint of each parameter by each observable alone (1 - posterior sd / prior sd):", ""]
    names = result.parameter_names
    width = max(len(n) for n in result.observable_names) + 2
    lines.append(" " * width + "".join(f"{n[:12]:>13}" for n in names))
    for name, row in zip(result.observable_names, result.constraints()):
        lines.append(f"{name:<{width}}" + "".join(f"{x:>13.2f}" for x in row))
    for prediction in result.predictions.values():
        lines += ["", report_predictive(prediction)]
    return "\n".join(lines)
