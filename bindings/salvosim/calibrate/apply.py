"""`python -m salvosim.calibrate apply POSTERIOR.json`: write a calibration's representative
point into the configs its spec names, by the key paths of its parameters, keeping every
comment and the layout (tomlkit edits the documents in place), and refresh the `calibrated:`
comment of each line written: its "posterior median M, NN% interval [A, B]", and for a
parameter written with a power (a reliability r split into p_launch and p_flight) its
"r = X". A line whose comment is not a calibration's own (its figures, or `calibrated` as its
first or second word: "calibrated (...)", "pk calibrated on ...") gets one in front of its old
comment (which is kept, after "before calibration:"), even if it mentions a calibrated value
elsewhere ("with the calibrated Pk"); a calibration's comment without figures (one that points
to another line, "calibrated as for drones") and a comment that continues the line above
(`#   ...`) are left as they are. Values are written with four decimals, integers as integers.
Every config is checked by the scenario loader before any file is replaced, and each file is
replaced whole (written beside it, then renamed), so a failure leaves the configs as they
were."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import tomlkit
from tomlkit.items import Float, Integer, Item, Trivia

from .._core import Scenario, parse_key_path
from .posterior import CalibrationResult
from .spec import Parameter

_INTERVAL = re.compile(r"posterior median [-0-9.e]+, \d+% interval \[[-0-9.e]+, [-0-9.e]+\]")
_POWER_VALUE = re.compile(r"(\br = (?:p_launch x p_flight = )?)[0-9.]+")
# A comment that is a calibration's own: `calibrated` as its first or second word.
_CALIBRATED = re.compile(r"#\s*(?:[\w.]+\s+)?calibrated\b")


def _number(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.3f}".rstrip("0").rstrip(".")


def _find_table(doc: Any, kind: str, entry: str, path: str) -> Any:
    """The [[layer]] or [[threat]] (top level or in a [[salvo]]) table named `entry`."""
    tables = list(doc.get(kind, []))
    if kind == "threat":
        tables += [t for salvo in doc.get("salvo", []) for t in salvo.get("threat", [])]
    for table in tables:
        if table.get("name") == entry:
            return table
    raise ValueError(f"{path}: no {kind} named {entry!r} in the file")


def _set(doc: Any, path: str, value: float, integer: bool) -> Item:
    """Write `value` at a key path, keeping the item's trivia (its comment and the spaces
    around it, shifted so that the comment stays in its column). Returns the item whose
    comment belongs to the line: the value's own, or the inline table holding it."""
    kind, entry, keys = parse_key_path(path)
    if kind not in ("threat", "layer"):
        raise ValueError(f"{path}: a target path must be threat.<name>.<key> or layer.<name>.<key>")
    container = _find_table(doc, kind, entry, path)
    line_item: Item | None = None
    for key in keys[:-1]:
        if isinstance(container, list):  # an array of tables (`[[layer.ration]]`), by place from 0
            if not key.isdigit() or int(key) >= len(container):
                raise ValueError(f"{path}: the file has no table {key!r} there ({len(container)} written)")
            container = container[int(key)]
            continue
        if key not in container:
            raise ValueError(f"{path}: the file has no key {key!r} there (a key left at its default cannot be edited)")
        container = container[key]
        if isinstance(container, tomlkit.items.InlineTable) and line_item is None:
            line_item = container
    if keys[-1] not in container:
        raise ValueError(f"{path}: the file has no key {keys[-1]!r} there (a key left at its default cannot be edited)")
    old = container.item(keys[-1]) if hasattr(container, "item") else container[keys[-1]]
    raw = str(int(value)) if integer else f"{value:.4f}"
    trivia = Trivia(
        indent=old.trivia.indent,
        comment_ws=" " * max(1, len(old.trivia.comment_ws) + len(old.as_string()) - len(raw)),
        comment=old.trivia.comment,
        trail=old.trivia.trail,
    )
    new = Integer(int(value), trivia, raw) if integer else Float(float(value), trivia, raw)
    container[keys[-1]] = new
    return line_item if line_item is not None else new


def _refresh_comment(item: Item, key: str, parameter: Parameter, row: dict[str, Any], point: float, name: str) -> None:
    comment = item.trivia.comment
    if comment.startswith("#  "):  # continues the comment of the line above, which carries the figures
        return
    low, high = row["interval"]
    figures = (
        f"posterior median {_number(row['median'])}, {int(round(row['coverage'] * 100))}% interval "
        f"[{_number(low)}, {_number(high)}]"
    )
    if _INTERVAL.search(comment) or _CALIBRATED.match(comment):  # figures refreshed; none: it points elsewhere
        comment = _INTERVAL.sub(figures, comment, count=1)
        if parameter.power != 1.0:
            comment = _POWER_VALUE.sub(lambda m: m.group(1) + f"{point:.3f}", comment, count=1)
    else:
        text = comment.lstrip("#").strip()
        inline = isinstance(item, tomlkit.items.InlineTable)
        comment = f"# {key + ' ' if inline else ''}calibrated ({name}): {figures}" + (
            f"; before calibration: {text}" if text else ""
        )
    item.trivia.comment = comment


def apply(result: CalibrationResult, check_only: bool = False) -> dict[str, str]:
    """The configs rewritten with the result's point (path -> new text), written unless
    `check_only`. Refuses a result with no point, or one fitted with a case left out."""
    spec = result.spec
    if spec.left_out:
        raise ValueError(f"this result was fitted without case {spec.left_out!r}: apply the full fit's result")
    if not result.point:
        raise ValueError("this result has no representative point (it was run with --candidates 0)")
    if result.point.get("worst_miss", 0.0) > 0:
        print(
            f"warning: the point's means miss a published range by {result.point['worst_miss']:.2f} widths",
            file=sys.stderr,
        )
    summary = {row["parameter"]: row for row in result.summary()}
    texts: dict[str, str] = {}
    for case in spec.cases:
        with open(case.config) as f:
            doc = tomlkit.parse(f.read())
        for p in spec.parameters:
            for target in p.targets.get(case.name, ()):
                point = result.point[p.name]
                written = _set(doc, target.path, target.written(point**p.power), p.integer)
                _refresh_comment(written, target.path.rsplit(".", 1)[1], p, summary[p.name], point, spec.name)
        text = tomlkit.dumps(doc)
        Scenario.from_toml_string(text).validate()  # the loader's every rule, before any file changes
        texts[case.config] = text
    if not check_only:
        for path, text in texts.items():
            temporary = path + ".part"
            with open(temporary, "w") as f:
                f.write(text)
            os.replace(temporary, path)
    return texts


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m salvosim.calibrate apply",
        description="Write a calibration's representative point into the configs its spec names, keeping "
        "comments and layout, and refresh their `calibrated:` comments.",
    )
    parser.add_argument("posterior", help="a calibration result (JSON) of a full fit with a representative point")
    parser.add_argument("--check", action="store_true", help="say what would change; write nothing")
    args = parser.parse_args(list(argv))
    try:
        result = CalibrationResult.load(args.posterior)
        texts = apply(result, check_only=args.check)
    except (OSError, ValueError, KeyError) as error:
        parser.error(f"{args.posterior}: {error}")
    for path, text in texts.items():
        with open(path) as f:
            changed = f.read() != text
        verb = "would change" if args.check and changed else "changed" if changed else "unchanged"
        print(f"{path}: {verb}" if args.check else f"{path}: written")
    return 0
