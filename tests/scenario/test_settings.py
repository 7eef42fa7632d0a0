"""GOGC / GOMEMLIMIT / GOMAXPROCS: parsed as Go parses them; flags > environment > file."""

from __future__ import annotations

import pytest

from gomemtui.scenario import load_program
from gomemtui.scenario.settings import (
    UNSET, Overrides, SettingsError, describe_overrides, overrides_from_env, parse_assignment, parse_gogc,
    parse_gomaxprocs, parse_gomemlimit,
)
from gomemtui.scenario.sizes import parse_byte_count
from gomemtui.units import MESSAGE_STYLE, format_bytes


@pytest.mark.parametrize(("text", "value"), [("100", 100), ("50", 50), ("off", None), ("-1", None), (" 200 ", 200)])
def test_gogc_as_readGOGC(text: str, value: int | None) -> None:
    assert parse_gogc(text) == value


@pytest.mark.parametrize(("text", "value"), [("64MiB", 64 << 20), ("1GiB", 1 << 30), ("1048576", 1 << 20),
                                             ("100B", 100), ("off", None), ("2TiB", 2 << 40), ("8KiB", 8192)])
def test_gomemlimit_as_parseByteCount(text: str, value: int | None) -> None:
    assert parse_gomemlimit(text) == value


@pytest.mark.parametrize(("text", "hint"), [("64MB", '"64MiB"'), ("64 MiB", '"64MiB"'), ("1.5GiB", "1610612736"),
                                            ("lots", "")])
def test_gomemlimit_mistakes_are_explained(text: str, hint: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_gomemlimit(text)
    assert f"GOMEMLIMIT={text}" in str(info.value) and hint in str(info.value)


def test_bad_values() -> None:
    with pytest.raises(SettingsError, match="GOGC=fast"):
        parse_gogc("fast")
    with pytest.raises(SettingsError, match="GOMAXPROCS=0"):
        parse_gomaxprocs("0")
    with pytest.raises(SettingsError, match="GOMAXPROCS=two"):
        parse_gomaxprocs("two")


def test_empty_environment_variables_count_as_unset() -> None:
    assert overrides_from_env({"GOGC": "", "GOMEMLIMIT": " "}) == Overrides()


def test_environment_overrides_the_file_and_flags_override_the_environment() -> None:
    env = {"GOGC": "50", "GOMEMLIMIT": "64MiB", "GOMAXPROCS": "2"}
    s = load_program("tour", env=env).settings
    assert (s.gogc, s.gomemlimit, s.gomaxprocs) == (50, 64 << 20, 2)
    s = load_program("tour", env=env, overrides=Overrides(gogc=None, gomaxprocs=8)).settings
    assert (s.gogc, s.gomemlimit, s.gomaxprocs) == (None, 64 << 20, 8)
    s = load_program("tour", env={}).settings
    assert (s.gogc, s.gomemlimit, s.gomaxprocs) == (100, None, 4)


def test_sizes_round_trip_for_people() -> None:
    assert parse_byte_count("0") == 0
    assert format_bytes(0, **MESSAGE_STYLE) == "0 B"
    assert format_bytes(8192, **MESSAGE_STYLE) == "8 KiB"
    assert format_bytes(80_000_000_000, **MESSAGE_STYLE) == "74.5 GiB"


# -- NAME=VALUE assignments (run --what-if, compare --left/--right) ------------------------

@pytest.mark.parametrize(("text", "field", "value"), [
    ("GOGC=50", "gogc", 50),
    ("gogc=off", "gogc", None),
    ("GOMEMLIMIT=64MiB", "gomemlimit", 64 << 20),
    ("GOMAXPROCS=4", "gomaxprocs", 4),
    ("green_tea=false", "green_tea", False),
    ("GreenTea=on", "green_tea", True),
])
def test_an_assignment_sets_one_field(text: str, field: str, value: object) -> None:
    overrides = parse_assignment(text)
    assert getattr(overrides, field) == value
    others = [f for f in ("gogc", "gomemlimit", "gomaxprocs", "green_tea") if f != field]
    assert all(getattr(overrides, f) is UNSET for f in others)


def test_assignments_combine_with_commas_and_read_back_as_typed() -> None:
    overrides = parse_assignment("GOGC=200, GOMEMLIMIT=64MiB")
    assert (overrides.gogc, overrides.gomemlimit) == (200, 64 << 20)
    assert describe_overrides(overrides) == "GOGC=200 GOMEMLIMIT=64MiB"
    assert describe_overrides(parse_assignment("green_tea=no")) == "green_tea=false"


@pytest.mark.parametrize(("text", "message"), [
    ("GOGC", "expected NAME=VALUE"),
    ("GOGCC=50", "GOGCC: unknown setting"),
    ("GOGC=fifty", "GOGC=fifty: expected a percentage"),
    ("green_tea=maybe", "green_tea=maybe: expected true or false"),
    ("GOMAXPROCS=0", "GOMAXPROCS=0: expected 1 to"),
])
def test_a_bad_assignment_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        parse_assignment(text)


def test_green_tea_override_reaches_the_runtime_settings() -> None:
    from gomemtui.scenario.model import RuntimeSpec
    from gomemtui.scenario.settings import settings_for

    assert settings_for(RuntimeSpec(line=1)).green_tea is True
    assert settings_for(RuntimeSpec(line=1), parse_assignment("green_tea=false")).green_tea is False
