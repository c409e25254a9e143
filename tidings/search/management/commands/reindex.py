"""`tidings reindex`: rebuild the search index from the published articles, with a progress bar."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from tidings.search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every published article."

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        self.last = -1.0
        n = rebuild(progress=self._progress)
        self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {n} articles in {time.perf_counter() - started:.1f} s."))

    def _progress(self, done: int, total: int, what: str) -> None:
        """A one-line bar on a terminal; one line per 10 % elsewhere (logs, CI)."""
        share = done / total if total else 1.0
        tty = sys.stderr.isatty()
        if not tty and share - self.last < 0.1 and done != total:
            return
        self.last = share
        bar = "#" * int(share * 30)
        line = f"{what} [{bar:<30}] {done}/{total} ({share:.0%})"
        self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")
        self.stderr.flush()
