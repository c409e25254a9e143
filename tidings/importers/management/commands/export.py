"""`tidings export DIR`: every published article (with --all, every article) as Markdown files
that `tidings import DIR` reads back; the layout and identity rules are in
tidings/importers/export.py.

Output: progress on stderr every 50 articles when there are more than 50 (`… 150/600
articles`); a warning per media file that could not be found; a summary line on stdout
(`exported 12 articles and 5 images to /abs/DIR`).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.importers.export import export_articles
from tidings.lib.retry import call_with_retry

PROGRESS_EVERY = 50


class Command(BaseCommand):
    help = "Export articles as Markdown files with YAML front matter (the format `tidings import` reads)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dir", metavar="DIR", help="Folder to write into (created if missing).")
        parser.add_argument(
            "--all", action="store_true", dest="include_drafts", help="Also export unpublished articles (draft: true)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["dir"])
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} exists and is not a directory.")
        verbose = int(options["verbosity"]) >= 1

        def progress(done: int, total: int) -> None:
            if verbose and total > PROGRESS_EVERY and done % PROGRESS_EVERY == 0 and done < total:
                self.stderr.write(f"… {done}/{total} articles")

        # Exporting again overwrites the same files, so a lock timeout or lost connection simply
        # starts the export over after a pause (tidings.lib.retry).
        summary = call_with_retry(
            lambda: export_articles(folder, include_drafts=options["include_drafts"], progress=progress),
            what="export",
        )
        for missing in summary.missing_media:
            self.stderr.write(f"warning: {missing}: media file not found; its link was left as it was")
        if verbose:
            self.stdout.write(f"exported {summary.articles} articles and {summary.images} images to {folder.resolve()}")
