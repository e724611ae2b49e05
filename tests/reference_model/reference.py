#!/usr/bin/env python3
"""Pure-Python reference implementation of the salvosim engagement model.

This file implements MODEL.md sections 1-3 (one salvo, no campaigns) as plainly
as possible. It has two jobs:

1. It is the speed baseline that the C++ kernel is measured against.
2. It is an independent statistical cross-check: the C++ kernel and this
   reference must agree within a few standard errors on every scenario.

Because independence is the point, it uses Python's own ``random.Random(seed)``
and never the C++ generator. Only the standard library is used.

Usage:
    python3 tests/reference_model/reference.py CONFIG --trials N --seed S [--json]

Importable API (used by tests/python and bench/run_benchmarks.py):
    load(path) -> scenario dict
    simulate_trial(scenario, rng) -> dict of per-trial counts
    run(scenario, trials, seed) -> summary dict (means and standard errors)
"""

import argparse
import heapq
import json
import math
import random
import time
import tomllib

FATES = ("launch_failure", "flight_failure", "intercepted", "leaked_defended", "leaked_open")
LAYER_METRICS = ("engagements", "fired", "intercepts", "missed_window", "missed_no_channel", "missed_magazine", "cost")
RATES = ("launched", "engaged", "threatening")

UNLIMITED = math.inf  # magazine size / max_engagements when "unlimited"


# ---------------------------------------------------------------------------
# Loading a scenario
# ---------------------------------------------------------------------------


class ConfigError(ValueError):
    """A scenario file lacks something this reference needs."""


def _required(table, key, where):
    """Return table[key], or fail naming the missing key path.

    Full validation is the C++ loader's job; here we only make sure a missing
    required key fails loudly instead of turning into a silent default.
    """
    if key not in table:
        raise ConfigError(f"missing required key '{where}.{key}'")
    return table[key]


def _count_or_unlimited(value, where):
    """Turn an integer or the string "unlimited" into a number (inf for unlimited)."""
    if value == "unlimited":
        return UNLIMITED
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"'{where}' must be an integer or \"unlimited\"")
    return value


def _load_threat_group(table, index):
    where = f"threat[{index}]"
    name = _required(table, "name", where)
    where = f"threat.{name}"

    launch = _required(table, "launch", where)
    if "waves" in launch:
        # Each wave is [time, count]; threats are assigned to waves in index order.
        waves = [(float(t), int(n)) for t, n in launch["waves"]]
        launch_spec = {"kind": "waves", "waves": waves}
    else:
        launch_spec = {
            "kind": "uniform",
            "start": float(_required(launch, "start", where + ".launch")),
            "duration": float(_required(launch, "duration", where + ".launch")),
        }

    flight = _required(table, "flight_time", where)
    return {
        "name": name,
        "class": table.get("class"),
        "count": int(_required(table, "count", where)),
        "launch": launch_spec,
        "flight_mean": float(_required(flight, "mean", where + ".flight_time")),
        "flight_sd": float(flight.get("sd", 0.0)),
        "p_launch": float(table.get("p_launch", 1.0)),
        "p_flight": float(table.get("p_flight", 1.0)),
        "defended_fraction": float(table.get("defended_fraction", 1.0)),
        "cost": float(table.get("cost", 0.0)),
    }


def _load_engagement(table, where):
    window = _required(table, "window", where)
    return {
        "pk": float(_required(table, "pk", where)),
        "detect": float(table.get("detect", 1.0)),
        "open": float(_required(window, "open", where + ".window")),
        "close": float(_required(window, "close", where + ".window")),
    }


def _load_layer(table, index):
    where = f"layer[{index}]"
    name = _required(table, "name", where)
    where = f"layer.{name}"
    engages = {
        target: _load_engagement(spec, f"{where}.engages.{target}") for target, spec in table.get("engages", {}).items()
    }
    return {
        "name": name,
        "fire_units": int(_required(table, "fire_units", where)),
        "channels": int(_required(table, "channels", where)),
        "engagement_time": float(_required(table, "engagement_time", where)),
        "interceptors": _count_or_unlimited(_required(table, "interceptors", where), where + ".interceptors"),
        "shots": int(table.get("shots", 1)),
        "doctrine": table.get("doctrine", "salvo"),
        "look_time": float(table.get("look_time", 0.0)),
        "max_engagements": _count_or_unlimited(table.get("max_engagements", "unlimited"), where + ".max_engagements"),
        "kill_assessment": float(table.get("kill_assessment", 1.0)),
        "point_defense": bool(table.get("point_defense", False)),
        "coverage": float(table.get("coverage", 1.0)),
        "cost": float(table.get("cost", 0.0)),
        "engages": engages,
    }


def load(path):
    """Read a scenario TOML file (MODEL.md section 6) into a plain dict, defaults applied."""
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    if "salvo" in doc:
        raise ConfigError(f"{path}: campaigns ([[salvo]]) are not supported by the reference")
    scenario_table = doc.get("scenario", {})
    return {
        "name": scenario_table.get("name", str(path)),
        "groups": [_load_threat_group(t, i) for i, t in enumerate(doc.get("threat", []))],
        "layers": [_load_layer(table, i) for i, table in enumerate(doc.get("layer", []))],
    }


# ---------------------------------------------------------------------------
# One trial
# ---------------------------------------------------------------------------


def _bernoulli(rng, p):
    return rng.random() < p


def _flight_time(rng, mean, sd):
    """Normal(mean, sd) truncated to > 0 by rejection; sd = 0 gives exactly mean."""
    if sd == 0.0:
        return mean
    while True:
        f = rng.gauss(mean, sd)
        if f > 0.0:
            return f


def _wave_launch_times(waves):
    """Launch time of each threat of a wave-launched group, in index order."""
    times = []
    for wave_time, wave_count in waves:
        times.extend([wave_time] * wave_count)
    return times


def _draw_threats(scenario, rng):
    """Step 1 of a trial: expand the groups into threats and draw their fixed properties.

    Threats of a group are consecutive, groups in file order. Everything is drawn
    even for threats that do not launch, which keeps the code simple.
    """
    threats = []
    for group_index, group in enumerate(scenario["groups"]):
        launch = group["launch"]
        wave_times = _wave_launch_times(launch["waves"]) if launch["kind"] == "waves" else None
        for k in range(group["count"]):
            launched = _bernoulli(rng, group["p_launch"])
            if wave_times is not None:
                launch_time = wave_times[k]
            else:
                launch_time = rng.uniform(launch["start"], launch["start"] + launch["duration"])
            impact = launch_time + _flight_time(rng, group["flight_mean"], group["flight_sd"])
            fails = _bernoulli(rng, 1.0 - group["p_flight"])
            failure_time = rng.uniform(launch_time, impact)  # only meaningful if fails
            aimed_defended = _bernoulli(rng, group["defended_fraction"])
            threats.append(
                {
                    "group": group_index,
                    "launched": launched,
                    "launch": launch_time,
                    "impact": impact,
                    "fails": fails,
                    "failure_time": failure_time,
                    "aimed_defended": aimed_defended,
                    # Mutable state, updated as layers act:
                    "release": launch_time,  # when the threat reaches the next layer
                    "gone": False,  # killed, or removed by a flight failure
                    "killed_by": None,  # layer index that intercepted it
                    "engaged": False,  # engaged at least once, by any layer
                }
            )
    return threats


def _engagement_spec(layer, group):
    """The layer's `engages` entry for this group: the group name wins over its class."""
    engages = layer["engages"]
    if group["name"] in engages:
        return engages[group["name"]]
    if group["class"] is not None and group["class"] in engages:
        return engages[group["class"]]
    return None


def _failed_before(threat, t):
    """True if the threat fails in flight strictly before time t."""
    return threat["fails"] and threat["failure_time"] < t


def _run_layer(layer_index, layer, scenario, threats, rng, stats):
    """Steps 3-5 of a trial for one layer: requests, channels, magazine, shots."""
    groups = scenario["groups"]
    engagement_time = layer["engagement_time"]
    shoot_look_shoot = layer["doctrine"] == "shoot-look-shoot"

    # Eligibility, and the first request of every eligible threat.
    # Queue entries are (earliest start e, threat index): ties in e go to the lower index.
    queue = []
    spec_of = {}  # threat index -> engages entry, for eligible threats
    for i, threat in enumerate(threats):
        if not threat["launched"] or threat["gone"]:
            continue
        spec = _engagement_spec(layer, groups[threat["group"]])
        if spec is None:
            continue
        # Coverage and detection are drawn once per threat and layer.
        covered = _bernoulli(rng, layer["coverage"])
        detected = _bernoulli(rng, spec["detect"])
        if not (covered and detected):
            continue
        if layer["point_defense"] and not threat["aimed_defended"]:
            continue
        spec_of[i] = spec
        earliest = max(threat["release"], threat["impact"] - spec["open"])
        heapq.heappush(queue, (earliest, i))

    # Free-at times of the C identical channels, kept as a min-heap so that
    # channel_free[0] is the channel that became free earliest (the one a request takes).
    channel_free = [-math.inf] * (layer["fire_units"] * layer["channels"])
    heapq.heapify(channel_free)
    magazine = layer["interceptors"]
    engagements_of = {}  # threat index -> engagements by this layer so far

    while queue:
        earliest, i = heapq.heappop(queue)
        threat = threats[i]
        spec = spec_of[i]
        window_close = threat["impact"] - spec["close"]
        start = max(earliest, channel_free[0])

        # Checks in a fixed order; a missed request never holds a channel and is
        # final for this layer (the threat passes on with its current release time).
        if _failed_before(threat, start):
            # It fell out of the sky first: not a missed request. Each layer judges this at
            # its own start, so an inner layer whose window opens earlier may still engage it.
            continue
        if magazine <= 0:
            stats["missed_magazine"] += 1
            continue
        if earliest + engagement_time > window_close:
            stats["missed_window"] += 1  # too late even with a free channel
            continue
        if start + engagement_time > window_close:
            stats["missed_no_channel"] += 1
            continue

        # Engage.
        intercept_time = start + engagement_time
        heapq.heapreplace(channel_free, intercept_time)  # that channel is busy until then
        n = min(layer["shots"], magazine)
        magazine -= n
        stats["fired"] += n
        stats["engagements"] += 1
        engagements_of[i] = engagements_of.get(i, 0) + 1
        threat["engaged"] = True
        killed = _bernoulli(rng, 1.0 - (1.0 - spec["pk"]) ** n)

        if _failed_before(threat, intercept_time):
            threat["gone"] = True  # a flight failure, interceptors still spent
            continue
        if killed:
            threat["gone"] = True
            threat["killed_by"] = layer_index
            stats["intercepts"] += 1
            continue

        # It survived this engagement.
        if not shoot_look_shoot:
            threat["release"] = intercept_time  # salvo: one engagement per layer
            continue
        threat["release"] = intercept_time + layer["look_time"]
        if engagements_of[i] < layer["max_engagements"] and _bernoulli(rng, layer["kill_assessment"]):
            # Correctly seen as surviving: look, then ask for another engagement.
            heapq.heappush(queue, (intercept_time + layer["look_time"], i))


def _fate(threat):
    """Step 7: exactly one fate per threat."""
    if not threat["launched"]:
        return "launch_failure"
    if threat["killed_by"] is not None:
        return "intercepted"
    if threat["fails"]:
        return "flight_failure"
    return "leaked_defended" if threat["aimed_defended"] else "leaked_open"


def _ratio(numerator, denominator):
    """A per-trial rate, or None when the denominator is 0 (left out of the mean)."""
    return numerator / denominator if denominator > 0 else None


def _rates(intercepted, launched, engaged, leaked_defended):
    return {
        "launched": _ratio(intercepted, launched),
        "engaged": _ratio(intercepted, engaged),
        "threatening": _ratio(intercepted, intercepted + leaked_defended),
    }


def simulate_trial(scenario, rng):
    """Simulate one salvo with the given random.Random; return its counts.

    Result:
      groups[G]       : the five fate counts, "engaged", and "intercepts_by_layer"[L]
      layers[L]       : engagements, fired, intercepts, missed_* and cost
      rates           : overall rate_launched / rate_engaged / rate_threatening (None if 0/0)
      group_rates[G]  : the same per group
    """
    groups = scenario["groups"]
    layers = scenario["layers"]
    threats = _draw_threats(scenario, rng)

    layer_stats = []
    for layer_index, layer in enumerate(layers):
        stats = {m: 0 for m in LAYER_METRICS if m != "cost"}
        _run_layer(layer_index, layer, scenario, threats, rng, stats)
        stats["cost"] = stats["fired"] * layer["cost"]
        layer_stats.append(stats)

    group_counts = []
    for _ in groups:
        counts = dict.fromkeys(FATES, 0)
        counts["engaged"] = 0
        counts["intercepts_by_layer"] = {layer["name"]: 0 for layer in layers}
        group_counts.append(counts)
    for threat in threats:
        counts = group_counts[threat["group"]]
        fate = _fate(threat)
        counts[fate] += 1
        if threat["engaged"]:
            counts["engaged"] += 1
        if fate == "intercepted":
            counts["intercepts_by_layer"][layers[threat["killed_by"]]["name"]] += 1

    def rates_of(count_list):
        total = {key: sum(c[key] for c in count_list) for key in FATES + ("engaged",)}
        launched = sum(total[f] for f in FATES) - total["launch_failure"]
        return _rates(total["intercepted"], launched, total["engaged"], total["leaked_defended"])

    return {
        "groups": {g["name"]: c for g, c in zip(groups, group_counts)},
        "layers": {layer["name"]: s for layer, s in zip(layers, layer_stats)},
        "rates": rates_of(group_counts),
        "group_rates": {g["name"]: rates_of([c]) for g, c in zip(groups, group_counts)},
    }


# ---------------------------------------------------------------------------
# Many trials: means and standard errors
# ---------------------------------------------------------------------------


class Accumulator:
    """Running mean and variance (Welford), so trials need not be stored."""

    def __init__(self):
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, x):
        if x is None:  # a rate whose denominator was 0 in this trial
            return
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    def summary(self):
        """Mean and standard error of the mean (sample sd / sqrt(n)).

        With no samples both are None; with one sample the SE is 0.
        """
        if self.n == 0:
            return {"mean": None, "se": None}
        if self.n == 1:
            return {"mean": self.mean, "se": 0.0}
        variance = self.m2 / (self.n - 1)
        return {"mean": self.mean, "se": math.sqrt(variance / self.n)}


def run(scenario, trials, seed):
    """Run `trials` trials from random.Random(seed) and summarise them."""
    rng = random.Random(seed)
    group_names = [g["name"] for g in scenario["groups"]]
    layer_names = [layer["name"] for layer in scenario["layers"]]

    acc_groups = {g: {k: Accumulator() for k in FATES + ("engaged",)} for g in group_names}
    acc_group_layers = {g: {name: Accumulator() for name in layer_names} for g in group_names}
    acc_layers = {name: {m: Accumulator() for m in LAYER_METRICS} for name in layer_names}
    acc_rates = {r: Accumulator() for r in RATES}
    acc_group_rates = {g: {r: Accumulator() for r in RATES} for g in group_names}

    began = time.perf_counter()
    for _ in range(trials):
        result = simulate_trial(scenario, rng)
        for g in group_names:
            counts = result["groups"][g]
            for k in FATES + ("engaged",):
                acc_groups[g][k].add(counts[k])
            for name in layer_names:
                acc_group_layers[g][name].add(counts["intercepts_by_layer"][name])
            for r in RATES:
                acc_group_rates[g][r].add(result["group_rates"][g][r])
        for name in layer_names:
            for m in LAYER_METRICS:
                acc_layers[name][m].add(result["layers"][name][m])
        for r in RATES:
            acc_rates[r].add(result["rates"][r])
    elapsed = time.perf_counter() - began

    def summarise(nested):
        if isinstance(nested, Accumulator):
            return nested.summary()
        return {key: summarise(value) for key, value in nested.items()}

    return {
        "scenario": scenario["name"],
        "trials": trials,
        "seed": seed,
        "groups": summarise(acc_groups),
        "layers": summarise(acc_layers),
        "rates": summarise(acc_rates),
        # Beyond the agreed shape: intercepts per group x layer, and rates per group.
        "group_layers": summarise(acc_group_layers),
        "group_rates": summarise(acc_group_rates),
        "trials_per_second": trials / elapsed if elapsed > 0 else None,
    }


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _fmt(stat):
    if stat["mean"] is None:
        return f"{'n/a':>24}"
    return f"{stat['mean']:>12.4f} ± {stat['se']:<9.4f}"


def print_table(summary):
    print(f"scenario {summary['scenario']}: {summary['trials']} trials, seed {summary['seed']}")
    print("\nthreat groups (mean ± se per trial)")
    for group, stats in summary["groups"].items():
        print(f"  {group}")
        for key, stat in stats.items():
            print(f"    {key:<18}{_fmt(stat)}")
        for layer, stat in summary["group_layers"][group].items():
            print(f"    {'by ' + layer:<18}{_fmt(stat)}")
    print("\nlayers (mean ± se per trial)")
    for layer, stats in summary["layers"].items():
        print(f"  {layer}")
        for key, stat in stats.items():
            print(f"    {key:<18}{_fmt(stat)}")
    print("\ninterception rates (mean ± se over trials with a nonzero denominator)")
    for rate, stat in summary["rates"].items():
        print(f"    {rate:<18}{_fmt(stat)}")
    tps = summary["trials_per_second"]
    if tps:
        print(f"\n{tps:.1f} trials/s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", help="scenario TOML file")
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    try:
        scenario = load(args.config)
    except (ConfigError, tomllib.TOMLDecodeError, OSError) as error:
        parser.exit(2, f"reference.py: {args.config}: {error}\n")
    summary = run(scenario, args.trials, args.seed)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_table(summary)


if __name__ == "__main__":
    main()
