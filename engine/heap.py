"""Python's garbage collector and a long-running engine.

What the engine builds at start (a collector, a schedule and history for each check, the open
incidents) lives as long as the process, yet every full collection walks it again: with 10,000
checks that is some 290,000 objects and a pause of a quarter to half a second on the event
loop, during which due checks start late. Frozen after start, those objects leave the
collector's passes; objects made later are collected as before.
"""

from __future__ import annotations

import gc

REFREEZE_AFTER = 1.0
"""Seconds after a reload: the retired checks' cancelled loops still hold them a moment."""


def freeze_built() -> None:
    """Collect what starting left behind, then freeze everything alive now."""
    gc.collect()
    gc.freeze()


def refreeze() -> None:
    """After a reload: what the old config held may be garbage in cycles, which frozen
    objects never become. Thaw, collect once, freeze again."""
    gc.unfreeze()
    freeze_built()


def thaw() -> None:
    gc.unfreeze()
