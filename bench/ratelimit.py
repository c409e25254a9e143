"""Which shared store should hold the rate-limit counters when no Redis is configured?

Each candidate counts one key from P processes at once (as P gunicorn workers would), H hits
each. It prints the time per hit (the `add`-then-`incr` of tidings.lib.ratelimit) and how many
hits the counter lost: Django's own database and file caches do get-then-set, so parallel hits
overwrite each other; the project's subclasses (tidings.lib.cache) must lose none. The last
column is one hit while another connection holds SQLite's write lock for 1 s (as a long write
transaction would): the database cache waits for it, the file cache does not.

    .venv/bin/python bench/ratelimit.py [--processes 4 --hits 300]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CANDIDATES = {
    "django DatabaseCache": ("django.core.cache.backends.db.DatabaseCache", "db"),
    "AtomicDatabaseCache": ("tidings.lib.cache.AtomicDatabaseCache", "db"),
    "django FileBasedCache": ("django.core.cache.backends.filebased.FileBasedCache", "file"),
    "LockedFileBasedCache": ("tidings.lib.cache.LockedFileBasedCache", "file"),
}


def make(backend: str, kind: str, data_dir: str) -> Any:
    from django.utils.module_loading import import_string

    location = "bench_limits" if kind == "db" else os.path.join(data_dir, "limits")
    return import_string(backend)(location, {"TIMEOUT": 3600, "OPTIONS": {"MAX_ENTRIES": 100000}})


def setup(data_dir: str) -> None:
    os.environ["TIDINGS_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "tidings.settings"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def hits(args: tuple[str, str, str, int, str]) -> float:
    backend, kind, data_dir, n, key = args
    setup(data_dir)
    store = make(backend, kind, data_dir)
    start = time.perf_counter()
    for _ in range(n):
        if not store.add(key, 1, timeout=3600):
            store.incr(key)
    return (time.perf_counter() - start) / n


def under_lock(backend: str, kind: str, data_dir: str) -> float:
    """Seconds one hit takes while another connection holds the database's write lock for 1 s."""
    store = make(backend, kind, data_dir)
    holder = sqlite3.connect(os.path.join(data_dir, "tidings.sqlite3"), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(1.0, lambda: holder.execute("ROLLBACK")).start()
    time.sleep(0.05)
    start = time.perf_counter()
    try:
        if not store.add("locked", 1, timeout=3600):
            store.incr("locked")
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        print(f"    ({type(exc).__name__}: {exc})")
    took = time.perf_counter() - start
    time.sleep(1.1)
    holder.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--hits", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as data_dir:
        setup(data_dir)
        from django.core.management import call_command
        from django.core.management.commands.createcachetable import Command as CreateCacheTable

        call_command("migrate", verbosity=0)
        creator = CreateCacheTable()
        creator.verbosity = 0
        creator.create_table("default", "bench_limits", dry_run=False)
        print(f"{args.processes} processes × {args.hits} hits on one key, SQLite WAL in {data_dir}")
        print(f"{'store':24} {'ms/hit (mean)':>14} {'counted':>8} {'lost':>6} {'1 hit under a 1 s write lock':>30}")
        ctx = multiprocessing.get_context("spawn")
        for name, (backend, kind) in CANDIDATES.items():
            key = "k-" + name.replace(" ", "-")
            with ctx.Pool(args.processes) as pool:
                per_hit = pool.map(hits, [(backend, kind, data_dir, args.hits, key)] * args.processes)
            counted = int(make(backend, kind, data_dir).get(key, 0))
            expected = args.processes * args.hits
            locked = under_lock(backend, kind, data_dir)
            mean_ms = 1000 * sum(per_hit) / len(per_hit)
            print(f"{name:24} {mean_ms:14.2f} {counted:8} {expected - counted:6} {locked:29.2f}s")


if __name__ == "__main__":
    main()
