"""
salvosim's C++ core (private: use the `salvosim` package)
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['BadFileError', 'EngagementSpec', 'EngagementSpecs', 'FATE_NAMES', 'FlightTime', 'LAYER_METRIC_NAMES', 'LaunchSpec', 'Layer', 'Layers', 'Plan', 'Published', 'PublishedObservable', 'RATE_NAMES', 'Results', 'RunCancelled', 'SELECTION_ALL', 'SELECTION_CLASS_PREFIX', 'SELECTION_SALVO_PREFIX', 'SELECTION_TIER_PREFIX', 'Salvo', 'Salvos', 'Scenario', 'SweepResults', 'SweepSpec', 'ThreatGroup', 'ThreatGroups', 'Tier', 'Tiers', 'Window', 'compile', 'git_sha1', 'load_sweep_file', 'make_sweep', 'max_threads', 'memory_limit', 'parse_key_path', 'parse_memory_size', 'provenance_text', 'published_mean', 'published_trial_values', 'read_results', 'read_sweep', 'run', 'run_sweep', 'set_key_path', 'version', 'worker_count', 'write_results', 'write_sweep']
class RunCancelled(RuntimeError):
    pass
class BadFileError(RuntimeError):
    pass
class Tier:
    """
    A tier of targets ([[tier]], docs/model.md §2.7)
    """
    def __repr__(self) -> str:
        ...
    @property
    def defended(self) -> bool:
        """
        Whether the tier lies in a defended area: an impact on it is leaked_defended, else leaked_open (default True)
        """
    @defended.setter
    def defended(self, arg0: bool) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Unique; not "all", and not starting with "class:", "salvo:" or "tier:"
        """
    @name.setter
    def name(self, arg1: str) -> None:
        ...
    @property
    def value(self) -> float:
        """
        The damage of one impact on the tier: finite, >= 0 (default 1)
        """
    @value.setter
    def value(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class Tiers:
    def __getitem__(self: collections.abc.Sequence[Tier], arg0: typing.SupportsInt | typing.SupportsIndex) -> Tier:
        ...
    def __iter__(self: collections.abc.Sequence[Tier]) -> collections.abc.Iterator[Tier]:
        ...
    def __len__(self: collections.abc.Sequence[Tier]) -> int:
        ...
    def __repr__(self: collections.abc.Sequence[Tier]) -> str:
        ...
class LaunchSpec:
    kind: str
    @property
    def duration(self) -> float:
        ...
    @duration.setter
    def duration(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def start(self) -> float:
        ...
    @start.setter
    def start(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def waves(self) -> list[tuple[float, int]]:
        """
        A list of (time, count) pairs
        """
    @waves.setter
    def waves(self, arg1: collections.abc.Sequence[tuple[typing.SupportsFloat | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]]) -> None:
        ...
class FlightTime:
    @property
    def mean(self) -> float:
        ...
    @mean.setter
    def mean(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def sd(self) -> float:
        ...
    @sd.setter
    def sd(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class ThreatGroup:
    flight_time: FlightTime
    launch: LaunchSpec
    name: str
    def __repr__(self) -> str:
        ...
    @property
    def cost(self) -> float:
        ...
    @cost.setter
    def cost(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def count(self) -> int:
        ...
    @count.setter
    def count(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def defended_fraction(self) -> float:
        ...
    @defended_fraction.setter
    def defended_fraction(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def p_flight(self) -> float:
        ...
    @p_flight.setter
    def p_flight(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def p_launch(self) -> float:
        ...
    @p_launch.setter
    def p_launch(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def targets(self) -> dict[str, float]:
        """
        With declared tiers: the share of the group's threats aimed at each tier, {tier name: share}, each share in [0, 1] and the shares adding up to 1 (within 1e-9); tiers not listed get 0. Empty without declared tiers (the group aims by defended_fraction). Assign a whole dict to change it.
        """
    @targets.setter
    def targets(self, arg1: collections.abc.Mapping[str, typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def threat_class(self) -> str:
        """
        The config key `class`
        """
    @threat_class.setter
    def threat_class(self, arg0: str) -> None:
        ...
class ThreatGroups:
    def __getitem__(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> ThreatGroup:
        ...
    def __iter__(self) -> collections.abc.Iterator[ThreatGroup]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
class Salvo:
    name: str
    def __repr__(self) -> str:
        ...
    @property
    def start(self) -> float:
        ...
    @start.setter
    def start(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def threats(self) -> ThreatGroups:
        ...
class Salvos:
    def __getitem__(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> Salvo:
        ...
    def __iter__(self) -> collections.abc.Iterator[Salvo]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
class Window:
    @property
    def close(self) -> float:
        ...
    @close.setter
    def close(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def open(self) -> float:
        ...
    @open.setter
    def open(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class EngagementSpec:
    target: str
    window: Window
    def __repr__(self) -> str:
        ...
    @property
    def detect(self) -> float:
        ...
    @detect.setter
    def detect(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def pk(self) -> float:
        ...
    @pk.setter
    def pk(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class EngagementSpecs:
    def __getitem__(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> EngagementSpec:
        ...
    def __iter__(self) -> collections.abc.Iterator[EngagementSpec]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
class Layer:
    doctrine: str
    name: str
    def __repr__(self) -> str:
        ...
    def engagement(self, target: str) -> EngagementSpec:
        """
        The `engages.<target>` entry
        """
    @property
    def capacity(self) -> int | None:
        """
        The most the magazine holds after a resupply (None: interceptors)
        """
    @capacity.setter
    def capacity(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def channels(self) -> int:
        ...
    @channels.setter
    def channels(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def cost(self) -> float:
        ...
    @cost.setter
    def cost(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def coverage(self) -> float:
        ...
    @coverage.setter
    def coverage(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def engagement_time(self) -> float:
        ...
    @engagement_time.setter
    def engagement_time(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def engages(self) -> EngagementSpecs:
        ...
    @property
    def fire_units(self) -> int:
        ...
    @fire_units.setter
    def fire_units(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def interceptors(self) -> int | str:
        """
        The magazine: an integer, or "unlimited"
        """
    @interceptors.setter
    def interceptors(self, arg1: typing.SupportsInt | typing.SupportsIndex | str) -> None:
        ...
    @property
    def kill_assessment(self) -> float:
        ...
    @kill_assessment.setter
    def kill_assessment(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def look_time(self) -> float:
        ...
    @look_time.setter
    def look_time(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def max_engagements(self) -> int | str:
        ...
    @max_engagements.setter
    def max_engagements(self, arg1: typing.SupportsInt | typing.SupportsIndex | str) -> None:
        ...
    @property
    def point_defense(self) -> bool:
        """
        Engage only threats aimed at a defended area (with declared tiers: at a defended tier)
        """
    @point_defense.setter
    def point_defense(self, arg0: bool) -> None:
        ...
    @property
    def resupply(self) -> int:
        """
        Interceptors added at the start of each salvo after the first
        """
    @resupply.setter
    def resupply(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def shots(self) -> int:
        ...
    @shots.setter
    def shots(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def tiers(self) -> list[str] | None:
        """
        The names of the tiers the layer engages (a list of declared tier names), or None: every tier (with point_defense, the defended tiers). Needs declared tiers; not with point_defense.
        """
    @tiers.setter
    def tiers(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
class Layers:
    def __getitem__(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> Layer:
        ...
    def __iter__(self) -> collections.abc.Iterator[Layer]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
class PublishedObservable:
    """
    One [[published.observable]] entry (docs/model.md §8)
    """
    def __init__(self, *, name: str, statistic: str, selection: str = '', fates: collections.abc.Sequence[str] = [], rate: str = '', layers: collections.abc.Sequence[str] = [], metric: str = '', value: typing.SupportsFloat | typing.SupportsIndex | None = None, low: typing.SupportsFloat | typing.SupportsIndex = 0.0, high: typing.SupportsFloat | typing.SupportsIndex = 0.0, definition: str = '', source: str = '', note: str = '') -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def definition(self) -> str:
        ...
    @property
    def fates(self) -> list[str]:
        """
        The config key `fate`, as a list
        """
    @property
    def high(self) -> float:
        """
        range = [low, high]
        """
    @property
    def layers(self) -> list[str]:
        """
        The config key `layer`, as a list
        """
    @property
    def low(self) -> float:
        """
        range = [low, high]
        """
    @property
    def metric(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def note(self) -> str:
        ...
    @property
    def rate(self) -> str:
        ...
    @property
    def selection(self) -> str:
        """
        A group, "class:<name>", "salvo:<name>", "tier:<name>" or "all"; empty if the statistic takes none
        """
    @property
    def source(self) -> str:
        ...
    @property
    def statistic(self) -> str:
        ...
    @property
    def value(self) -> float | None:
        """
        The headline figure, or None
        """
class Published:
    """
    The [published] table: the figures a scenario is meant to reproduce
    """
    def __repr__(self) -> str:
        ...
    @property
    def description(self) -> str:
        ...
    @property
    def observables(self) -> list[PublishedObservable]:
        """
        In config order
        """
class Scenario:
    description: str
    name: str
    @staticmethod
    def from_file(path: str) -> Scenario:
        """
        Load and validate a TOML scenario file
        """
    @staticmethod
    def from_toml_string(text: str, source_name: str = '<string>') -> Scenario:
        """
        Load and validate a scenario from TOML text
        """
    def __copy__(self) -> Scenario:
        ...
    def __deepcopy__(self, memo: dict) -> Scenario:
        ...
    def __repr__(self) -> str:
        ...
    def copy(self) -> Scenario:
        ...
    def layer(self, name: str) -> Layer:
        ...
    def problems(self) -> list[str]:
        """
        Every broken rule, as text (empty when valid)
        """
    def salvo(self, name: str) -> Salvo:
        ...
    def threat(self, name: str) -> ThreatGroup:
        """
        The threat group of this name, in any salvo
        """
    def tier(self, name: str) -> Tier:
        """
        The declared tier of this name
        """
    def to_toml(self) -> str:
        """
        The scenario as TOML that loads back to an equal scenario
        """
    def validate(self) -> None:
        """
        Raise ConfigError listing every broken rule, if any
        """
    @property
    def layers(self) -> Layers:
        ...
    @property
    def published(self) -> Published:
        ...
    @property
    def salvos(self) -> Salvos:
        """
        The salvos of a campaign (empty for a plain scenario, whose groups are `threats`)
        """
    @property
    def source_name(self) -> str:
        ...
    @property
    def source_text(self) -> str:
        ...
    @property
    def threats(self) -> ThreatGroups:
        ...
    @property
    def tiers(self) -> list[Tier]:
        """
        The declared tiers of targets ([[tier]]), in declaration order; empty: the two implicit tiers of each group's defended_fraction. At most 64.
        """
class Plan:
    """
    A validated scenario compiled for the kernel
    """
    @property
    def group_names(self) -> list[str]:
        ...
    @property
    def layer_names(self) -> list[str]:
        ...
    @property
    def record_blocks(self) -> list:
        """
        The blocks of a per-trial record, in order: dicts of name, dims, shape, offset, size, units, description
        """
    @property
    def record_size(self) -> int:
        ...
    @property
    def salvo_names(self) -> list[str]:
        ...
    @property
    def threat_count(self) -> int:
        ...
    @property
    def threat_group(self) -> numpy.typing.NDArray[numpy.int32]:
        """
        The group index of each threat
        """
class Results:
    """
    Statistics over trials as named arrays (views, no copies)
    """
    def array(self, name: str) -> numpy.ndarray:
        """
        The named array, as a read-only view on the results
        """
    def description(self, name: str) -> str:
        ...
    def dims(self, name: str) -> list[str]:
        ...
    def json(self) -> str:
        """
        The summary JSON object the command line prints with --json
        """
    def table(self) -> str:
        """
        The summary table the command line prints
        """
    def units(self, name: str) -> str:
        ...
    @property
    def array_names(self) -> list[str]:
        ...
    @property
    def coordinates(self) -> dict:
        ...
    @property
    def info(self) -> dict:
        ...
class SweepSpec:
    """
    A sweep, loaded from a file or built from Python
    """
    @property
    def axis_count(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def seed(self) -> int:
        ...
    @property
    def trials(self) -> int:
        ...
class SweepResults:
    """
    Statistics of every point of a sweep
    """
    @property
    def info(self) -> dict:
        ...
    @property
    def points(self) -> list:
        """
        Each point held: index, values, trials, seed, scenario
        """
    @property
    def summary(self) -> Results:
        ...
    @property
    def sweep_dims(self) -> list[str]:
        ...
def compile(scenario: Scenario, max_memory: typing.SupportsInt | typing.SupportsIndex = 0) -> Plan:
    """
    Validate (raising ConfigError) and compile a scenario; max_memory in bytes (0: the default limit)
    """
def git_sha1() -> str:
    """
    The git commit the compiled core was built from
    """
def load_sweep_file(path: str) -> SweepSpec:
    """
    Read and check a sweep file (raising ConfigError)
    """
def make_sweep(base_text: str, base_source: str, axes: list, mode: str, trials: typing.SupportsInt | typing.SupportsIndex, seed: int) -> SweepSpec:
    """
    A sweep of a base scenario along axes [(path, name, values)]
    """
def memory_limit(requested: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
    """
    The memory limit of a run in bytes: requested if > 0, else $SALVOSIM_MAX_MEMORY, else the machine's
    """
def parse_key_path(path: str) -> tuple[str, str, list[str]]:
    """
    A key path (`layer."s.r.".engages.ballistic.pk`) as (head, entry, keys), head being threat, layer, scenario, trials or seed; raises ValueError saying what is wrong
    """
def parse_memory_size(text: str) -> int:
    """
    Bytes of a size such as "8G" or "512M"
    """
def provenance_text(scenario: Scenario) -> str:
    """
    The scenario text kept with results: its file's text while still true to it, else to_toml()
    """
def published_mean(observable: PublishedObservable, results: Results) -> float:
    """
    The mean over trials of the observable's statistic, from the summary arrays
    """
def published_trial_values(observable: PublishedObservable, plan: Plan, records: typing.Annotated[numpy.typing.ArrayLike, numpy.int64]) -> numpy.typing.NDArray[numpy.float64]:
    """
    The observable's statistic in every trial of per-trial records (trials x plan.record_size); a rate is NaN where its denominator is 0
    """
def read_results(path: str) -> Results:
    """
    Read the summary and provenance of a results file
    """
def read_sweep(path: str) -> SweepResults:
    """
    Read a sweep file written by `salvosim sweep`, `salvosim merge` or write_sweep
    """
def run(plan: Plan, scenario: Scenario, trials: typing.SupportsInt | typing.SupportsIndex, seed: int, threads: typing.SupportsInt | typing.SupportsIndex, first_trial: int, per_trial: bool, per_threat: bool, progress: typing.Any, max_memory: typing.SupportsInt | typing.SupportsIndex = 0) -> tuple:
    """
    Run trials [first_trial, first_trial + trials) of compile(scenario) through the front door (checked there, memory included: ValueError); returns (Results, records, fates, intercept_layers)
    """
def run_sweep(spec: SweepSpec, threads: typing.SupportsInt | typing.SupportsIndex, progress: typing.Any) -> SweepResults:
    """
    Run every point in this process; progress(points_done, points_total) may return False to stop
    """
def set_key_path(scenario: Scenario, path: str, value: typing.Any) -> None:
    """
    Set the value at a key path as a sweep point does (raising ValueError if the path names nothing in the scenario or the value does not fit it); the scenario is not validated
    """
def version() -> str:
    """
    The salvosim version of the compiled core
    """
def worker_count(threads: typing.SupportsInt | typing.SupportsIndex) -> int:
    """
    How many workers `threads` means (0: every core)
    """
def write_results(path: str, plan: Plan, results: Results, records: typing.Any, fates: typing.Any, intercept_layers: typing.Any) -> None:
    """
    Write a results file (with per-trial rows if given)
    """
def write_sweep(path: str, sweep: SweepResults) -> None:
    """
    Write a sweep file (docs/sweeps.md); it appears only when complete
    """
FATE_NAMES: tuple = ('launch_failure', 'flight_failure', 'intercepted', 'leaked_defended', 'leaked_open')
LAYER_METRIC_NAMES: tuple = ('engagements', 'fired', 'intercepts', 'missed_window', 'missed_no_channel', 'missed_magazine')
RATE_NAMES: tuple = ('launched', 'engaged', 'threatening')
SELECTION_ALL: str = 'all'
SELECTION_CLASS_PREFIX: str = 'class:'
SELECTION_SALVO_PREFIX: str = 'salvo:'
SELECTION_TIER_PREFIX: str = 'tier:'
max_threads: int = 4096
