#!/usr/bin/env python
"""跟帖 benchmark: server CPU per request on an article with 10,000 comments.

The thread: 10,000 comments on one article, 2,000 reply chains (10 of them 50 floors deep: the
deepest reply quotes 50 floors), the rest top-level comments, 50,000 votes (heavy-tailed, mostly
顶) by 2,000 readers, a few deleted floors. Bodies come from the demo's comment writer
(tidings.demo.comments.comment_body) and the rows are written by its bulk writer, so counts,
paths, ranks, participants and threads are stored as tidings.comments.actions would store them.
Around it: a small demo site (tidings.demo.generator), so the pages carry their usual blocks.

Measured in process, through Django's test client (the whole middleware stack, templates and
queries, no HTTP): time.process_time() around each request; --rounds rounds in which every target
runs --runs times (after a warm-up), reported as the median of the rounds' medians with their range
and the p95 of all runs, plus the queries each request makes:

- the first page of 热门 and of 最新 (/a/<id>/comments/?sort=hot|new), the section under the
  article (/a/<id>/comments/section/) and one comment with its 50-floor chain
  (/a/<id>/comments/<cid>/): anonymous uncached (the article's comment generation bumped before
  each run, outside the timing, as a new comment does), anonymous from the page cache, and
  signed in (never cached);
- posting: tidings.comments.actions.post_comment and the POST endpoint (JSON, as the page's
  script posts), each by a different reader (limits and checks as in production), p50/p95 of CPU
  and wall time (a post waits for its commit);
- the anonymous article page from the page cache, and rendered (page cache off, site blocks
  cached), before the comments exist and after.

It also prints the query plans (EXPLAIN) of the 热门 and 最新 first pages and of the section's
热门 query: each must be a range scan of the comment_hot / comment_newest index, not a sort.

Usage (repository root):
    .venv/bin/python bench/comments.py [--rounds 3] [--runs 100] [--posts 200]
With DATABASE_URL set to PostgreSQL (postgresql://…/<name>) the PostgreSQL leg runs as well, in a
database <name>_comments_bench that it creates and drops; with REDIS_URL set it uses Redis as
the cache there (the production pairing; key prefix tidings-comments-bench). The SQLite leg runs
in a temporary directory with the local-memory cache.
Results: Markdown on stdout, JSON in bench/results/comments-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

COMMENTS = 10_000
CHAINS = 2_000
DEEP_CHAINS = 10
DEEP_FLOORS = 50
VOTES = 50_000
READERS = 2_000


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=100, help="timed requests per page target and round")
    p.add_argument("--rounds", type=int, default=3, help="rounds (every target once per round)")
    p.add_argument("--posts", type=int, default=200, help="comments posted per posting target")
    p.add_argument("--articles", type=int, default=100, help="demo articles around the benchmark article")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--leg", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    p.add_argument("--keep", action="store_true", help="keep the SQLite data dir / PostgreSQL database")
    return p.parse_args()


# --------------------------------------------------------------------------------------------- legs
def main() -> None:
    args = parse_args()
    if args.leg:
        result = run_leg(args)
        print("RESULT " + json.dumps(result, ensure_ascii=False))
        return
    legs = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        legs.append("postgresql")
    results = []
    for leg in legs:
        say(f"--- {leg} leg")
        cmd = [sys.executable, __file__, "--leg", leg, "--runs", str(args.runs), "--rounds", str(args.rounds)]
        cmd += ["--posts", str(args.posts)]
        cmd += ["--articles", str(args.articles), "--seed", str(args.seed)] + (["--keep"] if args.keep else [])
        out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT "))
        results.append(json.loads(line[len("RESULT ") :]))
    for r in results:
        report(r)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"comments-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nJSON: {path.relative_to(ROOT)}")


def report(r: dict[str, Any]) -> None:
    print(f"\n### 跟帖, {r['database']} (cache: {r['cache']}), article /a/{r['article']}/")
    print(
        f"\n{r['comments']:,} comments ({r['visible']:,} visible), {r['chains']:,} reply chains (deepest: "
        f"{r['deepest']} floors above the reply), {r['votes']:,} votes by {r['readers']:,} readers; "
        f"written in {r['build_s']:.1f} s. {r['rounds']} rounds × {r['runs']} runs per page target; load average "
        f"{r['load'][0]:.1f} → {r['load_end'][0]:.1f}.\n"
    )
    print("| request | CPU ms, median of rounds (min–max) | p95 | queries | target |")
    print("|---|---|---|---|---|")
    for row in r["rows"]:
        print(
            f"| {row['name']} | {row['median']:.2f} ({row['min']:.2f}–{row['max']:.2f}) | {row['p95']:.2f} | "
            f"{row['queries']} | {row.get('target', '')} |"
        )
    print("\n| posting | CPU ms p50 | CPU ms p95 | wall ms p50 | wall ms p95 | queries |")
    print("|---|---|---|---|---|---|")
    for row in r["posting"]:
        print(
            f"| {row['name']} | {row['cpu_p50']:.2f} | {row['cpu_p95']:.2f} | {row['wall_p50']:.2f} | "
            f"{row['wall_p95']:.2f} | {row['queries']} |"
        )
    before, after = r["article_before"], r["article_after"]
    print(
        f"\nCached anonymous article page: {before:.3f} ms before the comments, {after:.3f} ms after "
        f"({(after / before - 1) * 100:+.1f} %)."
    )
    print("\nQuery plans:")
    for name, plan in r["plans"].items():
        print(f"\n{name}:\n```\n{plan}\n```")


# ----------------------------------------------------------------------------------------- one leg
def setup(args: argparse.Namespace) -> tuple[str, Callable[[], None]]:
    """Point Django at a fresh database of the leg; returns (cache label, clean-up)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "tidings.settings"
    os.environ["TIDINGS_LOG_LEVEL"] = "ERROR"
    data = tempfile.mkdtemp(prefix="tidings-comments-bench-")
    os.environ["TIDINGS_DATA_DIR"] = data
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if args.leg == "postgresql":
        import psycopg

        base, name = os.environ["DATABASE_URL"].split("?", 1)[0].rsplit("/", 1)
        bench = f"{name}_comments_bench"
        admin = f"{base}/postgres"
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{bench}"')
            c.execute(
                f"CREATE DATABASE \"{bench}\" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
            )
        os.environ["DATABASE_URL"] = f"{base}/{bench}"
        os.environ["TIDINGS_CACHE_PREFIX"] = "tidings-comments-bench"

        def drop() -> None:
            from django.core.cache import cache
            from django.db import connections

            if os.environ.get("REDIS_URL"):  # the generation counters never expire
                client = cache._cache.get_client()  # type: ignore[attr-defined]
                for key in client.scan_iter(match="tidings-comments-bench*"):
                    client.delete(key)
            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{bench}"')

    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
    say(f"data dir {data}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest the pages name files by
    label = "Redis" if os.environ.get("REDIS_URL") and args.leg == "postgresql" else "local memory"

    def clean() -> None:
        if not args.keep:
            drop()
            import shutil

            shutil.rmtree(data, ignore_errors=True)
        else:
            say(f"kept {data}" + (f" and {os.environ['DATABASE_URL']}" if args.leg == "postgresql" else ""))

    return label, clean


def run_leg(args: argparse.Namespace) -> dict[str, Any]:
    label, clean = setup(args)
    try:
        return measure(args, label)
    finally:
        clean()


def measure(args: argparse.Namespace, cache_label: str) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tidings.comments import actions
    from tidings.comments.models import Comment
    from tidings.demo.generator import generate
    from tidings.lib.sitecache import invalidate_site

    say(f"demo site: {args.articles} articles …")
    generate(articles=args.articles, creators=20, seed=args.seed)
    article = bench_article(args.seed)
    pk = article.pk
    anonymous = Client()

    @dataclass
    class Target:
        name: str
        url: str
        client: Client = anonymous
        before: Callable[[], None] | None = None  # run before each request, outside the timing
        expect: str = ""  # in the response headers (MISS: rendered, HIT: from the page cache)
        target: str = ""
        settings: dict[str, Any] = field(default_factory=dict)
        rounds: list[float] = field(default_factory=list)  # each round's median
        samples: list[float] = field(default_factory=list)
        queries: int = -1

        def get(self) -> Any:
            if self.before:
                self.before()
            return self.client.get(self.url)

        def run(self) -> None:
            with override_settings(**self.settings):
                if self.queries < 0:  # the first round: warm up, count the queries, check the path
                    for _ in range(5):
                        assert self.get().status_code == 200, self.url
                    if self.before:
                        self.before()
                    reset_queries()  # each request empties the log: a capture starts from an empty one
                    with CaptureQueriesContext(connection) as captured:
                        response = self.client.get(self.url)
                    self.queries = len(captured)
                    assert self.expect in str(response.headers), (self.name, dict(response.headers))
                times = []
                for _ in range(args.runs):
                    if self.before:
                        self.before()
                    t = time.process_time()
                    self.client.get(self.url)
                    times.append((time.process_time() - t) * 1000)
            self.rounds.append(statistics.median(times))
            self.samples += times
            say(f"{self.name}: {self.rounds[-1]:.2f} ms (round {len(self.rounds)}), {self.queries} queries")

        def row(self) -> dict[str, Any]:
            return {
                "name": self.name, "median": statistics.median(self.rounds), "min": min(self.rounds),
                "max": max(self.rounds), "p95": pct(self.samples, 0.95), "queries": self.queries,
                "target": self.target, "url": self.url, "rounds": self.rounds,
            }  # fmt: skip

    def in_rounds(targets: list[Target]) -> list[dict[str, Any]]:
        """Every target once per round, so that the machine's noise hits all of them alike."""
        for _ in range(args.rounds):
            for t in targets:
                t.run()
        return [t.row() for t in targets]

    page_url = f"/a/{pk}/"
    off = {"PAGE_CACHE_SECONDS": 0}
    rows = in_rounds(
        [
            Target("article page, page cache, no comments yet", page_url, expect="HIT", target="< 0.5 ms"),
            Target("article page, rendered (page cache off), no comments yet", page_url, settings=off),
        ]
    )

    say("writing the thread …")
    started = time.perf_counter()
    built = build_thread(article, args.seed)
    build_s = time.perf_counter() - started
    if connection.vendor == "postgresql":  # as autovacuum would after a bulk load
        with connection.cursor() as cur:
            for table in ("comments_comment", "comments_vote", "comments_participant", "accounts_user"):
                cur.execute(f"ANALYZE {table}")
    invalidate_site()  # the article's count changed: its cached page goes
    actions.changed(pk)

    signed = Client()
    signed.force_login(built["reader"])
    bump = lambda: actions.changed(pk)  # noqa: E731  # as a new comment does: the next request is a miss
    hot, new = f"/a/{pk}/comments/?sort=hot", f"/a/{pk}/comments/?sort=new"
    section, deep = f"/a/{pk}/comments/section/", f"/a/{pk}/comments/{built['deepest']}/"
    chain = f"{DEEP_FLOORS}-floor chain (/a/<id>/comments/<cid>/)"
    rows += in_rounds(
        [
            Target("article page, page cache, 10,000 comments", page_url, expect="HIT", target="< 0.5 ms"),
            Target("article page, rendered (page cache off), 10,000 comments", page_url, settings=off),
            Target("热门 page 1, uncached", hot, before=bump, expect="MISS", target="< 10 ms"),
            Target("热门 page 1, from cache", hot, expect="HIT", target="< 0.5 ms"),
            Target("热门 page 1, signed in (never cached)", hot, client=signed),
            Target("最新 page 1, uncached", new, before=bump, expect="MISS", target="< 10 ms"),
            Target("最新 page 1, from cache", new, expect="HIT", target="< 0.5 ms"),
            Target("最新 page 1, signed in (never cached)", new, client=signed),
            Target("section under the article, uncached", section, before=bump, expect="MISS", target="< 10 ms"),
            Target("section under the article, from cache", section, expect="HIT", target="< 0.5 ms"),
            Target("section, signed in (never cached)", section, client=signed),
            Target(f"{chain}, uncached", deep, before=bump, expect="MISS", target="< 10 ms"),
            Target(f"{chain}, from cache", deep, expect="HIT", target="< 0.5 ms"),
            Target(f"{chain}, signed in (never cached)", deep, client=signed),
        ]
    )
    plans = query_plans(pk)

    posting = post_timings(args, article, built)
    return {
        "database": f"{connection.vendor} {database_version(connection)}",
        "cache": cache_label,
        "article": pk,
        "comments": built["comments"],
        "visible": built["visible"],
        "chains": built["chains"],
        "deepest": built["deepest_floors"],
        "votes": built["votes"],
        "readers": READERS,
        "build_s": build_s,
        "runs": args.runs,
        "rows": rows,
        "posting": posting,
        "rounds": args.rounds,
        "article_before": rows[0]["median"],
        "article_after": rows[2]["median"],
        "plans": plans,
        "load": built["load"],
        "load_end": os.getloadavg(),
        "total_after_posts": Comment.objects.filter(article_id=pk).count(),
        "when": timezone.now().isoformat(),
    }


def database_version(connection: Any) -> str:
    with connection.cursor() as cur:
        cur.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        return str(cur.fetchone()[0])


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, math.ceil(q * len(s)) - 1)]


def bench_article(seed: int) -> Any:
    """A Chinese article published four days ago by a creator who signs in, with no comments."""
    from django.test import TestCase
    from django.utils import timezone

    from tidings.accounts.models import User
    from tidings.articles import transitions
    from tidings.articles.actions import save_article
    from tidings.articles.models import Article
    from tidings.channels.models import Channel
    from tidings.creators.models import Creator
    from tidings.demo.text import write_article
    from tidings.demo.words import TOPICS

    user = User.objects.create_user("bench_creator", password="bench-Password-1", role=User.Role.CREATOR)
    creator = Creator.objects.create(handle="bench-comments", name="跟帖基准", user=user)
    channel = Channel.objects.get(slug="news")
    draft = write_article(random.Random(seed), TOPICS["news"][0], "news", references=0)
    article = Article(creator=creator, channel=channel, title=draft.title, summary=draft.summary,
                      body_md=draft.body_md, tags=draft.tags)  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        save_article(article)
        transitions.publish(article, None, timezone.now() - dt.timedelta(days=4))
    return article


def build_thread(article: Any, seed: int) -> dict[str, Any]:
    """The 10,000 comments, 2,000 chains and 50,000 votes, written by the demo's bulk writer."""
    from django.utils import timezone

    from tidings.accounts.models import User
    from tidings.articles.models import Article
    from tidings.articles.ranking import engagement, hot_score
    from tidings.comments.models import Comment
    from tidings.demo.comments import Planned, Threads, _Regions, comment_body, filler_for, nickname

    load = os.getloadavg()
    rng = random.Random(seed)
    now = timezone.now()
    joined = now - dt.timedelta(days=200)
    users = []
    for i in range(READERS):
        u = User(username=f"bench_reader_{i:04d}", first_name=nickname(rng), date_joined=joined)
        u.set_unusable_password()
        users.append(u)
    User.objects.bulk_create(users, batch_size=1000)
    ids = list(User.objects.filter(username__startswith="bench_reader_").values_list("pk", flat=True))
    regions, filler = _Regions(), filler_for(rng, article)
    home = {pk: regions.draw(rng) for pk in ids}
    published = article.published_at
    span = (now - published).total_seconds() - 120

    # Chain lengths (comments in a chain, the top-level one included): 10 of 51, the rest 2–49.
    lengths = [DEEP_FLOORS + 1] * DEEP_CHAINS
    lengths += [min(49, 2 + int((rng.paretovariate(1.5) - 1) * 0.8)) for _ in range(CHAINS - DEEP_CHAINS)]
    standalone = COMMENTS - sum(lengths)
    assert standalone > 0, "chains longer than the thread"
    plans: list[Planned] = []

    def comment(parent: Planned | None, when: dt.datetime) -> Planned:
        author = rng.choice(ids)
        while parent is not None and author == parent.author:
            author = rng.choice(ids)
        depth = parent.depth + 1 if parent else 0
        p = Planned(
            article=article, author=author, parent=parent, depth=depth,
            body=comment_body(rng, filler, depth, home[author]), region=home[author], created_at=when,
            deleted=False, popularity=0.0, updated_at=when,
        )  # fmt: skip
        plans.append(p)
        return p

    deepest = None
    for n, length in enumerate(lengths):
        when = published + dt.timedelta(seconds=rng.uniform(60, span * 0.7))
        p = comment(None, when)
        for floor in range(1, length):
            when = min(now - dt.timedelta(seconds=60), when + dt.timedelta(seconds=rng.expovariate(1 / 900)))
            p = comment(p, when)
            # A few deleted floors inside the deep chains: the chain still reads (该跟帖已删除).
            p.deleted = n < DEEP_CHAINS and floor in (7, 30)
        if n == 0:
            deepest = p
    for _ in range(standalone):
        comment(None, published + dt.timedelta(seconds=rng.uniform(60, span)))

    # 50,000 votes, heavy-tailed over the comments, each by a distinct reader, mostly 顶.
    weights = [rng.paretovariate(1.1) - 0.9 for _ in plans]
    total = sum(weights)
    counts = [min(READERS - 1, int(VOTES * w / total)) for w in weights]
    while sum(counts) < VOTES:
        i = rng.randrange(len(plans))
        if counts[i] < READERS - 1:
            counts[i] += 1
    for p, k in zip(plans, counts, strict=True):
        share = rng.betavariate(5, 1.2) if rng.random() > 0.15 else rng.betavariate(2, 2)
        voters = [pk for pk in rng.sample(ids, k + 1) if pk != p.author][:k]
        for pk in voters:
            when = p.created_at + dt.timedelta(seconds=rng.uniform(0, max(1.0, (now - p.created_at).total_seconds())))
            p.votes.append((pk, 1 if rng.random() < share else -1, when))
    written = Threads(plans, sum(counts)).save(lambda done, total, what: None)
    visible = Comment.objects.filter(article=article, status=Comment.Status.VISIBLE).count()
    a = Article.objects.get(pk=article.pk)
    a.comments_count = visible
    a.hot_score = hot_score(a.published_at, engagement(a.views_count, a.shares_count, visible, a.likes_count))
    a.save(update_fields=["comments_count", "hot_score"])
    assert deepest is not None and deepest.row is not None
    chains = Comment.objects.filter(article=article, depth=1).values("parent_id").distinct()
    return {
        "comments": written.comments,
        "visible": written.visible,
        "votes": written.votes,
        "chains": chains.count(),
        "deepest": deepest.row.pk,
        "deepest_floors": written.deepest,
        "reader": User.objects.get(pk=ids[0]),
        "readers": ids,
        "load": load,
    }


def query_plans(pk: int) -> dict[str, str]:
    from tidings.comments import threads
    from tidings.comments.models import Comment

    deepest = Comment.objects.filter(article_id=pk).order_by("-depth", "pk").first()
    assert deepest is not None
    chain = Comment.objects.filter(pk__in=deepest.ancestor_ids()).for_display()
    return {
        "热门 page 1 (the section's 热门跟帖 is the same, LIMIT 10)": threads.hot_order(pk)[
            : threads.PER_PAGE
        ].explain(),
        "最新 page 1 (the section's 最新跟帖 is the same, LIMIT 10)": threads.new_order(pk)[
            : threads.PER_PAGE
        ].explain(),
        "the floors of a chain (one query by primary key)": chain.explain(),
    }


def post_timings(args: argparse.Namespace, article: Any, built: dict[str, Any]) -> list[dict[str, Any]]:
    """Each post by a reader who has not posted yet (the limits and checks run as in production)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tidings.accounts.models import User
    from tidings.comments import actions
    from tidings.comments.models import Comment

    rng = random.Random(args.seed + 1)
    readers = list(User.objects.filter(pk__in=built["readers"][1:]).order_by("pk"))
    parents = list(Comment.objects.filter(article=article, status=Comment.Status.VISIBLE).values_list("pk", flat=True))
    out = []

    def body(i: int) -> str:
        return f"第{i}条基准跟帖：文章里说的情况我们这里也有，希望后续能有更多报道。"

    # actions.post_comment
    cpu, wall = [], []
    queries = 0
    for i in range(args.posts):
        user = readers[i]
        parent = Comment.objects.get(pk=rng.choice(parents)) if i % 2 else None
        reset_queries()
        ctx = CaptureQueriesContext(connection)
        with ctx:
            t, w = time.process_time(), time.perf_counter()
            actions.post_comment(user, article, body(i), parent=parent, address="113.108.81.189")
            cpu.append((time.process_time() - t) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
        queries = max(queries, len(ctx))
    out.append(row("actions.post_comment (half of them replies)", cpu, wall, queries))

    # the POST endpoint, as the page's script posts (Accept: application/json)
    cpu, wall = [], []
    # One client (its first request builds the middleware: WhiteNoise scans the static files);
    # each post signs in another reader first, outside the timing.
    client = Client(headers={"Accept": "application/json"}, REMOTE_ADDR="240e:3b0::1")
    client.get("/healthz")
    for i in range(args.posts):
        client.force_login(readers[args.posts + i])
        data = {"body": body(args.posts + i)}
        if i % 2:
            data["parent"] = str(rng.choice(parents))
        reset_queries()
        ctx = CaptureQueriesContext(connection)
        with ctx:
            t, w = time.process_time(), time.perf_counter()
            response = client.post(f"/a/{article.pk}/comments/post/", data)
            cpu.append((time.process_time() - t) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
        assert response.status_code == 200 and response.json()["ok"], response.content[:300]
        queries = max(queries, len(ctx))
    out.append(row("POST /a/<id>/comments/post/ (JSON, half replies)", cpu, wall, queries))
    return out


def row(name: str, cpu: list[float], wall: list[float], queries: int) -> dict[str, Any]:
    r = {
        "name": name,
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": pct(cpu, 0.95),
        "wall_p50": statistics.median(wall),
        "wall_p95": pct(wall, 0.95),
        "queries": queries,
    }
    say(f"{name}: CPU p50 {r['cpu_p50']:.2f} ms, p95 {r['cpu_p95']:.2f} ms; wall p50 {r['wall_p50']:.2f} ms")
    return r


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
