"""Finding and reading the config file: precedence, and unreadable files as ConfigError."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from onwatch.config import ConfigError, load_config, locate_config


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """One config at each place onwatch looks, each naming a different operator."""
    xdg = tmp_path / "xdg"
    (xdg / "onwatch").mkdir(parents=True)
    paths = {
        "explicit": tmp_path / "explicit.toml",
        "env": tmp_path / "from-env.toml",
        "user": xdg / "onwatch" / "config.toml",
    }
    for who, path in paths.items():
        path.write_text(f'operator = "{who}"\n', encoding="utf-8")
    return paths


def env_for(files: dict[str, Path], *, with_env_var: bool = True) -> dict[str, str]:
    env = {"XDG_CONFIG_HOME": str(files["user"].parent.parent)}
    if with_env_var:
        env["ONWATCH_CONFIG"] = str(files["env"])
    return env


def test_explicit_path_wins_over_everything(files: dict[str, Path]) -> None:
    env = env_for(files)
    assert locate_config(files["explicit"], env) == files["explicit"]
    assert load_config(str(files["explicit"]), env).operator == "explicit"


def test_env_var_wins_over_user_config_dir(files: dict[str, Path]) -> None:
    assert load_config(None, env_for(files)).operator == "env"


def test_user_config_dir_is_used_when_nothing_else_is_given(files: dict[str, Path]) -> None:
    env = env_for(files, with_env_var=False)
    assert locate_config(None, env) == files["user"]
    assert load_config(None, env).operator == "user"


def test_built_in_default_when_no_file_exists(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "USER": "carol"}
    assert locate_config(None, env) is None
    config = load_config(None, env)
    assert config.file is None
    assert config.operator == "carol"


def test_platformdirs_location_honours_xdg_config_home_from_os_environ(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ONWATCH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(files["user"].parent.parent))
    assert load_config().operator == "user"


def test_empty_env_var_is_ignored(files: dict[str, Path]) -> None:
    env = env_for(files, with_env_var=False) | {"ONWATCH_CONFIG": " "}
    assert locate_config(None, env) == files["user"]


def error_lines(explicit: str | Path, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(explicit, env or {})
    return [str(problem) for problem in caught.value.problems]


def test_missing_explicit_file_is_one_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert error_lines(missing) == [f"{missing}: no such file"]


def test_missing_file_named_by_env_var_is_one_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert error_lines("", {"ONWATCH_CONFIG": str(missing)}) == [f"{missing}: no such file"]


def test_directory_is_one_problem(tmp_path: Path) -> None:
    assert error_lines(tmp_path) == [f"{tmp_path}: is a directory, not a config file"]


def test_non_utf8_file_is_one_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'operator = "al"\n# caf\xe9\n')
    assert error_lines(path) == [f"{path}:2: not UTF-8 text (byte 0xe9)"]


def test_unreadable_file_is_one_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.toml"
    path.write_text('operator = "x"\n', encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:
        # Root reads any file, so the refusal the kernel gives everyone else is made here.
        def refuse(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", refuse)
    assert error_lines(path) == [f"{path}: cannot read the file: permission denied"]


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfoperator = "dana"\n')
    assert load_config(path, {}).operator == "dana"


def test_explicit_path_with_tilde_uses_home_from_env(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text('operator = "erin"\n', encoding="utf-8")
    assert load_config("~/c.toml", {"HOME": str(tmp_path)}).operator == "erin"


def test_json_file_is_read_as_the_seed_format(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"alertCriteria": {"cpuThreshold": 85}}', encoding="utf-8")
    config = load_config(path, {})
    assert config.watches[0].rules["cpu"].critical == 85
