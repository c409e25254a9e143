"""`tidings run`: migrate, make demo content on an empty site, collect static files, then serve
with gunicorn (the production app server) and one background worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tidings.articles.models import Article


def default_workers() -> int:
    return max(2, (os.cpu_count() or 1) + 1)


class Command(BaseCommand):
    help = "Migrate, create demo content if the site is empty, and serve Tidings with gunicorn and a worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("TIDINGS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TIDINGS_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("TIDINGS_WORKERS", default_workers())))
        parser.add_argument("--no-demo", action="store_true", help="Do not create demo content on an empty site.")
        parser.add_argument("--demo-articles", type=int, default=500)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")

    def handle(self, *args: Any, **opts: Any) -> None:
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
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
            "--worker-class", "sync",
            "--max-requests", "10000", "--max-requests-jitter", "1000",
            "--control-socket", str(run_dir / "gunicorn.ctl"),
            "--access-logfile", os.environ.get("TIDINGS_ACCESS_LOG", "-"),
            "--forwarded-allow-ips", os.environ.get("TIDINGS_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        procs = [subprocess.Popen(web)]
        if not opts["no_worker"]:
            procs.append(subprocess.Popen([sys.executable, "-m", "tidings.cli", "worker"]))
        self.stdout.write(self.style.SUCCESS(f"Tidings is serving on http://{bind}/ (Ctrl+C stops it)"))

        def stop(signum: int, frame: object) -> None:
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            stop(0, None)
            for p in procs:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        failed = [p.returncode for p in procs if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            raise SystemExit(failed[0])
