"""Follow a scenario's steps in order without running the runtime, the way a careful
reader of the Go program would: which variables exist and what they are, each slice's
len and cap (growing exactly as `growslice` does), each map's length, which goroutines
run, and how much the simulation would cost. Anything Go would reject or panic on, and
anything gomemtui could not simulate, is a `Problem` at the key it concerns.

This module is the walk: steps in order, `repeat`, loop iterations, the operation
budget. What each operation checks and changes is its rule (`rules.RULES`); what the
walk knows so far is a `tracker.Tracker`.
"""

from __future__ import annotations

import copy

from gomemtui.scenario.errors import Problem, quote
from gomemtui.scenario.go_body import NOT_IN_BODY, instance_name, instance_name_of, instance_step
from gomemtui.scenario.limits import MAX_OPERATIONS
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.rules import RULES, Repeats
from gomemtui.scenario.tracker import Stop, Tracker, Var, all_steps, created_names

__all__ = ["check_scenario", "operation_count"]


def operation_count(step: StepSpec) -> int:
    """Operations the runtime executes for `step`: repeats and loop iterations included."""
    if step.do == "loop":
        times = step.arg("times", 0)
        inner = sum(operation_count(s) for s in step.body)
        return step.repeat * (times if isinstance(times, int) else 0) * inner
    if step.do == "go" and step.body:  # -- go count (issue 13) --
        count = step.arg("count", 1)
        inner = 1 + sum(operation_count(s) for s in step.body)
        return (count if isinstance(count, int) else 0) * inner
    return step.repeat


def check_scenario(scenario: Scenario, broken: set[tuple[int, ...]] | None = None) -> list[Problem]:
    """Every problem found by following `scenario`'s steps (`broken`: steps the loader
    already complained about; their variables are defined so nothing cascades)."""
    checker = _Checker(scenario, broken or set())
    checker.run()
    return checker.problems


class _Checker(Tracker):
    """The walk over the steps, on top of what the tracker knows."""

    def __init__(self, scenario: Scenario, broken: set[tuple[int, ...]]) -> None:
        super().__init__(scenario, broken)
        self.ops_done = 0
        """Operations of the loops followed so far (a loop past MAX_OPERATIONS is checked once)."""

    def run(self) -> None:
        for step in self.sc.steps:
            self.step(step)
        total = sum(operation_count(s) for s in self.sc.steps)
        if total > MAX_OPERATIONS:
            self.report_budget(total)

    def report_budget(self, total: int) -> None:
        """Blame the step that takes the run past MAX_OPERATIONS."""
        running = 0
        for step in self.sc.steps:
            count = operation_count(step)
            running += count
            if running > MAX_OPERATIONS:
                if step.do == "loop":
                    per = sum(operation_count(s) for s in step.body)
                    what = (f"times = {step.arg('times')} × {per} operation(s) per iteration"
                            + (f" × repeat = {step.repeat}" if step.repeat > 1 else "")
                            + f" = {count} operations")
                    key = "times"
                elif step.do == "go" and step.body:  # -- go count (issue 13) --
                    per = 1 + sum(operation_count(s) for s in step.body)
                    what = f"count = {step.arg('count')} × {per} operation(s) per goroutine = {count} operations"
                    key = "count"
                else:
                    what = f"repeat = {step.repeat} operations"
                    key = "repeat"
                if any(p.line == step.line_of(key) for p in self.problems):
                    return  # already refused (e.g. "would need 80 GB of simulated heap")
                self.report(step, key, (
                    f"{what}; the scenario would run {total} in all, and gomemtui simulates at most "
                    f"{MAX_OPERATIONS} (make the counts smaller: the runtime behaves the same at a "
                    "smaller scale)"))
                return

    def step(self, step: StepSpec) -> None:
        if step.path in self.broken:
            self.define_leniently(step)
            return
        try:
            self.check_goroutine(step)
            if step.do == "loop":
                self.loop(step)
            else:
                self.repeat(step)
                if step.do == "go" and step.body:
                    self.go_body(step)
        except Stop:
            self.define_leniently(step)

    # -- go count (issue 13) --

    def go_body(self, step: StepSpec) -> None:
        """Each of the `count` goroutines runs the body with its own locals; one that
        parks stays parked (and returns once woken), the others return at the body's end.
        The walk stops at the first goroutine whose body has problems."""
        template, count = step.args["goroutine"], step.value("count")
        for sub in all_steps(step.body):
            if sub.do in NOT_IN_BODY:
                self.fail(sub, None, f"not in a go body: {NOT_IN_BODY[sub.do]}")
            if sub.has("in"):
                self.fail(sub, "in", (
                    f"in = {quote(sub.goroutine)}: a go body runs in each goroutine the step starts "
                    f"({template}#0 … {template}#{count - 1}): leave in out"))
        locals_ = [n for s in all_steps(step.body) for n in created_names(s)]
        heap_reported = self.heap_reported
        try:
            self._run_instances(step, template, count, locals_, heap_reported)
        finally:
            self.heap_reported = heap_reported
        self.check_live_heap(step, "count")

    def _run_instances(self, step: StepSpec, template: str, count: int, locals_: list[str],
                       heap_reported: bool) -> None:
        for i in range(count):
            name = instance_name(template, i)
            self.state.goroutines[name] = ("running", step.line_of("goroutine"))
            before = len(self.problems)
            self.heap_reported = heap_reported or i >= 2  # the sum over every variable: once at the end
            for j, sub in enumerate(step.body):
                state = self.state.goroutines[name]
                if state[0] != "running":
                    self.fail(step.body[j], None, (
                        f"{name} parked at line {state[1]} (body item {j}) and nothing runs it on: "
                        "a goroutine's body ends where it parks (gomemtui runs the body at once; "
                        "once woken, the goroutine returns)"))
                self.step(instance_step(sub, template, name))
            mine = [instance_name_of(n, template, name) for n in locals_]
            if self.state.goroutines[name][0] == "running":
                self.state.goroutines[name] = ("exited", step.line)
                for n in mine:
                    if self.state.vars.pop(n, None) is not None:
                        self.state.dead[n] = f"died when goroutine {name} returned at line {step.line}"
            else:
                self.state.returning[name] = mine
            if len(self.problems) > before:
                break

    def define_leniently(self, step: StepSpec) -> None:
        """A step with problems still defines its names, so later steps do not cascade."""
        for name in created_names(step):
            if name not in self.state.vars:
                self.state.vars[name] = Var(name, "?", step.line, step.do, step.goroutine)
                self.state.dead.pop(name, None)
        for sub in step.body:
            self.define_leniently(sub)

    def repeat(self, step: StepSpec) -> None:
        """The step's rule, as its `Repeats` says to follow `repeat = N`."""
        rule = RULES[step.do]
        if rule.repeats is Repeats.AT_ONCE:
            rule.check(self, step, step.repeat)
            return
        times = step.repeat if rule.repeats is Repeats.EACH else min(step.repeat, 2)
        for _ in range(times):
            rule.check(self, step, 1)

    def loop(self, step: StepSpec) -> None:
        times = step.arg("times", 0) * step.repeat
        per = sum(operation_count(s) for s in step.body)
        if times == 0 or self.ops_done + times * per > MAX_OPERATIONS:
            # Never runs (times = 0) or refused: check the body once, keep no effects.
            saved = copy.deepcopy(self.state)
            self.iteration.append(0)
            for sub in step.body:
                self.step(sub)
            self.iteration.pop()
            self.state = saved
            return
        self.iteration.append(0)
        previous = None
        for i in range(times):
            self.iteration[-1] = i
            before = len(self.problems)
            for sub in step.body:
                self.step(sub)
            self.ops_done += per
            if len(self.problems) > before:
                break
            signature = self.state.signature()
            if signature == previous:
                break  # every further iteration leaves the same state
            previous = signature
        self.iteration.pop()
