"""Keys with very many parts: refused at their line before tomllib reads the file, and
loading costs time and memory linear in the file (issue #15: a 63 KB file with a
30,000-part header used to take 16–19 s and 3.6–4.1 GB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gomemtui.scenario import ScenarioError, load_text
from gomemtui.scenario.limits import MAX_KEY_DEPTH
from gomemtui.scenario.tomllines import key_lines
from tests.scenario.broken_cases import PRELUDE, steps

ROOT = Path(__file__).resolve().parents[2]


def _keys(parts: int) -> str:
    return ".".join(["a"] * parts)


DEEP_SHAPES = {
    "table header": lambda n: f"[{_keys(n)}]\nx = 1\n",
    "array header": lambda n: f"[[{_keys(n)}]]\nx = 1\n",
    "dotted key": lambda n: f"{_keys(n)} = 1\n",
    "dotted key in an inline table": lambda n: f"t = {{ {_keys(n)} = 1 }}\n",
    "nested arrays": lambda n: "a = " + "[" * n + "]" * n + "\n",
    "nested inline tables": lambda n: "a = " + "{b=" * n + "1" + "}" * n + "\n",
}


@pytest.mark.parametrize("shape", DEEP_SHAPES)
def test_deep_key_is_refused_at_its_line_before_tomllib(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import gomemtui.scenario.reading as reading

    def no_tomllib(text: str) -> None:
        raise AssertionError("tomllib was given a file with a key too deep")

    monkeypatch.setattr(reading.tomllib, "loads", no_tomllib)
    text = PRELUDE + steps('do = "gc"') + "\n" + DEEP_SHAPES[shape](3_000)
    deep_line = text.count("\n", 0, len(text) - len(DEEP_SHAPES[shape](3_000))) + 1
    with pytest.raises(ScenarioError) as info:
        load_text(text, "deep.toml")
    (problem,) = info.value.problems
    assert problem.line == deep_line
    assert str(problem).startswith(f"deep.toml:{deep_line}: nested too deeply")
    assert f"at most {MAX_KEY_DEPTH} levels" in problem.message


def test_keys_at_the_limit_are_read_and_one_more_level_is_not() -> None:
    # a.a...a (64 parts) = 1 puts the value at level 64; inside [t] it would be 65.
    at_limit = key_lines(f"{_keys(MAX_KEY_DEPTH)} = 1\n")
    assert at_limit.too_deep is None
    assert at_limit[("a",) * MAX_KEY_DEPTH] == 1
    over = key_lines(f"[t]\n\n{_keys(MAX_KEY_DEPTH)} = 1\n")
    assert over.too_deep is not None and over.too_deep[0] == 3
    # [[step]] / [[step.body]]: step, 0, body, 0, do -- five levels, as the limit's doc says
    body = key_lines('[[step]]\ndo = "loop"\n[[step.body]]\ndo = "gc"\n')
    assert body[("step", 0, "body", 0, "do")] == 4


def test_eight_nested_loops_fit_the_limit_easily() -> None:
    # the deepest scenario the loader takes (MAX_LOOP_NESTING loops), written inline
    inner = '{ do = "gc", line = 4 }'
    for _ in range(8):
        inner = f'{{ do = "loop", line = 4, times = 1, body = [{inner}] }}'
    text = PRELUDE + '\n[[step]]\nline = 4\ndo = "loop"\ntimes = 1\nbody = [' + inner + "]\n"
    assert key_lines(text).too_deep is None
    with pytest.raises(ScenarioError) as info:
        load_text(text, "loops.toml")
    assert "nested more than 8 deep" in str(info.value)  # the loop limit speaks, not the key one


# -- cost: measured in a fresh interpreter under a memory cap ------------------------------

_CHILD = r"""
import json, resource, sys, time, tracemalloc
from gomemtui.scenario import ScenarioError, load_text

def vm_bytes():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0

# Before the fix a 30,000-part key took 3.5-5 GB: a 512 MiB cap turns that into a failure.
if sys.platform.startswith("linux"):
    cap = vm_bytes() + (512 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))

def load(text):
    try:
        load_text(text, "x.toml")
    except ScenarioError:
        pass

def cost(text):
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        load(text)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    load(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": best, "peak": peak}

texts = json.loads(sys.stdin.read())
print(json.dumps({name: [cost(t) for t in pair] for name, pair in texts.items()}))
"""


def _costs(texts: dict[str, tuple[str, str]]) -> dict[str, list[dict[str, float]]]:
    out = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(texts), cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result: dict[str, list[dict[str, float]]] = json.loads(out.stdout)
    return result


def test_loading_costs_time_and_memory_linear_in_the_parts() -> None:
    texts = {name: (make(3_000), make(30_000)) for name, make in DEEP_SHAPES.items()}
    # under the limit: 60-part keys, many of them (tomllib reads these)
    texts["many 60-part keys"] = tuple(  # type: ignore[assignment]
        "".join(f"k{i}.{_keys(59)} = [1, {{x = 2}}]\n" for i in range(n)) for n in (30, 300))
    texts["many small keys"] = tuple(  # type: ignore[assignment]
        "".join(f"k{i} = [1, 2, {{x = 3}}]\n" for i in range(n)) for n in (300, 3_000))
    costs = _costs(texts)
    for name, (small, big) in costs.items():
        # ten times the text: linear is about 10x, quadratic 100x; generous for a loaded machine
        assert big["peak"] < 20 * max(small["peak"], 64 << 10), (name, small, big)
        assert big["seconds"] < 40 * max(small["seconds"], 1e-3), (name, small, big)
