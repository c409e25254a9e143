#!/usr/bin/env python
"""Search benchmark: index build time and size, query latency, recall and nDCG@10 at N articles.

Corpus (built fast; `tidings demo` writes ~60 articles/s, 100k would take ~30 min): the demo
generator's own writer (tidings.demo.text.write_article) drafts a pool of articles for every topic
of tidings/demo/words.py (8 % English, as the demo); each benchmark article then takes a title and
5–9 paragraphs from pool drafts of one topic, so its topic (tags[0]) and vocabulary are those of
the demo. Rows are bulk-inserted as published articles spread over 30 days.

Measured:
- build: `tidings.search.index.rebuild()` (what `tidings reindex` runs): wall and client CPU s;
- size: the index's tables and indexes (SQLite: dbstat; PostgreSQL: pg_total_relation_size),
  with the stored plain text shown apart;
- latency: `tidings.search.service.run` for page 1 (index queries, ranking, 20 articles and
  snippets: everything but HTML), per query class, p50/p95 over queries × runs after a warm-up;
- recall: every id the search returns (all pages) against a substring check of the same
  normalised text (Latin terms: from a word start), for every query;
- nDCG@10: queries built from one topic's vocabulary (its name; two of its keywords); an article
  is relevant when its tags[0] is that topic. "newest" is the same matches newest first.

Usage (repository root):
    .venv/bin/python bench/search.py --articles 100000                       # SQLite (temp dir)
    .venv/bin/python bench/search.py --articles 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/tidings_search_bench    # dropped + re-created
Results: Markdown on stdout, JSON in bench/results/search-<db>-<n>-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# From ../shared/notes/cjk-search.md where the demo vocabulary has them, else the demo's topic words
# (each has matches in the benchmark corpus: a query that matches nothing costs ~0.1 ms).
QUERIES = {
    "1 char": ["水", "雪", "球", "城", "电", "车"],
    "2 chars": ["联合", "气候", "经济", "改革", "北京", "足球", "银行", "股市", "芯片", "进球", "疫苗", "医保"],
    "3 chars": ["人民币", "联合国", "新能源", "碳中和", "充电桩", "电动车"],
    "4+ chars": ["人工智能", "加装电梯", "乡村振兴", "老旧小区", "气候变化", "可再生能源", "一刻钟生活圈"],
    "multi-word": ["经济 改革", "北京 交通", "联合国 气候", "城市 更新", "芯片 国产", "球迷 主场"],
    "English": ["football", "climate", "energy", "market", "league", "school", "heavy rain", "renewable energy", "the"],
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--database-url", default="", help="postgresql://…/<name containing 'bench'>; default SQLite")
    p.add_argument("--runs", type=int, default=3, help="timed runs per query (after one warm-up)")
    p.add_argument("--pool", type=int, default=120, help="pool drafts per topic")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--rebuild", action="store_true", help="with --reuse: time a rebuild of the index too")
    p.add_argument(
        "--reuse",
        default="",
        help="SQLite data dir (or, with --database-url, 'yes') of an earlier run: skip corpus and build, measure again",
    )
    return p.parse_args()


def setup(args: argparse.Namespace) -> str:
    """Point Django at a fresh database; returns a label."""
    if args.database_url:
        import psycopg

        name = args.database_url.rsplit("/", 1)[1]
        if "bench" not in name:
            sys.exit("refusing: the PostgreSQL database name must contain 'bench' (it is dropped)")
        with psycopg.connect(args.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            if args.reuse:
                os.environ["DATABASE_URL"] = args.database_url
                return _django("postgresql")
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
            )
        os.environ["DATABASE_URL"] = args.database_url
        label = "postgresql"
    else:
        data = args.reuse or tempfile.mkdtemp(prefix="tidings-search-bench-")
        say(f"SQLite data dir: {data}")
        os.environ.pop("DATABASE_URL", None)
        os.environ["TIDINGS_DATA_DIR"] = data
        label = "sqlite"
        if args.reuse:
            return _django(label)
    _django(label)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return label


def _django(label: str) -> str:
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
    import django

    django.setup()
    return label


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_corpus(n: int, pool_size: int, seed: int) -> dict[int, tuple[str, str]]:
    """Insert n published articles; returns id → (topic name, normalised searchable text)."""
    import datetime as dt
    import html

    from django.utils import timezone

    from tidings.articles.models import Article
    from tidings.creators.models import Creator
    from tidings.demo import words
    from tidings.demo.generator import spec_channels
    from tidings.demo.text import write_article
    from tidings.search.text import html_text, normalize

    rng = random.Random(seed)
    channels = {c.slug: c for c in spec_channels()}
    creators = Creator.objects.bulk_create([Creator(handle=f"bench{i}", name=f"基准作者{i}") for i in range(20)])
    topics = [(slug, t) for slug, ts in words.TOPICS.items() if slug in channels for t in ts]
    pool: dict[str, list[tuple[str, list[str], str]]] = {}
    started = time.perf_counter()
    for k, (slug, topic) in enumerate(topics):
        drafts = []
        for i in range(pool_size):
            lang = "en" if i % 12 == 0 else "zh-Hans"
            d = write_article(rng, topic, slug, lang=lang)
            paras = [p.lstrip("#> -").strip() for p in d.body_md.split("\n\n") if p.strip() and not p.startswith("![")]
            drafts.append((d.title, paras, lang))
        pool[topic.name] = drafts
        say(f"pool {k + 1}/{len(topics)} topics ({time.perf_counter() - started:.0f} s)")
    now = timezone.now()
    texts: dict[int, tuple[str, str]] = {}
    batch: list[Article] = []
    made = 0

    def flush() -> None:
        nonlocal batch
        for a in Article.objects.bulk_create(batch, batch_size=500):
            texts[a.pk] = (a.tags[0], normalize(f"{a.title}\n{a.summary}\n{html_text(a.body_html)}"))
        batch = []

    for i in range(n):
        slug, topic = rng.choice(topics)
        drafts = pool[topic.name]
        english = rng.random() < 0.08
        usable = [d for d in drafts if (d[2] == "en") == english] or drafts
        title, first, lang = rng.choice(usable)
        paras = list(first[:1])
        # As long as the demo's articles: 1,150–3,000 Chinese characters, 1,500–3,500 in English.
        target = int(rng.triangular(1500, 3500, 2200) if english else rng.triangular(1150, 3000, 1800))
        size = len(paras[0]) if paras else 0
        while size < target:
            p = rng.choice(rng.choice(usable)[1])
            paras.append(p)
            size += len(p)
        published = now - dt.timedelta(seconds=rng.randint(300, 30 * 86400))
        batch.append(
            Article(
                creator=rng.choice(creators),
                channel=channels[slug],
                title=title,
                summary=paras[0][:120],
                body_md="\n\n".join(paras),
                body_html="".join(f"<p>{html.escape(p)}</p>" for p in paras),
                tags=[topic.name],
                lang=lang,
                status=Article.Status.PUBLISHED,
                published_at=published,
                created_at=published,
                updated_at=published,
            )
        )
        if len(batch) == 5000:
            flush()
            made = i + 1
            say(f"articles {made}/{n} ({time.perf_counter() - started:.0f} s)")
    flush()
    return texts


def existing_corpus() -> dict[int, tuple[str, str]]:
    """id → (topic, normalised text) of the articles already in the database (--reuse)."""
    from tidings.articles.models import Article
    from tidings.search.text import html_text, normalize

    rows = Article.objects.values_list("id", "tags", "title", "summary", "body_html").iterator(5000)
    return {pk: (tags[0], normalize(f"{t}\n{s}\n{html_text(b)}")) for pk, tags, t, s, b in rows}


def index_size(label: str) -> dict[str, float]:
    from django.db import DatabaseError, connection

    mb = 1024 * 1024
    with connection.cursor() as cur:
        if label == "sqlite":
            try:
                cur.execute(
                    "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'search_%' OR name LIKE 'sqlite_autoindex_search%' GROUP BY name"
                )
                sizes = {name: size / mb for name, size in cur.fetchall()}
            except DatabaseError:  # dbstat not compiled in: the whole file
                cur.execute("PRAGMA page_count")
                pages = cur.fetchone()[0]
                cur.execute("PRAGMA page_size")
                return {"database file": pages * cur.fetchone()[0] / mb}
            fts = sum(v for k, v in sizes.items() if k.startswith("search_fts"))
            entry = sum(v for k, v in sizes.items() if not k.startswith("search_fts"))
            return {"full-text index (FTS5)": fts, "search_entry (text + indexes)": entry, "total": fts + entry}
        cur.execute(
            "SELECT pg_total_relation_size('search_entry'), pg_relation_size('search_entry_tsv'), "
            "pg_relation_size('search_entry_title_tsv'), sum(pg_column_size(tsv)), sum(pg_column_size(title_tsv)), "
            "sum(pg_column_size(body) + pg_column_size(title)) FROM search_entry"
        )
        total, gin, gin_title, tsv, title_tsv, text = cur.fetchone()
        return {
            "GIN (tsv)": gin / mb,
            "GIN (title_tsv)": gin_title / mb,
            "tsvector columns": (tsv + title_tsv) / mb,
            "plain text (compressed)": text / mb,
            "total (table + TOAST + indexes)": total / mb,
        }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(p * len(values)) - 1))]


def truth(texts: dict[int, tuple[str, str]], q: str) -> set[int]:
    from tidings.search.text import normalize

    checks = []
    for term in normalize(q).split():
        if re.match(r"[a-z]", term):
            checks.append(re.compile(r"(?<![a-z])" + re.escape(term)).search)
        else:
            checks.append(lambda text, term=term: term in text)
    return {pk for pk, (_, text) in texts.items() if all(c(text) for c in checks)}


def ndcg(texts: dict[int, tuple[str, str]], rng: random.Random) -> dict[str, object]:
    """Per topic: its name, three of its keywords alone, two together, one English keyword."""
    from tidings.demo import words
    from tidings.search.query import Filters, search
    from tidings.search.text import parse

    per_topic: dict[str, int] = {}
    for topic, _ in texts.values():
        per_topic[topic] = per_topic.get(topic, 0) + 1
    discount = [1 / math.log2(i + 2) for i in range(10)]
    queries = []
    for ts in words.TOPICS.values():
        for t in ts:
            queries.append(("topic name", t.name, t.name))
            for k in rng.sample(t.keywords, 3):
                queries.append(("one keyword", t.name, k))
            queries.append(("two keywords", t.name, " ".join(rng.sample(t.keywords, 2))))
            queries.append(("English keyword", t.name, rng.choice(t.keywords_en)))
    scores: dict[str, list[float]] = {}
    on_topic: list[float] = []
    for kind, topic, q in queries:
        ideal = sum(discount[: min(10, per_topic.get(topic, 0))])
        everything = search(parse(q), Filters(), 0, 1_000_000).ids
        if not ideal or not everything:
            continue
        on_topic.append(sum(texts[pk][0] == topic for pk in everything) / len(everything))
        for name, ids in ((kind, everything[:10]), ("newest first (baseline)", sorted(everything, reverse=True)[:10])):
            dcg = sum(discount[i] for i, pk in enumerate(ids) if texts[pk][0] == topic)
            scores.setdefault(name, []).append(dcg / ideal)
    ranked = [v for k, vs in scores.items() if not k.startswith("newest") for v in vs]
    return {
        "ranked": statistics.mean(ranked),
        "newest": statistics.mean(scores["newest first (baseline)"]),
        "by_kind": {k: statistics.mean(v) for k, v in scores.items()},
        "queries": len(ranked),
        "on_topic_share_of_matches": statistics.mean(on_topic),
    }


def main() -> None:
    args = parse_args()
    label = setup(args)
    from django.conf import settings
    from django.db import connection

    from tidings.search import service
    from tidings.search.index import rebuild
    from tidings.search.query import Filters, search
    from tidings.search.text import parse

    load = os.getloadavg()
    t0 = time.perf_counter()
    texts = existing_corpus() if args.reuse else build_corpus(args.articles, args.pool, args.seed)
    corpus_s = time.perf_counter() - t0
    chars = sum(len(t) for _, t in texts.values())
    say(f"corpus: {len(texts)} articles, {chars / 1e6:.1f} M chars in {corpus_s:.0f} s; indexing")

    wall, cpu = time.perf_counter(), time.process_time()
    last = [0.0]

    def progress(done: int, total: int, what: str) -> None:
        if done == total or time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            say(f"{what} {done}/{total} ({time.perf_counter() - wall:.0f} s)")

    build: dict[str, float] = {}
    if not args.reuse or args.rebuild:
        rebuild(progress)
        build = {"wall_s": time.perf_counter() - wall, "client_cpu_s": time.process_time() - cpu}
        say(f"built in {build['wall_s']:.0f} s")
    sizes = index_size(label)
    if label == "postgresql":  # as autovacuum would: visibility map for the bitmap scans
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE search_entry")

    latency: dict[str, dict[str, float]] = {}
    per_query: dict[str, dict[str, object]] = {}
    for cls, queries in QUERIES.items():
        samples = []
        for q in queries:
            service.run(service.read(q))  # warm-up
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                service.run(service.read(q))
                times.append((time.perf_counter() - t) * 1000)
            samples += times
            per_query[q] = {"class": cls, "ms_median": statistics.median(times)}
        latency[cls] = {"p50_ms": pct(samples, 0.5), "p95_ms": pct(samples, 0.95), "max_ms": max(samples)}
        say(f"{cls}: p50 {latency[cls]['p50_ms']:.1f} ms, p95 {latency[cls]['p95_ms']:.1f} ms")

    recall: dict[str, float] = {}
    for cls, queries in QUERIES.items():
        got_total = want_total = 0
        for q in queries:
            want = truth(texts, q)
            t = time.perf_counter()
            got = set(search(parse(q), Filters(), 0, 1_000_000).ids)
            per_query[q].update(
                matches=len(want),
                found=len(want & got),
                extra=len(got - want),
                all_ids_ms=(time.perf_counter() - t) * 1000,
            )
            got_total += len(want & got)
            want_total += len(want)
        recall[cls] = got_total / want_total if want_total else 1.0
        say(f"{cls}: recall {recall[cls]:.4f} ({got_total}/{want_total})")

    quality = ndcg(texts, random.Random(args.seed))
    result = {
        "database": label,
        "articles": len(texts),
        "chars_millions": chars / 1e6,
        "corpus_build_s": corpus_s,
        "index_build": build,
        "index_mb": sizes,
        "latency_page1": latency,
        "recall": recall,
        "ndcg10": quality,
        "per_query": per_query,
        "rank_window": getattr(settings, "SEARCH_RANK_WINDOW", 500),
        "loadavg_at_start": load,
        "loadavg_at_end": os.getloadavg(),
        "runs": args.runs,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"search-{label}-{len(texts)}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))

    print(f"\n### Search, {label}, {len(texts):,} articles ({chars / 1e6:.0f} M characters)\n")
    if build:
        print(f"Index build: {build['wall_s']:.0f} s wall, {build['client_cpu_s']:.0f} s CPU in the client. ", end="")
    print("Size: " + ", ".join(f"{k} {v:,.0f} MB" for k, v in sizes.items()) + ".\n")
    print("| query class | p50 ms | p95 ms | recall |")
    print("|---|---|---|---|")
    for cls in QUERIES:
        print(f"| {cls} | {latency[cls]['p50_ms']:.1f} | {latency[cls]['p95_ms']:.1f} | {recall[cls]:.4f} |")
    print(
        f"\nnDCG@10 over {quality['queries']} topic queries: ranked {quality['ranked']:.3f}, newest-first "
        f"{quality['newest']:.3f}; on-topic share of all matches {quality['on_topic_share_of_matches']:.2f}."
    )
    print("nDCG@10 by query kind: " + ", ".join(f"{k} {v:.3f}" for k, v in quality["by_kind"].items()))
    print(f"Load average at start {load[0]:.1f}, at end {os.getloadavg()[0]:.1f}. JSON: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
