"""`tidings worker`: scheduled publishing, the chores and the task queue (tidings.web.worker).
`--batch` publishes what is due, does the chores, runs what is queued, and exits."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from tidings.web import worker


class Command(BaseCommand):
    help = "Run the background worker: scheduled publishing, and tasks enqueued by publishing and editing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Publish what is due, run what is queued, then exit.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["batch"]:
            worker.run_once(self.stdout.write)
        else:
            worker.run_forever()
