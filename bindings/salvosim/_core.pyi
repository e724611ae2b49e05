"""
salvosim's C++ core (private: use the `salvosim` package)
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['BadFileError', 'EngagementSpec', 'EngagementSpecs', 'FATE_NAMES', 'FlightTime', 'LAYER_METRIC_NAMES', 'LaunchSpec', 'Layer', 'Layers', 'Plan', 'Published', 'PublishedObservable', 'RATE_NAMES', 'REPORTED_QUANTILES', 'Ration', 'Results', 'RunCancelled', 'SELECTION_ALL', 'SELECTION_CLASS_PREFIX', 'SELECTION_SALVO_PREFIX', 'SELECTION_TIER_PREFIX', 'Salvo', 'Salvos', 'Scenario', 'SweepResults', 'SweepSpec', 'ThreatGroup', 'ThreatGroups', 'Tier', 'Tiers', 'Window', 'Z95', 'compile', 'default_batch_trials', 'did_you_mean', 'git_sha1', 'kernel_draw_isa', 'load_sweep_file', 'make_sweep', 'max_threads', 'memory_limit', 'parse_key_path', 'parse_memory_size', 'plan_sweep', 'provenance_text', 'published_mean', 'published_trial_values', 'read_results', 'read_sweep', 'run', 'run_sweep', 'set_key_path', 'version', 'worker_count', 'write_results', 'write_sweep']
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
        Unique; not "all", and not starting with "class:", "salvo:" or "tier:". Allowed: a name: not empty, at most 256 bytes, no control characters.
        """
    @name.setter
    def name(self, arg1: str) -> None:
        ...
    @property
    def value(self) -> float:
        """
        The damage of one impact on the tier: finite, >= 0 (default 1). Allowed: a finite number >= 0.
        """
    @value.setter
    def value(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class Tiers:
    def __contains__(self, arg0: str) -> bool:
        ...
    @typing.overload
    def __getitem__(self, index: typing.SupportsInt | typing.SupportsIndex) -> Tier:
        ...
    @typing.overload
    def __getitem__(self, name: str) -> Tier:
        ...
    def __iter__(self) -> collections.abc.Iterator[Tier]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def keys(self) -> list[str]:
        """
        The names, in order
        """
class LaunchSpec:
    @property
    def duration(self) -> float:
        """
        Seconds over which a uniform launch spreads its threats, from `start`. Allowed: a finite number >= 0.
        """
    @duration.setter
    def duration(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def kind(self) -> str:
        """
        "uniform" (launches spread over [start, start + duration]) or "waves" (counts at given times)
        """
    @kind.setter
    def kind(self, arg1: str) -> None:
        ...
    @property
    def start(self) -> float:
        """
        Seconds: the first launch of a uniform launch (on the salvo's clock in a campaign). Allowed: a finite number.
        """
    @start.setter
    def start(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def waves(self) -> list[tuple[float, int]]:
        """
        A list of (time, count) pairs: seconds (any finite number) and an integer >= 0; the counts add up to the group's count
        """
    @waves.setter
    def waves(self, arg1: collections.abc.Sequence[tuple[typing.SupportsFloat | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]]) -> None:
        ...
class FlightTime:
    @property
    def mean(self) -> float:
        """
        Seconds: mean time from launch to impact. Allowed: a finite number > 0.
        """
    @mean.setter
    def mean(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def sd(self) -> float:
        """
        Seconds: standard deviation of the flight time (a normal cut off below at zero). Allowed: a finite number >= 0.
        """
    @sd.setter
    def sd(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class ThreatGroup:
    def __repr__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The display in a notebook: tables of what it holds
        """
    def copy(self) -> ThreatGroup:
        """
        A copy that belongs to no scenario (for with_threat_group)
        """
    @property
    def cost(self) -> float:
        """
        Cost of one threat (any currency unit). Allowed: a finite number >= 0.
        """
    @cost.setter
    def cost(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def count(self) -> int:
        """
        Number of threats in the group. Allowed: an integer >= 0.
        """
    @count.setter
    def count(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def defended_fraction(self) -> float:
        """
        Probability that a threat's target lies in a defended area. Allowed: a number in [0, 1].
        """
    @defended_fraction.setter
    def defended_fraction(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def flight_time(self) -> FlightTime:
        """
        Time from launch to impact (FlightTime, seconds)
        """
    @flight_time.setter
    def flight_time(self, arg0: FlightTime) -> None:
        ...
    @property
    def launch(self) -> LaunchSpec:
        """
        Launch times (LaunchSpec: uniform or waves)
        """
    @launch.setter
    def launch(self, arg0: LaunchSpec) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Label of the group in results; unique across a campaign, not `all`, `class:...` or `salvo:...`. Allowed: a name: not empty, at most 256 bytes, no control characters.
        """
    @name.setter
    def name(self, arg1: str) -> None:
        ...
    @property
    def p_flight(self) -> float:
        """
        Probability that a launched threat stays airworthy to impact. Allowed: a number in [0, 1].
        """
    @p_flight.setter
    def p_flight(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def p_launch(self) -> float:
        """
        Probability that a threat launches successfully. Allowed: a number in [0, 1].
        """
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
        The config key `class`: a label several groups share, which layers can target (text, may be empty)
        """
    @threat_class.setter
    def threat_class(self, arg0: str) -> None:
        ...
class ThreatGroups:
    def __contains__(self, arg0: str) -> bool:
        ...
    @typing.overload
    def __getitem__(self, index: typing.SupportsInt | typing.SupportsIndex) -> ThreatGroup:
        ...
    @typing.overload
    def __getitem__(self, name: str) -> ThreatGroup:
        ...
    def __iter__(self) -> collections.abc.Iterator[ThreatGroup]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The display in a notebook: tables of what it holds
        """
    def keys(self) -> list[str]:
        """
        The names, in order
        """
class Salvo:
    def __repr__(self) -> str:
        ...
    @property
    def name(self) -> str:
        """
        Label of the salvo in results (`salvo:<name>`). Allowed: a name: not empty, at most 256 bytes, no control characters.
        """
    @name.setter
    def name(self, arg1: str) -> None:
        ...
    @property
    def start(self) -> float:
        """
        Seconds on the campaign's clock; after the previous salvo's start. Allowed: a finite number.
        """
    @start.setter
    def start(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def threats(self) -> ThreatGroups:
        """
        The salvo's threat groups, by position or name
        """
class Salvos:
    def __contains__(self, arg0: str) -> bool:
        ...
    @typing.overload
    def __getitem__(self, index: typing.SupportsInt | typing.SupportsIndex) -> Salvo:
        ...
    @typing.overload
    def __getitem__(self, name: str) -> Salvo:
        ...
    def __iter__(self) -> collections.abc.Iterator[Salvo]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def keys(self) -> list[str]:
        """
        The names, in order
        """
class Window:
    @property
    def close(self) -> float:
        """
        Seconds before impact when the layer's last intercept must happen. Allowed: a finite number >= 0 (seconds before impact).
        """
    @close.setter
    def close(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def open(self) -> float:
        """
        Seconds before impact when the layer can first intercept; greater than `close`. Allowed: a finite number.
        """
    @open.setter
    def open(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class EngagementSpec:
    def __repr__(self) -> str:
        ...
    @property
    def detect(self) -> float:
        """
        Probability that the layer's sensors pick up and hold a track on the threat. Allowed: a number in [0, 1].
        """
    @detect.setter
    def detect(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def pk(self) -> float:
        """
        Probability that one interceptor kills the threat. Allowed: a number in [0, 1].
        """
    @pk.setter
    def pk(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def target(self) -> str:
        """
        The threat group or class this entry engages
        """
    @target.setter
    def target(self, arg0: str) -> None:
        ...
    @property
    def window(self) -> Window:
        """
        When the layer can intercept (Window, seconds before impact)
        """
    @window.setter
    def window(self, arg0: Window) -> None:
        ...
class EngagementSpecs:
    def __contains__(self, arg0: str) -> bool:
        ...
    @typing.overload
    def __getitem__(self, index: typing.SupportsInt | typing.SupportsIndex) -> EngagementSpec:
        ...
    @typing.overload
    def __getitem__(self, name: str) -> EngagementSpec:
        ...
    def __iter__(self) -> collections.abc.Iterator[EngagementSpec]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def keys(self) -> list[str]:
        """
        The names, in order
        """
class Ration:
    """
    A rationing rule: while the layer's usable stock (interceptors left less its reserve) is below `below`, the keys it gives replace the layer's own; None keeps the layer's
    """
    def __init__(self, *, below: typing.SupportsInt | typing.SupportsIndex, shots: typing.SupportsInt | typing.SupportsIndex | None = None, doctrine: str | None = None, point_defense: bool | None = None, tiers: collections.abc.Sequence[str] | None = None) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def below(self) -> int:
        """
        The rule applies while the usable stock is below this (an integer >= 1, distinct within a layer). Allowed: an integer >= 1.
        """
    @below.setter
    def below(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def doctrine(self) -> str | None:
        """
        "salvo" or "shoot-look-shoot" while it applies (None: the layer's)
        """
    @doctrine.setter
    def doctrine(self, arg1: str | None) -> None:
        ...
    @property
    def point_defense(self) -> bool | None:
        """
        Whether threats aimed at open ground are ignored while it applies (None: the layer's)
        """
    @point_defense.setter
    def point_defense(self, arg0: bool | None) -> None:
        ...
    @property
    def shots(self) -> int | None:
        """
        Interceptors per engagement while it applies (an integer in [1, 2^20]; None: the layer's)
        """
    @shots.setter
    def shots(self, arg1: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def tiers(self) -> list[str] | None:
        """
        The declared tiers it engages while it applies, by name (None: the layer's); not with point_defense (docs/model.md §2.3.1)
        """
    @tiers.setter
    def tiers(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
class Layer:
    def __repr__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The display in a notebook: tables of what it holds
        """
    def copy(self) -> Layer:
        """
        A copy that belongs to no scenario (for with_layer)
        """
    def engagement(self, target: str) -> EngagementSpec:
        """
        The `engages.<target>` entry
        """
    @property
    def capacity(self) -> int | None:
        """
        The most the magazine holds after a resupply (None: interceptors, or no cap with a resupply_schedule)
        """
    @capacity.setter
    def capacity(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def channels(self) -> int:
        """
        Engagements one fire unit can run at once. Allowed: an integer >= 1.
        """
    @channels.setter
    def channels(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def cost(self) -> float:
        """
        Cost of one interceptor (any currency unit). Allowed: a finite number >= 0.
        """
    @cost.setter
    def cost(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def coverage(self) -> float:
        """
        Probability that a threat's path passes through the layer's coverage. Allowed: a number in [0, 1].
        """
    @coverage.setter
    def coverage(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def doctrine(self) -> str:
        """
        "salvo" (engage a threat at most once) or "shoot-look-shoot" (after a miss, look and engage again)
        """
    @doctrine.setter
    def doctrine(self, arg1: str) -> None:
        ...
    @property
    def engagement_time(self) -> float:
        """
        Seconds one engagement holds a channel, from firing to intercept. Allowed: a finite number > 0.
        """
    @engagement_time.setter
    def engagement_time(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def engages(self) -> EngagementSpecs:
        """
        How the layer handles each group or class it engages (the config's `engages.<target>`), by position or target name
        """
    @property
    def fire_units(self) -> int:
        """
        Number of fire units (batteries, ships). Allowed: an integer >= 1.
        """
    @fire_units.setter
    def fire_units(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def interceptors(self) -> int | str:
        """
        The magazine: interceptors available to the whole layer (at a campaign's start). Allowed: an integer >= 0, or "unlimited".
        """
    @interceptors.setter
    def interceptors(self, arg1: typing.SupportsInt | typing.SupportsIndex | str) -> None:
        ...
    @property
    def kill_assessment(self) -> float:
        """
        Probability that a threat that survived an engagement is seen to have survived. Allowed: a number in [0, 1].
        """
    @kill_assessment.setter
    def kill_assessment(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def look_time(self) -> float:
        """
        Seconds of pause after an intercept attempt before the next engagement (shoot-look-shoot). Allowed: a finite number >= 0.
        """
    @look_time.setter
    def look_time(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def magazine(self) -> str:
        """
        The name of an earlier layer whose magazine this one fires from (a shared magazine; "": its own). A layer with one sets no interceptors, resupply or capacity (docs/model.md §2.3.2)
        """
    @magazine.setter
    def magazine(self, arg0: str) -> None:
        ...
    @property
    def max_engagements(self) -> int | str:
        """
        Most engagements of one threat by this layer (shoot-look-shoot). Allowed: an integer >= 1, or "unlimited".
        """
    @max_engagements.setter
    def max_engagements(self, arg1: typing.SupportsInt | typing.SupportsIndex | str) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Label of the layer in results; unique. Allowed: a name: not empty, at most 256 bytes, no control characters.
        """
    @name.setter
    def name(self, arg1: str) -> None:
        ...
    @property
    def point_defense(self) -> bool:
        """
        True: the layer ignores threats aimed at open ground (with declared tiers: engages only the defended tiers)
        """
    @point_defense.setter
    def point_defense(self, arg0: bool) -> None:
        ...
    @property
    def rations(self) -> list[Ration]:
        """
        The rationing rules ([[layer.ration]], docs/model.md §2.3.1) as a list of copies: edit them and assign the list back (`rules = layer.rations; rules[0].shots = 1; layer.rations = rules`)
        """
    @rations.setter
    def rations(self, arg1: collections.abc.Sequence[Ration]) -> None:
        ...
    @property
    def reserve(self) -> int:
        """
        Interceptors held back in every salvo (an integer >= 0; finite magazines only). Allowed: an integer >= 0.
        """
    @reserve.setter
    def reserve(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def reserve_per_salvo(self) -> int:
        """
        Interceptors held back for each salvo still to come (an integer >= 0; finite magazines only). Allowed: an integer >= 0.
        """
    @reserve_per_salvo.setter
    def reserve_per_salvo(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def resupply(self) -> int:
        """
        Interceptors added to the magazine at the start of each salvo after the first (campaigns; 0 when resupply_schedule is used). Allowed: an integer >= 0.
        """
    @resupply.setter
    def resupply(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def resupply_schedule(self) -> dict[str, int]:
        """
        Resupply as a schedule: {salvo name: interceptors delivered at that salvo's start (an integer >= 0)}; a copy: assign a new dict to change it. Not the first salvo; with a schedule, capacity defaults to no cap (docs/model.md §2.5)
        """
    @resupply_schedule.setter
    def resupply_schedule(self, arg1: collections.abc.Mapping[str, typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def shots(self) -> int:
        """
        Interceptors fired per engagement. Allowed: an integer in [1, 2^20 = 1048576].
        """
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
    def __contains__(self, arg0: str) -> bool:
        ...
    @typing.overload
    def __getitem__(self, index: typing.SupportsInt | typing.SupportsIndex) -> Layer:
        ...
    @typing.overload
    def __getitem__(self, name: str) -> Layer:
        ...
    def __iter__(self) -> collections.abc.Iterator[Layer]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The display in a notebook: tables of what it holds
        """
    def keys(self) -> list[str]:
        """
        The names, in order
        """
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
        """
        Which meaning of a published figure it is: engaged, impacts, neutralized or count
        """
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
        """
        A layer counter (statistic layer); else empty
        """
    @property
    def name(self) -> str:
        """
        The observable's name, unique in the scenario
        """
    @property
    def note(self) -> str:
        """
        Free text
        """
    @property
    def rate(self) -> str:
        """
        launched, engaged or threatening (statistic rate); else empty
        """
    @property
    def selection(self) -> str:
        """
        A group, "class:<name>", "salvo:<name>", "tier:<name>" or "all"; empty if the statistic takes none
        """
    @property
    def source(self) -> str:
        """
        Outlet and date (docs/sources.md)
        """
    @property
    def statistic(self) -> str:
        """
        The simulated quantity per trial: fate, rate, intercepts, layer or cost (docs/model.md §8)
        """
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
        """
        What the figures are and where they come from
        """
    @property
    def observables(self) -> list[PublishedObservable]:
        """
        In config order
        """
class Scenario:
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
    def _repr_html_(self) -> str:
        """
        The display in a notebook: tables of what it holds
        """
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
    @typing.overload
    def with_layer(self, layer: Layer, *, before: str = '') -> Scenario:
        """
        A new scenario with a copy of `layer` added (at the end, or before the layer named `before`), validated: ConfigError if it breaks a rule. Take a layer from a scenario with `.copy()` and edit it, or pass a dict shaped like a [[layer]] table of the TOML.
        """
    @typing.overload
    def with_layer(self, layer: dict, *, before: str = '') -> Scenario:
        ...
    @typing.overload
    def with_threat_group(self, group: ThreatGroup, *, salvo: str = '', before: str = '') -> Scenario:
        """
        A new scenario with a copy of `group` added (to the salvo named `salvo` in a campaign; at the end, or before the group named `before`), validated: ConfigError if it breaks a rule. `group` may be a dict shaped like a [[threat]] table of the TOML.
        """
    @typing.overload
    def with_threat_group(self, group: dict, *, salvo: str = '', before: str = '') -> Scenario:
        ...
    def without_layer(self, name: str) -> Scenario:
        """
        A new scenario without the layer named `name`, validated
        """
    def without_threat_group(self, name: str) -> Scenario:
        """
        A new scenario without the threat group named `name` (in any salvo), validated
        """
    @property
    def description(self) -> str:
        """
        Free text, stored with the results
        """
    @description.setter
    def description(self, arg0: str) -> None:
        ...
    @property
    def layers(self) -> Layers:
        """
        The defence layers, in the order threats meet them
        """
    @property
    def name(self) -> str:
        """
        A short name, stored with the results. Allowed: a name: not empty, at most 256 bytes, no control characters.
        """
    @name.setter
    def name(self, arg1: str) -> None:
        ...
    @property
    def published(self) -> Published:
        """
        The figures the scenario is meant to reproduce (read-only)
        """
    @property
    def salvos(self) -> Salvos:
        """
        The salvos of a campaign (empty for a plain scenario, whose groups are `threats`)
        """
    @property
    def source_name(self) -> str:
        """
        The file (or name) it was loaded from
        """
    @property
    def source_text(self) -> str:
        """
        The TOML text it was loaded from (empty if built otherwise)
        """
    @property
    def threats(self) -> ThreatGroups:
        """
        The threat groups of a plain scenario, by position or name (a campaign's are in `salvos`)
        """
    @property
    def tiers(self) -> Tiers:
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
    def precision_summary(self) -> str:
        """
        A run to a precision target in one line, as the command line says it
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
    def point_results(self, k: typing.SupportsInt | typing.SupportsIndex) -> Results:
        """
        The statistics of the k-th point held (points[k]) as one run's Results
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
def did_you_mean(word: str, candidates: collections.abc.Sequence[str]) -> str:
    """
    ' (did you mean "x"?)' for the candidate x close enough to be a typo of word, else '': the rule of every message that suggests a name
    """
def git_sha1() -> str:
    """
    The git commit the compiled core was built from
    """
def kernel_draw_isa() -> str:
    """
    The instruction set the kernel's loops run on: avx512, avx2 or portable (SALVOSIM_DRAW_ISA caps it)
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
def plan_sweep(spec: SweepSpec, threads: typing.SupportsInt | typing.SupportsIndex, target_seconds: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    The points of a sweep, their estimated seconds (a few timed) and the fewest shards within target_seconds
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
def run(plan: Plan, scenario: Scenario, trials: typing.SupportsInt | typing.SupportsIndex, seed: int, threads: typing.SupportsInt | typing.SupportsIndex, first_trial: int, per_trial: bool, per_threat: bool, progress: typing.Any, max_memory: typing.SupportsInt | typing.SupportsIndex = 0, target_se: collections.abc.Sequence[tuple[str, typing.SupportsFloat | typing.SupportsIndex]] = [], batch_trials: typing.SupportsInt | typing.SupportsIndex = 10000) -> tuple:
    """
    Run trials [first_trial, first_trial + trials) of compile(scenario) through the front door (checked there, memory included: ValueError); with target_se [(statistic, se), ...], in batches of batch_trials until each standard error is at most its target (trials at most); returns (Results, records, fates, intercept_layers, tiers)
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
def write_results(path: str, plan: Plan, results: Results, records: typing.Any, fates: typing.Any, intercept_layers: typing.Any, tiers: typing.Any) -> None:
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
REPORTED_QUANTILES: list = [0.025, 0.05, 0.5, 0.95, 0.975]
SELECTION_ALL: str = 'all'
SELECTION_CLASS_PREFIX: str = 'class:'
SELECTION_SALVO_PREFIX: str = 'salvo:'
SELECTION_TIER_PREFIX: str = 'tier:'
Z95: float = 1.959963984540054
default_batch_trials: int = 10000
max_threads: int = 4096
