"""`gomemtui --help`, `list`, `check` and argument handling (no runtime needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gomemtui import cli
from gomemtui.scenario import list_bundled
from tests.scenario.broken_cases import PRELUDE, steps
from tests.scenario.test_hints import STEP_LINE, scenario

COMMANDS = ["open", "list", "check", "run"]


def test_top_level_help_lists_commands_and_examples(gomemtui) -> None:
    r = gomemtui("--help")
    assert r.status == 0
    for name in COMMANDS:
        assert f"    {name}" in r.out
    assert "examples:" in r.out and "gomemtui run tour --json" in r.out
    assert r.out.startswith("usage: gomemtui [SCENARIO]")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_with_examples(gomemtui, command: str) -> None:
    r = gomemtui(command, "--help")
    assert r.status == 0
    assert "examples:" in r.out
    examples = r.out.split("examples:", 1)[1]
    assert examples.count("gomemtui") >= 2


def test_version(gomemtui) -> None:
    r = gomemtui("--version")
    assert r.status == 0 and r.out.startswith("gomemtui ")


def test_list_shows_every_bundled_scenario_with_its_summary(gomemtui) -> None:
    r = gomemtui("list")
    assert r.status == 0
    for s in list_bundled():
        line = next(line for line in r.out.splitlines() if line.startswith(s.short_name + " "))
        assert s.summary in line
    assert "gomemtui list" not in r.out  # no recursion in its own footer


def test_list_paths(gomemtui) -> None:
    r = gomemtui("list", "--paths")
    assert str(list_bundled()[0].path) in r.out


def test_check_ok_and_problems(gomemtui, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(PRELUDE + steps('do = "gc"'))
    bad = tmp_path / "bad.toml"
    bad.write_text(PRELUDE + steps('do = "apend"', 'do = "gc"\nin = "nobody"'))
    # PRELUDE's line 4 is `x := 1`: the gc step there is fine, with a warning (hints.py)
    warning = f"{good}:15: warning: step 1 (gc): line = 4 is `x := 1`, which has no `runtime.GC()` call"
    r = gomemtui("check", str(good))
    assert r.status == 0 and r.out.splitlines()[1] == f"{good}: ok (1 steps)"
    assert r.out.startswith(warning)
    r = gomemtui("check", str(good), str(bad))
    assert r.status == 1
    lines = r.out.splitlines()
    assert lines[1] == f"{good}: ok (1 steps)"
    assert lines[2].startswith(f"{bad}:") and 'did you mean "append"' in lines[2]
    assert lines[3].startswith(f"{bad}:") and "nobody" in lines[3]
    assert lines[4].startswith(f"{bad}:") and ": warning: " in lines[4]  # errors first, then warnings
    assert "1 of 2 files have problems" in r.err


def test_check_prints_warnings_and_still_succeeds(gomemtui, tmp_path: Path) -> None:
    """A warning (scenario/hints.py) is printed as FILE:LINE: warning: ...; the file is ok."""
    path = tmp_path / "warned.toml"
    path.write_text(scenario('line = 17\ndo = "go"\ngoroutine = "worker"'))
    r = gomemtui("check", str(path))
    assert r.status == 0
    assert r.out.splitlines() == [
        f"{path}:{STEP_LINE}: warning: step 2 (go): line = 17 is `}}`, which has no `go ` statement "
        "(is the line off by one?)",
        f"{path}: ok (2 steps)",
    ]


def test_check_quiet_and_bundled(gomemtui) -> None:
    r = gomemtui("check", "--bundled", "-q")
    assert r.status == 0 and r.out == ""
    r = gomemtui("check", "--bundled")
    assert r.out.count(": ok (") == len(list_bundled())


def test_check_accepts_bundled_names_and_reports_unknown_ones(gomemtui) -> None:
    assert gomemtui("check", "tour").status == 0
    r = gomemtui("check", "tuor")
    assert r.status == 1 and 'did you mean "tour"' in r.out


def test_check_without_files_is_a_usage_error(gomemtui) -> None:
    r = gomemtui("check")
    assert r.status == 2 and "at least one FILE" in r.err


def test_check_never_tracebacks_on_garbage(gomemtui, tmp_path: Path) -> None:
    junk = tmp_path / "junk.toml"
    junk.write_bytes(bytes(range(256)) * 4)
    r = gomemtui("check", str(junk), str(tmp_path))
    assert r.status == 1
    assert "Traceback" not in r.out + r.err
    assert f"{junk}:" in r.out and "directory" in r.out


def test_unknown_scenario_for_open_and_run(gomemtui) -> None:
    for argv in (["nosuch"], ["run", "nosuch"]):
        r = gomemtui(*argv)
        assert r.status == 2 and "no such file or bundled scenario" in r.err


def test_broken_scenario_for_run_prints_problems_and_fails(gomemtui, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(PRELUDE + steps('do = "apend"'))
    r = gomemtui("run", str(bad))
    assert r.status == 1 and f"{bad}:" in r.err and "apend" in r.err and r.out == ""


def test_bad_settings_are_usage_errors(gomemtui, monkeypatch) -> None:
    r = gomemtui("run", "tour", "--gogc", "fast")
    assert r.status == 2 and "--gogc" in r.err and "fast" in r.err
    monkeypatch.setenv("GOMEMLIMIT", "64MB")
    r = gomemtui("run", "tour")
    assert r.status == 2 and "GOMEMLIMIT=64MB" in r.err and '"64MiB"' in r.err


def test_open_calls_the_ui_lazily(gomemtui, monkeypatch) -> None:
    import types

    calls = []
    fake = types.SimpleNamespace(
        run_deferred=lambda load, path, first_frame=None, real_cycles=None, preview=None: calls.append(("app", load().title, Path(path).name)) or 0,
        run_picker=lambda: calls.append(("picker",)) or 0,
    )
    monkeypatch.setattr(cli, "_ui_app", lambda: fake)
    assert gomemtui("tour", "--gogc", "50").status == 0
    assert gomemtui().status == 0
    assert calls[0][0] == "app" and calls[0][2] == "tour.toml"
    assert calls[1] == ("picker",)


def test_open_passes_overrides_to_the_program(gomemtui, monkeypatch) -> None:
    import types

    seen = []
    fake = types.SimpleNamespace(run_deferred=lambda load, path, first_frame=None, real_cycles=None, preview=None: seen.append(load().settings) or 0)
    monkeypatch.setattr(cli, "_ui_app", lambda: fake)
    monkeypatch.setenv("GOGC", "50")
    gomemtui("tour", "--gomemlimit", "64MiB")
    assert seen[0].gogc == 50 and seen[0].gomemlimit == 64 << 20


def test_open_reports_cheap_errors_before_the_app_and_load_errors_after(gomemtui, monkeypatch, tmp_path) -> None:
    """A missing file or a bad flag never opens the app; a broken scenario (found while
    loading behind the first frame) closes it and is reported as `gomemtui check` would."""
    import types

    opened = []

    def run_deferred(load, path, first_frame=None, real_cycles=None, preview=None):
        opened.append(path)
        return load() and 0  # the real app re-raises load's exception after closing

    monkeypatch.setattr(cli, "_ui_app", lambda: types.SimpleNamespace(run_deferred=run_deferred))
    r = gomemtui("no-such-scenario")
    assert r.status == 2 and "no such file or bundled scenario" in r.err
    r = gomemtui("tour", "--gogc", "fast")
    assert r.status == 2 and "--gogc" in r.err
    assert opened == []
    bad = tmp_path / "bad.toml"
    bad.write_text(PRELUDE + steps('do = "apend"'))
    r = gomemtui(str(bad))
    assert r.status == 1 and f"{bad}:" in r.err and "apend" in r.err
    assert opened == [str(bad)]


def test_commands_can_be_registered(gomemtui, monkeypatch) -> None:
    from gomemtui import commands

    monkeypatch.setattr(commands, "COMMANDS", dict(commands.COMMANDS))
    monkeypatch.setattr(cli, "COMMANDS", commands.COMMANDS)
    commands.register(commands.Command("hello", "say hello", "Says hello.", "gomemtui hello\ngomemtui hello --loud",
                             lambda p: p.add_argument("--loud", action="store_true"),
                             lambda args: print("HELLO" if args.loud else "hello") or 0))
    assert "hello" in gomemtui("--help").out
    assert gomemtui("hello", "--loud").out == "HELLO\n"


def test_python_dash_m_gomemtui_works() -> None:
    r = subprocess.run([sys.executable, "-m", "gomemtui", "check", "tour"], capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "tour: ok (10 steps)"


def test_a_failing_simulation_is_reported_without_a_traceback(gomemtui, monkeypatch) -> None:
    import gomemtui.runtime.timeline as timeline_module

    class Broken:
        def __init__(self, program, **options) -> None:
            self.program = program
            self.next_step = 0
            self.at_end = False

        def step(self):
            raise RuntimeError("boom")

    monkeypatch.setattr(timeline_module, "Timeline", Broken)
    r = gomemtui("run", "tour")
    assert r.status == 1
    assert "the simulation failed at step 1 (make_slice, main.go:10): RuntimeError: boom" in r.err
    assert "Traceback" not in r.err
    with pytest.raises(RuntimeError):
        gomemtui("run", "tour", "--traceback")


def fresh_python(code: str) -> str:
    """What `code` prints in a new interpreter (which starts with nothing imported)."""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_opening_the_app_imports_no_core_before_the_first_frame() -> None:
    """The command line and the app's modules must not pull in numpy, scipy, the core's
    views, the scenario reader or the panels' widgets: the app draws its layout first,
    fills the panels behind it and loads the scenario behind that."""
    code = ("import sys, gomemtui.cli, gomemtui.ui.app; "
            "print(sorted(m for m in ('numpy', 'scipy', 'gomemtui.runtime.read.views', 'gomemtui.runtime.program', "
            "'gomemtui.scenario.checker', 'gomemtui.scenario.model', 'tomllib', 'rich.syntax', "
            "'gomemtui.ui.widgets.heap_map', 'gomemtui.ui.widgets.lines_view') if m in sys.modules))")
    assert fresh_python(code) == "[]"


def test_the_core_imports_scipy_only_when_it_walks_the_graph_in_order() -> None:
    code = ("import sys; from gomemtui.runtime.timeline import Timeline; from gomemtui.scenario import load_program; "
            "from gomemtui.runtime.read.reader import RuntimeReader; "
            "t = Timeline(load_program('tour')); t.step(); RuntimeReader(t.runtime).view(); "
            "before = 'scipy' in sys.modules; "
            "t.preload(); print(before, 'scipy' in sys.modules)")
    assert fresh_python(code).split() == ["False", "True"]
