"""Load a scenario file: read, parse with tomllib, check every table and value, then
follow the steps (`checker`) — reporting every problem at once as ``path:line: message``.

    scenario = load_scenario("scenarios/tour.toml")     # or raises ScenarioError
    problems = check_file("mine.toml")                  # [] when it is fine
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from gomemtui.runtime.types import BUILTIN_TYPES
from gomemtui.scenario.errors import Problem, ScenarioError, quote, suggest
from gomemtui.scenario.limits import MAX_GOMAXPROCS, MAX_HEAP_BYTES, MAX_LOOP_NESTING
from gomemtui.scenario.model import (
    GoroutineSpec, RuntimeSpec, Scenario, ScenarioInfo, SourceSpec, StepSpec, TypeSpec,
    frozen_map,
)
from gomemtui.scenario.reading import parse_toml, read_text
from gomemtui.scenario.spec import (
    BODY_STEP_KEYS, GOROUTINE_KEYS, OPS, RUNTIME_KEYS, SCENARIO_KEYS, SOURCE_KEYS,
    STEP_KEYS, TOP_LEVEL_TABLES, TYPE_KEYS, FieldSpec,
)
from gomemtui.scenario.tomllines import KeyLines, KeyPath, key_lines
from gomemtui.scenario.values import IDENT_RE, BadValue, check_value, toml_type_name
from gomemtui.units import MESSAGE_STYLE, format_bytes

__all__ = ["load_scenario", "load_text", "check_file"]


def load_scenario(path: str | Path) -> Scenario:
    """The checked scenario at `path`; raises ScenarioError listing every problem."""
    shown = str(path)
    return load_text(read_text(Path(path), shown), shown)


def load_text(text: str, shown: str = "<scenario>") -> Scenario:
    """Load a scenario from TOML text; `shown` names it in messages."""
    from gomemtui.scenario.budget import budget_problems
    from gomemtui.scenario.checker import check_scenario
    from gomemtui.scenario.hints import source_warnings
    from gomemtui.scenario.scopes import localize

    try:
        lines = key_lines(text)
    except Exception:  # the line scanner must never cost the user a traceback
        lines = KeyLines()
    if lines.too_deep is not None:  # refused before tomllib, quadratic in a key's parts, reads it
        raise ScenarioError([Problem(lines.too_deep[0], lines.too_deep[1], shown)])
    data = parse_toml(text, shown)
    builder = _Builder(data, lines, shown)
    scenario = builder.build()
    problems = list(builder.problems)
    if scenario is not None:
        scenario, crossing = localize(scenario)  # goroutine-local names (scopes.py)
        problems += crossing
        problems += check_scenario(scenario, builder.broken_steps)
        if not problems:  # the budget needs a scenario whose every name and type resolves
            problems += budget_problems(scenario)
    if problems:
        raise ScenarioError(problems, source_warnings(scenario) if scenario is not None else ())
    assert scenario is not None
    return scenario


def check_file(path: str | Path) -> list[Problem]:
    """Every problem of the scenario at `path` (empty if it loads)."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return list(exc.problems)
    return []


class _Builder:
    """Turns tomllib's dict into model objects, collecting problems instead of stopping."""

    def __init__(self, data: dict[str, Any], lines: KeyLines, shown: str) -> None:
        self.data = data
        self.lines = lines
        self.shown = shown
        self.problems: list[Problem] = []
        self.broken_steps: set[tuple[int, ...]] = set()
        """Paths of steps with problems: the checker defines their variables but says no more."""
        self.source_lines: int | None = None
        self.user_type_names: set[str] = set()

    # -- helpers -----------------------------------------------------------------------
    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(line, message, self.shown))

    def line(self, path: KeyPath, default: int = 1) -> int:
        """Line of `path`, else of its nearest enclosing key, else `default`."""
        return self.lines.nearest(path, default)

    def fields(self, table: dict[str, Any], path: KeyPath, specs: Mapping[str, FieldSpec],
               where: str) -> tuple[dict[str, Any], dict[str, int], bool]:
        """Check `table`'s keys against `specs`: (converted values, key lines, all fine?)."""
        values: dict[str, Any] = {}
        key_lines_: dict[str, int] = {}
        fine = True
        table_line = self.line(path)
        for key, value in table.items():
            kline = self.line(path + (key,), table_line)
            key_lines_[key] = kline
            spec = specs.get(key)
            if spec is None:
                fine = False
                hint = suggest(key, specs)
                if key == "pause" and "do" in specs:
                    hint = ": pause works on top-level steps only, not inside a loop's body"
                elif not hint:
                    hint = f" (fields here: {', '.join(specs)})"
                self.add(kline, f'{where}: unknown field "{key}"{hint}')
                continue
            try:
                values[key] = check_value(spec, value)
            except BadValue as exc:
                fine = False
                self.add(kline, f"{where}: {key} = {quote(value)}: {exc}")
        for key, spec in specs.items():
            if spec.required and key not in table:
                fine = False
                doc = f" ({spec.doc})" if spec.doc else ""
                self.add(table_line, f'{where}: missing field "{key}"{doc}')
        return values, key_lines_, fine

    def table(self, key: str, *, required: bool) -> dict[str, Any] | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.add(1, f"missing table {TOP_LEVEL_TABLES[key]}")
            return None
        if not isinstance(value, dict):
            self.add(self.line((key,)), (
                f"{key} must be a table written {TOP_LEVEL_TABLES[key]}, "
                f"not a {toml_type_name(value)}"))
            return None
        return value

    # -- the document ------------------------------------------------------------------
    def build(self) -> Scenario | None:
        for key, value in self.data.items():
            if key not in TOP_LEVEL_TABLES:
                written = f"[{key}]" if isinstance(value, dict) else (
                    f"[[{key}]]" if isinstance(value, list) and value and
                    all(isinstance(v, dict) for v in value) else f'key "{key}"')
                hint = suggest(key, TOP_LEVEL_TABLES, fmt="{}")
                if hint:
                    hint = f" (did you mean {TOP_LEVEL_TABLES[hint[15:-2]]}?)"
                else:
                    hint = f" (the tables are {', '.join(TOP_LEVEL_TABLES.values())})"
                self.add(self.line((key,)), f"unknown top-level {written}{hint}")
        info = self.build_info()
        runtime = self.build_runtime()
        source = self.build_source()
        types = self.build_types()
        goroutines = self.build_goroutines()
        steps = self.build_steps()
        if info is None or source is None or steps is None:
            return None
        return Scenario(self.shown, info, runtime, source, frozen_map(types),
                        tuple(goroutines), tuple(steps))

    def build_info(self) -> ScenarioInfo | None:
        table = self.table("scenario", required=True)
        if table is None:
            return None
        values, klines, _ = self.fields(table, ("scenario",), SCENARIO_KEYS, "[scenario]")
        if isinstance(values.get("title"), str) and not values["title"].strip():
            self.add(klines["title"], "[scenario]: title is empty")
        return ScenarioInfo(self.line(("scenario",)), key_lines=frozen_map(klines),
                            **{k: v for k, v in values.items()})

    def build_runtime(self) -> RuntimeSpec:
        table = self.table("runtime", required=False)
        if table is None:
            return RuntimeSpec(self.line(("runtime",)))
        values, klines, _ = self.fields(table, ("runtime",), RUNTIME_KEYS, "[runtime]")
        if values.get("gomaxprocs", 1) > MAX_GOMAXPROCS:
            self.add(klines["gomaxprocs"], (
                f"[runtime]: gomaxprocs = {values.pop('gomaxprocs')}: at most {MAX_GOMAXPROCS}"))
        return RuntimeSpec(self.line(("runtime",)), key_lines=frozen_map(klines), **values)

    def build_source(self) -> SourceSpec | None:
        table = self.table("source", required=True)
        if table is None:
            return None
        values, klines, _ = self.fields(table, ("source",), SOURCE_KEYS, "[source]")
        code = values.get("code")
        if isinstance(code, str):
            if not code.strip():
                self.add(klines["code"], "[source]: code is empty: paste the Go program the steps point into")
            else:
                self.source_lines = len(code.splitlines())
        return SourceSpec(self.line(("source",)), key_lines=frozen_map(klines), **values)

    def build_types(self) -> dict[str, TypeSpec]:
        table = self.table("types", required=False)
        if table is None:
            return {}
        out: dict[str, TypeSpec] = {}
        for name, body in table.items():
            path: KeyPath = ("types", name)
            where = f"[types.{name}]"
            tline = self.line(path)
            if not isinstance(body, dict):
                self.add(tline, f"{where} must be a table with size and pointers, not a {toml_type_name(body)}")
                continue
            if not IDENT_RE.match(name):
                self.add(tline, f'{where}: "{name}" is not a valid Go type name')
                continue
            if name in BUILTIN_TYPES:
                self.add(tline, f"{where}: {name} is a built-in type; give your type another name")
                continue
            self.user_type_names.add(name)
            values, klines, _ = self.fields(body, path, TYPE_KEYS, where)
            pointers = list(values.get("pointers", ()))
            for i, item in enumerate(pointers):
                if item in pointers[:i]:
                    self.add(klines["pointers"], f'{where}: pointer field "{item}" is listed twice')
            pointers = list(dict.fromkeys(pointers))
            has_pointers = values.get("has_pointers")
            if has_pointers is False and pointers:
                self.add(klines["has_pointers"], (
                    f"{where}: has_pointers = false, but pointers lists {len(pointers)} pointer field(s)"))
            size = values.get("size")
            if isinstance(size, int) and size < 8 * len(pointers):
                self.add(klines.get("size", tline), (
                    f"{where}: size = {size} is too small for {len(pointers)} pointer fields "
                    f"({len(pointers)} × 8 B = {8 * len(pointers)} B)"))
            if isinstance(size, int) and size > MAX_HEAP_BYTES:
                self.add(klines.get("size", tline), (
                    f"{where}: size = {size} is bigger than the {format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)} "
                    "gomemtui can simulate"))
            out[name] = TypeSpec(
                tline, key_lines=frozen_map(klines), name=name, size=size if isinstance(size, int) else 8,
                pointers=tuple(pointers),
                has_pointers=bool(pointers) if has_pointers is None else has_pointers,
            )
        return out

    def build_goroutines(self) -> list[GoroutineSpec]:
        value = self.data.get("goroutine")
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(self.line(("goroutine",)), "goroutine must be an array of tables: write [[goroutine]]")
            return []
        out: list[GoroutineSpec] = []
        seen: dict[str, int] = {}
        for i, table in enumerate(value):
            path: KeyPath = ("goroutine", i)
            where = f"[[goroutine]] #{i + 1}"
            values, klines, _ = self.fields(table, path, GOROUTINE_KEYS, where)
            name = values.get("name")
            if name is None:
                continue
            if not IDENT_RE.match(name):
                self.add(klines["name"], f'{where}: name = {quote(name)}: not a valid goroutine name '
                                         '(a Go identifier)')
                continue
            if name == "main":
                self.add(klines["name"], f'{where}: name = "main": main exists without being declared')
                continue
            if name in seen:
                self.add(klines["name"], f'{where}: duplicate goroutine "{name}" (first declared at line {seen[name]})')
                continue
            seen[name] = klines["name"]
            out.append(GoroutineSpec(self.line(path), key_lines=frozen_map(klines), **values))
        return out

    # -- steps ---------------------------------------------------------------------------
    def build_steps(self) -> list[StepSpec] | None:
        value = self.data.get("step")
        if value is None:
            self.add(1, "no [[step]]: a scenario needs at least one step")
            return None
        if isinstance(value, dict):
            self.add(self.line(("step",)), "step must be an array of tables: write [[step]], not [step]")
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(self.line(("step",)), "step must be an array of tables: write [[step]]")
            return None
        if not value:
            self.add(self.line(("step",)), "step is empty: a scenario needs at least one step")
            return None
        steps = []
        for i, table in enumerate(value):
            step = self.build_step(table, ("step", i), (i,), None, None, 0)
            steps.append(step)
        return steps

    def build_step(self, table: dict[str, Any], path: KeyPath, step_path: tuple[int, ...],
                   loop_line: int | None, loop_in: str | None, depth: int) -> StepSpec:
        in_body = len(step_path) > 1
        tline = self.line(path)
        label = ", ".join([f"step {step_path[0] + 1}"] + [f"body item {j + 1}" for j in step_path[1:]])
        common = BODY_STEP_KEYS if in_body else STEP_KEYS
        do = table.get("do")
        op = OPS.get(do) if isinstance(do, str) else None
        fine = True
        if "do" not in table:
            self.add(tline, f'{label}: missing field "do" (the operation, e.g. do = "append")')
            fine = False
        elif not isinstance(do, str):
            self.add(self.line(path + ("do",), tline), f"{label}: do = {quote(do)}: expected the name of an "
                                                      f"operation (a string), got a {toml_type_name(do)}")
            fine = False
        elif op is None:
            hint = suggest(do, OPS) or f" (operations: {', '.join(OPS)})"
            self.add(self.line(path + ("do",), tline), f'{label}: do = {quote(do)}: unknown operation{hint}')
            fine = False
        where = f"{label} ({do})" if op else label
        if op is not None:
            specs: dict[str, FieldSpec] = {**{f.name: f for f in op.fields}, **common}
            values, klines, ok = self.fields(table, path, specs, where)
        else:
            # Without a known operation only the common keys can be checked; "do" is
            # already reported above.
            common_ = {k: v for k, v in common.items() if k != "do"}
            known = {k: v for k, v in table.items() if k in common_}
            values, klines, ok = self.fields(known, path, common_, where)
            klines.update({k: self.line(path + (k,), tline) for k in table})
            values.update({k: v for k, v in table.items() if k not in common})  # for the checker's names
        fine = fine and ok
        source_line = values.pop("line", None)
        if source_line is not None and self.source_lines is not None and source_line > self.source_lines:
            self.add(klines["line"], (
                f"{where}: line = {source_line} is past the end of [source] "
                f"({self.source_lines} lines)"))
            fine = False
        note = values.pop("note", "")
        goroutine = values.pop("in", None) or loop_in or "main"
        repeat = values.pop("repeat", 1)
        pause = values.pop("pause", False)
        values.pop("do", None)
        body: list[StepSpec] = []
        if op is not None and op.name in ("loop", "go") and isinstance(values.get("body"), list):
            items = values.pop("body")
            if depth + 1 > MAX_LOOP_NESTING:
                self.add(klines["body"], f"{where}: loops nested more than {MAX_LOOP_NESTING} deep")
                fine = False
            elif not items:
                self.add(klines["body"], f"{where}: body is empty")
                fine = False
            else:
                # a `go` body runs in the goroutines it starts (-- go count (issue 13) --)
                runs_in = values.get("goroutine") if op.name == "go" else goroutine
                for j, item in enumerate(items):
                    body.append(self.build_step(item, path + ("body", j), step_path + (j,),
                                                source_line or loop_line, runs_in or goroutine, depth + 1))
        else:
            values.pop("body", None)
        if not fine:
            self.broken_steps.add(step_path)
        return StepSpec(
            tline, key_lines=frozen_map(klines), path=step_path, do=do if isinstance(do, str) else "",
            args=frozen_map(values), source_line=source_line if source_line is not None else loop_line,
            note=note, goroutine=goroutine, repeat=repeat, pause=pause, body=tuple(body),
        )

