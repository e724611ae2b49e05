#!/usr/bin/env python3
"""A Numba implementation of the salvosim model: the peer salvosim is timed against.

This is what a user who needs speed would write instead of salvosim: the model of
docs/model.md §3 (single salvos and campaigns) as one `@njit(parallel=True)` loop over blocks
of trials, written for speed rather than clarity (tests/reference_model/reference.py is the
clear one). It shares nothing with salvosim's kernel but the model and the scenario, which it
reads through salvosim's Python API (`salvosim.load`) into flat NumPy arrays.

How it is made fast:
- one SplitMix64 stream per trial, seeded from (seed, trial), so a trial draws the same
  numbers on any thread and the results do not depend on the thread count (the sums are of
  integers, added in any order);
- only the draws a trial needs: nothing more for a threat that did not launch, no coverage or
  detection draw where they are certain, two 32-bit Bernoulli tests from one 64-bit draw;
- flight times from a 128-layer ziggurat (one draw per normal nearly always);
- each group's threats still flying kept as a list, so that a layer never looks at the dead;
- a layer's requests ordered by a counting sort on their earliest start into about one bucket
  per request, then an insertion sort (the buckets hold one or two requests);
- the channels a ring of intercept times (requests are served in nondecreasing time and one
  layer has one engagement time, so the channel free earliest is the one used longest ago),
  and shoot-look-shoot re-requests a FIFO ring merged with the sorted first requests;
- every work array allocated once per block of trials, no Python object in the loop.

Tried and measured slower on the default scenario (2026-12-04, bench/README.md): each
threat's draws from four fixed places of its trial's stream in a branch-free loop, which LLVM
vectorizes with AVX-512 (4-8% slower), and the random outcomes of a request (coverage,
detection, kill) as selects instead of branches (another 5-6%).

The draws differ from salvosim's (Philox, another layout), so the two agree in distribution,
not trial by trial; tests/python/test_peer.py checks that they agree.

Usage:
    python3 bench/numba_peer.py CONFIG [--trials N] [--seed S] [--threads T]
"""

import argparse
import math
import time

import numba
import numpy as np
from numba import njit, prange

import salvosim

FATES = ("launch_failure", "flight_failure", "intercepted", "leaked_defended", "leaked_open")
LAYER_METRICS = ("engagements", "fired", "intercepts", "missed_window", "missed_no_channel", "missed_magazine")
# Per group in a trial's record: the five fates, engaged at least once, then intercepts by each layer.
GROUP_FIELDS = len(FATES) + 1
UNLIMITED = -1  # a magazine that never runs out
# The work of a trial, counted by Peer.run into Peer.effort (means per trial): 64-bit draws;
# (threat, layer) candidates that reached the coverage and detection tests; requests ordered;
# requests served (first requests and shoot-look-shoot re-requests, dropped ones included).
EFFORT = ("draws", "candidates", "sorted_requests", "served_requests")

# Columns of the flat parameter tables.
G_FIRST, G_END, G_SALVO, G_WAVES = range(4)  # int64 per group
G_LAUNCH_THR, G_FLIGHT_THR = range(2)  # uint32 thresholds (as int64) per group
MAX_TIERS = 64  # docs/model.md §2.7
G_START, G_DURATION, G_MEAN, G_SD = range(4)  # float64 per group
L_CHANNELS, L_MAGAZINE, L_RESUPPLY, L_CAPACITY, L_SHOTS = range(5)  # int64 per layer, then
L_SLS, L_MAX_ENG, L_ASSESS_THR, L_COVER_THR, L_TIERS = range(5, 10)  # L_TIERS: a mask of the tiers engaged
L_ENGAGEMENT_TIME, L_LOOK_TIME = range(2)
E_ENGAGES, E_DETECT_THR, E_KILL_THR = range(3)  # int64 per (layer, group); kill: a full salvo
E_OPEN, E_CLOSE, E_PK = range(3)  # float64 per (layer, group)

TWO32 = 4294967296
MASK32 = np.uint64(0xFFFFFFFF)
GAMMA = np.uint64(0x9E3779B97F4A7C15)
GAMMA_INVERSE = np.uint64(pow(0x9E3779B97F4A7C15, -1, 2**64))
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
S27, S30, S31, S32, S11 = np.uint64(27), np.uint64(30), np.uint64(31), np.uint64(32), np.uint64(11)
TO_UNIT53 = 1.0 / 9007199254740992.0  # 2^-53
TO_UNIT32 = 1.0 / 4294967296.0


def threshold(p):
    """p as a threshold t in [0, 2^32]: a 32-bit word u passes with probability t / 2^32 (u < t)."""
    return min(TWO32, int(round(p * TWO32)))


# ---------------------------------------------------------------------------------------
# Random numbers.


@njit(inline="always")
def mix64(z):
    """SplitMix64's output function (Steele, Lea and Flood 2014)."""
    z = (z ^ (z >> S30)) * MIX1
    z = (z ^ (z >> S27)) * MIX2
    return z ^ (z >> S31)


def ziggurat_tables():
    """Marsaglia and Tsang's 128-layer ziggurat for the standard normal (J. Stat. Soft. 5(8), 2000):
    kn (acceptance bounds on the 31-bit magnitude), wn (its scale), fn (the density at each edge)."""
    m1 = 2147483648.0
    dn = tn = 3.442619855899
    vn = 9.91256303526217e-3
    kn, wn, fn = np.zeros(128, np.int64), np.zeros(128), np.zeros(128)
    q = vn / math.exp(-0.5 * dn * dn)
    kn[0], kn[1] = int(dn / q * m1), 0
    wn[0], wn[127] = q / m1, dn / m1
    fn[0], fn[127] = 1.0, math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = int(dn / tn * m1)
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / m1
    return kn, wn, fn


ZIG_R = 3.442619855899


@njit(inline="always")
def unit32(x):
    """The upper 32 bits of x as a uniform in (0, 1)."""
    return ((x >> S32) + 0.5) * TO_UNIT32


@njit(error_model="numpy")
def normal_rest(x, state, kn, wn, fn):
    """A standard normal whose first draw x fell outside its layer's box (about 1.2% of draws);
    returns (value, state). The layer comes from the low 7 bits of a draw and the signed
    magnitude from its upper 32, so the two are independent (the original takes both from one
    32-bit word)."""
    while True:
        iz = np.int64(x & np.uint64(127))
        hz = np.int64(np.int32(np.uint32(x >> S32)))
        if abs(hz) < kn[iz]:
            return hz * wn[iz], state
        if iz == 0:  # the tail beyond R, by Marsaglia's exponential method
            while True:
                state += GAMMA
                a = mix64(state)
                xx = -math.log(unit32(a)) / ZIG_R
                yy = -math.log(((a & MASK32) + 0.5) * TO_UNIT32)
                if yy + yy >= xx * xx:
                    break
            return (ZIG_R + xx) if hz > 0 else -(ZIG_R + xx), state
        v = hz * wn[iz]
        state += GAMMA
        u = unit32(mix64(state))
        if fn[iz] + u * (fn[iz - 1] - fn[iz]) < math.exp(-0.5 * v * v):
            return v, state
        state += GAMMA
        x = mix64(state)


# ---------------------------------------------------------------------------------------
# One trial.


SMALL_SORT = 16  # requests that an insertion sort orders faster than the buckets


@njit(inline="always")
def order_requests(times, m, low, high, order, keys, counts):
    """order[0:m] = the places 0..m-1 in order of times[place], ties in place order: a stable
    counting sort into about m buckets over [low, high], then an insertion sort, which has
    almost nothing left to do (a few requests: the insertion sort alone)."""
    if m <= SMALL_SORT:
        for p in range(m):
            order[p] = p
    else:
        buckets = m
        scale = (buckets - 1) / (high - low) if high > low else 0.0
        counts[: buckets + 1] = 0
        for p in range(m):
            k = np.int64((times[p] - low) * scale)
            keys[p] = k
            counts[k + 1] += 1
        for b in range(buckets):
            counts[b + 1] += counts[b]
        for p in range(m):
            k = keys[p]
            order[counts[k]] = p
            counts[k] += 1
    for a in range(1, m):
        p = order[a]
        t = times[p]
        b = a
        while b > 0 and times[order[b - 1]] > t:
            order[b] = order[b - 1]
            b -= 1
        order[b] = p


@njit(error_model="numpy")
def simulate_trials(seed_key, first, end, scene, work, record, sums, squares, effort):
    """Trials [first, end) of the campaign (a plain scenario is a campaign of one salvo), each
    into `record`, added to `sums` and `squares`. `scene` holds the tables of Peer, `work` the
    work arrays of a block of trials. `effort` adds up the work done (EFFORT), for
    bench/physical_limit.py."""
    gi, gthr, gf, wave_time, salvo_groups, li, lf, ei, ef, gtier, tier_defended, kn, wn, fn = scene
    w_launch, w_impact, w_failure, w_release, w_launched, w_alive, w_defended, w_engaged, w_killer, w_tier = work[0]
    n_tiers = tier_defended.shape[0]
    r_time, r_latest, r_threat, r_group, r_count, r_order, r_keys, r_counts = work[1]
    ring, fifo_time, fifo_place, magazine = work[2]
    # Each group's threats still flying, in index order: alive_list[first:alive_end[g]]. A layer
    # looks only at these, and removes those it killed or saw fall.
    alive_list, alive_end = work[3]
    n_groups = gi.shape[0]
    n_layers = li.shape[0]
    n_salvos = salvo_groups.shape[0] - 1
    layer_base = n_groups * (GROUP_FIELDS + n_layers)
    for trial in range(first, end):
        state = trial_state(seed_key, trial)
        first_state = state
        candidates = sorted_requests = served = 0
        record[:] = 0
        inf = np.inf

        # §3.1: each threat's own draws; none beyond the first for a threat that does not launch.
        for g in range(n_groups):
            launch_thr, flight_thr = gthr[g, G_LAUNCH_THR], gthr[g, G_FLIGHT_THR]
            start, duration, mean, sd = gf[g, G_START], gf[g, G_DURATION], gf[g, G_MEAN], gf[g, G_SD]
            waves = gi[g, G_WAVES] != 0
            alive_n = gi[g, G_FIRST]
            for i in range(gi[g, G_FIRST], gi[g, G_END]):
                state += GAMMA
                x = mix64(state)
                w_killer[i] = -1
                w_engaged[i] = 0
                up = np.int64(x >> S32) < launch_thr
                w_launched[i] = up
                w_alive[i] = up
                if not up:
                    continue
                alive_list[alive_n] = i
                alive_n += 1
                # The tier: inverse CDF of the group's cumulative shares (tier 0, the defended one,
                # when the scenario declares none: the same test as u < defended_fraction).
                u = np.int64(x & MASK32)
                t = 0
                while t < n_tiers - 1 and u >= gtier[g, t]:
                    t += 1
                w_tier[i] = t
                w_defended[i] = tier_defended[t]
                if waves:
                    launch = wave_time[i]
                else:
                    state += GAMMA
                    launch = start + np.float64(mix64(state) >> S11) * TO_UNIT53 * duration
                flight = mean
                if sd > 0.0:
                    while True:  # a standard normal by the ziggurat, its first box inline
                        state += GAMMA
                        x = mix64(state)
                        iz = np.int64(x & np.uint64(127))
                        hz = np.int64(np.int32(np.uint32(x >> S32)))
                        if abs(hz) < kn[iz]:
                            z = hz * wn[iz]
                        else:
                            z, state = normal_rest(x, state, kn, wn, fn)
                        flight = mean + sd * z
                        if flight > 0.0:
                            break
                impact = launch + flight
                failure = inf
                if flight_thr < TWO32:
                    state += GAMMA
                    y = mix64(state)
                    if np.int64(y >> S32) >= flight_thr:
                        failure = launch + ((y & MASK32) + 0.5) * TO_UNIT32 * flight
                w_launch[i] = launch
                w_impact[i] = impact
                w_failure[i] = failure
                w_release[i] = launch
            alive_end[g] = alive_n

        for ly in range(n_layers):
            magazine[ly] = li[ly, L_MAGAZINE]

        for s in range(n_salvos):
            for ly in range(n_layers):
                if s > 0 and magazine[ly] != UNLIMITED:
                    magazine[ly] = min(li[ly, L_CAPACITY], magazine[ly] + li[ly, L_RESUPPLY])
            for ly in range(n_layers):
                cover_thr = li[ly, L_COVER_THR]
                tiers_engaged = li[ly, L_TIERS]
                engagement_time = lf[ly, L_ENGAGEMENT_TIME]

                # §3.3: who requests an engagement, in threat order.
                m = 0
                low, high = inf, -inf
                for g in range(salvo_groups[s], salvo_groups[s + 1]):
                    if ei[ly, g, E_ENGAGES] == 0:
                        continue
                    detect_thr = ei[ly, g, E_DETECT_THR]
                    draw = cover_thr < TWO32 or detect_thr < TWO32
                    open_, close = ef[ly, g, E_OPEN], ef[ly, g, E_CLOSE]
                    for a in range(gi[g, G_FIRST], alive_end[g]):
                        i = alive_list[a]
                        if (tiers_engaged >> np.int64(w_tier[i])) & 1 == 0:
                            continue
                        candidates += 1
                        if draw:
                            state += GAMMA
                            x = mix64(state)
                            if np.int64(x >> S32) >= cover_thr or np.int64(x & MASK32) >= detect_thr:
                                continue
                        earliest = max(w_release[i], w_impact[i] - open_)
                        # Failed before the earliest start: dropped when served, whatever the channels.
                        if w_failure[i] < earliest:
                            continue
                        r_time[m] = earliest
                        r_latest[m] = w_impact[i] - close - engagement_time
                        r_threat[m] = i
                        r_group[m] = g
                        r_count[m] = 0
                        low = min(low, earliest)
                        high = max(high, earliest)
                        m += 1
                if m == 0:
                    continue
                sorted_requests += m
                order_requests(r_time, m, low, high, r_order, r_keys, r_counts)

                # §3.4-3.6: serve them in order of earliest start, re-requests merged in.
                channels = min(li[ly, L_CHANNELS], m)
                ring[:channels] = -inf
                channel = 0
                mag = magazine[ly]
                shots = li[ly, L_SHOTS]
                sls = li[ly, L_SLS] != 0
                max_engagements, assess_thr = li[ly, L_MAX_ENG], li[ly, L_ASSESS_THR]
                look_time = lf[ly, L_LOOK_TIME]
                engagements = fired = intercepts = missed_window = missed_no_channel = missed_magazine = 0
                next_first = 0
                head = tail = 0  # the re-request FIFO: a ring of m + 1 slots, as each request has at most one pending
                cap = m + 1
                while True:
                    if next_first < m:
                        p = r_order[next_first]
                        t = r_time[p]
                        if head != tail:
                            q = fifo_place[head]
                            tq = fifo_time[head]
                            if tq < t or (tq == t and r_threat[q] < r_threat[p]):
                                p, t = q, tq
                                head = head + 1 if head + 1 < cap else 0
                            else:
                                next_first += 1
                        else:
                            next_first += 1
                    elif head != tail:
                        p, t = fifo_place[head], fifo_time[head]
                        head = head + 1 if head + 1 < cap else 0
                    else:
                        break
                    served += 1
                    i = r_threat[p]
                    start = max(t, ring[channel])
                    if w_failure[i] < start:
                        continue
                    if mag == 0:
                        missed_magazine += 1
                        continue
                    latest = r_latest[p]
                    if t > latest:
                        missed_window += 1
                        continue
                    if start > latest:
                        missed_no_channel += 1
                        continue
                    intercept = start + engagement_time
                    ring[channel] = intercept
                    channel = channel + 1 if channel + 1 < channels else 0
                    n = shots if mag == UNLIMITED else min(shots, mag)
                    if mag != UNLIMITED:
                        mag -= n
                    engagements += 1
                    fired += n
                    w_engaged[i] = 1
                    if w_failure[i] < intercept:  # fell on its own first: interceptors spent
                        w_alive[i] = 0
                        continue
                    g = r_group[p]
                    kill_thr = ei[ly, g, E_KILL_THR]
                    if n != shots:  # a partial salvo from the magazine's last interceptors
                        kill_thr = min(TWO32, np.int64(round((1.0 - (1.0 - ef[ly, g, E_PK]) ** n) * TWO32)))
                    state += GAMMA
                    x = mix64(state)
                    if np.int64(x >> S32) < kill_thr:
                        w_alive[i] = 0
                        w_killer[i] = ly
                        intercepts += 1
                        continue
                    release = intercept + look_time
                    w_release[i] = release
                    if sls:
                        r_count[p] += 1
                        if r_count[p] < max_engagements and np.int64(x & MASK32) < assess_thr:
                            # Appended in time order; a tie goes behind the lower threat index.
                            slot = tail
                            tail = tail + 1 if tail + 1 < cap else 0
                            while slot != head:
                                before = slot - 1 if slot > 0 else cap - 1
                                if fifo_time[before] == release and r_threat[fifo_place[before]] > i:
                                    fifo_time[slot], fifo_place[slot] = fifo_time[before], fifo_place[before]
                                    slot = before
                                else:
                                    break
                            fifo_time[slot], fifo_place[slot] = release, p
                magazine[ly] = mag
                for g in range(salvo_groups[s], salvo_groups[s + 1]):
                    if ei[ly, g, E_ENGAGES] != 0:
                        kept = gi[g, G_FIRST]
                        for a in range(gi[g, G_FIRST], alive_end[g]):
                            i = alive_list[a]
                            alive_list[kept] = i
                            kept += w_alive[i]
                        alive_end[g] = kept
                counts = (engagements, fired, intercepts, missed_window, missed_no_channel, missed_magazine)
                for k in range(6):
                    record[layer_base + ly * 6 + k] += counts[k]
                    if n_salvos > 1:
                        record[layer_base + n_layers * 6 + (s * n_layers + ly) * 6 + k] = counts[k]

        # §3.7: fates, counted without branches.
        for g in range(n_groups):
            base = g * (GROUP_FIELDS + n_layers)
            launch_failures = intercepted = flight_failures = leaked_defended = engaged = 0
            for i in range(gi[g, G_FIRST], gi[g, G_END]):
                up = np.int64(w_launched[i])
                killed = np.int64(w_killer[i] >= 0)
                failed = np.int64(w_failure[i] != inf) & up  # w_failure is stale for threats not launched
                launch_failures += 1 - up
                intercepted += killed
                flight_failures += (1 - killed) & failed
                leaked_defended += up & (1 - killed) & (1 - failed) & np.int64(w_defended[i])
                engaged += w_engaged[i]
                if killed:
                    record[base + GROUP_FIELDS + w_killer[i]] += 1
            count = gi[g, G_END] - gi[g, G_FIRST]
            record[base + 0] = launch_failures
            record[base + 1] = flight_failures
            record[base + 2] = intercepted
            record[base + 3] = leaked_defended
            record[base + 4] = count - launch_failures - flight_failures - intercepted - leaked_defended
            record[base + 5] = engaged
        for k in range(record.shape[0]):
            v = record[k]
            sums[k] += v
            squares[k] += v * v
        effort[0] += np.int64((state - first_state) * GAMMA_INVERSE)  # the stream moves GAMMA a draw
        effort[1] += candidates
        effort[2] += sorted_requests
        effort[3] += served


# ---------------------------------------------------------------------------------------
# Many trials.


@njit
def trial_state(seed_key, trial):
    """The start of trial `trial`'s stream: a function of the seed and the trial alone."""
    return mix64(seed_key + np.uint64(trial) * GAMMA)


@njit(parallel=True, error_model="numpy")
def run_blocks(seed_key, first_trial, trials, n_blocks, scene, record_size, ring_size, sums, squares, effort):
    """Trials [first_trial, first_trial + trials) in n_blocks blocks, one block per task; block b
    adds its trials' records and their squares into sums[b] and squares[b] (exact integers), and
    their work into effort[b]."""
    n = scene[3].shape[0]  # wave_time: one per threat
    n_layers = scene[5].shape[0]
    for b in prange(n_blocks):
        first = first_trial + trials * b // n_blocks
        end = first_trial + trials * (b + 1) // n_blocks
        threats = (
            np.empty(n),  # launch time
            np.empty(n),  # impact time
            np.empty(n),  # failure time (infinity: does not fail)
            np.empty(n),  # release time
            np.empty(n, np.uint8),  # launched
            np.empty(n, np.uint8),  # alive: launched, not killed, not lost during an engagement
            np.empty(n, np.uint8),  # aimed at a defended area
            np.empty(n, np.uint8),  # engaged at least once
            np.empty(n, np.int64),  # the layer that killed it, or -1
            np.empty(n, np.uint8),  # the tier it is aimed at
        )
        requests = (
            np.empty(n),  # earliest start
            np.empty(n),  # latest start
            np.empty(n, np.int64),  # threat
            np.empty(n, np.int64),  # group
            np.empty(n, np.int64),  # engagements so far
            np.empty(n, np.int64),  # order
            np.empty(n, np.int64),  # sort keys
            np.empty(n + 1, np.int64),  # bucket counts
        )
        channels = (np.empty(ring_size), np.empty(n + 1), np.empty(n + 1, np.int64), np.empty(n_layers, np.int64))
        lists = (np.empty(n, np.int64), np.empty(scene[0].shape[0], np.int64))
        work = (threats, requests, channels, lists)
        record = np.empty(record_size, np.int64)
        block_sums = np.zeros(record_size, np.int64)
        block_squares = np.zeros(record_size, np.int64)
        block_effort = np.zeros(len(EFFORT), np.int64)
        simulate_trials(seed_key, first, end, scene, work, record, block_sums, block_squares, block_effort)
        sums[b, :] = block_sums
        squares[b, :] = block_squares
        effort[b, :] = block_effort


def tier_mask(layer, tiers):
    """Bit t for each tier the layer engages: its `tiers`, or by point defence the defended ones."""
    if layer.tiers is not None:
        return sum(1 << t for t, (name, _) in enumerate(tiers) if name in layer.tiers)
    return sum(1 << t for t, (_, defended) in enumerate(tiers) if defended or not layer.point_defense)


def refuse_what_it_does_not_model(scenario):
    """The peer is the first-generation model plus target tiers: a layer's stock-aware doctrine,
    a resupply schedule or a shared magazine (docs/model.md §2.3.1-2.3.2) is refused by name,
    never run as something else."""
    problems = []
    for layer in scenario.layers:
        unmodelled = [
            key
            for key, used in (
                ("rationing rules", len(layer.rations) > 0),
                ("a reserve", layer.reserve != 0 or layer.reserve_per_salvo != 0),
                ("a resupply schedule", len(layer.resupply_schedule) > 0),
                ("a shared magazine", layer.magazine != ""),
            )
            if used
        ]
        if unmodelled:
            problems.append(f"{', '.join(unmodelled)} (layer {layer.name!r})")
    if problems:
        raise ValueError("the peer does not model " + "; ".join(problems))


class Peer:
    """A scenario (salvosim.Scenario) as the flat tables the compiled loop reads."""

    def __init__(self, scenario):
        if not isinstance(scenario, salvosim.Scenario):
            scenario = salvosim.load(scenario)
        refuse_what_it_does_not_model(scenario)
        salvos = list(scenario.salvos)
        if salvos:
            parts = [(salvo.name, salvo.start, list(salvo.threats)) for salvo in salvos]
        else:
            parts = [("", 0.0, list(scenario.threats))]
        groups = [(s, start, group) for s, (_, start, members) in enumerate(parts) for group in members]
        layers = list(scenario.layers)
        self.salvo_names = [name for name, _, _ in parts]
        self.group_names = [group.name for _, _, group in groups]
        self.layer_names = [layer.name for layer in layers]
        n_groups, n_layers = len(groups), len(layers)

        self.gi = np.zeros((n_groups, 4), np.int64)
        self.gthr = np.zeros((n_groups, 2), np.int64)
        # Tiers (docs/model.md §2.7): declared, or the implicit defended and open ones.
        tiers = [(t.name, t.defended) for t in scenario.tiers] or [("defended", True), ("open", False)]
        self.tier_defended = np.array([defended for _, defended in tiers], np.uint8)
        self.gtier = np.zeros((n_groups, len(tiers)), np.int64)
        self.gf = np.zeros((n_groups, 4))
        wave_times = []
        salvo_groups = [0] * (len(parts) + 1)
        first = 0
        for g, (s, start, group) in enumerate(groups):
            salvo_groups[s + 1] = g + 1
            self.gi[g] = (first, first + group.count, s, group.launch.kind == "waves")
            self.gthr[g] = (threshold(group.p_launch), threshold(group.p_flight))
            shares = (
                [group.targets.get(name, 0.0) for name, _ in tiers]
                if len(scenario.tiers)
                else [group.defended_fraction, 1.0 - group.defended_fraction]
            )
            self.gtier[g] = [threshold(c) for c in np.cumsum(shares)]
            flight = group.flight_time
            self.gf[g] = (start + group.launch.start, group.launch.duration, flight.mean, flight.sd)
            if group.launch.kind == "waves":
                for wave_time, count in group.launch.waves:
                    wave_times += [start + wave_time] * count
            else:
                wave_times += [0.0] * group.count
            first += group.count
        self.wave_time = np.array(wave_times, np.float64)
        self.salvo_groups = np.array(salvo_groups, np.int64)

        self.li = np.zeros((n_layers, 10), np.int64)
        self.lf = np.zeros((n_layers, 2))
        self.ei = np.zeros((n_layers, n_groups, 3), np.int64)
        self.ef = np.zeros((n_layers, n_groups, 3))
        for ly, layer in enumerate(layers):
            unlimited = layer.interceptors == "unlimited"
            magazine = UNLIMITED if unlimited else layer.interceptors
            capacity = UNLIMITED if unlimited else (layer.capacity if layer.capacity is not None else magazine)
            sls = layer.doctrine == "shoot-look-shoot"
            max_engagements = 2**62 if layer.max_engagements == "unlimited" else layer.max_engagements
            self.li[ly] = (
                layer.fire_units * layer.channels,
                magazine,
                layer.resupply,
                capacity,
                layer.shots,
                sls,
                max_engagements if sls else 1,
                threshold(layer.kill_assessment),
                threshold(layer.coverage),
                tier_mask(layer, tiers),
            )
            self.lf[ly] = (layer.engagement_time, layer.look_time if sls else 0.0)
            entries = {entry.target: entry for entry in layer.engages}
            for g, (_, _, group) in enumerate(groups):
                # docs/model.md §2.3: the entry for the group's name wins over its class's.
                entry = entries.get(group.name) or entries.get(group.threat_class or "\0no class")
                if entry is None:
                    continue
                full_salvo = 1.0 - (1.0 - entry.pk) ** layer.shots
                self.ei[ly, g] = (1, threshold(entry.detect), threshold(full_salvo))
                self.ef[ly, g] = (entry.window.open, entry.window.close, entry.pk)
        self.threats = first
        self.ring_size = max(1, min(first, int(self.li[:, L_CHANNELS].max(initial=1))))
        n_salvos = len(parts)
        self.record_size = n_groups * (GROUP_FIELDS + n_layers) + n_layers * 6 * (1 + (n_salvos if n_salvos > 1 else 0))
        self.kn, self.wn, self.fn = ziggurat_tables()

    def labels(self):
        """What each place of a trial's record counts, as tuples."""
        out = []
        for group in self.group_names:
            out += [("fate", group, fate) for fate in FATES] + [("engaged", group)]
            out += [("intercepts", group, layer) for layer in self.layer_names]
        out += [("layer", layer, metric) for layer in self.layer_names for metric in LAYER_METRICS]
        if len(self.salvo_names) > 1:
            out += [
                ("salvo_layer", salvo, layer, metric)
                for salvo in self.salvo_names
                for layer in self.layer_names
                for metric in LAYER_METRICS
            ]
        return out

    def run(self, trials, seed, threads=None, first_trial=0):
        """Means and standard errors over trials: {label: (mean, se)} (labels of labels()); the
        work per trial (EFFORT) is left in self.effort."""
        if trials < 2:
            raise ValueError(f"trials must be at least 2, got {trials}")
        if threads is not None:
            numba.set_num_threads(threads)
        threads = numba.get_num_threads()
        n_blocks = min(trials, 8 * threads)
        sums = np.zeros((n_blocks, self.record_size), np.int64)
        squares = np.zeros((n_blocks, self.record_size), np.int64)
        seed_key = mix64_py(seed)
        scene = (
            self.gi,
            self.gthr,
            self.gf,
            self.wave_time,
            self.salvo_groups,
            self.li,
            self.lf,
            self.ei,
            self.ef,
            self.gtier,
            self.tier_defended,
        )
        scene += (self.kn, self.wn, self.fn)
        effort = np.zeros((n_blocks, len(EFFORT)), np.int64)
        run_blocks(
            np.uint64(seed_key),
            first_trial,
            trials,
            n_blocks,
            scene,
            self.record_size,
            self.ring_size,
            sums,
            squares,
            effort,
        )
        self.effort = dict(zip(EFFORT, effort.sum(axis=0) / trials))
        total = sums.sum(axis=0).astype(np.float64)
        total_squares = squares.sum(axis=0).astype(np.float64)
        mean = total / trials
        variance = np.maximum(total_squares - trials * mean * mean, 0.0) / (trials - 1)
        se = np.sqrt(variance / trials)
        return {label: (mean[k], se[k]) for k, label in enumerate(self.labels())}


def mix64_py(value):
    """mix64 of a Python integer, for the seed."""
    z = value & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", help="scenario TOML file")
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None, help="default: every core")
    args = parser.parse_args(argv)
    peer = Peer(args.config)
    began = time.perf_counter()
    peer.run(2, args.seed, args.threads)  # compiles
    compiled = time.perf_counter()
    summary = peer.run(args.trials, args.seed, args.threads)
    done = time.perf_counter()
    for label, (mean, se) in summary.items():
        print(f"{'.'.join(label):60s} {mean:12.4f} ± {se:.4f}")
    print(
        f"\ncompile {compiled - began:.2f} s; {args.trials / (done - compiled):,.0f} trials/s "
        f"on {numba.get_num_threads()} threads"
    )


if __name__ == "__main__":
    main()
