#!/usr/bin/env python3
"""A mutation campaign against salvosim's HDF5 readers (docs/developing.md#damaged-files).

Writes a valid results file and the two shard files of a small sweep, makes damaged copies
of them (bit flips at random offsets, truncations, datasets, groups and attributes deleted
with h5py) and reads every copy the ways salvosim reads files:

  results copies: salvosim.read (Python), and `salvosim sweep --resume` over a checkpoint
                  directory holding the copy as one of its points (C++ reader, command line)
  sweep copies:   `salvosim merge COPY OTHER_SHARD` and salvosim.read_sweep (Python)

A reading ends cleanly when the command exits 0 or 2 (bad input) and Python returns or raises
an exception; anything else (a signal, another exit code, a timeout) is counted as a failure
and listed. Prints a table and exits 1 if any reading failed.

  python3 tests/hdf5_mutations.py --salvosim build/ci/salvosim --count 300 --seed 1
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

TIMEOUT_SECONDS = 60
USER_BLOCK = 512  # where salvosim's checksum is (docs/hdf5-format.md#the-checksum)

# Reads each path given on stdin with salvosim.read or salvosim.read_sweep, saying which one it
# is on before it starts, so that the parent knows which file a crash came from.
PYTHON_READER = r"""
import sys, salvosim
for line in sys.stdin:
    kind, path = line.rstrip("\n").split(" ", 1)
    print("START", path, flush=True)
    try:
        (salvosim.read if kind == "results" else salvosim.read_sweep)(path)
        print("OK", flush=True)
    except Exception as error:
        print("RAISED", type(error).__name__, flush=True)
"""


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)


def make_originals(exe: str, work: Path, example: Path) -> tuple[Path, Path, Path, Path]:
    results = work / "results.h5"
    run(
        [exe, "run", str(example), "-n", "200", "-t", "1", "--out", str(results), "--per-trial", "--per-threat"], work
    ).check_returncode()
    sweep = work / "small.toml"
    sweep.write_text(f"""[sweep]
name = "mutations"
description = "two small shards"
base = "{example}"
mode = "grid"
trials = 100
seed = 1

[[axis]]
path = "threat.shahed.count"
values = [10, 20, 30]

[[axis]]
path = "layer.upper-tier.interceptors"
name = "magazine"
values = [10, 40]
""")
    shards = []
    for k in (1, 2):
        shard = work / f"shard{k}.h5"
        run([exe, "sweep", str(sweep), "--out", str(shard), "--shard", f"{k}/2", "-t", "1"], work).check_returncode()
        shards.append(shard)
    return results, shards[0], shards[1], sweep


def members(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    import h5py

    objects: list[str] = []
    attributes: list[tuple[str, str]] = [("/", name) for name in h5py.File(path, "r").attrs]
    with h5py.File(path, "r") as f:

        def visit(name: str, obj: object) -> None:
            objects.append(name)
            attributes.extend((name, a) for a in obj.attrs)  # type: ignore[attr-defined]

        f.visititems(visit)
    return objects, attributes


def mutate(original: Path, target: Path, rng: random.Random) -> str:
    """Writes a damaged copy of `original` to `target`; returns what was done."""
    import h5py

    data = bytearray(original.read_bytes())
    kind = rng.choices(["flip", "truncate", "delete"], weights=[6, 2, 2])[0]
    if kind == "flip":
        flips = rng.choice([1, 1, 2, 4, 16])
        for _ in range(flips):
            offset = rng.randrange(len(data))
            data[offset] ^= 1 << rng.randrange(8)
        target.write_bytes(data)
        return f"{flips} bit flip(s)"
    if kind == "truncate":
        size = rng.randrange(len(data))
        target.write_bytes(data[:size])
        return "truncated"
    shutil.copyfile(original, target)
    objects, attributes = members(original)
    with h5py.File(target, "r+") as f:
        if rng.random() < 0.6:
            name = rng.choice(objects)
            if name in f:
                del f[name]
            return "deleted an object"
        where, name = rng.choice(attributes)
        if name in f[where].attrs:
            del f[where].attrs[name]
        return "deleted an attribute"


def python_reads(jobs: list[tuple[str, Path]], cwd: Path) -> dict[Path, str]:
    """Reads every file in a Python process of its own (restarted after a crash)."""
    outcome: dict[Path, str] = {}
    pending = list(jobs)
    while pending:
        text = "".join(f"{kind} {path}\n" for kind, path in pending)
        try:
            done = subprocess.run(
                [sys.executable, "-c", PYTHON_READER],
                input=text,
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS + 5 * len(pending),
            )
            lines, code = done.stdout.splitlines(), done.returncode
        except subprocess.TimeoutExpired as timeout:
            lines, code = (timeout.stdout or b"").decode().splitlines(), None
        current = None
        for line in lines:
            if line.startswith("START "):
                current = Path(line[6:])
            elif current is not None:
                outcome[current] = "clean" if line == "OK" or line.startswith("RAISED") else "failed"
                current = None
        if current is not None:
            outcome[current] = "failed: " + ("timeout" if code is None else f"exit {code}")
        pending = [(kind, path) for kind, path in pending if path not in outcome]
        if current is None and pending:  # died before starting on any of them
            for _, path in pending:
                outcome[path] = f"failed: exit {code}"
            pending = []
    return outcome


def command_outcome(command: list[str], cwd: Path) -> str:
    try:
        done = run(command, cwd)
    except subprocess.TimeoutExpired:
        return "failed: timeout"
    if done.returncode in (0, 2):
        return "clean"
    return f"failed: exit {done.returncode}" + (f" ({done.stderr.strip()[:200]})" if done.returncode > 0 else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--salvosim", default=os.environ.get("SALVOSIM_EXE", "build/ci/salvosim"))
    parser.add_argument("--count", type=int, default=300, help="damaged files to make (half results, half sweep)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-python", action="store_true", help="read with the command line only")
    parser.add_argument(
        "--without-checksum",
        action="store_true",
        help="damage files as written before the checksum (format 1.1): the structural checks alone",
    )
    parser.add_argument("--keep", metavar="DIR", help="copy the files that failed (and the originals) to DIR")
    args = parser.parse_args()
    exe = str(Path(args.salvosim).resolve())
    example = Path(__file__).resolve().parent.parent / "configs" / "example.toml"
    rng = random.Random(args.seed)
    failures: list[str] = []
    tally: Counter[tuple[str, str]] = Counter()
    with tempfile.TemporaryDirectory(prefix="salvosim-mutations-") as name:
        work = Path(name)
        results, shard1, shard2, sweep = make_originals(exe, work, example)
        if args.without_checksum:  # the bytes after the user block are a file of the older format
            for original in (results, shard1):
                data = original.read_bytes()
                if not data.startswith(b"\x89HDF"):
                    original.write_bytes(data[USER_BLOCK:])
        mutants: list[tuple[str, Path, str]] = []
        for k in range(args.count):
            original = results if k % 2 == 0 else shard1
            target = work / f"mutant-{k:04d}.h5"
            mutants.append(("results" if original is results else "sweep", target, mutate(original, target, rng)))

        python = {} if args.no_python else python_reads([(kind, path) for kind, path, _ in mutants], work)
        for kind, path, how in mutants:
            if kind == "results":
                # The point's checkpoint is read by `sweep --resume` (a sweep of one point).
                base = work / "one_point.toml"
                base.write_text(
                    sweep.read_text()
                    .replace("values = [10, 20, 30]", "values = [10]")
                    .replace("values = [10, 40]", "values = [10]")
                )
                out = work / "resumed.h5"
                checkpoints = work / "resumed.h5.checkpoint"
                shutil.rmtree(checkpoints, ignore_errors=True)
                checkpoints.mkdir()
                shutil.copyfile(path, checkpoints / "point-00000000.h5")
                cli = command_outcome([exe, "sweep", str(base), "--out", str(out), "--resume", "-t", "1"], work)
                shutil.rmtree(checkpoints, ignore_errors=True)
                out.unlink(missing_ok=True)
            else:
                out = work / "merged.h5"
                cli = command_outcome([exe, "merge", str(path), str(shard2), "--out", str(out)], work)
                out.unlink(missing_ok=True)
            outcomes = {"command line": cli}
            if not args.no_python:
                outcomes["python"] = python[path]
            for reader, outcome in outcomes.items():
                tally[(f"{kind} file, {reader}", "clean" if outcome == "clean" else "failed")] += 1
                if outcome != "clean":
                    failures.append(f"{path.name} ({kind}, {how}), {reader}: {outcome}")

        if args.keep and failures:
            keep = Path(args.keep)
            keep.mkdir(parents=True, exist_ok=True)
            for name in {failure.split(" ", 1)[0] for failure in failures} | {"results.h5", "shard1.h5", "shard2.h5"}:
                shutil.copyfile(work / name, keep / name)

    readers = sorted({reader for reader, _ in tally})
    kind = ", without checksum" if args.without_checksum else ""
    print(f"{args.count} damaged files (seed {args.seed}{kind}), {exe}")
    for reader in readers:
        clean, failed = tally[(reader, "clean")], tally[(reader, "failed")]
        print(f"  {reader:28s} {clean:4d} of {clean + failed} ended cleanly")
    for failure in failures:
        print("  FAILED", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
