"""The postmortem the incident screen exports, written where the console was told to put it."""

from __future__ import annotations

import os
from pathlib import Path


def write_postmortem(folder: Path, incident_id: int, text: str) -> Path:
    """`folder/postmortem-ID.md`, whole or not at all (a temporary file, then a rename)."""
    path = folder / f"postmortem-{incident_id}.md"
    temp = folder / f".postmortem-{incident_id}.md.tmp-{os.getpid()}"
    try:
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    return path.resolve()
