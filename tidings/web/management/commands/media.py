"""`tidings media --gc`: delete unused uploads now (`tidings worker` does it once an hour);
`tidings media --thumbs`: make the list thumbnails of articles stored before they existed (the
worker does 50 a minute)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.articles.thumbs import backfill
from tidings.web.media_gc import collect, grace


class Command(BaseCommand):
    help = (
        "Media library upkeep: --gc deletes images and files nothing uses, older than the grace period; "
        "--thumbs derives the list thumbnails of older articles now."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--gc", action="store_true", help="Delete unused images and stray files now.")
        parser.add_argument("--thumbs", action="store_true", help="Derive every missing list thumbnail now.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["gc"] and not opts["thumbs"]:
            raise CommandError("Nothing to do: pass --gc or --thumbs.")
        if opts["thumbs"]:
            total = 0
            while done := backfill(200):
                total += done
                self.stdout.write(f"thumbnails: {total} articles …")
            self.stdout.write(f"derived the list thumbnails of {total} articles")
        if opts["gc"]:
            done_gc = collect()
            self.stdout.write(
                f"deleted {done_gc.images} unused images and {done_gc.files} files ({done_gc.bytes / 1e6:.1f} MB)"
                f" older than {grace()}"
            )
