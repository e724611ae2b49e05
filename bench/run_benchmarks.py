#!/usr/bin/env python3
"""Whole-run benchmarks of salvosim, with its Numba peer and the pure-Python reference measured in the same run.

Prints, for the standard scenarios (the default, sourced True Promise I; its illustrative
predecessor; saturation; large_raid with 10,000 threats; the small example; and the campaign
example), the trials per second of `salvosim run` at 1 and 2 threads and the speed-up from 1 to
2; the trials per second of the Numba peer (bench/numba_peer.py) at 1 and 2 threads, timed
interleaved with salvosim, and the ratio salvosim/peer at each thread count; the trials per
second of tests/reference_model/reference.py on the same scenarios (not campaigns, which it
does not model) and, per thread, how many times faster the C++ kernel is; and the peak memory
of `salvosim run` at 1e5 and 1e7 trials. The issue-4 floors and the issue-15 goal (salvosim at
least 3x the peer at 2 threads on the default scenario) are checked and reported, not
asserted: this is a measurement, not a test.

Timing. The machine may be shared, so every measurement is repeated (--repeats) and the best
is kept, the runs of the variants being interleaved so that a busy spell hurts them alike;
the load average is printed before and after. A C++ run is timed by the wall clock of the
whole process (start-up and summary included, ~10 ms, negligible at these trial counts).
The reference is timed in-process around reference.run(), by CPU time, so that interpreter
start-up and TOML parsing are not counted against it. The peer is timed in-process around
Peer.run() by wall clock (and CPU time, all threads), after a warm-up call that compiles it:
the compile time is printed on its own and counted nowhere else. The per-thread ratio compares like with
like: trials per CPU-second of salvosim (user + system time of the process, over all its
threads) against trials per CPU-second of the reference. On a virtual machine whose host is
busy, wall time also counts the time the host gave to others; CPU time does not.

Usage:
    python3 bench/run_benchmarks.py [--exe build/release/salvosim] [--repeats 3]
                                    [--skip-memory] [--memory-trials 10000000] [--skip-peer]
"""

import argparse
import importlib.util
import os
import pathlib
import platform
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The pure-Python model, also the tests' independent cross-check.
REFERENCE_MODEL = ROOT / "tests" / "reference_model" / "reference.py"

# The Numba peer (bench/numba_peer.py): the model as a user who needs speed would write it.
PEER = ROOT / "bench" / "numba_peer.py"

# (label, config, C++ and peer trials per measurement, reference trials per measurement or
# None: the reference does not model campaigns)
SCENARIOS = [
    ("default", "configs/true_promise_1.toml", 200000, 300),  # what `salvosim run` runs
    # The default before issue 13 (target tiers, rationing): the baseline of its speed floor.
    ("default_gen1", "bench/scenarios/true_promise_1_before_tiers.toml", 200000, 300),
    ("tp1_illustr", "configs/true_promise_1_illustrative.toml", 200000, 300),
    ("saturation", "configs/saturation.toml", 400000, 600),
    ("large_raid", "configs/large_raid.toml", 2000, 3),
    ("example", "configs/example.toml", 400000, 1000),
    ("campaign", "configs/campaign_example.toml", 200000, None),
]
THREADS = (1, 2)
SEED = 1

# The floors of issue 4, on the default scenario.
FLOOR_TRIALS_PER_SECOND_2_THREADS = 50000
FLOOR_RATIO_PER_THREAD = 100.0
FLOOR_SPEEDUP_1_TO_2 = 1.8
FLOOR_MEMORY_SPREAD = 0.10
# The goal of issue 15: salvosim/peer at 2 threads, default scenario.
GOAL_PEER_RATIO_2_THREADS = 3.0
# Issue 13: the default scenario's trials per second on 2 threads within 10% of the default's
# before it (default_gen1), measured in the same run.
FLOOR_GEN2_OVER_GEN1_2_THREADS = 0.9


def load_average():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine():
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def run_cpp(exe, config, trials, threads):
    """Wall-clock seconds of one `salvosim run`, its CPU seconds (all threads), and its peak
    resident memory in KiB."""
    args = [exe, "run", str(ROOT / config), "--trials", str(trials), "--threads", str(threads), "--seed", str(SEED)]
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    error = child.stderr.read().decode()
    child.stderr.close()
    if status != 0:
        sys.exit(f"{' '.join(args)} failed: {error}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss  # ru_maxrss is in KiB on Linux


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_peer(peer, trials, threads):
    """Wall-clock and CPU seconds (all threads) of one Peer.run()."""
    wall, cpu = time.perf_counter(), time.process_time()
    peer.run(trials, SEED, threads)
    return time.perf_counter() - wall, time.process_time() - cpu


def time_reference(reference, scenario, trials, seed):
    start = time.process_time()
    reference.run(scenario, trials, seed)
    return time.process_time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_exe = os.environ.get("SALVOSIM_EXE", str(ROOT / "build" / "release" / "salvosim"))
    parser.add_argument("--exe", default=default_exe, help="the salvosim program (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement; the best counts")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every trial count (e.g. 0.1 to try it)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--memory-trials", type=int, default=10_000_000, help="the large run of the memory check")
    parser.add_argument("--skip-peer", action="store_true", help="skip the Numba peer (it needs numba)")
    parser.add_argument("--only", nargs="+", metavar="LABEL", help="only these scenarios (default: all)")
    args = parser.parse_args()
    if not pathlib.Path(args.exe).is_file():
        sys.exit(f"no salvosim program at {args.exe}: build it (scripts/build.sh) or pass --exe")

    print(f"machine:  {machine()}")
    print(f"program:  {args.exe}")
    print(f"python:   {sys.version.split()[0]} ({sys.executable})")
    print(f"load average at start: {load_average()}")
    print(f"best of {args.repeats} runs each, variants interleaved\n")

    scenarios = [s for s in SCENARIOS if not args.only or s[0] in args.only]
    if not scenarios:
        sys.exit(f"--only names none of the scenarios: {', '.join(s[0] for s in SCENARIOS)}")
    reference = load_module(REFERENCE_MODEL, "salvosim_reference")
    peer_module = None if args.skip_peer else load_module(PEER, "salvosim_numba_peer")
    best_cpp = {}  # (label, threads) -> trials/s (wall clock)
    best_cpu = {}  # (label, threads) -> trials per CPU-second
    best_peer = {}  # (label, threads) -> trials/s (wall clock)
    best_peer_cpu = {}  # (label, threads) -> trials per CPU-second
    best_ref = {}  # label -> trials/s
    compile_seconds = None
    for label, config, cpp_trials, ref_trials in scenarios:
        cpp_trials = max(2, int(cpp_trials * args.scale))
        ref_trials = max(1, int(ref_trials * args.scale)) if ref_trials else None
        scenario = reference.load(str(ROOT / config)) if ref_trials else None
        peer = None
        if peer_module:
            peer = peer_module.Peer(str(ROOT / config))
            began = time.perf_counter()
            peer.run(2, SEED, 1)  # the warm-up: compiles on the first scenario, nothing after
            if compile_seconds is None:
                compile_seconds = time.perf_counter() - began
        for repeat in range(args.repeats):
            for threads in THREADS:
                key = (label, threads)
                seconds, cpu_seconds, _ = run_cpp(args.exe, config, cpp_trials, threads)
                best_cpp[key] = max(best_cpp.get(key, 0.0), cpp_trials / seconds)
                best_cpu[key] = max(best_cpu.get(key, 0.0), cpp_trials / cpu_seconds)
                if peer:
                    seconds, cpu_seconds = time_peer(peer, cpp_trials, threads)
                    best_peer[key] = max(best_peer.get(key, 0.0), cpp_trials / seconds)
                    best_peer_cpu[key] = max(best_peer_cpu.get(key, 0.0), cpp_trials / cpu_seconds)
            if scenario:
                seconds = time_reference(reference, scenario, ref_trials, 20261122 + repeat)
                best_ref[label] = max(best_ref.get(label, 0.0), ref_trials / seconds)

    header = (
        f"{'scenario':12s} {'C++ 1 thread':>14s} {'C++ 2 threads':>14s} {'1->2':>6s} "
        f"{'Python ref':>11s} {'ratio/thread (1 thr)':>21s} {'ratio/thread (2 thr)':>21s}"
    )
    print("trials per second (C++: wall clock; Python reference: CPU time);")
    print("ratio per thread: trials per CPU-second of salvosim / of the reference")
    print(header)
    for label, *_ in scenarios:
        one, two, ref = best_cpp[(label, 1)], best_cpp[(label, 2)], best_ref.get(label)
        if ref:
            print(
                f"{label:12s} {one:14.0f} {two:14.0f} {two / one:6.2f} {ref:11.1f} "
                f"{best_cpu[(label, 1)] / ref:20.0f}x {best_cpu[(label, 2)] / ref:20.0f}x"
            )
        else:
            print(f"{label:12s} {one:14.0f} {two:14.0f} {two / one:6.2f} {'n/a':>11s} {'n/a':>21s} {'n/a':>21s}")
    if best_peer:
        print(
            f"\nthe Numba peer (bench/numba_peer.py, numba {peer_module.numba.__version__}): compiled once in "
            f"{compile_seconds:.1f} s (the warm-up, not timed below)"
        )
        print("trials per second, wall clock (salvosim: the whole process; peer: Peer.run in process);")
        print("salvosim/peer: the ratio of trials per second, wall clock and (in brackets) per CPU-second")
        print(
            f"{'scenario':12s} {'salvosim 1 thr':>15s} {'peer 1 thr':>11s} {'salvosim/peer':>16s} "
            f"{'salvosim 2 thr':>15s} {'peer 2 thr':>11s} {'salvosim/peer':>16s}"
        )
        for label, *_ in scenarios:
            cells = []
            for threads in THREADS:
                key = (label, threads)
                ratio, cpu_ratio = best_cpp[key] / best_peer[key], best_cpu[key] / best_peer_cpu[key]
                cells.append(f"{best_cpp[key]:15.0f} {best_peer[key]:11.0f} {ratio:7.2f} ({cpu_ratio:5.2f})")
            print(f"{label:12s} " + " ".join(cells))
    print(f"\nload average after the timings: {load_average()}")

    memory = None
    if not args.skip_memory:
        small, large = 100_000, args.memory_trials
        _, _, small_kib = run_cpp(args.exe, SCENARIOS[0][1], small, 2)
        _, _, large_kib = run_cpp(args.exe, SCENARIOS[0][1], large, 2)
        memory = (small, small_kib, large, large_kib)
        print(
            f"\npeak resident memory, default scenario, 2 threads: {small:.0e} trials {small_kib / 1024:.1f} MiB, "
            f"{large:.0e} trials {large_kib / 1024:.1f} MiB ({(large_kib - small_kib) / small_kib:+.1%})"
        )

    if ("default", 1) not in best_cpp:
        return
    one, two, ref = best_cpp[("default", 1)], best_cpp[("default", 2)], best_ref["default"]
    cpu_one, cpu_two = best_cpu[("default", 1)], best_cpu[("default", 2)]
    checks = [
        (
            f">= {FLOOR_TRIALS_PER_SECOND_2_THREADS} trials/s on 2 threads",
            two >= FLOOR_TRIALS_PER_SECOND_2_THREADS,
            f"{two:.0f}",
        ),
        (
            f">= {FLOOR_RATIO_PER_THREAD:.0f}x the Python reference per thread (CPU time)",
            min(cpu_one, cpu_two) / ref >= FLOOR_RATIO_PER_THREAD,
            f"{cpu_one / ref:.0f}x (1 thread), {cpu_two / ref:.0f}x (2 threads)",
        ),
        (f">= {FLOOR_SPEEDUP_1_TO_2}x from 1 to 2 threads", two / one >= FLOOR_SPEEDUP_1_TO_2, f"{two / one:.2f}x"),
    ]
    if memory:
        spread = abs(memory[3] - memory[1]) / memory[1]
        checks.append(
            (
                f"peak memory within {FLOOR_MEMORY_SPREAD:.0%} from 1e5 to 1e7 trials",
                spread <= FLOOR_MEMORY_SPREAD,
                f"{spread:.1%}",
            )
        )
    print("\nissue-4 floors, default scenario:")
    for what, met, value in checks:
        print(f"  [{'met' if met else 'NOT met'}] {what}: {value}")
    if ("default_gen1", 2) in best_cpp:
        ratio = best_cpp[("default", 2)] / best_cpp[("default_gen1", 2)]
        cpu_ratio = best_cpu[("default", 2)] / best_cpu[("default_gen1", 2)]
        met = ratio >= FLOOR_GEN2_OVER_GEN1_2_THREADS
        print("issue-13 floor, default scenario against the default before it (default_gen1):")
        print(
            f"  [{'met' if met else 'NOT met'}] trials/s on 2 threads >= {FLOOR_GEN2_OVER_GEN1_2_THREADS:.0%} of "
            f"default_gen1's: {ratio:.1%} (per CPU-second {cpu_ratio:.1%})"
        )
    if best_peer:
        ratio = best_cpp[("default", 2)] / best_peer[("default", 2)]
        met = ratio >= GOAL_PEER_RATIO_2_THREADS
        print("issue-15 goal, default scenario:")
        print(
            f"  [{'met' if met else 'NOT met'}] salvosim/peer >= {GOAL_PEER_RATIO_2_THREADS} at 2 threads: {ratio:.2f}"
        )


if __name__ == "__main__":
    main()
