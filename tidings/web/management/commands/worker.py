"""`tidings worker`: the background worker (django-tasks database backend)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: tasks enqueued by publishing and editing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("db_worker", queue_name="*", batch=opts["batch"], no_startup_delay=True, reload=False)
