"""Check the import contracts against the layout as installed.

The packages live in folders at the top of the repository and install under one name
(`onwatch.engine` from `engine/`, ...), a mapping that import-linter cannot follow: it walks the
`onwatch` folder alone. This lays the installed tree out in a temporary folder, from the
package-dir table in pyproject.toml, and runs import-linter there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lay_out(target: Path) -> None:
    """Copy every package's modules to where the installed distribution puts them."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapping: dict[str, str] = setuptools["package-dir"]
    for package in setuptools["packages"]:
        # The longest mapped prefix decides the folder, as setuptools does.
        prefix = max((p for p in mapping if package == p or package.startswith(p + ".")), key=len)
        rest = package[len(prefix) :].lstrip(".").split(".") if package != prefix else []
        source = ROOT / mapping[prefix] / Path(*rest)
        destination = target / Path(*package.split("."))
        destination.mkdir(parents=True, exist_ok=True)
        for module in source.glob("*.py"):
            shutil.copy2(module, destination / module.name)


def main() -> int:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    with tempfile.TemporaryDirectory(prefix="onwatch-imports-") as tmp:
        lay_out(Path(tmp))
        command = [str(lint_imports), str(ROOT / "pyproject.toml"), "--no-cache"]
        return subprocess.run(command, cwd=tmp, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
