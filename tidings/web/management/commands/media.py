"""`tidings media --gc`: delete unused uploads now (`tidings worker` does it once an hour)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.web.media_gc import collect, grace


class Command(BaseCommand):
    help = "Media library upkeep: --gc deletes images and files nothing uses, older than the grace period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--gc", action="store_true", help="Delete unused images and stray files now.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["gc"]:
            raise CommandError("Nothing to do: pass --gc.")
        done = collect()
        self.stdout.write(
            f"deleted {done.images} unused images and {done.files} files ({done.bytes / 1e6:.1f} MB)"
            f" older than {grace()}"
        )
