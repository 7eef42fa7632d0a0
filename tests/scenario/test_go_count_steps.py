"""`go` with count and body on the scenario side: names, the cost walk, `run --json`."""

from __future__ import annotations

import io
import json

from gomemtui.headless import run_json
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_text
from gomemtui.scenario.cost_walk import estimate

LEAK = '''
[scenario]
title = "workers"

[source]
code = """
package main

func worker(ch chan []byte) {
	buf := make([]byte, 4096)
	ch <- buf
}

func main() {
	ch := make(chan []byte)
	for i := 0; i < 50; i++ {
		go worker(ch)
	}
	<-ch
}
"""

[[goroutine]]
name = "worker"

[[step]]
line = 10
do = "make_chan"
var = "ch"
elem = "[]byte"

[[step]]
line = 12
do = "go"
goroutine = "worker"
count = 50
body = [
  { line = 4, do = "make_slice", var = "buf", elem = "byte", len = 4096 },
  { line = 5, do = "send", chan = "ch", var = "buf" },
]

[[step]]
line = 14
do = "recv"
chan = "ch"
'''


def test_the_cost_walk_counts_every_goroutine_and_its_body():
    cost = estimate(load_text(LEAK))
    # 50 goroutines; per goroutine a g (and at most allgs' growth), a 4 KiB buffer and a
    # sudog the send may take: at least 3 objects and 4096 B each
    assert cost.total.goroutines == 50
    assert cost.total.objects >= 50 * 3
    assert cost.total.allocated_bytes >= 50 * 4096
    # the go step, then per goroutine its go and its two body operations, then the recv
    assert cost.total.operations == 1 + 50 * 3 + 1


def test_run_json_names_each_goroutines_own_buffer_and_the_woken_one_returns():
    out = io.StringIO()
    run_json(Timeline(compile_scenario(load_text(LEAK))), out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    after_go, after_recv = lines[1], lines[2]
    assert sorted(after_go["vars"]) == sorted(["ch"] + [f"buf@worker#{i}" for i in range(50)])
    assert after_go["vars"]["buf@worker#17"]["kind"] == "slice"
    assert after_go["vars"]["buf@worker#17"]["array_bytes"] == 4096
    assert (after_go["goroutines"], after_recv["goroutines"]) == (51, 50)  # main and the live workers
    # <-ch takes worker#0's value: worker#0 returns and its buf dies with it
    assert "buf@worker#0" not in after_recv["vars"] and "buf@worker#1" in after_recv["vars"]
