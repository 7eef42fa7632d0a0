"""The Go programs the bundled scenarios show are real Go: they build, and the tour's
allocations are the ones real Go 1.27 makes, line by line."""

from __future__ import annotations

import re

import pytest

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import find_scenario, list_bundled, load_program, load_scenario
from gomemtui.runtime.read.build import build_view

BUNDLED = [b.name for b in list_bundled()]


@pytest.mark.parametrize("name", BUNDLED)
def test_the_scenario_source_builds(go_tool, name: str):
    """A Go developer may paste the source panel into a file: it must compile."""
    go_tool.build(f"src-{re.sub(r'[^a-z0-9]', '', name)}", scenario_source(name))


def scenario_source(name: str) -> str:
    return load_scenario(find_scenario(name)).source.code


# The tour's source with probes: every line ending in `// probe` is added, the rest is the
# tour's own text (checked below). probe(k) records MemStats after the tour's step k.
TOUR_PROBED = '''package main

import (
	"fmt"
	"runtime"
	"encoding/json" // probe
	"os" // probe
)

var stats runtime.MemStats // probe
var probes [][4]uint64 // probe
func probe(step int) { // probe
	runtime.ReadMemStats(&stats) // probe
	probes = append(probes, [4]uint64{uint64(step), stats.HeapAlloc, stats.Mallocs, stats.Frees}) // probe
} // probe
//go:noinline
func count(n int) []int {
	numbers := make([]int, 0, n)
	probe(1) // probe
	for i := 0; i < n; i++ {
		numbers = append(numbers, i)
	}
	probe(2) // probe
	return numbers
}

func main() {
	probes = make([][4]uint64, 0, 64) // probe
	runtime.GC() // probe
	probe(0) // probe
	numbers := count(1000)
	small := numbers[:10]
	probe(3) // probe
	numbers = nil
	probe(4) // probe
	runtime.GC()
	probe(5) // probe

	fixed := make([]int, len(small))
	copy(fixed, small)
	probe(6) // probe
	small = nil
	probe(7) // probe
	runtime.GC()
	probe(8) // probe

	var grown []int
	probe(9) // probe
	for i := 0; i < 300; i++ {
		grown = append(grown, i)
	}
	probe(10) // probe
	fmt.Println(fixed[9], grown[299])
	json.NewEncoder(os.Stderr).Encode(probes) // probe
}
'''


def test_the_probed_tour_is_the_tour():
    plain = "\n".join(line for line in TOUR_PROBED.splitlines() if not line.endswith("// probe")) + "\n"
    assert plain == scenario_source("tour")


def test_the_tour_allocates_what_real_go_allocates(go_tool):
    import json
    import subprocess

    program = go_tool.build("tourprobed", TOUR_PROBED)

    def measure() -> dict[int, list[int]]:
        proc = subprocess.run([str(program.binary)], capture_output=True, text=True, timeout=120,
                              env={"GOMAXPROCS": "4", "GOGC": "100", "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 0, proc.stderr
        return {row[0]: row[1:] for row in json.loads(proc.stderr)}

    timeline = Timeline(load_program("tour"))
    sim = {0: build_view(timeline.runtime).memstats}
    while not timeline.at_end:
        timeline.step()
        sim[timeline.next_step] = build_view(timeline.runtime).memstats
    def compare(real: dict[int, list[int]]) -> list[str]:
        problems = []
        for step in range(1, len(timeline.program.steps) + 1):
            (ra, rm, rf), (pa, pm, pf) = real[step], real[step - 1]
            s, p = sim[step], sim[step - 1]
            go = (rm - pm, rf - pf)
            ours = (s.mallocs - p.mallocs, s.frees - p.frees)
            if timeline.program.steps[step - 1].op.__class__.__name__ == "GC":
                # runtime.GC may itself allocate a few bytes (runtime internals): compare
                # what was freed, which is the program's.
                go, ours = go[1:], ours[1:]
            else:
                go, ours = go + (ra - pa,), ours + (s.heap_alloc - p.heap_alloc,)
            if go != ours:
                problems.append(f"step {step}: go (mallocs, frees, bytes) {go}, simulator {ours}")
        return problems

    # The runtime sometimes allocates for itself while the program runs (seen: 6 objects,
    # 5320 B in the last loop, one run in three): such a run is measured again.
    runs = [compare(measure()) for _ in range(1)]
    while runs[-1] and len(runs) < 5:
        runs.append(compare(measure()))
    assert not runs[-1], "every run disagrees; the last:\n" + "\n".join(runs[-1])


@pytest.mark.parametrize("doc", ["README.md", "docs/scenario-format.md"])
def test_the_documented_examples_are_real_go(go_tool, doc: str):
    """The scenario examples in the docs show Go programs that build."""
    from pathlib import Path

    from gomemtui.scenario import load_text

    text = (Path(__file__).resolve().parents[2] / doc).read_text()
    examples = [block for block in re.findall(r"```toml\n(.*?)```", text, re.S) if "[source]" in block]
    assert examples
    for i, block in enumerate(examples):
        go_tool.build(f"doc{i}", load_text(block, doc).source.code)
