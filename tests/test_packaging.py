"""The distribution claims one import name, and carries every module of every package."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("onwatch-*.whl")
    return zipfile.ZipFile(built)


def test_onwatch_is_the_only_top_level_name(wheel: zipfile.ZipFile) -> None:
    top = {name.split("/")[0] for name in wheel.namelist() if ".dist-info/" not in name}
    assert top == {"onwatch"}


def test_every_module_of_every_package_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    expected = set()
    for package, folder in setuptools["package-dir"].items():
        prefix = Path(*package.split("."))
        for module in (ROOT / folder).rglob("*"):
            if (
                module.suffix in {".py", ".tcss", ".html", ".js", ".css", ".svg"}
                and "__pycache__" not in module.parts
            ):
                expected.add((prefix / module.relative_to(ROOT / folder)).as_posix())
    # A subpackage missing from pyproject's list would be left out of the wheel silently.
    assert expected <= set(wheel.namelist())


def _pinned(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split(" ")[0].split("==")
            pins[_normal(name)] = version
    return pins


def _normal(requirement: str) -> str:
    name = requirement.split(";")[0]
    for mark in "<>=![ ":
        name = name.split(mark)[0]
    return name.strip().lower().replace("_", "-")


@pytest.mark.parametrize(
    ("lock", "groups"),
    [("requirements.lock", ()), ("requirements-test.lock", ("test",))],
)
def test_every_dependency_is_pinned_in_the_lock_files(lock: str, groups: tuple[str, ...]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for group in groups:
        wanted += project["optional-dependencies"][group]
    pins = _pinned(ROOT / lock)
    missing = [r for r in wanted if _normal(r) not in pins]
    assert not missing, f"not in {lock} (run make upgrade): {missing}"
