"""The synthetic scenario of the calibration's recovery tests (tests/python/test_calibrate.py)
and of the comparison of samplers (bench/abc_samplers.py): a small salvo against two layers,
fast enough to calibrate in seconds, with its pk, reliability, aircraft pk and shots as
parameters, and (`hardened`) target tiers: a share of the missiles aimed at a defended tier
the outer layer leaves alone."""

SCENARIO = """
[scenario]
name = "synthetic"

[[threat]]
name = "mrbm"
class = "ballistic"
count = 60
launch = {{ start = 0.0, duration = 600.0 }}
flight_time = {{ mean = 700.0, sd = 30.0 }}
p_launch = {p_each}
p_flight = {p_each}
defended_fraction = 0.9

[[threat]]
name = "drone"
class = "drone"
count = 40
launch = {{ start = 0.0, duration = 600.0 }}
flight_time = {{ mean = 3000.0, sd = 100.0 }}
p_flight = 0.9

[[layer]]
name = "outer"
fire_units = 4
channels = 2
engagement_time = 60.0
interceptors = "unlimited"
shots = {shots}
engages.ballistic = {{ pk = {pk}, detect = 0.95, window = {{ open = 400.0, close = 100.0 }} }}

[[layer]]
name = "aircraft"
fire_units = 10
channels = 1
engagement_time = 60.0
interceptors = "unlimited"
engages.drone = {{ pk = {air}, window = {{ open = 2000.0, close = 100.0 }} }}
"""


TIERS = """
[[tier]]
name = "military"

[[tier]]
name = "hardened"
value = 0.25

[[tier]]
name = "open"
value = 0.0
defended = false
"""


def scenario_text(pk: float, reliability: float, air: float, shots: int = 1, hardened: float | None = None) -> str:
    """The scenario at these parameters (reliability split evenly into p_launch and p_flight).
    With `hardened`, the scenario declares tiers: that share of the missiles is aimed at a
    defended tier the outer layer does not engage (`tiers = ["military"]`), the rest of the
    defended 0.9 at "military"."""
    text = SCENARIO.format(p_each=reliability**0.5, pk=pk, air=air, shots=shots)
    if hardened is None:
        return text
    text = text.replace(
        "defended_fraction = 0.9", f"targets = {{ military = {0.9 - hardened!r}, hardened = {hardened!r}, open = 0.1 }}"
    )
    text = text.replace("p_flight = 0.9\n", "p_flight = 0.9\ntargets = { military = 1.0 }\n")
    text = text.replace('interceptors = "unlimited"\nshots', 'interceptors = "unlimited"\ntiers = ["military"]\nshots')
    return text.replace("[[threat]]", TIERS + "\n[[threat]]", 1)
