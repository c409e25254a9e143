"""数据中心 (issue 12): the beacons' server CPU per request, the rollup of one day of raw events,
and the 数据中心 page's CPU for a creator with 1,000 articles.

    .venv/bin/python bench/stats.py                                   # SQLite, 1,000,000 events
    .venv/bin/python bench/stats.py --database-url postgresql://postgres@127.0.0.1:5432/tidings_stats_bench \\
        [--redis-url redis://127.0.0.1:6379/13]                       # dropped and re-created

- Beacons: each request goes through the whole Django stack (every middleware, the view, the
  database) by calling the WSGI application in-process with a prepared environ, as gunicorn does
  after parsing the request; CPU is this process's user+system time (time.process_time) over
  the requests, so it includes the database client's work but not a PostgreSQL server's.
- Rollup: `--events` raw events spread over one day (site zone) for `--creators` creators with
  `--articles` articles each (impressions 60 %, reads 20 %, read-end reports 15 %, likes, shares,
  comments), written straight into the table, then `roll_range` over that day: 24 hours and the
  day, timed twice (the second run replaces the same rows: idempotent).
- 数据中心 page: the heaviest creator gets 1,000 articles with 90 days of daily rows each.

Runs on a throw-away database (a temporary SQLite file, or a PostgreSQL database whose name
contains "bench"), never the real data dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _site import fresh_postgres  # noqa: E402  (bench/ is first on sys.path)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=1_000_000, help="raw events in the day rolled up")
    p.add_argument("--creators", type=int, default=1000)
    p.add_argument("--articles", type=int, default=10, help="articles per creator (the page's creator gets 1,000)")
    p.add_argument("--requests", type=int, default=2000, help="requests per beacon kind")
    p.add_argument("--database-url", default="", help="postgresql://…/<name containing 'bench'>; default SQLite")
    p.add_argument("--redis-url", default="", help="with it, read and impression claims go to Redis (SET NX)")
    p.add_argument("--seed", type=int, default=12)
    return p.parse_args()


def setup(args: argparse.Namespace) -> str:
    if args.database_url:
        fresh_postgres(args.database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["TIDINGS_DATA_DIR"] = tempfile.mkdtemp(prefix="tidings-stats-bench-")
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
        os.environ.setdefault("TIDINGS_CACHE_PREFIX", "stats-bench")
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tidings.settings"
    os.environ["TIDINGS_LOG_LEVEL"] = "ERROR"
    os.environ["TIDINGS_NEW_VISITORS_PER_HOUR"] = "1000000"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if args.redis_url:
        from django.core.cache import cache

        cache.clear()
    from django.db import connection

    return f"{connection.vendor}{' + Redis' if args.redis_url else ''}"


def say(msg: str) -> None:
    print(msg, flush=True)


def make_site(args: argparse.Namespace) -> tuple[list[tuple[int, int]], Any, Any]:
    """Creators and published articles, written in bulk (no derived data: not needed here)."""
    from django.utils import timezone

    from tidings.accounts.models import User
    from tidings.articles.models import Article
    from tidings.channels.models import Channel
    from tidings.creators.models import Creator
    from tidings.demo.generator import spec_channels

    spec_channels()
    channel = Channel.objects.first()
    now = timezone.now()
    user = User.objects.create_user("bench-writer", password="bench-writer-pw-1", role=User.Role.CREATOR)
    creators = Creator.objects.bulk_create(
        [Creator(handle=f"c{i}", name=f"创作者{i}", user=user if i == 0 else None) for i in range(args.creators)]
    )
    rows = []
    for c in creators:
        n = 1000 if c.pk == creators[0].pk else args.articles
        for j in range(n):
            rows.append(
                Article(
                    creator=c,
                    channel=channel,
                    title=f"{c.name}的第{j}篇文章",
                    body_md="正文。",
                    body_html="<p>正文。</p>",
                    status=Article.Status.PUBLISHED,
                    published_at=now - dt.timedelta(days=random.randint(1, 60)),
                )
            )
    Article.objects.bulk_create(rows, batch_size=5000)
    articles = list(Article.objects.values_list("pk", "creator_id"))
    return articles, creators[0], user


def write_events(articles: list[tuple[int, int]], n: int, day: dt.date, seed: int) -> float:
    """n raw events over one site-zone day, inserted with executemany (SQLite) or COPY (PostgreSQL)."""
    from django.db import connection, transaction

    from tidings.stats import events
    from tidings.stats.models import Event
    from tidings.stats.rollup import day_bounds

    rnd = random.Random(seed)
    start, end = day_bounds(day)
    span = (end - start).total_seconds()
    weights = [1 / (i + 1) ** 0.8 for i in range(len(articles))]  # a few articles get most traffic
    picks = rnd.choices(articles, weights=weights, k=n)
    lists = list(events.LISTS.values())
    kinds = rnd.choices([1, 2, 3, 4, 5, 6], weights=[60, 20, 15, 3, 1.5, 0.5], k=n)
    rows = []
    reads: list[tuple[int, dt.datetime]] = []
    next_id = 1
    for (article_id, creator_id), kind in zip(picks, kinds, strict=True):
        at = start + dt.timedelta(seconds=rnd.random() * span)
        ref = depth = seconds = 0
        source, host = 0, ""
        if kind == 1:
            source = rnd.choice(lists)
        elif kind == 2:
            source = rnd.choice([*lists, events.EXTERNAL, events.DIRECT])
            host = "weibo.com" if source == events.EXTERNAL else ""
            reads.append((next_id, at))
        elif kind == 3 and reads:
            ref, at = rnd.choice(reads)
            depth, seconds = rnd.choice([100, 100, 40, 70]), rnd.randint(5, 600)
        else:
            kind = 4 if kind == 3 else kind
        rows.append((next_id, at, kind, article_id, creator_id, source, host, ref, depth, seconds, 1))
        next_id += 1
    table = Event._meta.db_table
    cols = "id, at, kind, article_id, creator_id, source, host, ref, depth, seconds, n"
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for r in rows:
                    copy.write_row(r)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {next_id})")
        else:
            adapt = connection.ops.adapt_datetimefield_value
            cursor.executemany(
                f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(r[0], adapt(r[1]), *r[2:]) for r in rows],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - t0


def rollup_day(day: dt.date) -> tuple[float, int]:
    from tidings.stats import rollup
    from tidings.stats.models import Hourly

    start, end = rollup.day_bounds(day)
    t0 = time.perf_counter()
    rollup.roll_range(start, end)
    return time.perf_counter() - t0, Hourly.objects.count()


# --------------------------------------------------------------------------------------------
# Requests through the WSGI application


class Wsgi:
    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()

    def post(self, path: str, body: str, cookies: str = "") -> tuple[int, bytes]:
        data = body.encode()
        env = self._env("POST", path, cookies)
        env.update(
            {
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(data)),
                "wsgi.input": io.BytesIO(data),
            }
        )
        return self._call(env)

    def get(self, path: str, cookies: str = "") -> tuple[int, bytes]:
        return self._call(self._env("GET", path, cookies))

    def _env(self, method: str, path: str, cookies: str) -> dict[str, Any]:
        path, _, query = path.partition("?")
        return {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": cookies,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def _call(self, env: dict[str, Any]) -> tuple[int, bytes]:
        status: list[str] = []
        body = b"".join(self.app(env, lambda s, h, *a: status.append(s)))
        return int(status[0].split()[0]), body


def cpu_per_request(label: str, calls: list[Any]) -> dict[str, float]:
    for call in calls[:20]:  # warm-up (imports, connections, template compilation)
        call()
    c0, w0 = time.process_time(), time.perf_counter()
    statuses = [call()[0] for call in calls[20:]]
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    n = len(statuses)
    bad = [s for s in statuses if s != 200]
    result = {"cpu_ms": cpu / n * 1000, "wall_ms": wall / n * 1000, "requests": n}
    say(f"  {label}: {result['cpu_ms']:.2f} ms CPU per request (wall {result['wall_ms']:.2f} ms, {n} requests)")
    if bad:
        say(f"    non-200 answers: {len(bad)} ({sorted(set(bad))})")
    return result


def beacons(args: argparse.Namespace, articles: list[tuple[int, int]]) -> None:
    from django.core import signing

    from tidings.engagement.visitors import VISITOR_COOKIE, VISITOR_SALT

    wsgi = Wsgi()
    # For scale: the whole stack answering a health check (SELECT 1, a cache write and read).
    cpu_per_request("GET /healthz (for scale)", [lambda: wsgi.get("/healthz") for _ in range(args.requests + 20)])
    signer = signing.get_cookie_signer(salt=VISITOR_COOKIE + VISITOR_SALT)
    rnd = random.Random(args.seed)
    ids = [a for a, _ in articles]

    def cookie(i: int) -> str:
        return f"{VISITOR_COOKIE}={signer.sign(f'bench-visitor-{i}')}"

    n = args.requests + 20
    # Impressions: a batch of 20 list items from a new visitor each time (every claim is new).
    seen = [(cookie(i), "&".join(f"seen=hot:{a}" for a in rnd.sample(ids, 20))) for i in range(n)]
    cpu_per_request(
        "impression beacon, 20 items, all new", [lambda c=c, b=b: wsgi.post("/beacon/seen/", b, c) for c, b in seen]
    )
    # The same batches again: every claim already taken (the replay), nothing inserted.
    cpu_per_request(
        "impression beacon, 20 items, replayed", [lambda c=c, b=b: wsgi.post("/beacon/seen/", b, c) for c, b in seen]
    )
    # Reads from new visitors, with a referrer to classify; each answers a token.
    tokens: list[tuple[int, str]] = []

    def read(i: int) -> tuple[int, bytes]:
        a = ids[i % len(ids)]
        status, body = wsgi.post(f"/a/{a}/read/", "ref=https%3A%2F%2Fwww.weibo.com%2Fu%2F1", cookie(n + i))
        import json

        token = json.loads(body).get("token")
        if token:
            tokens.append((a, token))
        return status, body

    cpu_per_request("read beacon (counted)", [lambda i=i: read(i) for i in range(n)])
    cpu_per_request("read beacon, replayed (not counted)", [lambda i=i: read(i) for i in range(n)])
    ends = [(a, f"t={t}&d=100&s=42") for a, t in tokens]
    cpu_per_request("read-end beacon", [lambda a=a, b=b: wsgi.post(f"/a/{a}/read/end/", b) for a, b in ends])


def data_page(creator: Any, user: Any) -> None:
    """数据中心 for the creator with 1,000 articles: 90 days of daily rows for each article."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tidings.articles.models import Article
    from tidings.stats import reports
    from tidings.stats.models import CreatorDaily, Daily

    mine = list(Article.objects.filter(creator=creator).values_list("pk", flat=True))
    days = reports.days_back(90)
    Daily.objects.filter(creator_id=creator.pk).delete()  # the rolled-up day, if the creator had traffic
    CreatorDaily.objects.filter(creator_id=creator.pk).delete()
    rnd = random.Random(3)
    rows = []
    totals: dict[dt.date, int] = {}
    for d in days:
        for a in mine:
            reads = rnd.randint(0, 50)
            rows.append(Daily(day=d, creator_id=creator.pk, article_id=a, reads=reads, impressions=reads * 3))
            totals[d] = totals.get(d, 0) + reads
    Daily.objects.bulk_create(rows, batch_size=5000)
    CreatorDaily.objects.bulk_create([CreatorDaily(day=d, creator_id=creator.pk, reads=r) for d, r in totals.items()])
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    cookies = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    wsgi = Wsgi()
    say(f"数据中心 for a creator with {len(mine):,} articles ({len(rows):,} daily article rows):")
    for days_asked in (7, 30, 90):
        cpu_per_request(
            f"/studio/data/?days={days_asked}",
            [lambda d=days_asked: wsgi.get(f"/studio/data/?days={d}", cookies) for _ in range(120)],
        )
    cpu_per_request("/studio/fans/", [lambda: wsgi.get("/studio/fans/", cookies) for _ in range(120)])


def main() -> None:
    args = parse_args()
    label = setup(args)
    random.seed(args.seed)
    say(f"database: {label}")
    t0 = time.perf_counter()
    articles, creator, user = make_site(args)
    say(f"site: {args.creators:,} creators, {len(articles):,} articles ({time.perf_counter() - t0:.1f} s)")

    from tidings.stats import reports
    from tidings.stats.models import Event

    day = reports.today() - dt.timedelta(days=2)
    took = write_events(articles, args.events, day, args.seed)
    say(f"raw events: {Event.objects.count():,} written for {day} in {took:.1f} s")
    runs = []
    for i in range(2):
        seconds, hourly = rollup_day(day)
        runs.append(seconds)
        say(f"rollup of the day, run {i + 1}: {seconds:.1f} s ({hourly:,} hourly rows)")
    say(f"rollup: median {statistics.median(runs):.1f} s for {args.events:,} events")

    say("beacons (server CPU per request, whole Django stack):")
    beacons(args, articles)
    data_page(creator, user)


if __name__ == "__main__":
    main()
