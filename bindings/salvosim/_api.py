"""Loading scenarios and running them: the functions most users call."""

from __future__ import annotations

import numbers
import os
import tomllib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from . import _core
from ._core import Scenario
from ._errors import ConfigError
from ._results import Results
from ._toml_text import dumps

ProgressCallback = Callable[[int, int], bool | None]


def load(source: str | os.PathLike[str] | Mapping[str, Any]) -> Scenario:
    """A validated scenario from a TOML file path, or from a dict shaped like the TOML.

    Raises ConfigError (a ValueError) listing every broken rule with its key path, and
    with the file and line when it comes from a file.
    """
    if isinstance(source, Mapping):
        return from_dict(source)
    if isinstance(source, (str, os.PathLike)):
        return Scenario.from_file(os.fspath(source))
    raise TypeError(f"load() takes a file path or a dict, got {type(source).__name__}")


def from_dict(data: Mapping[str, Any]) -> Scenario:
    """A validated scenario from a dict with the TOML's structure:
    {"scenario": {...}, "threat": [{...}, ...], "layer": [{...}, ...]}."""
    text = dumps(data)
    try:
        return Scenario.from_toml_string(text, "<dict>")
    except ConfigError as error:
        # Lines of the generated text mean nothing to the caller: keep key paths only.
        problems = [dict(p, file="", line=0, column=0) for p in error.problems]
        message = "\n".join(f"{p['key_path']}: {p['message']}" if p["key_path"] else p["message"] for p in problems)
        raise ConfigError(message or str(error), problems) from None


def to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a dict (every key, defaults included) that from_dict() accepts."""
    return tomllib.loads(scenario.to_toml())


def with_table(scenario: Scenario, kind: str, table: Mapping[str, Any], before: str = "", salvo: str = "") -> Scenario:
    """A new scenario with `table` (a dict shaped like a `[[layer]]` or `[[threat]]` table of the
    TOML) added at the end, or before the entry named `before`; in a campaign, a threat group
    goes to the salvo named `salvo`. Validated by from_dict: ConfigError names the key paths.
    Scenario.with_layer and with_threat_group call it when given a dict."""
    data = to_dict(scenario)
    if kind == "threat" and "salvo" in data:
        salvos = {entry["name"]: entry for entry in data["salvo"]}
        if salvo not in salvos:
            known = ", ".join(f'"{name}"' for name in salvos)
            raise ValueError(f"a campaign's threat groups belong to salvos: say which, with salvo= (one of {known})")
        entries = salvos[salvo]["threat"]
    elif salvo:
        raise ValueError("this scenario has no salvos; leave `salvo` out")
    else:
        entries = data.setdefault(kind, [])
    names = [entry.get("name") for entry in entries]
    if before and before not in names:
        raise KeyError(f'no {"layer" if kind == "layer" else "threat group"} named "{before}" to add before')
    entries.insert(names.index(before) if before else len(entries), dict(table))
    return from_dict(data)


def _integer(name: str, value: object) -> int:
    """`value` as a Python int (NumPy integers too; not bool). Its range is checked by the
    front door in C++ (run.hpp), which raises ValueError."""
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    return value


def _tqdm_callback(total: int, unit: str = "trial") -> tuple[ProgressCallback, Callable[[], None]]:
    """A tqdm bar as a progress callback(done, total), and what closes it. The total may be
    unknown (0) until the first call."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress=True needs tqdm: pip install tqdm (or pass a callable)") from None
    bar = tqdm(total=total or None, unit=unit, unit_scale=unit == "trial")

    def update(done: int, total: int) -> bool:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        return True

    return update, bar.close


def _progress_callback(
    progress: None | bool | ProgressCallback, total: int, unit: str
) -> tuple[ProgressCallback | None, Callable[[], None]]:
    """What a `progress` argument means: None or False nothing, True a tqdm bar, a callable
    itself; and what to call when the work is over."""
    if progress is True:
        return _tqdm_callback(total, unit)
    if progress is None or progress is False:
        return None, lambda: None
    if callable(progress):
        user = progress

        def checked(done: int, total: int) -> bool:
            answer = user(done, total)
            if answer is None:
                return True
            if isinstance(answer, (bool, np.bool_)):
                return bool(answer)
            raise TypeError(f"a progress callback returns None, True (go on) or False (stop), got {answer!r}")

        return checked, lambda: None
    raise TypeError(f"progress must be None, True or a callable(done, total), got {progress!r}")


def _max_memory_bytes(max_memory: None | int | str) -> int:
    """max_memory as bytes for the core: 0 (its default limit) for None, an int of bytes as it
    is, a text such as "8G" as the command line's --max-memory reads it."""
    if max_memory is None:
        return 0
    if isinstance(max_memory, str):
        return _core.parse_memory_size(max_memory)
    value = _integer("max_memory", max_memory)
    if not 1 <= value <= 2**63 - 1:
        raise ValueError(f'max_memory must be a number of bytes in [1, 2**63 - 1] or a size such as "8G", got {value}')
    return value


def run(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    trials: int = 100_000,
    seed: int = 1,
    *,
    threads: int = 0,
    first_trial: int = 0,
    per_trial: bool = False,
    per_threat: bool = False,
    progress: None | bool | ProgressCallback = None,
    max_memory: None | int | str = None,
    target_se: None | Mapping[str, float] = None,
    batch: None | int = None,
) -> Results:
    """Run `trials` trials of a scenario and return their statistics.

    The same scenario and seed give the same numbers, byte for byte, whatever `threads` is
    (0: every core) and as the command line `salvosim run` does. Trials [first_trial,
    first_trial + trials) are run, so a study can be split into ranges and merged.
    `per_trial` keeps every trial's counts, `per_threat` every threat's fate (large).
    `progress` is True for a tqdm bar, or a callable(done, total) called between chunks of
    trials that may return False to stop (raising RunCancelled). The GIL is released while
    trials run; Ctrl-C stops the run promptly with KeyboardInterrupt. A run estimated to need
    more memory than `max_memory` (bytes, or a text such as "8G"; by default
    $SALVOSIM_MAX_MEMORY, else the machine's memory) is refused with a ValueError that says
    how many threads or threats would fit, before anything large is allocated.

    `target_se` runs to a precision target, as `salvosim run --target-se` does: a mapping of
    statistics to standard errors, e.g. ``{"fate.all.intercepted": 0.05,
    "rate.all.launched": 0.002}``. A statistic is a summary array with a standard error
    (`fate`, `rate`, `engaged`, `intercepts`, `layer`, `interceptor_cost`,
    `total_interceptor_cost`, `damage`, ...) and one label along each of its dimensions,
    dot-separated (a label with dots in double quotes). Trials then run in batches of `batch`
    (default `salvosim._core.default_batch_trials`, 10,000) until every standard error is at
    most its target, or until `trials` (then the most) are spent; the result is that of a plain
    run of the trials used, byte for byte, whatever `threads` is. ``results.trials`` is the
    trials used and ``results.info["precision"]`` says whether the target was reached
    (``reached``), with each statistic's standard error (``targets``); a target not reached
    also gives a `PrecisionWarning`. An unknown statistic (with the likely one meant), a
    standard error that is not > 0, or a `batch` without `target_se` is a ValueError.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    trials, seed = _integer("trials", trials), _integer("seed", seed)
    threads, first_trial = _integer("threads", threads), _integer("first_trial", first_trial)
    for name, flag in (("per_trial", per_trial), ("per_threat", per_threat)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    memory = _max_memory_bytes(max_memory)
    targets = _se_targets(target_se)
    if batch is not None and not targets:
        raise ValueError("batch is the trials per batch of a run to a precision target: give target_se too")
    batch_trials = _core.default_batch_trials if batch is None else _integer("batch", batch)

    plan = _core.compile(scenario, memory)
    callback, close = _progress_callback(progress, trials, "trial")
    try:
        core_results, records, fates, layers, tiers = _core.run(
            plan,
            scenario,
            trials,
            seed,
            threads,
            first_trial,
            per_trial,
            per_threat,
            callback,
            memory,
            targets,
            batch_trials,
        )
    finally:
        close()
    results = Results(core_results, plan, records=records, fates=fates, intercept_layers=layers, tiers=tiers)
    precision = results.info.get("precision")
    if precision is not None and not precision["reached"]:
        warnings.warn(core_results.precision_summary(), PrecisionWarning, stacklevel=2)
    return results


class PrecisionWarning(UserWarning):
    """A run to a precision target (`run(..., target_se=...)`) spent its trials first."""


def _se_targets(target_se: None | Mapping[str, float]) -> list[tuple[str, float]]:
    """target_se as (statistic, se) pairs for the core, which checks the names and values."""
    if target_se is None:
        return []
    if not isinstance(target_se, Mapping):
        raise TypeError(f"target_se must be a mapping of statistic to standard error, got {target_se!r}")
    if not target_se:
        raise ValueError("target_se names no statistic")
    pairs: list[tuple[str, float]] = []
    for statistic, se in target_se.items():
        if not isinstance(statistic, str):
            raise TypeError(f"target_se: a statistic is a name such as 'fate.all.intercepted', got {statistic!r}")
        if isinstance(se, bool) or not isinstance(se, numbers.Real):
            raise TypeError(f"target_se[{statistic!r}] must be a number, got {se!r}")
        pairs.append((statistic, float(se)))
    return pairs
