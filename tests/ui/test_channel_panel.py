"""The Goroutines panel's channels: a parked sender says where it waits, and each channel
shows its buffer's use, its bytes, what the buffer holds and who waits on it."""

from __future__ import annotations

from pathlib import Path

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_text
from gomemtui.ui.player import Action, Player
from gomemtui.ui.widgets.goroutines import goroutine_lines

SCENARIO = Path(__file__).parent / "data" / "channel_send.toml"


def frame_after(steps: int):
    program = compile_scenario(load_text(SCENARIO.read_text(), str(SCENARIO)))
    player = Player(Timeline(program), grid_shape=(4, 16))
    frame = player.frame()
    for _ in range(steps):
        frame = player.perform(Action("step"))
    return frame


def test_a_parked_sender_and_its_channel_are_shown_with_real_sizes():
    lines = [line.plain for line in goroutine_lines(frame_after(4), 80)]
    assert "■ w · blocked  parked in ch <- v: a leak if nothing wakes it" in lines
    # chan *[1024]byte cap 1: a 112 B hchan and an 8 B buffer apart
    assert "⇄ ch chan *[1024]byte · 1/1 buffered · 120 B (buffer 8 B apart)" in lines
    assert "    holds b · senders w" in lines
    assert all(len(line) <= 80 for line in lines)


def test_a_receive_wakes_the_sender_and_its_value_fills_the_slot():
    lines = [line.plain for line in goroutine_lines(frame_after(6), 80)]
    assert not any("parked in" in line for line in lines)
    assert "    holds b · nobody waiting" in lines
