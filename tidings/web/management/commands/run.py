"""`tidings run`: migrate, make demo content on an empty site, collect static files, then serve
with gunicorn (the production app server) and one background worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tidings.articles.models import Article
from tidings.lib.retry import Backoff


def default_workers() -> int:
    return max(2, (os.cpu_count() or 1) + 1)


class Command(BaseCommand):
    help = "Migrate, create demo content if the site is empty, and serve Tidings with gunicorn and a worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("TIDINGS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TIDINGS_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("TIDINGS_WORKERS", default_workers())))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("TIDINGS_THREADS", "4")),
            help="Threads per gunicorn worker (gthread worker class).",
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not create demo content on an empty site.")
        parser.add_argument("--demo-articles", type=int, default=500)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")

    def handle(self, *args: Any, **opts: Any) -> None:
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # the shared rate-limit counters (settings.CACHES)
        self.stdout.write("Database is up to date.")
        if not opts["no_demo"] and not Article.objects.exists():
            from tidings.demo.generator import generate

            self.stdout.write(f"Empty site: creating {opts['demo_articles']} demo articles …")
            generate(articles=opts["demo_articles"], creators=40, seed=1, progress=self._progress)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.serve(opts)

    def _progress(self, done: int, total: int, what: str = "articles") -> None:
        self.stdout.write(f"  {what} {done}/{total}")

    def serve(self, opts: dict[str, Any]) -> None:
        run_dir = Path(settings.DATA_DIR) / "run"
        run_dir.mkdir(exist_ok=True)
        bind = f"{opts['host']}:{opts['port']}"
        web = [
            sys.executable, "-m", "gunicorn", "tidings.wsgi:application",
            "--bind", bind,
            "--workers", str(opts["workers"]),
            # Threads: a connection that sends nothing (or dribbles) holds one thread, not a
            # whole worker; the sync class let two stalled sockets stop the site (docs/operations.md).
            "--worker-class", "gthread", "--threads", str(opts["threads"]),
            "--max-requests", "10000", "--max-requests-jitter", "1000",
            "--control-socket", str(run_dir / "gunicorn.ctl"),
            "--access-logfile", os.environ.get("TIDINGS_ACCESS_LOG", "-"),
            "--forwarded-allow-ips", os.environ.get("TIDINGS_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        children = [Child("web server", web)]
        if not opts["no_worker"]:
            children.append(Child("worker", [sys.executable, "-m", "tidings.cli", "worker"]))
        supervise(children, self.stderr.write, ready=lambda: self.stdout.write(
            self.style.SUCCESS(f"Tidings is serving on http://{bind}/ (Ctrl+C stops it)")
        ))  # fmt: skip


class Child:
    """One supervised process: its command, the running process and its restart schedule."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        self.argv = argv
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.restart_at: float | None = None
        self.backoff = Backoff(first=1.0, cap=MAX_RESTART_DELAY)

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv)
        self.started = time.monotonic()
        self.restart_at = None


# A child that ran this long before it died starts again at once (its backoff is reset); one
# that keeps dying right after its start waits 1, 2, 4 … up to MAX_RESTART_DELAY seconds.
STABLE_SECONDS = 60.0
MAX_RESTART_DELAY = 60.0


def supervise(children: list[Child], say: Callable[[str], object], ready: Callable[[], object]) -> None:
    """Start the children and keep them running: a child that exits (crashed, killed, out of
    memory) is logged and started again after a growing pause, while the others go on serving.
    Returns only after SIGINT or SIGTERM, having stopped every child."""
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.start()
    ready()
    try:
        while not stopping.wait(0.2):
            now = time.monotonic()
            for child in children:
                assert child.proc is not None
                if child.restart_at is None and child.proc.poll() is not None:
                    if now - child.started >= STABLE_SECONDS:
                        child.backoff.reset()
                    delay = child.backoff.next_delay()
                    child.restart_at = now + delay
                    say(f"{child.name} exited with status {child.proc.returncode}; starting it again in {delay:.1f} s")
                elif child.restart_at is not None and now >= child.restart_at:
                    child.start()
                    say(f"{child.name} started again (pid {child.proc.pid})")
    finally:
        for child in children:
            if child.proc is not None and child.proc.poll() is None:
                child.proc.terminate()
        for child in children:
            if child.proc is None:
                continue
            try:
                child.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait()
