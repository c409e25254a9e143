"""`tidings demo`: create deterministic demo content (see tidings.demo.generator)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tidings.demo.generator import generate


def _instant(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"not an ISO 8601 date-time: {value!r}") from exc
    # No zone means the site's zone, as in the import format.
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def _count(value: str) -> int:
    n = int(value)
    if n < 0:
        raise ArgumentTypeError("must be 0 or more")
    return n


class Command(BaseCommand):
    help = "Create deterministic demo content: creators, readers, images and articles in every channel."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--articles", type=_count, default=500, help="How many articles (default 500).")
        parser.add_argument("--creators", type=_count, default=40, help="How many creators (default 40).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same content.")
        parser.add_argument(
            "--now",
            type=_instant,
            default=None,
            help="Anchor time, ISO 8601 (default: now). Fix it for byte-identical content across runs.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["creators"] < 1:
            raise CommandError("--creators must be at least 1.")
        summary = generate(
            articles=opts["articles"],
            creators=opts["creators"],
            seed=opts["seed"],
            now=opts["now"],
            progress=self._progress,
        )
        self.stdout.write(self.style.SUCCESS(str(summary)))

    def _progress(self, done: int, total: int, what: str) -> None:
        self.stdout.write(f"{what} {done}/{total}")
