"""The unknowns a config states: every value whose comment says `assumption`, with the range
the comment gives it where it gives one (`# assumption: as a city's (range 0.5-2)`).

One parser reads the ranges (`parse_ranges`), and one rule says which value of a line a range
belongs to (`assumptions`). A range is read only where the word "range" introduces it:

- `range 1-4`, `(range 90-180 s)`, `range: 0.3-1`, `range 10 to 40`; units convert to the
  key's own (`s`, `min`, `h` to seconds; `$0.03M-1M` to dollars, `k` thousands; `%` to a
  fraction);
- a key name before it says which value of the line it is (`pk range 0.6-0.95, detect 0.8-1`,
  `detect assumption (range 0.9-1)`: the name may also open the `;`-separated clause);
- without a key name, the range is the line's value; on a line of several values (an inline
  table), the one value inside the range, if exactly one is.

Anything else is left out with a note that says why, never guessed: a relative range
(`range +-30 s`), a range per unit (`range 4-12 each`), a range over a table of several values
(`window ... range 0.5-1.5 h` naming `window`), two ranges for one value, a value that is not a
number, a key a sweep cannot set.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import tomlkit
from tomlkit.items import InlineTable

from .._api import load
from .._core import Scenario, set_key_path

PathLike = str | os.PathLike[str]

_NUMBER = r"\$?\d+(?:\.\d+)?[kM]?"
_RANGE = re.compile(
    r"(?:(?P<key>[A-Za-z_]+)\s+)?\(?\brange:?\s*(?P<low>" + _NUMBER + r")\s*(?:-|–|to)\s*(?P<high>" + _NUMBER + r")"
    r"(?P<unit>\s*(?:s|min|h|%)(?![A-Za-z]))?(?P<each>\s+each\b)?"
)
# "pk range 0.6-0.95, detect 0.8-1": a further key and range after a range, without the word.
_MORE = re.compile(
    r"\s*,\s*(?P<key>[A-Za-z_]+)\s+(?P<low>" + _NUMBER + r")\s*(?:-|–|to)\s*(?P<high>" + _NUMBER + r")"
    r"(?P<unit>\s*(?:s|min|h|%)(?![A-Za-z]))?(?P<each>\s+each\b)?"
)
_UNITS = {"": 1.0, "s": 1.0, "min": 60.0, "h": 3600.0, "%": 0.01}


@dataclass(frozen=True)
class RangeMention:
    """A range read from a comment: the words that may name its key, nearest first (the word
    before "range", the first word of its clause), its ends in the key's units, and whether it
    was stated per unit (`each`), which is not the key's value."""

    keys: tuple[str, ...]
    low: float
    high: float
    each: bool = False
    text: str = ""


def _number(text: str) -> float:
    scale = {"k": 1e3, "M": 1e6}.get(text[-1], 1.0)
    return float(text.lstrip("$").rstrip("kM")) * scale


def _mention(match: re.Match[str], *words: str | None) -> RangeMention:
    unit = _UNITS[(match.group("unit") or "").strip()]
    return RangeMention(
        keys=tuple(dict.fromkeys(w for w in words if w)),
        low=_number(match.group("low")) * unit,
        high=_number(match.group("high")) * unit,
        each=bool(match.group("each")),
        text=match.group(0)[match.start("low") - match.start() :].strip(),
    )


def parse_ranges(comment: str) -> list[RangeMention]:
    """Every range a comment states, in order, each with the words that may name its key: the
    word before "range" and the first word of its `;`-separated clause (`detect assumption
    (range 0.9-1)`); whether one names a value of the line is for the caller to say."""
    out: list[RangeMention] = []
    for clause in comment.split(";"):
        clause = clause.strip()
        opening = re.match(r"[A-Za-z_]+", clause)
        for match in _RANGE.finditer(clause):
            out.append(_mention(match, match.group("key"), opening.group(0) if opening else None))
            end = match.end()
            while more := _MORE.match(clause, end):
                out.append(_mention(more, more.group("key")))
                end = more.end()
    return out


@dataclass(frozen=True)
class _Line:
    """A line of the config: its key path, the number-valued keys it writes (key path ->
    value), and its comment."""

    path: str
    values: dict[str, Any]
    comment: str


def _segment(name: str) -> str:
    return f'"{name}"' if "." in name or '"' in name else name


def _leaves(prefix: str, table: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{_segment(key)}"
        if isinstance(value, Mapping):
            out.update(_leaves(path, value))
        else:
            out[path] = value
    return out


def _walk(prefix: str, table: Any) -> Iterator[_Line]:
    for key, item in table.items():
        path = f"{prefix}.{_segment(key)}"
        if isinstance(item, InlineTable):
            yield _Line(path, _leaves(path, item.unwrap()), item.trivia.comment)
        elif isinstance(item, Mapping):  # a table, or the keys under a dotted key (engages.ballistic)
            yield from _walk(path, item)
        elif isinstance(item, list) and item and all(isinstance(t, Mapping) for t in item):
            for k, entry in enumerate(item):  # an array of tables ([[layer.ration]]), by place from 0
                yield from _walk(f"{path}.{k}", entry)
        else:
            trivia = getattr(item, "trivia", None)
            yield _Line(
                path, {path: item.unwrap() if hasattr(item, "unwrap") else item}, trivia.comment if trivia else ""
            )


def _lines(document: Any) -> Iterator[_Line]:
    """Every line of a scenario file that a key path names: [scenario], [[tier]], [[threat]]
    (also those of each [[salvo]]) and [[layer]]."""
    if "scenario" in document:
        yield from _walk("scenario", document["scenario"])
    entries = [("tier", t) for t in document.get("tier", [])]
    entries += [("threat", t) for t in document.get("threat", [])]
    entries += [("threat", t) for salvo in document.get("salvo", []) for t in salvo.get("threat", [])]
    entries += [("layer", t) for t in document.get("layer", [])]
    for head, table in entries:
        yield from _walk(f"{head}.{_segment(str(table.get('name', '')))}", table)


def _last(path: str) -> str:
    return path.rsplit(".", 1)[-1].strip('"')


def _attribute(line: _Line, mentions: list[RangeMention]) -> tuple[dict[str, RangeMention], list[str]]:
    """Which value of the line each range belongs to, and why any is left unattributed."""
    numbers = {p: v for p, v in line.values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    found: dict[str, list[RangeMention]] = {}
    problems: list[str] = []
    for m in mentions:
        named: list[str] = []
        under: list[str] = []
        for key in m.keys:  # the nearest word that names a value (or a table) of the line
            named = [p for p in line.values if _last(p) == key and p != line.path]
            under = [p for p in line.values if f".{key}." in p[len(line.path) :]]
            if named or under:
                break
        if named:
            target = named
        elif under:
            problems.append(f"range {m.text!r} names {key}, a table of several values: which one is not said")
            continue
        elif len(numbers) == 1:
            target = list(numbers)
        else:
            target = [p for p, v in numbers.items() if m.low <= v <= m.high]
            if len(target) != 1:
                problems.append(
                    f"range {m.text!r} names no key of a line of several values, and "
                    f"{'several' if target else 'none'} of them lie inside it"
                )
                continue
        found.setdefault(target[0], []).append(m)
    out: dict[str, RangeMention] = {}
    for path, ms in found.items():
        if len({(m.low, m.high, m.each) for m in ms}) > 1:
            problems.append(f"{path}: two different ranges: {', '.join(repr(m.text) for m in ms)}")
        else:
            out[path] = ms[0]
    return out, problems


def assumptions(config: PathLike) -> pd.DataFrame:
    """Every value of a scenario file whose comment says `assumption`, one row each: key_path,
    value, low, high (NaN where no range is read), integer (the key takes integers), comment,
    and note (why a value has no range, or that it lies outside its range). Rows with a range
    are what sensitivity analyses take by default (`factors`)."""
    path = os.fspath(config)
    with open(path, encoding="utf-8") as f:
        document = tomlkit.parse(f.read())
    scenario = load(path)
    rows: list[dict[str, Any]] = []
    for line in _lines(document):
        if "assumption" not in line.comment:
            continue
        mentions = parse_ranges(line.comment)
        ranged, problems = _attribute(line, mentions)
        for key_path, value in line.values.items():
            mention = ranged.get(key_path)
            integer = _integer_key(scenario, key_path, value)
            note = "; ".join(problems)
            low = high = math.nan
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                note = note or f"not a number ({type(value).__name__} {value!r}): not a factor"
            elif mention is None:
                others = ", ".join(_last(p) for p in ranged)
                if others:
                    note = note or f"no range stated for it (the line's range is for {others})"
                else:
                    note = note or ("its range could not be read" if "range" in line.comment else "no range stated")
            elif mention.each:
                note = f"range {mention.text!r} is per unit ('each'), not the value of the key"
            elif not mention.low < mention.high:
                note = f"range {mention.text!r} does not have low < high"
            else:
                note = (
                    "" if mention.low <= value <= mention.high else f"the value {value} lies outside its stated range"
                )
                if problem := _unsweepable(scenario, key_path, (mention.low, mention.high), integer):
                    note = problem
                else:
                    low, high = mention.low, mention.high
            rows.append(
                {
                    "key_path": key_path,
                    "value": value,
                    "low": low,
                    "high": high,
                    "integer": integer,
                    "comment": line.comment.lstrip("# "),
                    "note": note,
                }
            )
    return pd.DataFrame(rows, columns=["key_path", "value", "low", "high", "integer", "comment", "note"])


def takes_integers(scenario: Scenario, path: str, low: float) -> bool:
    """Whether the key takes integers only: its setter (the C++ rule) refuses a fraction."""
    try:
        set_key_path(scenario.copy(), path, float(low) + 0.5)
    except ValueError as error:
        if "must be an integer" in str(error):
            return True
        raise ValueError(f"factor {path}: {error}") from None
    return False


def _integer_key(scenario: Scenario, key_path: str, value: Any) -> bool:
    """Whether a number's key takes integers only (False for a key a sweep cannot set)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return takes_integers(scenario, key_path, float(value))
    except ValueError:
        return False


def _unsweepable(scenario: Scenario, key_path: str, ends: tuple[float, float], integer: bool) -> str:
    """Why a sweep cannot take this key path over this range (empty if it can): the setter
    refuses the path or a value, or the scenario breaks a rule at an end of the range (a
    target share alone, which must add up to 1 with the others)."""
    if integer and not all(float(end).is_integer() for end in ends):
        return f"the key takes integers, but its range {ends[0]:g}-{ends[1]:g} does not end on integers"
    for end in ends:
        varied = scenario.copy()
        try:
            set_key_path(varied, key_path, int(end) if integer else float(end))
            varied.validate()
        except ValueError as error:
            return f"not a factor on its own: at {end:g} {error}"
    return ""
