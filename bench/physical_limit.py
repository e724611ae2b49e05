#!/usr/bin/env python3
"""The lowest time a trial of the default scenario could take on this CPU, and how far salvosim is from it.

Issue 15, item 3. A trial must at least (docs/model.md §3):
- draw its random numbers: one 32-bit word for each draw the model needs, at this CPU's rate
  of Philox4x32-10 blocks (4 words each) from bench/rng_bench (AVX-512, batched);
- turn one word per launched threat into a normal flight time, at the faster of rng_bench's
  rate of normals and that of the peer's ziggurat (its own draw included);
- order each layer's requests by earliest start, at the rate measured here of a counting sort
  of that many keys;
- serve each request in order, one after the other (a request's start depends on the
  channels and the magazine that the one before left), at the rate measured here of the
  shortest such loop: the request through the sort's order, the earliest-free channel of a
  ring, the failure, magazine and window checks, the update;
- move its per-threat and per-request state through the cache, at the rate measured here of
  copying an L2-resident buffer.

The counts are the model's, taken from the Numba peer (bench/numba_peer.py), which draws only
what the model needs (nothing more for a threat that did not launch, no coverage or detection
draw that is certain): its 64-bit draws each stand for at least one 32-bit word. The limit is
the sum of the five times (the phases depend on one another within a trial; the largest one
alone, the floor were they perfectly overlapped, is printed too). The measured time is the CPU
time per trial of `salvosim run --threads 1` (best of --repeats), and of the peer.

The rates are measured on this machine at the time of the run; a busy machine lowers them and
raises the measured times alike, but not by the same amount, so quote a ratio only with the
load average printed beside it. This is a measurement, not a test.

Usage:
    python3 bench/physical_limit.py [--exe build/release/salvosim]
                                    [--rng-bench build/release/bench/rng_bench] [--repeats 3]
"""

import argparse
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np
from numba import njit
from sweep_overhead import cpu_seconds  # CPU seconds of a whole process

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "true_promise_1.toml"  # the default scenario
COUNT_TRIALS = 20000
TIMED_TRIALS = 200000
WORDS_PER_BLOCK = 4
# Bytes of state a threat needs across the layers (impact, failure and release times, 8 bytes
# each; launched, aim and fate, a byte each) and a request (earliest and latest start, 8 bytes
# each; threat, 4; its place in the order, 4): each written once and read once at least.
THREAT_BYTES, REQUEST_BYTES = 27, 24


def load_peer():
    spec = importlib.util.spec_from_file_location("salvosim_numba_peer", ROOT / "bench" / "numba_peer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rng_rates(rng_bench):
    """Philox blocks and normals per CPU-second, from Google Benchmark's items_per_second."""
    out = subprocess.run(
        [
            rng_bench,
            "--benchmark_filter=BM_DrawBlocksAvx512/320|BM_DrawBlocksAvx2/320|BM_Normal",
            "--benchmark_min_time=0.2s",
            "--benchmark_format=json",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rates = {b["name"]: b["items_per_second"] for b in json.loads(out)["benchmarks"] if "items_per_second" in b}
    blocks = rates.get("BM_DrawBlocksAvx512/320") or rates["BM_DrawBlocksAvx2/320"]
    return blocks, max(rates["BM_NormalBoxMuller"], rates["BM_NormalInversion"])


@njit
def serve(order, times, latest, failure, channels, engagement_time, magazine):
    """The shortest loop that serves requests in order: each taken through the sort's order,
    the channel free earliest the next of a ring, each request checked against its threat's
    failure, the magazine and its window."""
    ring = np.full(channels, -np.inf)
    channel = 0
    engaged = 0
    for k in range(order.shape[0]):
        p = order[k]
        start = max(times[p], ring[channel])
        if failure[p] < start or magazine == 0 or start > latest[p]:
            continue
        ring[channel] = start + engagement_time
        channel = channel + 1 if channel + 1 < channels else 0
        magazine -= 1
        engaged += 1
    return engaged


@njit
def serve_many(order, times, latest, failure, repeats):
    engaged = 0
    for _ in range(repeats):
        engaged += serve(order, times, latest, failure, 16, 60.0, 10**9)
    return engaged


def normals_many(peer_module):
    """The peer's normals (a SplitMix64 draw and the ziggurat) as a loop of `repeats` normals."""
    kn, wn, fn = peer_module.ziggurat_tables()
    gamma, mix64, rest, s32 = peer_module.GAMMA, peer_module.mix64, peer_module.normal_rest, peer_module.S32

    @njit
    def run(repeats):
        state = np.uint64(1)
        total = 0.0
        for _ in range(repeats):
            state += gamma
            x = mix64(state)
            iz = np.int64(x & np.uint64(127))
            hz = np.int64(np.int32(np.uint32(x >> s32)))
            if abs(hz) < kn[iz]:
                total += hz * wn[iz]
            else:
                z, state = rest(x, state, kn, wn, fn)
                total += z
        return total

    return run


def sort_many(order_requests):
    @njit
    def run(keys, order, sort_keys, sort_counts, repeats):
        m = keys.shape[0]
        low, high = keys.min(), keys.max()  # found while the requests are made, in a kernel
        for _ in range(repeats):
            order_requests(keys, m, low, high, order, sort_keys, sort_counts)
        return order[0]

    return run


def seconds_per_item(function, items):
    """CPU seconds per item of function(repeats) (which handles `items` items each repeat), best
    of five rounds of about 0.1 s."""
    function(1)  # compiled and warm
    began = time.process_time()
    function(100)
    repeats = max(100, int(100 * 0.1 / max(time.process_time() - began, 1e-6)))
    best = np.inf
    for _ in range(5):
        began = time.process_time()
        function(repeats)
        best = min(best, (time.process_time() - began) / repeats)
    return best / items


def cpu_per_trial(args, trials):
    return cpu_seconds(args) / trials


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exe", default=str(ROOT / "build" / "release" / "salvosim"))
    parser.add_argument("--rng-bench", default=str(ROOT / "build" / "release" / "bench" / "rng_bench"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for path in (args.exe, args.rng_bench):
        if not pathlib.Path(path).is_file():
            sys.exit(f"no {path}: build it (bench/README.md, 'Running them')")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # The work of one trial, as the model needs it.
    peer_module = load_peer()
    peer = peer_module.Peer(str(CONFIG))
    summary = peer.run(COUNT_TRIALS, 1, 1)
    effort = peer.effort
    launched = sum(
        peer.gi[g, 1] - peer.gi[g, 0] - summary[("fate", name, "launch_failure")][0]
        for g, name in enumerate(peer.group_names)
    )
    # The sort's rate is measured on a layer's typical batch.
    batch = max(2, int(round(effort["sorted_requests"] / len(peer.layer_names))))
    counts = {
        "random words": effort["draws"],
        "normals": launched,
        "requests ordered": effort["sorted_requests"],
        "requests served": effort["served_requests"],
        "bytes of state": 2 * (peer.threats * THREAT_BYTES + effort["candidates"] * REQUEST_BYTES),
    }

    # This CPU's rates.
    blocks_per_second, normals_per_second = rng_rates(args.rng_bench)
    rng = np.random.default_rng(1)
    times = rng.uniform(0.0, 3600.0, 4096)
    order = np.argsort(times)
    latest = times + rng.uniform(0.0, 600.0, 4096)
    failure = np.where(rng.uniform(size=4096) < 0.1, times + rng.uniform(0.0, 600.0, 4096), np.inf)
    serve_seconds = seconds_per_item(lambda repeats: serve_many(order, times, latest, failure, repeats), times.shape[0])
    ziggurat_seconds = seconds_per_item(normals_many(peer_module), 1)
    if 1.0 / ziggurat_seconds > normals_per_second:
        normals_per_second, normals_how = 1.0 / ziggurat_seconds, "ziggurat and its draw"
    else:
        normals_how = "rng_bench"
    keys = rng.uniform(0.0, 3600.0, batch)
    order, sort_keys, sort_counts = (np.empty(batch + 1, np.int64) for _ in range(3))
    sort = sort_many(peer_module.order_requests)
    sort_seconds = seconds_per_item(lambda repeats: sort(keys, order, sort_keys, sort_counts, repeats), batch)
    buffer = np.ones(1 << 15)  # 256 KiB: in L2
    target = np.empty_like(buffer)

    def copies(repeats):
        for _ in range(repeats):
            np.copyto(target, buffer)

    copy_seconds = seconds_per_item(copies, 2 * buffer.nbytes)

    parts = {
        "random words": counts["random words"] / WORDS_PER_BLOCK / blocks_per_second,
        "normals": counts["normals"] / normals_per_second,
        "requests ordered": counts["requests ordered"] * sort_seconds,
        "requests served": counts["requests served"] * serve_seconds,
        "bytes of state": counts["bytes of state"] * copy_seconds,
    }
    rates = {
        "random words": f"{blocks_per_second / 1e6:,.0f} M Philox blocks/s (rng_bench)",
        "normals": f"{normals_per_second / 1e6:,.0f} M/s ({normals_how})",
        "requests ordered": f"{sort_seconds * 1e9:.2f} ns a key (counting sort of {batch})",
        "requests served": f"{serve_seconds * 1e9:.2f} ns a request (order, ring, checks)",
        "bytes of state": f"{1 / copy_seconds / 1e9:.1f} GB/s (L2 copy, read + write)",
    }
    limit = sum(parts.values())
    floor = max(parts.values())
    print(
        f"\nper trial of {CONFIG.relative_to(ROOT)} ({peer.threats} threats, {len(peer.layer_names)} layers; "
        f"means over {COUNT_TRIALS} trials of the peer):"
    )
    print(f"{'work':18s} {'count':>10s} {'rate on this CPU':>48s} {'time':>10s}")
    for what, seconds in parts.items():
        print(f"{what:18s} {counts[what]:10.0f} {rates[what]:>48s} {seconds * 1e6:8.3f} µs")
    print(f"{'limit (sum)':18s} {'':10s} {'':>48s} {limit * 1e6:8.3f} µs")
    print(f"{'floor (largest)':18s} {'':10s} {'':>48s} {floor * 1e6:8.3f} µs")

    # The measured times, CPU per trial on one thread, best of the repeats.
    run = [args.exe, "run", str(CONFIG), "--trials", str(TIMED_TRIALS), "--threads", "1", "--seed", "1"]
    salvosim_seconds = peer_seconds = np.inf
    for _ in range(args.repeats):
        salvosim_seconds = min(salvosim_seconds, cpu_per_trial(run, TIMED_TRIALS))
        began = time.process_time()
        peer.run(TIMED_TRIALS, 1, 1)
        peer_seconds = min(peer_seconds, (time.process_time() - began) / TIMED_TRIALS)
    print(f"\nmeasured, CPU per trial on 1 thread (best of {args.repeats} runs of {TIMED_TRIALS} trials):")
    for what, seconds in (("salvosim", salvosim_seconds), ("Numba peer", peer_seconds)):
        print(
            f"  {what:10s} {seconds * 1e6:7.3f} µs: {seconds / limit:5.1f}x the limit, "
            f"{seconds / floor:5.1f}x the floor"
        )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
