"""Line numbers for key paths, found by scanning TOML and JSON text."""

from __future__ import annotations

from textwrap import dedent

import pytest

from onwatch.config.locate import locate_json, locate_toml

TOML = dedent(
    """\
    # comment with key = "value" and [fake] header
    operator = "alice"   # trailing comment
    "db" = 'x.db'

    [local]
    cpu = { warning = 70, critical = { nested = 1 } }
    memory.warning = 60
    processes = [
      "nginx",   # first
      "postgres",
    ]
    note = \"\"\"
    [not.a.header]
    fake = 1
    \"\"\"

    [ local . "disk" ]
    warning = 80

    [[http]]
    name = "one"

    [[http]]
    name = "two"
    headers.'X-Token' = "t"
    json = { "a.b" = 1 }

    [http.extra]
    key = 1

    [[http]]
    name = "three"
    """
)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("operator",), 2),
        (("db",), 3),
        (("local",), 5),
        (("local", "cpu"), 6),
        (("local", "cpu", "warning"), 6),
        (("local", "cpu", "critical", "nested"), 6),
        (("local", "memory"), 7),
        (("local", "memory", "warning"), 7),
        (("local", "processes"), 8),
        (("local", "processes", 0), 9),
        (("local", "processes", 1), 10),
        (("local", "note"), 12),
        (("local", "disk"), 17),
        (("local", "disk", "warning"), 18),
        (("http",), 20),
        (("http", 0), 20),
        (("http", 0, "name"), 21),
        (("http", 1), 23),
        (("http", 1, "name"), 24),
        (("http", 1, "headers", "X-Token"), 25),
        (("http", 1, "json", "a.b"), 26),
        (("http", 1, "extra"), 28),
        (("http", 1, "extra", "key"), 29),
        (("http", 2, "name"), 32),
    ],
)
def test_toml_key_lines(path: tuple[str | int, ...], line: int) -> None:
    assert locate_toml(TOML).line(path) == line


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("local", "cpu", "clear"), 6),  # not written: its table's line
        (("http", 1, "url"), 23),  # missing key: the entry's header
        (("local", "not", "there"), 5),
        (("nowhere",), None),
    ],
)
def test_toml_missing_keys_fall_back_to_nearest_parent(
    path: tuple[str | int, ...], line: int | None
) -> None:
    assert locate_toml(TOML).line(path) == line


def test_headers_inside_multiline_strings_are_not_tables() -> None:
    lines = locate_toml(TOML).lines
    assert ("not", "a", "header") not in lines
    assert ("local", "fake") not in lines


def test_json_key_lines() -> None:
    text = '{\n  "a": {\n    "b": 1,\n    "c": ["x",\n      "y"]\n  },\n  "d": "}{"\n}\n'
    located = locate_json(text)
    assert located.line(()) == 1
    assert located.line(("a",)) == 2
    assert located.line(("a", "b")) == 3
    assert located.line(("a", "c", 1)) == 5
    assert located.line(("d",)) == 7


@pytest.mark.parametrize("text", ["[", "[[", "a = {", 'a = "', "a = '''", "{", '{"a": [', "= 1"])
def test_scanner_survives_broken_text(text: str) -> None:
    locate_toml(text)
    locate_json(text)
