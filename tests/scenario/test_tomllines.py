"""The key-line scanner: every key of a valid TOML document is found at its line."""

from __future__ import annotations

import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomemtui.scenario.tomllines import key_lines


def test_tables_arrays_of_tables_and_dotted_keys() -> None:
    text = '''# comment [not a table]
[scenario]
title = "x"  # trailing comment = 1
a.b."c d" = 1

[source]
code = """
[[step]]
line = 99
"""

[types.Node]
size = 24

[[step]]
line = 7
do = "loop"
body = [
  { do = "new", var = "x" },
  # a comment between items
  { do = "append", var = "s", count = [1,
    2] },
]

[[step]]
do = 'x'
[[step.body]]
q = 1
[[step.body]]
q = 2
[step.body.t]
r = 3
'''
    lines = key_lines(text)
    assert lines[("scenario",)] == 2
    assert lines[("scenario", "title")] == 3
    assert lines[("scenario", "a", "b", "c d")] == 4
    assert lines[("source", "code")] == 7
    assert ("step", 0, "line") in lines and lines[("step", 0, "line")] == 16  # not the one in code
    assert lines[("types", "Node", "size")] == 13
    assert lines[("step", 0)] == 15
    assert lines[("step", 0, "body", 1)] == 21
    assert lines[("step", 0, "body", 1, "var")] == 21
    assert lines[("step", 0, "body", 1, "count", 1)] == 22
    assert lines[("step", 1, "body", 0, "q")] == 28
    assert lines[("step", 1, "body", 1, "q")] == 30
    assert lines[("step", 1, "body", 1, "t", "r")] == 32


def test_literal_and_multiline_strings_with_tricky_content() -> None:
    q3, l3 = '"' * 3, "'" * 3
    text = "\n".join([
        "a = 'it\\s'",
        "b = " + l3 + "x = [",
        "]" + l3,
        "c = " + q3 + 'q\\"x = 1' + q3,
        "f = " + q3 + "ab" + q3 + '""',
        'd = "#{["',
        "e = 1",
    ]) + "\n"
    data = tomllib.loads(text)
    assert data["f"] == 'ab""'
    assert data["c"] == 'q"x = 1'
    lines = key_lines(text)
    assert lines[("f",)] == 5
    assert lines[("d",)] == 6
    assert lines[("e",)] == 7


def test_crlf_line_endings() -> None:
    text = "[scenario]\r\ntitle = \"x\"\r\n\r\n[[step]]\r\nline = 3\r\n"
    assert key_lines(text)[("step", 0, "line")] == 5


def test_never_raises_on_garbage() -> None:
    for text in ["[", "[[", "a = {", "a = [", '"""', "= = =", "[a.]\n", "a.\"b", "\\"]:
        key_lines(text)


# -- property: random documents written in every TOML style ---------------------------------

_bare = st.text("abcdefgh_-", min_size=1, max_size=6)
_quoted = st.text("ab .#=[]{}'", min_size=1, max_size=5).map(lambda s: s)
_key = st.one_of(_bare, _quoted)
_scalar = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text("abc =[]{}#,'", max_size=8).map(lambda s: '"' + s + '"'),
    st.text("abc =[]{}#,\"\n", max_size=12).map(lambda s: "'''" + s + "'''"),
    st.text("abc =[]{}#,'\n", max_size=12).map(lambda s: '"""' + s + '"""'),
    st.just("1979-05-27T07:32:00Z"),
    st.just("3.5e2"),
)


def _key_text(key: str) -> str:
    if key and all(c in "abcdefgh_-" for c in key):
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def documents(draw):
    """(text, {key path: line}) for a random document mixing every syntax."""
    lines: list[str] = []
    expected: dict[tuple, int] = {}

    def emit(text: str) -> int:
        lines.append(text)
        return len(lines)  # line of the first physical line of this emission

    def key_values(prefix: tuple) -> None:
        used: set[str] = set()
        for _ in range(draw(st.integers(0, 3))):
            key = draw(_key.filter(lambda k: k not in used))
            used.add(key)
            style = draw(st.sampled_from(["scalar", "inline", "array", "dotted"]))
            if style == "scalar":
                value = draw(_scalar)
                line = emit(f"{_key_text(key)} = {value}  # note")
                lines.extend([""] * 0)
                expected[prefix + (key,)] = line
                # a multi-line string spans lines: account for them
                extra = value.count("\n")
                if extra:
                    last = lines.pop()
                    for i, part in enumerate(last.split("\n")):
                        lines.append(part)
            elif style == "inline":
                inner = draw(st.lists(_bare, min_size=0, max_size=3, unique=True))
                body = ", ".join(f"{k} = {i}" for i, k in enumerate(inner))
                line = emit(f"{_key_text(key)} = {{ {body} }}")
                expected[prefix + (key,)] = line
                for k in inner:
                    expected[prefix + (key, k)] = line
            elif style == "array":
                n = draw(st.integers(0, 3))
                line = emit(f"{_key_text(key)} = [")
                expected[prefix + (key,)] = line
                for i in range(n):
                    item_line = emit(f"  {{ x = {i} }},  # item")
                    expected[prefix + (key, i)] = item_line
                    expected[prefix + (key, i, "x")] = item_line
                emit("]")
            else:
                sub = draw(_bare)
                line = emit(f"{_key_text(key)} . {_key_text(sub)} = 1")
                expected.setdefault(prefix + (key,), line)
                expected[prefix + (key, sub)] = line

    emit("# a document")
    key_values(())
    tables = draw(st.lists(_bare, min_size=0, max_size=3, unique=True))
    for name in tables:
        if draw(st.booleans()):
            emit("")
            expected[(name,)] = emit(f"[ {name} ]")
            key_values((name,))
        else:
            for i in range(draw(st.integers(1, 3))):
                line = emit(f"[[{name}]]")
                expected.setdefault((name,), line)
                expected[(name, i)] = line
                key_values((name, i))
    return "\n".join(lines) + "\n", expected


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(documents())
def test_random_documents_every_key_at_its_line(doc) -> None:
    text, expected = doc
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # e.g. a top-level key clashing with a table name; not the scanner's concern
    found = key_lines(text)
    for path, line in expected.items():
        assert found.get(path) == line, (path, line, found.get(path), text)


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_any_text_is_scanned_without_raising(text: str) -> None:
    key_lines(text)
