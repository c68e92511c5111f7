"""The wall clock, in one place, so everything else can take a clock as a parameter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


Clock = Callable[[], datetime]
"""Anything that tells the time: `utc_now`, or a test's fake clock."""
