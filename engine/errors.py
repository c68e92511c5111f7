"""The errors an engine caller (the console, the CLI) may need to tell apart.

Re-exported so that the console depends on the engine alone, not on the store beneath it.
"""

from onwatch.store import NotFound, SilenceNotFound, StoreError

__all__ = ["NotFound", "SilenceNotFound", "StoreError"]
