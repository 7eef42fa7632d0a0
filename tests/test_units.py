"""The one formatter of bytes and durations (gomemtui/units.py), in each of its styles."""

from __future__ import annotations

import pytest

from gomemtui.units import MESSAGE_STYLE, NOTE_STYLE, format_bytes, format_duration, format_ns, format_si


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
