"""Names a package exports but loads on first use.

The engine, the collectors and the notifiers pull in httpx, apprise and prometheus_client; a CLI
command that only lists incidents should not pay for them. Each package lists where its public
names live and hands this module's `exports` its table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `package + where[name]` when `name` is first asked for.

    `where` maps a public name to its module relative to the package (".core").
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module, package), name)

    return __getattr__
