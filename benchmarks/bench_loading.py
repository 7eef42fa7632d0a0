"""What loading (`gomemtui check`) costs on files built to be hard to read. Prints figures;
asserts nothing.

    python benchmarks/bench_loading.py            # 3,000 and 30,000 parts
    python benchmarks/bench_loading.py --parts 300 3000 30000

Each file is checked in a fresh subprocess, which reports its wall-clock time and its peak
resident memory (`ru_maxrss`), so one case's garbage never counts against the next. The
cases: a ``[table]`` header, an ``[[array]]`` header and a dotted key of N parts, arrays
and inline tables nested N deep, and files of many small keys (the same number of bytes
as the others, but every key short) to show the cost per byte of an ordinary file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
start = time.perf_counter()
from gomemtui.scenario import check_file
problems = check_file(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "first": str(problems[0]) if problems else ""}))
"""


def cases(parts: int) -> dict[str, str]:
    """The files for one size: name -> text."""
    keys = ".".join(["a"] * parts)
    items = (parts + 9) // 10
    return {
        "[table] header": f"[{keys}]\nx = 1\n",
        "[[array]] header": f"[[{keys}]]\nx = 1\n",
        "dotted key": f"{keys} = 1\n",
        "nested arrays": "a = " + "[" * parts + "]" * parts + "\n",
        "nested inline tables": "a = " + "{b=" * parts + "1" + "}" * parts + "\n",
        "many small keys": "".join(f"k{i} = [1, 2, {{x = 3}}]\n" for i in range(items)),
    }


def measure(text: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.toml"
        path.write_text(text, encoding="utf-8")
        out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(ROOT)],
                             capture_output=True, text=True, timeout=600, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, nargs="+", default=[3_000, 30_000])
    args = parser.parse_args()
    baseline = measure("x = 1\n")
    print(f"interpreter and import alone: {baseline['seconds']:.2f} s, {baseline['peak_mb']:.0f} MB peak")
    for parts in args.parts:
        for name, text in cases(parts).items():
            r = measure(text)
            first = str(r["first"])
            print(f"{name:>22} × {parts:>6,} ({len(text) / 1024:6.1f} KiB): {r['seconds']:7.2f} s, "
                  f"{r['peak_mb']:7.0f} MB peak   {first[:90]}")


if __name__ == "__main__":
    main()
