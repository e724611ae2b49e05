"""The exceptions salvosim raises besides the built-in ones."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A scenario breaks rules of the model. `problems` lists every one as a dict with
    `key_path` (e.g. 'layer[0] "upper-tier".engages.ballistic.pk'), `message`, and the
    `file`, `line` and `column` where known (empty and 0 otherwise)."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.problems: list[dict[str, Any]] = list(problems or [])
