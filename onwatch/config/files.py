"""Which config file onwatch reads, and reading it: every failure is a problem, never a
traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from onwatch.config.problems import ConfigError, Problem

ENV_VAR = "ONWATCH_CONFIG"
CONFIG_NAME = "config.toml"


def expand_home(text: str, env: Mapping[str, str]) -> Path:
    """`~` from the given environment first, so tests and services can set HOME explicitly."""
    if text == "~" or text.startswith(("~/", "~" + os.sep)):
        home = env.get("HOME")
        return (Path(home) if home else Path.home()) / text[2:]
    return Path(text).expanduser()


def locate_config(explicit: str | Path | None, env: Mapping[str, str]) -> Path | None:
    """--config PATH, else $ONWATCH_CONFIG, else the user config file if it exists, else None."""
    if explicit is not None and str(explicit) != "":
        return expand_home(str(explicit), env)
    from_env = env.get(ENV_VAR, "").strip()
    if from_env:
        return expand_home(from_env, env)
    candidate = _user_config_dir(env) / CONFIG_NAME
    return candidate if candidate.exists() else None


def _user_config_dir(env: Mapping[str, str]) -> Path:
    # platformdirs reads os.environ; honour the mapping we were given where platformdirs would
    # have honoured the variable itself (XDG applies on Linux and the BSDs, not macOS/Windows).
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    if xdg and Path(xdg).is_absolute() and sys.platform not in ("darwin", "win32"):
        return Path(xdg) / "onwatch"
    return platformdirs.user_config_path("onwatch")


def read_config(path: Path) -> str:
    """The file's text; ConfigError when it cannot be read or is not UTF-8."""

    def fail(message: str, line: int | None = None) -> ConfigError:
        return ConfigError([Problem(str(path), line, "", message)])

    try:
        if path.is_dir():
            raise fail("is a directory, not a config file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except PermissionError:
        raise fail("cannot read the file: permission denied") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the name
        raise fail("not a valid file name") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line) from None
