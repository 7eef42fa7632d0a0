"""Strings against real Go: what `string(b)`, `strings.Clone`, `+`, `s[low:high]` and
`[]byte(s)` allocate, the cap of a `[]byte(s)`, and what a substring keeps alive.

The Go program runs each case on its own (GOMAXPROCS=1): it prepares the operands
(heap strings or a `[]byte`, outside the measurement), runs `runtime.GC()` and
`ReadMemStats` (which flushes the mcache, so a tiny allocation opens a fresh 16-byte
block), does the one operation in a `//go:noinline` function whose result either escapes
(stored in a global) or stays local (passed to a function that does not keep it), and
reads MemStats again: Mallocs and TotalAlloc deltas, and the cap of a `[]byte(s)`. A
substring case keeps `s[lo:hi]` (or `strings.Clone(s[lo:hi])`) in a global, drops `s`,
runs two GCs and reports HeapAlloc minus the HeapAlloc before `s` was made.

The simulator runs the same operands and operation through the Runtime facade and must
give the same figures (`string_cases.simulate`). The fixed cases (`FIXED`) are also
recorded in tests/oracle/strings.json, which tests/runtime/mutator/test_strings.py checks
the simulator against without Go; `python -m tests.realgo.test_strings` records them again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from gomemtui.scenario import find_scenario, load_scenario
from tests.oracle_data import ORACLE_DIR, load_oracle
from tests.realgo.conftest import GoTool
from tests.realgo.string_cases import (
    FIXED, SUBSTRING_PROBE_STEPS, SUBSTRING_PROBED, describe, generate, simulate, unprobed,
)

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"strings"
)

var (
	srcB             []byte
	srcS, srcT, srcU string
	sinkS, keep      string
	sinkB            []byte
	before, after    runtime.MemStats
)

//go:noinline
func use(s string) int {
	if len(s) == 0 {
		return 0
	}
	return len(s) + int(s[len(s)-1])
}

//go:noinline
func makeString(n int) string { return string(make([]byte, n)) }

//go:noinline
func convEsc(b []byte) { sinkS = string(b) }

//go:noinline
func convLocal(b []byte) int {
	s := string(b)
	if len(b) > 0 {
		b[0]++
	}
	return use(s)
}

//go:noinline
func cloneEsc(s string) { sinkS = strings.Clone(s) }

//go:noinline
func cloneLocal(s string) int { return use(strings.Clone(s)) }

//go:noinline
func cat2Esc(a, b string) { sinkS = a + b }

//go:noinline
func cat2Local(a, b string) int { return use(a + b) }

//go:noinline
func cat3Esc(a, b, c string) { sinkS = a + b + c }

//go:noinline
func catLitEsc(a string) { sinkS = "prefix:" + a }

// catStackPart: p's bytes are in convLocal's kind of stack buffer; e is "".
//
//go:noinline
func catStackPart(e string, b []byte) { p := string(b); sinkS = e + p }

//go:noinline
func bytesEsc(s string) int { sinkB = []byte(s); return cap(sinkB) }

//go:noinline
func bytesLocal(s string) int {
	b := []byte(s)
	if len(b) > 0 {
		b[0]++
	}
	return cap(b)
}

type Case struct {
	Op     string `json:"op"`
	Escape string `json:"escape"`
	Lens   []int  `json:"lens"`
	Lo     int    `json:"lo"`
	Hi     int    `json:"hi"`
}

type Result struct {
	Mallocs    uint64 `json:"mallocs"`
	TotalAlloc uint64 `json:"total_alloc"`
	Cap        int    `json:"cap"`
	Retained   int64  `json:"retained"`
}

func gc2() {
	runtime.GC()
	runtime.GC()
}

func measured(c Case) Result {
	var r Result
	esc := c.Escape == "heap"
	switch c.Op {
	case "string":
		srcB = make([]byte, c.Lens[0])
	case "clone", "bytes":
		srcS = makeString(c.Lens[0])
	case "concat":
		srcS, srcT = makeString(c.Lens[0]), makeString(c.Lens[1])
		if len(c.Lens) == 3 {
			srcU = makeString(c.Lens[2])
		}
	case "concat_literal":
		srcS = makeString(c.Lens[1])
	case "concat_stack_part":
		srcB = make([]byte, c.Lens[1])
	}
	runtime.GC()
	runtime.ReadMemStats(&before)
	switch {
	case c.Op == "string" && esc:
		convEsc(srcB)
	case c.Op == "string":
		convLocal(srcB)
	case c.Op == "clone" && esc:
		cloneEsc(srcS)
	case c.Op == "clone":
		cloneLocal(srcS)
	case c.Op == "concat" && len(c.Lens) == 3:
		cat3Esc(srcS, srcT, srcU)
	case c.Op == "concat" && esc:
		cat2Esc(srcS, srcT)
	case c.Op == "concat":
		cat2Local(srcS, srcT)
	case c.Op == "concat_literal":
		catLitEsc(srcS)
	case c.Op == "concat_stack_part":
		catStackPart("", srcB)
	case c.Op == "bytes" && esc:
		r.Cap = bytesEsc(srcS)
	case c.Op == "bytes":
		r.Cap = bytesLocal(srcS)
	default:
		panic("unknown case " + c.Op)
	}
	runtime.ReadMemStats(&after)
	r.Mallocs = after.Mallocs - before.Mallocs
	r.TotalAlloc = after.TotalAlloc - before.TotalAlloc
	return r
}

func retained(c Case) Result {
	gc2()
	runtime.ReadMemStats(&before)
	s := makeString(c.Lens[0])
	if c.Op == "substring" {
		keep = s[c.Lo:c.Hi]
	} else {
		keep = strings.Clone(s[c.Lo:c.Hi])
	}
	s = ""
	gc2()
	runtime.ReadMemStats(&after)
	return Result{Retained: int64(after.HeapAlloc) - int64(before.HeapAlloc)}
}

func main() {
	var in struct {
		Cases []Case `json:"cases"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := make([]Result, len(in.Cases))
	for w := 0; w < 2; w++ { // the first GCs and ReadMemStats make one-time allocations
		gc2()
		runtime.ReadMemStats(&before)
		runtime.ReadMemStats(&after)
	}
	for i, c := range in.Cases {
		srcB, srcS, srcT, srcU, sinkS, sinkB, keep = nil, "", "", "", "", nil, ""
		if c.Op == "substring" || c.Op == "substring_clone" {
			out[i] = retained(c)
		} else {
			out[i] = measured(c)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
"""


def test_the_recorded_string_cases_are_what_real_go_does(go_tool):
    program = go_tool.build("strings", GO_SOURCE)
    got = program.run({"cases": FIXED})
    recorded = load_oracle("strings")["cases"]
    assert [r["case"] for r in recorded] == FIXED, "tests/oracle/strings.json records other cases"
    wrong = [f"{describe(c)}: go {g}, recorded {r['go']}" for c, g, r in zip(FIXED, got, recorded) if g != r["go"]]
    assert not wrong, "real Go no longer gives the recorded figures:\n" + "\n".join(wrong)


def test_strings_allocate_and_retain_what_real_go_does(go_tool, case_rng):
    cases = generate(case_rng.rng)
    program = go_tool.build("strings", GO_SOURCE)
    got = program.run({"cases": cases})
    problems = [f"{describe(c)}: go {g}, simulator {simulate(c)}"
                for c, g in zip(cases, got, strict=True) if simulate(c) != g]
    assert not problems, f"{len(problems)} disagreement(s) with real Go ({case_rng.tag()}):\n" + "\n".join(problems[:15])


def substring_probes(tool: GoTool) -> list[list[int]]:
    """[HeapAlloc, Mallocs] above main's start after each probed step of 03-substring
    (GOMAXPROCS=1, GOGC=100; 2 MiB of zeros on stdin)."""
    program = tool.build("substringprobed", SUBSTRING_PROBED)
    proc = subprocess.run([str(program.binary)], input=bytes(2 << 20), capture_output=True, timeout=120,
                          env={"GOMAXPROCS": "1", "GOGC": "100", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    numbers = [int(x) for x in re.findall(r"-?\d+", proc.stderr.decode())]
    return [numbers[i:i + 2] for i in range(0, len(numbers), 2)]


def test_the_probed_substring_scenario_is_the_scenario() -> None:
    assert unprobed(SUBSTRING_PROBED) == load_scenario(find_scenario("03-substring")).source.code


def test_the_substring_scenario_keeps_what_real_go_keeps(go_tool):
    """The figures its notes quote: live Go gives the recorded ones (the simulator is
    checked against the record in tests/scenario/test_substring_scenario.py)."""
    assert substring_probes(go_tool) == load_oracle("strings")["substring_scenario"]["probes"]


def record() -> None:
    """Run FIXED and the probed 03-substring with real Go and write tests/oracle/strings.json."""
    from tests.realgo.conftest import _probe_go

    tool, why = _probe_go()
    if tool is None:
        sys.exit(f"no Go 1.27 toolchain: {why}")
    got = tool.build("strings", GO_SOURCE).run({"cases": FIXED})
    data = {
        "go_version": tool.version,
        "description": (
            "Strings, GOMAXPROCS=1: Mallocs and TotalAlloc deltas around one operation (after "
            "runtime.GC and ReadMemStats, which flushes the mcache), the cap of []byte(s), and for "
            "substring cases HeapAlloc after two GCs with s[lo:hi] (or strings.Clone of it) kept in "
            "a global and s dropped, minus HeapAlloc before s was made. escape=heap: the result is "
            "stored in a global; escape=stack: it is passed to a function that does not keep it. "
            "concat_literal is \"prefix:\" + a (7-byte literal); concat_stack_part is \"\" + p where "
            "p := string(b) does not escape. Source: tests/realgo/test_strings.py."
        ),
        "cases": [{"case": c, "go": g} for c, g in zip(FIXED, got)],
        "substring_scenario": {
            "description": (
                "The 03-substring scenario's program with probes (string_cases.SUBSTRING_PROBED), "
                "GOMAXPROCS=1: [HeapAlloc, Mallocs] minus their values after a GC at the start of main, "
                "after the scenario steps `after_steps`. Between the second and third probe "
                "fmt.Println leaves a few hundred bytes in its own pool."
            ),
            "after_steps": list(SUBSTRING_PROBE_STEPS),
            "probes": substring_probes(tool),
        },
    }
    path = ORACLE_DIR / "strings.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {path} ({len(FIXED)} cases)")


if __name__ == "__main__":
    record()
