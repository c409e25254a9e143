"""创作者指数 (issue 12.3): the nightly run's time and query count for a site of many creators.

    .venv/bin/python bench/creator_index.py                           # SQLite, 2,000 creators
    .venv/bin/python bench/creator_index.py --database-url postgresql://postgres@127.0.0.1:5432/tidings_index_bench

Each creator gets `--articles` articles spread over the 180-day window (a few channels, some
declared 原创 with a check result, a few taken down) and a daily statistics row for every day of
the window (`CreatorDaily`: 360,000 rows at 2,000 creators), written straight into the tables.
Then the run for tomorrow (all levels move: the first run), and again (nothing moves), each timed
with its query count. Runs on a throw-away database (a temporary SQLite file, or a PostgreSQL
database whose name contains "bench", dropped and re-created), never the real data dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _site import fresh_postgres  # noqa: E402  (bench/ is first on sys.path)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--creators", type=int, default=2000)
    p.add_argument("--articles", type=int, default=20, help="articles per creator in the window")
    p.add_argument("--database-url", default="", help="postgresql://…/<name containing 'bench'>; default SQLite")
    p.add_argument("--seed", type=int, default=12)
    return p.parse_args()


def setup(args: argparse.Namespace) -> None:
    if args.database_url:
        fresh_postgres(args.database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["TIDINGS_DATA_DIR"] = tempfile.mkdtemp(prefix="tidings-index-bench-")
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tidings.settings"
    os.environ["TIDINGS_LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(args: argparse.Namespace) -> None:
    from django.db import transaction
    from django.utils import timezone

    from tidings.articles.models import Article
    from tidings.channels.models import Channel
    from tidings.creator_index import compute
    from tidings.creators.models import Creator
    from tidings.stats.models import CreatorDaily

    rng = random.Random(args.seed)
    channels = list(Channel.objects.values_list("pk", flat=True))
    today = compute.today()
    now = timezone.now()
    checks = [c.value for c in Article.OriginalCheck]
    with transaction.atomic():
        Creator.objects.bulk_create(
            [Creator(handle=f"bench{i}", name=f"创作者{i}") for i in range(args.creators)], batch_size=1000
        )
        creators = list(Creator.objects.values_list("pk", flat=True))
        articles = []
        for c in creators:
            home = rng.sample(channels, 3)
            for _ in range(args.articles):
                original = rng.random() < 0.5
                taken = rng.random() < 0.01
                articles.append(
                    Article(
                        creator_id=c,
                        channel_id=rng.choices(home, weights=[6, 3, 1])[0],
                        title="基准文章",
                        status=Article.Status.WITHDRAWN if taken else Article.Status.PUBLISHED,
                        published_at=now - dt.timedelta(days=rng.uniform(0, 179)),
                        original=original,
                        original_check=rng.choice(checks) if original else "",
                        taken_down_at=now - dt.timedelta(days=rng.uniform(0, 100)) if taken else None,
                    )
                )
        Article.objects.bulk_create(articles, batch_size=2000)
        rows = []
        for c in creators:
            reach = rng.lognormvariate(3, 1)
            for back in range(1, 181):
                reads = int(rng.expovariate(1 / reach))
                rows.append(
                    CreatorDaily(
                        creator_id=c,
                        day=today - dt.timedelta(days=back),
                        reads=reads,
                        finished=int(reads * rng.uniform(0.2, 0.7)),
                        likes=int(reads * rng.uniform(0, 0.06)),
                        shares=int(reads * rng.uniform(0, 0.02)),
                        comments=int(reads * rng.uniform(0, 0.02)),
                        follows=int(reads * rng.uniform(0, 0.01)),
                    )
                )
        CreatorDaily.objects.bulk_create(rows, batch_size=5000)
    print(f"{len(creators):,} creators, {len(articles):,} articles, {len(rows):,} daily rows")


def timed_run() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tidings.creator_index import compute
    from tidings.creator_index.models import Snapshot

    night = compute.today() + dt.timedelta(days=1)
    for label in ("first run (every level moves)", "again the same day (nothing moves)"):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            result = compute.run(night)
            wall = time.perf_counter() - began
        print(
            f"{label}: {result.creators:,} creators in {wall:.2f} s, {len(ctx.captured_queries)} queries, "
            f"{result.changed:,} changed level"
        )
    levels = {lv: Snapshot.objects.filter(day=night, level=lv).count() for lv in range(1, 6)}
    print("levels:", ", ".join(f"Lv{lv} {n:,}" for lv, n in levels.items()))


def main() -> None:
    args = parse_args()
    setup(args)
    started = time.perf_counter()
    populate(args)
    print(f"populated in {time.perf_counter() - started:.1f} s ({'PostgreSQL' if args.database_url else 'SQLite'})")
    timed_run()


if __name__ == "__main__":
    main()
