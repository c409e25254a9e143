"""`tidings creatorindex`: compute 创作者指数 now (the worker does it nightly)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from tidings.creator_index import compute


class Command(BaseCommand):
    help = "Compute every creator's 创作者指数, level and badge for today (or --day), as the nightly run does."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = compute.run(opts["day"])
        self.stdout.write(
            f"creator index for {result.day}: {result.creators} creators, "
            f"{result.changed} changed level, {result.seconds:.2f} s"
        )
