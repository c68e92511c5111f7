"""Where a key sits in a config file: line numbers for error messages.

tomllib and json hand back plain dicts with no positions, so this module scans the source text
a second time and records the line on which each key path starts. It only ever runs on text the
real parser has already accepted, so it can stay small; still, it never raises and never loops
forever on odd input, because a wrong line number is far better than a crash while reporting
an error.

Key paths are tuples: `("local", "cpu", "warning")`, `("http", 1, "url")`. Arrays of tables
and array elements get their 0-based index as an int.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
    "/": "/",
}
_SCALAR_END = frozenset(",]}\r\n#")


class Locator:
    """Line numbers by key path, falling back to the nearest enclosing key that has one."""

    def __init__(self, lines: Mapping[KeyPath, int] | None = None) -> None:
        self.lines: dict[KeyPath, int] = dict(lines or {})

    def line(self, path: KeyPath) -> int | None:
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None


def locate_toml(text: str) -> Locator:
    scanner = _Scanner(text)
    scanner.document()
    return Locator(scanner.lines)


def locate_json(text: str) -> Locator:
    """JSON is close enough to TOML's inline values (`:` instead of `=`) to share the scanner."""
    scanner = _Scanner(text)
    scanner.skip_space(newlines=True)
    scanner.lines[()] = scanner.line
    scanner.value(())
    return Locator(scanner.lines)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        # How many entries each array of tables has so far, so that `[[http]]` headers (and
        # `[http.headers]` sub-tables) resolve to the entry they belong to.
        self.arrays: dict[KeyPath, int] = {}

    # --- low level ---------------------------------------------------------------------------

    def peek(self, size: int = 1) -> str:
        return self.text[self.pos : self.pos + size]

    def advance(self, size: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + size]
        self.line += chunk.count("\n")
        self.pos += len(chunk)

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_space(self, *, newlines: bool) -> None:
        while not self.at_end():
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    def skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.advance((len(self.text) if end < 0 else end + 1) - self.pos)

    def record(self, base: KeyPath, parts: KeyPath, line: int) -> None:
        # A dotted key `a.b.c = 1` also defines a and a.b there, unless they appeared earlier.
        for end in range(1, len(parts)):
            self.lines.setdefault(base + parts[:end], line)
        self.lines[base + parts] = line

    # --- document structure --------------------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_space(newlines=True)
            if self.at_end():
                return
            start = self.pos
            if self.peek(2) == "[[":
                table = self.header(array=True)
            elif self.peek() == "[":
                table = self.header(array=False)
            else:
                self.key_value(table)
            if self.pos == start:
                self.skip_line()

    def header(self, *, array: bool) -> KeyPath:
        line = self.line
        self.advance(2 if array else 1)
        self.skip_space(newlines=False)
        parts = self.key()
        self.skip_line()
        path: KeyPath = ()
        for index, part in enumerate(parts):
            path += (part,)
            is_last = index == len(parts) - 1
            if path in self.arrays and not (array and is_last):
                path += (self.arrays[path] - 1,)
        if array:
            count = self.arrays.get(path, 0)
            self.arrays[path] = count + 1
            self.lines.setdefault(path, line)
            path += (count,)
        self.lines[path] = line
        return path

    def key_value(self, table: KeyPath) -> None:
        line = self.line
        parts = self.key()
        if not parts:
            return
        self.record(table, parts, line)
        self.skip_space(newlines=False)
        if self.peek() in ("=", ":"):
            self.advance()
        self.skip_space(newlines=False)
        self.value(table + parts)

    def key(self) -> KeyPath:
        parts: list[str] = []
        while not self.at_end():
            self.skip_space(newlines=False)
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                parts.append(self.literal_string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    break
                parts.append(match.group())
                self.advance(len(match.group()))
            self.skip_space(newlines=False)
            if self.peek() != ".":
                break
            self.advance()
        return tuple(parts)

    # --- values ------------------------------------------------------------------------------

    def value(self, path: KeyPath) -> None:
        if self.peek(3) in ('"""', "'''"):
            self.multiline_string(self.peek())
        elif self.peek() == '"':
            self.basic_string()
        elif self.peek() == "'":
            self.literal_string()
        elif self.peek() == "[":
            self.array(path)
        elif self.peek() == "{":
            self.inline_table(path)
        else:
            while not self.at_end() and self.text[self.pos] not in _SCALAR_END:
                self.advance()

    def array(self, path: KeyPath) -> None:
        self.advance()
        index = 0
        while not self.at_end():
            self.skip_space(newlines=True)
            char = self.peek()
            if char == "]":
                self.advance()
                return
            if char == ",":
                self.advance()
                continue
            start = self.pos
            self.lines[(*path, index)] = self.line
            self.value((*path, index))
            index += 1
            if self.pos == start:
                self.advance()

    def inline_table(self, path: KeyPath) -> None:
        self.advance()
        while not self.at_end():
            self.skip_space(newlines=True)
            char = self.peek()
            if char == "}":
                self.advance()
                return
            if char == ",":
                self.advance()
                continue
            start = self.pos
            self.key_value(path)
            if self.pos == start:
                self.advance()

    # --- strings -----------------------------------------------------------------------------

    def basic_string(self) -> str:
        self.advance()
        out: list[str] = []
        while not self.at_end():
            char = self.text[self.pos]
            if char == '"' or char == "\n":
                self.advance()
                break
            if char == "\\":
                out.append(self.escape())
                continue
            out.append(char)
            self.advance()
        return "".join(out)

    def escape(self) -> str:
        code = self.text[self.pos + 1 : self.pos + 2]
        width = {"u": 4, "U": 8, "x": 2}.get(code)
        if width is None:
            self.advance(2)
            return _ESCAPES.get(code, code)
        digits = self.text[self.pos + 2 : self.pos + 2 + width]
        self.advance(2 + width)
        try:
            return chr(int(digits, 16))
        except ValueError:
            return ""

    def literal_string(self) -> str:
        self.advance()
        end = self.text.find("'", self.pos)
        newline = self.text.find("\n", self.pos)
        if end < 0 or 0 <= newline < end:
            end = len(self.text) if newline < 0 else newline
        content = self.text[self.pos : end]
        self.advance(end + 1 - self.pos)
        return content

    def multiline_string(self, quote: str) -> None:
        self.advance(3)
        while not self.at_end():
            if quote == '"' and self.peek() == "\\":
                self.advance(2)
            elif self.peek(3) == quote * 3:
                # Up to two quotes may sit right before the closing delimiter: `""""` ends
                # with a quote character inside the string.
                run = 3
                while run < 5 and self.peek(run + 1) == quote * (run + 1):
                    run += 1
                self.advance(run)
                return
            else:
                self.advance()
