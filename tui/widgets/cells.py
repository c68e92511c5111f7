"""Table cells: text or styled Text, measured, fitted and compared by what they show."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

Cell = str | Text
"""A cell's content: a string is shown as it is (never read as markup)."""


def fit(cell: Cell, width: int) -> Text:
    """The cell as Text, cut to `width` with an ellipsis if wider (never padded)."""
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    return text


def width_of(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def looks(cells: tuple[Cell, ...]) -> tuple[object, ...]:
    """What the cells show: rich's Text compares text and spans but not the style."""
    return tuple(
        (cell.plain, str(cell.style), tuple(cell.spans)) if isinstance(cell, Text) else cell
        for cell in cells
    )
