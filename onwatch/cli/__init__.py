"""The `onwatch` command: one module per command group, plus what they share (the context,
rendering, exit codes, file locations, the demo endpoints)."""

from onwatch.cli.main import main

__all__ = ["main"]
