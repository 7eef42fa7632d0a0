"""The one formatter of bytes and durations (gomemtui/units.py), in each of its styles."""

from __future__ import annotations

import pytest

from gomemtui.units import (
    MESSAGE_STYLE, NEVER_BYTES, NOTE_STYLE, format_bytes, format_duration, format_exact, format_goal, format_ns,
    format_si,
)


@pytest.mark.parametrize(("n", "panel", "note", "message"), [
    (0, "0 B", "0 B", "0 B"),
    (1023, "1023 B", "1023 B", "1023 B"),
    (1024, "1024 B", "1.0 KiB", "1 KiB"),
    (6784, "6784 B", "6.6 KiB", "6.6 KiB"),
    (10 * 1024, "10.0 KiB", "10.0 KiB", "10 KiB"),
    (512 * 1024, "512 KiB", "512.0 KiB", "512 KiB"),
    (3 << 20, "3.0 MiB", "3.0 MiB", "3 MiB"),
    (1536 << 10, "1.5 MiB", "1.5 MiB", "1.5 MiB"),
    (5 << 30, "5.0 GiB", "5120.0 MiB", "5 GiB"),
    (3 << 40, "3072 GiB", "3145728.0 MiB", "3 TiB"),
])
def test_each_style_reads_as_written(n: int, panel: str, note: str, message: str) -> None:
    assert format_bytes(n) == panel
    assert format_bytes(n, **NOTE_STYLE) == note
    assert format_bytes(n, **MESSAGE_STYLE) == message


def test_a_missing_figure_reads_as_a_dash() -> None:
    assert format_bytes(None) == "—"


def test_decimal_units_and_times() -> None:
    assert (format_si(999), format_si(80 * 10**9), format_si(1_500_000)) == ("999 B", "80 GB", "1.5 MB")
    assert [format_ns(n) for n in (850, 12_300, 4_200_000, 1_234_000_000)] == ["850 ns", "12.3 µs", "4.20 ms", "1.234 s"]
    assert [format_duration(s) for s in (4.2, 187, 7500)] == ["4.2s", "3m07s", "2h05m"]


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 B"),
    (6784, "6784 B"),
    (10 * 1024, "10 KiB (10,240 B)"),
    (110_100_992, "105 MiB (110,100,992 B)"),
    (126_914_413, "121 MiB (126,914,413 B)"),
    (3_997_704, "3.8 MiB (3,997,704 B)"),
    (5 << 30, "5 GiB (5,368,709,120 B)"),
])
def test_exact_figures_read_in_units_and_keep_every_byte(n: int, text: str) -> None:
    assert format_exact(n) == text


def test_an_infinite_goal_reads_never() -> None:
    # GOGC=off without a limit: Go's NextGC is the limit goal of MaxInt64, 8,946,670,875,749,132,533 B.
    assert format_goal(8_946_670_875_749_132_533) == "never (GOGC=off, no limit)"
    assert format_goal(None) == "never (GOGC=off, no limit)"
    assert format_goal(NEVER_BYTES - 1, **MESSAGE_STYLE) == "4096 PiB"
    assert format_goal(4 << 20, **MESSAGE_STYLE) == "4 MiB"


def test_printable_escapes_what_a_terminal_acts_on_and_keeps_text() -> None:
    from gomemtui.units import printable

    assert printable("\x1b]0;title\x07\x1b[2J\x1b[?1049l") == "\\x1b]0;title\\x07\\x1b[2J\\x1b[?1049l"
    assert printable("a\rb\x08c\x7fd\x9b1m\x00") == "a\\x0db\\x08c\\x7fd\\x9b1m\\x00"
    assert printable("evil\u202ed") == "evil\\u202ed"
    assert printable("tab\tand\nline, ünïcödé → ok") == "tab\tand\nline, ünïcödé → ok"
    assert printable("two\nlines", multiline=False) == "two\\x0alines"


def test_json_printable_keeps_the_json_value() -> None:
    import json

    from gomemtui.units import json_printable

    value = {"s": "x\x9b1m\x1b\x7f\u202e → é"}
    line = json_printable(json.dumps(value, ensure_ascii=False))
    assert line == '{"s": "x\\u009b1m\\u001b\\u007f\\u202e → é"}'
    assert json.loads(line) == value
