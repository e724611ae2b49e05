"""Plain Python data (dicts, lists, numbers, strings) as TOML text, for Scenario.from_dict.

Only what scenario configs use: top-level tables and arrays of tables, and inside them
values, arrays and (nested) inline tables.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"keys must be strings, got {key!r}")
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_value(v, f'{where}.{k}')}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(v, f"{where}[{i}]") for i, v in enumerate(value)) + "]"
    # NumPy scalars and the like: fall back to their Python value.
    for convert in (int, float):
        try:
            if convert(value) == value:
                return _value(convert(value), where)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{where}: cannot write {type(value).__name__} {value!r} as TOML")


def dumps(data: Mapping[str, Any]) -> str:
    """TOML text for `data`: a mapping of tables, arrays of tables and values."""
    if not isinstance(data, Mapping):
        raise TypeError(f"a scenario dict must be a mapping, got {type(data).__name__}")
    lines: list[str] = []

    def is_table_array(value: Any) -> bool:
        return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, Mapping) for v in value)

    # Plain values first: in TOML, a key after a [table] header belongs to that table.
    for key, value in data.items():
        if not isinstance(value, Mapping) and not is_table_array(value):
            lines.append(f"{_key(key)} = {_value(value, key)}")
    for key, value in data.items():
        if isinstance(value, Mapping):
            lines.append(f"\n[{_key(key)}]")
            lines.extend(f"{_key(k)} = {_value(v, f'{key}.{k}')}" for k, v in value.items())
        elif is_table_array(value):
            for index, entry in enumerate(value):
                lines.append(f"\n[[{_key(key)}]]")
                lines.extend(f"{_key(k)} = {_value(v, f'{key}[{index}].{k}')}" for k, v in entry.items())
    return "\n".join(lines) + "\n"
