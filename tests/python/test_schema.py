"""The JSON Schemas of schema/ (printed by `salvosim schema`, made from the loader's keys and the
validator's rules; ctest's schema_files_are_generated checks the files are that output) against
the validator:

- every shipped scenario and sweep file passes both;
- bad inputs of the kinds a schema can say (a wrong type, a value out of range, an unknown key, a
  missing required key, a name outside an enumeration) are refused by both;
- bad inputs of the kinds only the validator can catch are listed below with the reason, and the
  schema lets each of them through while the validator refuses it: the boundary docs/editors.md
  describes, tested so that it stays where it is said to be.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import tomllib

import jsonschema
import pytest

import salvosim
from salvosim import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIO_SCHEMA = json.loads((ROOT / "schema" / "scenario.schema.json").read_text())
SWEEP_SCHEMA = json.loads((ROOT / "schema" / "sweep.schema.json").read_text())

# The files .taplo.toml gives each schema.
SCENARIO_FILES = sorted((ROOT / "configs").glob("*.toml"))
SWEEP_FILES = sorted((ROOT / "configs" / "sweeps").glob("*.toml"))


def schema_errors(schema: dict, text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return [error.message for error in validator.iter_errors(tomllib.loads(text))]


def scenario_problem(text: str) -> str | None:
    """What the loader and validator say of a scenario (None: it is valid)."""
    try:
        salvosim.Scenario.from_toml_string(text, "<corpus>")
    except salvosim.ConfigError as error:
        return str(error)
    return None


def sweep_problem(text: str, tmp_path: pathlib.Path) -> str | None:
    """What the sweep loader says of a sweep file (None: it loads)."""
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    try:
        _core.load_sweep_file(str(path))
    except salvosim.ConfigError as error:
        return str(error)
    return None


def cases(corpus: list[tuple[str, str, str]]) -> list[object]:
    """(kind or reason, id, text) entries as pytest parameters (kind or reason, text) named by id."""
    return [pytest.param(why, text, id=name) for why, name, text in corpus]


def test_the_schemas_are_valid_draft_7() -> None:
    jsonschema.Draft7Validator.check_schema(SCENARIO_SCHEMA)
    jsonschema.Draft7Validator.check_schema(SWEEP_SCHEMA)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_shipped_config_passes_the_schema_and_the_validator(path: pathlib.Path) -> None:
    text = path.read_text()
    assert schema_errors(SCENARIO_SCHEMA, text) == []
    assert scenario_problem(text) is None


@pytest.mark.parametrize("path", SWEEP_FILES, ids=lambda p: p.name)
def test_every_shipped_sweep_passes_the_schema_and_the_loader(path: pathlib.Path) -> None:
    assert schema_errors(SWEEP_SCHEMA, path.read_text()) == []
    _core.load_sweep_file(str(path))  # raises ConfigError if the loader refuses it


# The bad configs the other tests keep on disk (tests/data/configs, the fuzzers' regressions):
# each breaks a rule a schema can say (several_errors.toml: a probability of 1.3, a string for a
# number, a misspelt key, besides its sum; an empty file: no threat groups; the regression: a
# layer without fire_units, channels and interceptors, besides more than 2^31 threats).
STORED_BAD = [
    ROOT / "tests" / "data" / "configs" / name for name in ("several_errors.toml", "empty.toml", "comments_only.toml")
] + sorted((ROOT / "fuzz" / "regressions" / "scenario").glob("*.toml"))


@pytest.mark.parametrize("path", STORED_BAD, ids=lambda p: p.name)
def test_both_refuse_the_stored_bad_configs(path: pathlib.Path) -> None:
    text = path.read_text()
    assert schema_errors(SCENARIO_SCHEMA, text) != []
    assert scenario_problem(text) is not None


def test_malformed_toml_is_refused_before_any_schema() -> None:
    text = (ROOT / "tests" / "data" / "configs" / "malformed.toml").read_text()
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert "malformed TOML" in (scenario_problem(text) or "")


# A scenario that uses every table; the corpus below is made of edits of it.
BASE = (ROOT / "tests" / "data" / "configs" / "every_table.toml").read_text()

# BASE as a campaign: its group in a salvo.
# The keys of a group of one threat aimed at the city, but its name.
ONE_THREAT = (
    "count = 1\nlaunch = { start = 0.0, duration = 1.0 }\nflight_time = { mean = 600.0 }\ntargets = { city = 1.0 }\n"
)
CAMPAIGN = BASE.replace("[[threat]]", '[[salvo]]\nname = "first"\nstart = 0.0\n\n[[salvo.threat]]')


def edited(old: str, new: str, base: str = BASE) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


def test_the_bases_are_valid() -> None:
    for text in (BASE, CAMPAIGN):
        assert schema_errors(SCENARIO_SCHEMA, text) == []
        assert scenario_problem(text) is None


# Valid, at the edges of what the validator accepts: the schema must accept them too (it refuses
# nothing the validator accepts). (id, text)
BOTH_ACCEPT = [
    ("integers-for-numbers", edited("pk = 0.7", "pk = 1").replace("engagement_time = 60.0", "engagement_time = 60")),
    ("empty-class", edited('class = "ballistic"', 'class = ""').replace("engages.ballistic", "engages.mrbm")),
    ("probabilities-at-their-bounds", edited("pk = 0.7, detect = 0.9", "pk = 0.0, detect = 1.0")),
    ("window-closing-at-impact", edited("close = 60.0", "close = 0")),
    ("shots-at-2^20", edited("shots = 1\nengages", "shots = 1048576\nengages")),
    (
        "name-of-256-characters",
        edited('name = "mrbm"', f'name = "{"m" * 256}"').replace('selection = "mrbm"', 'selection = "all"'),
    ),
    (
        "name-of-other-scripts",
        edited('name = "mrbm"', 'name = "Шахед 136"').replace('selection = "mrbm"', 'selection = "all"'),
    ),
    ("unlimited-max-engagements", edited("look_time = 5.0", 'look_time = 5.0\nmax_engagements = "unlimited"')),
    ("empty-magazine-name-with-interceptors", edited("interceptors = 20", 'interceptors = 20\nmagazine = ""')),
    ("a-campaign", CAMPAIGN),
    ("a-campaign-with-empty-threat-array", "threat = []\n" + CAMPAIGN),
    ("fate-as-an-array", edited('fate = "leaked_defended"', 'fate = ["leaked_defended", "leaked_open"]')),
    (
        "tier-names-with-a-colon-inside",
        edited('name = "city"', 'name = "city:north"').replace("city = 1.0", '"city:north" = 1.0'),
    ),
    ("waves", edited("launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[0, 4], [30.5, 6]] }")),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in BOTH_ACCEPT])
def test_the_schema_accepts_what_the_validator_accepts(text: str) -> None:
    assert scenario_problem(text) is None
    assert schema_errors(SCENARIO_SCHEMA, text) == []


# Bad for a reason a schema can say: (kind, id, text).
SCHEMA_CATCHES = [
    ("wrong type", "count-a-string", edited("count = 10", 'count = "10"')),
    ("wrong type", "pk-a-string", edited("pk = 0.7", 'pk = "high"')),
    ("wrong type", "interceptors-a-fraction", edited("interceptors = 20", "interceptors = 2.5")),
    ("wrong type", "interceptors-another-word", edited("interceptors = 20", 'interceptors = "infinite"')),
    ("wrong type", "flight-time-a-number", edited("flight_time = { mean = 600.0, sd = 30.0 }", "flight_time = 600.0")),
    ("wrong type", "launch-an-array", edited("launch = { start = 0.0, duration = 60.0 }", "launch = [0.0, 60.0]")),
    ("wrong type", "tier-value-a-string", edited("value = 1.0", 'value = "high"')),
    ("wrong type", "resupply-a-string", edited("interceptors = 20", 'interceptors = 20\nresupply = "lots"')),
    ("wrong type", "range-one-number", edited("range = [0.0, 10.0]", "range = [0.0]")),
    ("wrong type", "threat-a-table", edited("[[threat]]", "[threat]")),
    ("wrong type", "tiers-a-string", edited("shots = 1\nengages", 'tiers = "city"\nshots = 1\nengages')),
    ("out of range", "count-negative", edited("count = 10", "count = -1")),
    ("out of range", "pk-above-one", edited("pk = 0.7", "pk = 1.5")),
    ("out of range", "engagement-time-zero", edited("engagement_time = 60.0", "engagement_time = 0.0")),
    ("out of range", "fire-units-zero", edited("fire_units = 1", "fire_units = 0")),
    ("out of range", "shots-zero", edited("shots = 1\nengages", "shots = 0\nengages")),
    ("out of range", "shots-above-2^20", edited("shots = 1\nengages", "shots = 1048577\nengages")),
    ("out of range", "window-close-negative", edited("close = 60.0", "close = -1.0")),
    ("out of range", "sd-negative", edited("sd = 30.0", "sd = -1.0")),
    ("out of range", "p-launch-above-one", edited("count = 10", "count = 10\np_launch = 1.3")),
    ("out of range", "interceptors-negative", edited("interceptors = 20", "interceptors = -1")),
    ("out of range", "ration-below-zero", edited("below = 5", "below = 0")),
    ("out of range", "tier-value-negative", edited("value = 1.0", "value = -1.0")),
    ("out of range", "target-share-above-one", edited("targets = { city = 1.0 }", "targets = { city = 1.5 }")),
    ("out of range", "max-engagements-zero", edited("look_time = 5.0", "look_time = 5.0\nmax_engagements = 0")),
    ("out of range", "resupply-negative", edited("interceptors = 20", "interceptors = 20\nresupply = -1")),
    ("unknown key", "pK", edited("pk = 0.7", "pK = 0.7")),
    ("unknown key", "engagement-tme", edited("engagement_time", "engagement_tme")),
    ("unknown key", "top-level-table", BASE + '\n[scenarios]\nname = "x"\n'),
    ("unknown key", "in-launch", edited("duration = 60.0 }", "duration = 60.0, end = 5.0 }")),
    ("unknown key", "in-observable", edited('source = "the schema tests"', 'sorce = "the schema tests"')),
    ("unknown key", "in-ration", edited("below = 5", "below = 5\nabove = 9")),
    ("unknown key", "in-window", edited("close = 60.0 }", "close = 60.0, middle = 100.0 }")),
    ("missing required key", "count", edited("count = 10\n", "")),
    ("missing required key", "engagement-time", edited("engagement_time = 60.0\n", "")),
    ("missing required key", "launch", edited("launch = { start = 0.0, duration = 60.0 }\n", "")),
    ("missing required key", "layer-name", edited('name = "upper"\n', "")),
    ("missing required key", "window-close", edited(", close = 60.0 }", " }")),
    ("missing required key", "launch-duration", edited(", duration = 60.0 }", " }")),
    ("missing required key", "observable-source", edited('source = "the schema tests"\n', "")),
    ("missing required key", "ration-below", edited("below = 5\n", "")),
    ("missing required key", "interceptors", edited("interceptors = 20\n", "")),
    (
        "missing required key",
        "engages",
        edited("engages.ballistic = { pk = 0.7, detect = 0.9, window = { open = 300.0, close = 60.0 } }\n", ""),
    ),
    ("missing required key", "statistic-fate-without-fate", edited('fate = "leaked_defended"\n', "")),
    ("missing required key", "no-threat-groups", '[scenario]\nname = "nothing"\n'),
    ("missing required key", "salvo-without-groups", CAMPAIGN + '\n[[salvo]]\nname = "second"\nstart = 100.0\n'),
    ("bad enumeration", "doctrine", edited('"shoot-look-shoot"', '"shoot-look-shot"')),
    ("bad enumeration", "statistic", edited('statistic = "fate"', 'statistic = "fates"')),
    ("bad enumeration", "definition", edited('definition = "impacts"', 'definition = "impact"')),
    ("bad enumeration", "fate", edited('fate = "leaked_defended"', 'fate = "leaked"')),
    (
        "bad enumeration",
        "key-the-statistic-does-not-take",
        edited('fate = "leaked_defended"', 'fate = "leaked_defended"\nrate = "engaged"'),
    ),
    ("bad enumeration", "interceptors-unlimitted", edited("interceptors = 20", 'interceptors = "unlimitted"')),
    ("name rule", "empty-group-name", edited('name = "mrbm"', 'name = ""')),
    ("name rule", "control-character", edited('name = "mrbm"', 'name = "mr\\u0001bm"')),
    ("name rule", "longer-than-256", edited('name = "mrbm"', f'name = "{"m" * 300}"')),
    ("name rule", "group-named-salvo-prefix", edited('name = "mrbm"', 'name = "salvo:mrbm"')),
    ("name rule", "group-named-all", edited('name = "mrbm"', 'name = "all"')),
    ("name rule", "tier-named-all", edited('name = "city"', 'name = "all"').replace("city = 1.0", "all = 1.0")),
    ("name rule", "blank-source", edited('source = "the schema tests"', 'source = "  "')),
    ("shape", "launch-both-shapes", edited("duration = 60.0 }", "duration = 60.0, waves = [[0.0, 10]] }")),
    ("shape", "wave-not-a-pair", edited("launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[0.0]] }")),
    (
        "shape",
        "engages-empty",
        edited(
            "engages.ballistic = { pk = 0.7, detect = 0.9, window = { open = 300.0, close = 60.0 } }", "engages = {}"
        ),
    ),
    ("shape", "layer-tiers-empty", edited("shots = 1\nengages", "tiers = []\nshots = 1\nengages")),
    ("shape", "layer-tiers-twice", edited("shots = 1\nengages", 'tiers = ["city", "city"]\nshots = 1\nengages')),
]


@pytest.mark.parametrize(("kind", "text"), cases(SCHEMA_CATCHES))
def test_both_refuse_what_a_schema_can_say(kind: str, text: str) -> None:
    assert schema_errors(SCENARIO_SCHEMA, text) != [], f"the schema lets a {kind} through"
    assert scenario_problem(text) is not None, f"the validator lets a {kind} through"


# Bad for a reason only the validator can catch, and why a schema cannot: (reason, id, text).
VALIDATOR_ONLY = [
    (
        "a cross-reference: engages names a group or class, which only the scenario's groups define",
        "engages-unknown-class",
        edited("engages.ballistic", "engages.balistic"),
    ),
    (
        "a cross-reference: targets names declared tiers",
        "targets-unknown-tier",
        edited("targets = { city = 1.0 }", "targets = { town = 1.0 }"),
    ),
    (
        "a cross-reference: a layer's tiers name declared tiers",
        "layer-tiers-unknown",
        edited("shots = 1\nengages", 'tiers = ["town"]\nshots = 1\nengages'),
    ),
    (
        "a cross-reference: magazine names an earlier layer",
        "magazine-unknown-layer",
        edited("interceptors = 20", 'magazine = "lower"'),
    ),
    (
        "a cross-reference: an observable's selection names a group, class, salvo or tier",
        "selection-unknown",
        edited('selection = "mrbm"', 'selection = "icbm"'),
    ),
    (
        "a cross-reference: a resupply schedule names later salvos",
        "schedule-unknown-salvo",
        edited("interceptors = 20", "interceptors = 20\nresupply = { third = 5 }", CAMPAIGN),
    ),
    (
        "a sum: a group's target shares add up to 1",
        "shares-do-not-add-up",
        edited("targets = { city = 1.0 }", "targets = { city = 0.5 }"),
    ),
    (
        "a sum: the waves add up to the group's count",
        "waves-do-not-add-up",
        edited("launch = { start = 0.0, duration = 60.0 }", "launch = { waves = [[0.0, 4]] }"),
    ),
    (
        "an order between two values: window.open > window.close",
        "window-open-before-close",
        edited("open = 300.0", "open = 30.0"),
    ),
    ("an order between two values: value within range", "value-outside-range", edited("value = 2.0", "value = 20.0")),
    (
        "an order between two values: capacity >= interceptors",
        "capacity-below-interceptors",
        edited("interceptors = 20", "interceptors = 20\ncapacity = 5"),
    ),
    (
        "an order between entries: salvos start in increasing order",
        "salvos-out-of-order",
        CAMPAIGN + '\n[[salvo]]\nname = "second"\nstart = -10.0\n\n[[salvo.threat]]\nname = "late"\n' + ONE_THREAT,
    ),
    ("uniqueness across entries: names are unique", "duplicate-tier", BASE + '\n[[tier]]\nname = "city"\n'),
    (
        "uniqueness across entries: each rationing rule has its own threshold",
        "duplicate-ration-threshold",
        BASE + "\n[[layer.ration]]\nbelow = 5\nshots = 1\n",
    ),
    (
        "a rule between keys: look_time applies to shoot-look-shoot only",
        "look-time-under-salvo",
        edited('doctrine = "shoot-look-shoot"\n', ""),
    ),
    (
        "a rule between keys: reserves need a finite magazine",
        "reserve-of-unlimited",
        edited("interceptors = 20", 'interceptors = "unlimited"\nreserve = 2'),
    ),
    (
        "a rule between tables: a campaign's groups go in its salvos, not in [[threat]]",
        "campaign-and-threat",
        edited("[[salvo]]", '[[threat]]\nname = "extra"\n' + ONE_THREAT + "\n[[salvo]]", CAMPAIGN),
    ),
    (
        "arithmetic limits: fire_units x channels must fit in 64 bits",
        "channels-overflow",
        edited("channels = 2", "channels = 4", edited("fire_units = 1", "fire_units = 4611686018427387904")),
    ),
    (
        "JSON Schema counts 10.0 as an integer; the loader wants an integer written as one",
        "count-written-as-float",
        edited("count = 10", "count = 10.0"),
    ),
    ("JSON has no inf or nan, so no bound of a schema refuses them", "pk-nan", edited("pk = 0.7", "pk = nan")),
    ("JSON has no inf or nan, so no bound of a schema refuses them", "start-inf", edited("start = 0.0", "start = inf")),
    (
        "a schema's maxLength counts characters, the name rule bytes",
        "name-of-300-bytes",
        edited('name = "mrbm"', f'name = "{"é" * 150}"'),
    ),
]


@pytest.mark.parametrize(("reason", "text"), cases(VALIDATOR_ONLY))
def test_what_only_the_validator_catches(reason: str, text: str) -> None:
    assert schema_errors(SCENARIO_SCHEMA, text) == [], f"the schema now catches: {reason}; move it to SCHEMA_CATCHES"
    assert scenario_problem(text) is not None, f"the validator lets it through: {reason}"


# A sweep file of every [sweep] key, over the minimal scenario.
SWEEP = f"""\
[sweep]
name = "schema-sweep"
description = "made up for the schema tests"
base = "{ROOT / "tests" / "data" / "configs" / "minimal.toml"}"
mode = "grid"
trials = 100
seed = 1
sample_seed = 2

[[axis]]
path = "layer.upper.engages.mrbm.pk"
values = [0.5, 0.7]

[[axis]]
path = "layer.upper.interceptors"
range = {{ start = 10, stop = 20, step = 5 }}

[[axis]]
path = "threat.mrbm.flight_time.mean"
random = {{ distribution = "uniform", low = 500.0, high = 700.0, samples = 3, seed = 4 }}
"""
MINIMAL = (ROOT / "tests" / "data" / "configs" / "minimal.toml").read_text()
LATIN = edited('mode = "grid"', 'mode = "latin-hypercube"\nsamples = 8', SWEEP).replace(", samples = 3, seed = 4", "")


def test_the_sweep_bases_are_valid(tmp_path: pathlib.Path) -> None:
    for text in (SWEEP, LATIN):
        assert schema_errors(SWEEP_SCHEMA, text) == []
        assert sweep_problem(text, tmp_path) is None


# Valid sweeps at the edges of what the loader accepts: the schema accepts them too.
SWEEP_BOTH_ACCEPT = [
    ("no-mode", edited('mode = "grid"\n', "", SWEEP)),
    (
        "zip",
        edited('mode = "grid"', 'mode = "zip"', SWEEP)
        .replace("stop = 20, step = 5", "stop = 15, step = 5")
        .replace("samples = 3", "samples = 2"),
    ),
    ("latin", LATIN),
    (
        "named-axis",
        edited('path = "layer.upper.interceptors"', 'path = "layer.upper.interceptors"\nname = "stock"', SWEEP),
    ),
    ("values-of-every-type", edited("values = [0.5, 0.7]", 'values = [1, 0.5, "x", true]', SWEEP)),
    (
        "inline-base",
        edited("base = ", "# base = ", SWEEP)
        + "\n"
        + MINIMAL.replace("[[threat]]", "[[base.threat]]").replace("[[layer]]", "[[base.layer]]"),
    ),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in SWEEP_BOTH_ACCEPT])
def test_the_sweep_schema_accepts_what_the_loader_accepts(text: str, tmp_path: pathlib.Path) -> None:
    assert sweep_problem(text, tmp_path) is None
    assert schema_errors(SWEEP_SCHEMA, text) == []


SWEEP_SCHEMA_CATCHES = [
    ("unknown key", "trails", edited("trials = 100", "trails = 100", SWEEP)),
    ("unknown key", "in-range", edited("step = 5", "stride = 5", SWEEP)),
    ("unknown key", "top-level", SWEEP + "\n[extra]\nx = 1\n"),
    ("missing required key", "trials", edited("trials = 100\n", "", SWEEP)),
    ("missing required key", "axis-path", edited('path = "layer.upper.engages.mrbm.pk"\n', "", SWEEP)),
    ("missing required key", "no-axes", SWEEP.split("[[axis]]")[0]),
    ("missing required key", "no-base", edited("base = ", "# base = ", SWEEP)),
    ("missing required key", "latin-without-samples", edited("samples = 8\n", "", LATIN)),
    ("missing required key", "random-without-high", edited(", high = 700.0", "", SWEEP)),
    ("wrong type", "trials-a-string", edited("trials = 100", 'trials = "many"', SWEEP)),
    ("wrong type", "values-a-number", edited("values = [0.5, 0.7]", "values = 0.5", SWEEP)),
    ("wrong type", "range-of-floats", edited("start = 10, stop = 20", "start = 10.5, stop = 20", SWEEP)),
    ("out of range", "trials-zero", edited("trials = 100", "trials = 0", SWEEP)),
    ("out of range", "seed-negative", edited("seed = 1", "seed = -1", SWEEP)),
    ("out of range", "samples-zero", edited("samples = 8", "samples = 0", LATIN)),
    ("out of range", "values-empty", edited("values = [0.5, 0.7]", "values = []", SWEEP)),
    ("bad enumeration", "mode", edited('mode = "grid"', 'mode = "latin"', SWEEP)),
    ("name rule", "empty-sweep-name", edited('name = "schema-sweep"', 'name = ""', SWEEP)),
    (
        "name rule",
        "empty-axis-name",
        edited('path = "layer.upper.interceptors"', 'path = "layer.upper.interceptors"\nname = ""', SWEEP),
    ),
    ("bad enumeration", "distribution", edited('"uniform"', '"normal"', SWEEP)),
    (
        "shape",
        "two-kinds-of-values",
        edited("values = [0.5, 0.7]", "values = [0.5, 0.7]\nrange = { start = 1, stop = 2 }", SWEEP),
    ),
    ("shape", "no-values", edited("values = [0.5, 0.7]\n", "", SWEEP)),
    (
        "shape",
        "base-twice",
        SWEEP + "\n" + MINIMAL.replace("[[threat]]", "[[base.threat]]").replace("[[layer]]", "[[base.layer]]"),
    ),
    ("shape", "samples-outside-latin", edited("seed = 1", "seed = 1\nsamples = 4", SWEEP)),
]


@pytest.mark.parametrize(("kind", "text"), cases(SWEEP_SCHEMA_CATCHES))
def test_both_refuse_what_a_sweep_schema_can_say(kind: str, text: str, tmp_path: pathlib.Path) -> None:
    assert schema_errors(SWEEP_SCHEMA, text) != [], f"the schema lets a {kind} through"
    assert sweep_problem(text, tmp_path) is not None, f"the sweep loader lets a {kind} through"


SWEEP_VALIDATOR_ONLY = [
    (
        "a key path's syntax is parsed by the loader (parse_key_path)",
        "path-syntax",
        edited('path = "layer.upper.engages.mrbm.pk"', 'path = "layer..pk"', SWEEP),
    ),
    (
        "a rule between axes: zipped axes have as many values each",
        "zip-lengths",
        edited('mode = "grid"', 'mode = "zip"', SWEEP),
    ),
    (
        "a rule between tables: what a random axis needs depends on the sweep's mode",
        "random-without-samples-in-grid",
        edited(", samples = 3, seed = 4", "", SWEEP),
    ),
    ("a rule between values: a range's step is not 0", "range-step-zero", edited("step = 5", "step = 0", SWEEP)),
    (
        "a rule between values: a distribution's low < high",
        "random-low-above-high",
        edited("low = 500.0, high = 700.0", "low = 700.0, high = 500.0", SWEEP),
    ),
    (
        "the base scenario is a file the loader reads",
        "base-missing-file",
        edited("minimal.toml", "no-such-file.toml", SWEEP),
    ),
]


@pytest.mark.parametrize(("reason", "text"), cases(SWEEP_VALIDATOR_ONLY))
def test_what_only_the_sweep_loader_catches(reason: str, text: str, tmp_path: pathlib.Path) -> None:
    assert schema_errors(SWEEP_SCHEMA, text) == [], f"the schema now catches: {reason}; move it to SWEEP_SCHEMA_CATCHES"
    assert sweep_problem(text, tmp_path) is not None, f"the sweep loader lets it through: {reason}"


def glob_matches(relative: pathlib.PurePath, pattern: str) -> bool:
    """Whether a path relative to the repository matches a glob of .taplo.toml (no globstars)."""
    return len(relative.parts) == len(pathlib.PurePath(pattern).parts) and relative.match(pattern)


def test_taplo_associates_the_schemas_with_the_shipped_files() -> None:
    """The editors' configuration names the two schema files, and its patterns reach every shipped
    config and sweep (and no calibration spec, which is neither)."""
    taplo = tomllib.loads((ROOT / ".taplo.toml").read_text())
    by_schema = {rule["schema"]["path"]: rule["include"] for rule in taplo["rule"]}
    assert set(by_schema) == {"./schema/scenario.schema.json", "./schema/sweep.schema.json"}
    for schema, files in (("scenario", SCENARIO_FILES), ("sweep", SWEEP_FILES)):
        patterns = by_schema[f"./schema/{schema}.schema.json"]
        for path in files:
            assert any(glob_matches(path.relative_to(ROOT), p) for p in patterns), path
    for path in (ROOT / "configs" / "calibration").glob("*.toml"):
        assert not any(glob_matches(path.relative_to(ROOT), p) for ps in by_schema.values() for p in ps), path


@pytest.mark.skipif(
    shutil.which("taplo") is None, reason="taplo is not installed (pip install taplo: requirements-dev.txt)"
)
def test_taplo_checks_the_configs_as_an_editor_would(tmp_path: pathlib.Path) -> None:
    """Taplo (the checker of Even Better TOML) reads .taplo.toml: the shipped files pass, and a
    file naming the schema on its first line is refused for a value out of range."""
    files = [str(p.relative_to(ROOT)) for p in SCENARIO_FILES + SWEEP_FILES]
    checked = subprocess.run(["taplo", "check", *files], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    probe = tmp_path / "probe.toml"
    probe.write_text(
        f"#:schema {ROOT / 'schema' / 'scenario.schema.json'}\n" + edited("fire_units = 1", "fire_units = 0")
    )
    refused = subprocess.run(["taplo", "check", str(probe)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "0 is less than the minimum of 1" in refused.stderr + refused.stdout
