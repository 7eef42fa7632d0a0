"""A parsed scenario: frozen dataclasses that remember the TOML line of every key.

The loader builds these after checking each value's type; the checker then follows the
steps in order (variables, slice lengths, goroutines) and the compiler turns them into
`gomemtui.runtime.program` objects. Every part keeps `line` (the line of its table header
or inline table) and `key_lines` (key -> line), so any later problem can be reported at
the key it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from gomemtui.runtime.program import RuntimeSettings
from gomemtui.scenario.spec import OPS

__all__ = [
    "Located",
    "ScenarioInfo",
    "RuntimeSpec",
    "SourceSpec",
    "TypeSpec",
    "GoroutineSpec",
    "StepSpec",
    "Scenario",
    "frozen_map",
]

_GO = RuntimeSettings()
"""Go's runtime defaults, as the runtime declares them."""


def frozen_map(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only copy of `data` (frozen dataclasses hold no mutable dicts)."""
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class Located:
    """Something written at a place in the TOML file."""

    line: int
    """TOML line of the table header (`[[step]]`) or inline table that holds it."""
    key_lines: Mapping[str, int] = field(default_factory=frozen_map, kw_only=True)
    """TOML line of each key written in it."""

    def line_of(self, key: str) -> int:
        """Line of `key`, or of the table itself when the key was left out."""
        return self.key_lines.get(key, self.line)

    def has(self, key: str) -> bool:
        """Whether the file sets `key` here (rather than taking the default)."""
        return key in self.key_lines


@dataclass(frozen=True)
class ScenarioInfo(Located):
    """`[scenario]`: what the scenario is about."""

    title: str = ""
    summary: str = ""
    """One line, shown by `gomemtui list` and the picker."""
    description: str = ""


@dataclass(frozen=True)
class RuntimeSpec(Located):
    """`[runtime]`: the settings the program starts with (defaults are real Go's)."""

    gogc: int | None = _GO.gogc
    """GOGC; None is "off"."""
    gomemlimit: int | None = _GO.gomemlimit
    """GOMEMLIMIT in bytes; None is "off"."""
    gomaxprocs: int = _GO.gomaxprocs
    green_tea: bool = _GO.green_tea
    globals_bytes: int = _GO.globals_bytes


@dataclass(frozen=True)
class SourceSpec(Located):
    """`[source]`: the Go program the steps point into."""

    file: str = "main.go"
    code: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        """The program's lines (line N is `lines[N - 1]`)."""
        return tuple(self.code.splitlines())


@dataclass(frozen=True)
class TypeSpec(Located):
    """`[types.NAME]`: a user struct type."""

    name: str = ""
    size: int = 0
    pointers: tuple[str, ...] = ()
    """Names of its pointer fields (for `assign` to `var.field`)."""
    has_pointers: bool = False
    """Whether the collector scans it (pointer fields, or `has_pointers = true`)."""


@dataclass(frozen=True)
class GoroutineSpec(Located):
    """A `[[goroutine]]` the steps can start with `go` and run steps `in`."""

    name: str = ""
    note: str = ""


@dataclass(frozen=True)
class StepSpec(Located):
    """One `[[step]]`, or one step of a loop's body."""

    path: tuple[int, ...] = ()
    """(i,) for the i-th `[[step]]` (0-based); (i, j) for item j of its body, and so on."""
    do: str = ""
    args: Mapping[str, Any] = field(default_factory=frozen_map)
    """The operation's fields as written (only those the file sets)."""
    source_line: int | None = None
    """`line`: the Go source line; None in a loop body that leaves it out (the loop's)."""
    note: str = ""
    goroutine: str = "main"
    """`in`: the goroutine that runs it."""
    repeat: int = 1
    pause: bool = False
    body: tuple["StepSpec", ...] = ()
    """A loop's steps."""

    def arg(self, name: str, default: Any = None) -> Any:
        """The value of field `name`, or `default` when the file leaves it out."""
        return self.args.get(name, default)

    def value(self, name: str) -> Any:
        """The value of field `name` of its operation: as written, else the default its
        spec declares (`spec.OPS`), which may be another key's value (`cap` is `len`)."""
        if name in self.args:
            return self.args[name]
        spec = OPS[self.do].field(name)
        if spec is None:
            raise KeyError(f"{self.do} has no field {name!r}")
        if spec.default_from == "in":
            return self.goroutine
        if spec.default_from is not None:
            return self.value(spec.default_from)
        return spec.default

    @property
    def label(self) -> str:
        """How messages name this step: `step 3` or `step 3, body item 2`."""
        parts = [f"step {self.path[0] + 1}"] + [f"body item {i + 1}" for i in self.path[1:]]
        return ", ".join(parts)


@dataclass(frozen=True)
class Scenario:
    """A whole scenario file, loaded and checked."""

    path: str
    info: ScenarioInfo
    runtime: RuntimeSpec
    source: SourceSpec
    types: Mapping[str, TypeSpec]
    goroutines: tuple[GoroutineSpec, ...]
    steps: tuple[StepSpec, ...]

    @property
    def name(self) -> str:
        """The file's name without `.toml` (how `gomemtui list` names bundled scenarios)."""
        base = self.path.replace("\\", "/").rsplit("/", 1)[-1]
        return base.removesuffix(".toml")
