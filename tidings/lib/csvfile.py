"""CSV downloads that open correctly in Excel and cannot run anything there.

- UTF-8 with a byte-order mark: without it Excel reads the file in the system's ANSI code page
  and Chinese comes out garbled.
- Formula injection (CWE-1236): a text cell beginning with =, +, -, @, a tab or a carriage
  return is read by spreadsheet programs as a formula (=HYPERLINK(…), =cmd|…). Such cells get
  a leading apostrophe, which shows the text as typed. Numbers the site computed are written as
  numbers (a negative count stays -3); everything else is text and is checked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def neutralise(cell: Cell) -> str | int | float:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return int(cell)
    if isinstance(cell, int | float):
        return cell
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """A download named `filename` (Chinese allowed: RFC 6266 filename*, with an ASCII fallback)."""
    response = HttpResponse(csv_text(header, rows).encode("utf-8"), content_type="text/csv; charset=utf-8")
    ascii_name = filename.encode("ascii", "ignore").decode() or "data.csv"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
