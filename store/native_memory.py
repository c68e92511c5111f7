"""Keeping glibc's malloc from holding on to memory a long-running engine has freed.

Each store write parses and rewrites whole files (the live file, an archive part, a month's
summary) whose sizes creep up over a day as the archive fills. By default glibc raises its mmap
threshold to the largest buffer freed so far, so these buffers then come from the heap, each
slightly larger one from fresh pages, and every thread that writes gets an arena of its own to
fragment: measured over a simulated day of 500 flapping checks, the resident set tripled while
Python's own heap stayed flat. A fixed threshold keeps big buffers in their own mappings, handed
back whole when freed, and two arenas bound how many heaps can fragment. Elsewhere than glibc
this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024
"""glibc's own starting value, kept fixed instead of rising with the largest buffer freed."""
ARENA_MAX = 2

_tuned = False


def tune_allocator() -> bool:
    """Set the two malloc options once per process; True when they apply (glibc)."""
    global _tuned
    if _tuned or not sys.platform.startswith("linux"):
        return _tuned
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and other libcs have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    _tuned = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_ARENA_MAX, ARENA_MAX)
    )
    return _tuned
