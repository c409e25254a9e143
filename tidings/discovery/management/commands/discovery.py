"""`tidings discovery --all`: rebuild keywords, document frequencies and related lists now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tidings.discovery import related


class Command(BaseCommand):
    help = "Recompute keywords (topics) and related lists: for all published articles, or the given ids."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="article ids (default: --all)")
        parser.add_argument("--all", action="store_true", help="one pass over every published article")
        parser.add_argument(
            "--prune", action="store_true", help="only delete expired read claims (sites without Redis; run from cron)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["prune"]:
            from tidings.engagement.actions import prune_view_windows

            self.stdout.write(f"deleted {prune_view_windows()} expired read claims")
            return

        def progress(done: int, total: int, what: str) -> None:
            self.stdout.write(f"{what}: {done}/{total}")

        if options["all"] or not options["ids"]:
            done = related.rebuild_all(progress)
        else:
            done = related.refresh(options["ids"], progress)
        self.stdout.write(
            f"indexed {done['indexed']} articles, removed {done['removed']}, wrote {done['lists']} related lists"
        )
