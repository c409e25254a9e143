# ruff: noqa: N999 - the module name is the command name, `tidings import` (contract)
"""`tidings import PATH...`: Markdown files with YAML front matter → articles.

Output (contract, docs/DESIGN.md "CLI"):
- stdout: exactly one line per imported article, `imported /a/<id>/`; a line ends with
  ` (draft)` (or ` (withdrawn)`, ` (rejected)`) when the article is not published after it.
  Scripts can rely on `^imported (/a/\\d+/)`.
- stderr: one `error: <path>: <reason>` line per problem (a file may have several), progress
  every 50 files when there are more than 50 (`… 150/600 files`), and a final count.
- exit status: 0 when every file imported, 1 when any failed; the other files still import.
- a lock timeout or lost connection (the site is writing too) runs the file's transaction again
  after a pause (tidings.lib.retry), up to 8 times, before it counts as a failure.

The rules of the format are in tidings/importers/markdown.py.
"""

from __future__ import annotations

from argparse import ArgumentParser
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.importers.files import collect_files
from tidings.importers.front_matter import HANDLE, ImportRejectedError
from tidings.importers.markdown import MarkdownImporter, find_channel
from tidings.lib.retry import call_with_retry

PROGRESS_EVERY = 50


class Command(BaseCommand):
    help = "Import Markdown files (YAML front matter) as articles; PATH may be files or directories."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Markdown files or directories (recursive).")
        parser.add_argument(
            "--create-channels", action="store_true", help="Create channels named in files that do not exist yet."
        )
        parser.add_argument("--default-author", metavar="HANDLE", help="Creator handle for files without 'author'.")
        parser.add_argument(
            "--default-channel", metavar="CHANNEL", help="Channel (slug or name) for files without 'channel'."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        default_author = options["default_author"]
        if default_author is not None and not HANDLE.match(default_author):
            raise CommandError(f"--default-author {default_author!r} is not a valid handle (letters, digits, - and _).")
        default_channel = options["default_channel"]
        if default_channel and not options["create_channels"] and find_channel(default_channel) is None:
            raise CommandError(f"--default-channel {default_channel!r}: no channel has this slug or name.")
        importer = MarkdownImporter(
            create_channels=options["create_channels"],
            default_author=default_author,
            default_channel=default_channel,
        )

        files, missing = collect_files(options["paths"])
        for path, reason in missing:
            self.stderr.write(f"error: {path}: {reason}")
        imported = failed = 0
        total = len(files)
        for n, (path, root) in enumerate(files, 1):
            try:
                # A lock timeout while the site writes: the file's transaction runs again.
                result = call_with_retry(partial(importer.import_file, path, root), what=f"import {path}")
            except ImportRejectedError as exc:
                failed += 1
                for reason in exc.reasons:
                    self.stderr.write(f"error: {path}: {reason}")
            except Exception as exc:
                # One file's unexpected failure (a bug, a full disk) must not stop the others;
                # its transaction is rolled back and its image files removed already.
                if options.get("traceback"):
                    raise
                failed += 1
                self.stderr.write(f"error: {path}: unexpected {type(exc).__name__}: {exc}")
            else:
                imported += 1
                self.stdout.write(result.line)
            if verbosity >= 1 and total > PROGRESS_EVERY and n % PROGRESS_EVERY == 0 and n < total:
                self.stderr.write(f"… {n}/{total} files")

        if failed or missing:
            problems = f"{failed} of {total} files failed" + (f", {len(missing)} paths not usable" if missing else "")
            raise CommandError(f"{problems}; {imported} imported.", returncode=1)
        if verbosity >= 1:
            self.stderr.write(f"{imported} of {total} files imported.")
