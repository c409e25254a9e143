"""原创 check (issue 12.4): recall, precision, cost per publish and index size at 100,000 articles.

    .venv/bin/python bench/originality.py              # 100,000 published articles (about 15 min)
    .venv/bin/python bench/originality.py --n 5000     # a quick run
    .venv/bin/python bench/originality.py --reuse /tmp/tidings-originality-bench-…   # check again, no rebuild

- Corpus: `--n` published articles written by the demo generator's writer (tidings.demo.text:
  topics, templates, a jieba-frequency lexicon) for 1,000 creators, fingerprinted and stored as a
  publish stores them (tidings.articles.originality: Fingerprint + FingerprintBand rows).
- Queries (`--queries`, default 2,000), each checked as a publish would be: its fingerprint, the
  band look-up, the candidates' stored signatures (`find_matches`, every creator counting):
  - copies of a random indexed article, one kind each: paragraphs reordered; 10–30 % of the
    sentences rewritten (new sentences from the same writer); synonyms swapped (30–70 % of the
    occurrences of 30 common words); truncated to 55–85 % and padded with paragraphs of
    another article; all of reordering, 20 % rewriting and half the synonyms together;
  - independent articles on the same topic as a random indexed one (same writer, templates and
    keywords, fresh random state): not copies.
- Truth: the exact Jaccard similarity of the two texts' shingle sets (as the check builds them).
  Recall: copies whose true similarity to their source is ≥ 0.6 that the check reports with
  that source. Precision: reported pairs whose true similarity is ≥ 0.6 (strict), and reported
  pairs that are a copy and its source (related: a copy of true similarity 0.55 estimated at
  0.61 is a borderline call, not an unrelated article).
- Cost: wall time per check (fingerprint + queries), p50/p95/p99; index rows and bytes (SQLite
  dbstat), the process's peak RSS and the check's Python allocations (tracemalloc peak).

Runs on a throw-away SQLite database in a temporary data dir. Numbers: docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Common words of the demo writer's text and a near-synonym each (swapped both ways).
SYNONYMS = [
    ("表示", "指出"), ("认为", "觉得"), ("已经", "业已"), ("目前", "眼下"), ("进行", "开展"),
    ("问题", "难题"), ("重要", "关键"), ("提高", "提升"), ("记者", "笔者"), ("我们", "咱们"),
    ("可以", "能够"), ("一些", "部分"), ("同时", "与此同时"), ("通过", "借助"), ("影响", "作用"),
    ("关注", "留意"), ("今年", "本年"), ("地方", "当地"), ("变化", "转变"), ("需要", "须要"),
    ("最终", "终究"), ("真正", "切实"), ("直接", "径直"), ("整体", "总体"), ("相关", "有关"),
    ("受访者", "采访对象"), ("数据显示", "统计表明"), ("来说", "而言"), ("看来", "看起来"), ("正在", "在"),
]  # fmt: skip
KINDS = ("reorder", "edit", "synonyms", "truncate_pad", "combined")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=100_000, help="published articles in the index")
    p.add_argument("--queries", type=int, default=2000, help="checks: 5/8 copies, 3/8 independent same-topic")
    p.add_argument("--creators", type=int, default=1000)
    p.add_argument("--seed", type=int, default=12)
    p.add_argument(
        "--reuse",
        default="",
        help="the data dir of an earlier run with the same --n, --creators and --seed: no rebuild",
    )
    return p.parse_args()


def setup(reuse: str = "") -> Path:
    os.environ.pop("DATABASE_URL", None)
    data = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix="tidings-originality-bench-"))
    os.environ["TIDINGS_DATA_DIR"] = str(data)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tidings.settings"
    os.environ["TIDINGS_LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return data


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def html_of(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def prose(body_md: str) -> list[str]:
    """The paragraphs of a demo body (headings and pictures left out, as readers' text)."""
    return [p for p in body_md.split("\n\n") if p and not p.startswith(("#", "!", ">", "-", "1."))]


_SENTENCE = re.compile(r"[^。！？]*[。！？]”?|[^。！？]+$")


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.findall(paragraph) if s]


class Writer:
    def __init__(self, seed: int) -> None:
        from tidings.demo import text, words

        self.text = text
        self.lexicon = text.load()
        self.topics = [(c, t) for c, ts in words.TOPICS.items() for t in ts]
        self.rng = random.Random(seed)

    def article(self, topic_index: int, rng: random.Random) -> list[str]:
        channel, topic = self.topics[topic_index]
        return prose(self.text.write_article(rng, topic, channel, lexicon=self.lexicon).body_md)

    def sentence_pool(self, topic_index: int, rng: random.Random) -> list[str]:
        return [s for p in self.article(topic_index, rng) for s in sentences(p)]


def make_copy(kind: str, source: list[str], writer: Writer, topic: int, rng: random.Random) -> list[str]:
    paras = list(source)
    if kind in ("reorder", "combined"):
        rng.shuffle(paras)
    if kind in ("edit", "combined"):
        share = rng.uniform(0.10, 0.30) if kind == "edit" else 0.20
        fresh = writer.sentence_pool(topic, rng)
        out = []
        for p in paras:
            out.append("".join(rng.choice(fresh) if rng.random() < share else s for s in sentences(p)))
        paras = out
    if kind in ("synonyms", "combined"):
        swaps = dict(SYNONYMS) | {b: a for a, b in SYNONYMS}
        pattern = re.compile("|".join(sorted(map(re.escape, swaps), key=len, reverse=True)))
        rate = rng.uniform(0.3, 0.7) if kind == "synonyms" else 0.5  # share of occurrences swapped
        paras = [pattern.sub(lambda m: swaps[m.group(0)] if rng.random() < rate else m.group(0), p) for p in paras]
    if kind == "truncate_pad":
        keep = max(1, round(len(paras) * rng.uniform(0.55, 0.85)))
        other = writer.article(rng.randrange(len(writer.topics)), rng)
        paras = paras[:keep] + other[: max(1, len(paras) - keep)]
    return paras


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def build(args: argparse.Namespace, writer: Writer) -> dict[int, tuple[int, int]]:
    """The corpus: articles, fingerprints and bands, in batches. Returns id → (topic, seed)."""
    from django.db import transaction
    from django.utils import timezone

    from tidings.articles import originality
    from tidings.articles.models import Article, Fingerprint, FingerprintBand
    from tidings.channels.models import Channel
    from tidings.creators.models import Creator

    channel = Channel.objects.order_by("pk").first() or Channel.objects.create(slug="news", name="要闻")
    creators = Creator.objects.bulk_create(
        [Creator(handle=f"bench{i}", name=f"作者{i}") for i in range(args.creators)], batch_size=500
    )
    now = timezone.now()
    meta: dict[int, tuple[int, int]] = {}
    started = time.perf_counter()
    batch = 1000
    for start in range(0, args.n, batch):
        rows = []
        for _ in range(start, min(args.n, start + batch)):
            topic = writer.rng.randrange(len(writer.topics))
            seed = writer.rng.randrange(2**31)
            paras = writer.article(topic, random.Random(seed))
            rows.append((topic, seed, html_of(paras)))
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [
                    Article(
                        creator=creators[(start + k) % len(creators)],
                        channel=channel,
                        title=f"文章{start + k}",
                        body_md="",
                        body_html=body,
                        status=Article.Status.PUBLISHED,
                        published_at=now,
                    )
                    for k, (_, _, body) in enumerate(rows)
                ]
            )
            prints = [originality.fingerprint(body) for _, _, body in rows]
            Fingerprint.objects.bulk_create(
                [
                    Fingerprint(
                        article_id=a.pk,
                        creator_id=a.creator_id,
                        published_at=now,
                        signature=originality.to_bytes(p.signature),
                        shingles=p.size,
                    )
                    for a, p in zip(articles, prints, strict=True)
                ]
            )
            FingerprintBand.objects.bulk_create(
                [
                    FingerprintBand(article_id=a.pk, band=b, hash=h)
                    for a, p in zip(articles, prints, strict=True)
                    if p.checkable
                    for b, h in originality.band_hashes(p.signature)
                ],
                batch_size=5000,
            )
        for a, (topic, seed, _) in zip(articles, rows, strict=True):
            meta[a.pk] = (topic, seed)
        done = min(args.n, start + batch)
        if done % 10_000 == 0 or done == args.n:
            rate = done / (time.perf_counter() - started)
            say(f"  … {done:,}/{args.n:,} articles indexed ({rate:.0f}/s)")
    return meta


def replay(args: argparse.Namespace, writer: Writer) -> dict[int, tuple[int, int]]:
    """An earlier run's id → (topic, seed), from the same random draws `build` made (the texts
    themselves come from streams of their own, so nothing needs writing again)."""
    from tidings.articles.models import Article

    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    if len(ids) != args.n:
        sys.exit(f"--reuse: the database holds {len(ids):,} articles, not --n {args.n:,}")
    meta = {}
    for pk in ids:
        topic = writer.rng.randrange(len(writer.topics))
        meta[pk] = (topic, writer.rng.randrange(2**31))
    return meta


def index_size() -> dict[str, Any]:
    from django.db import DatabaseError, connection

    from tidings.articles.models import Fingerprint, FingerprintBand

    out: dict[str, Any] = {"fingerprints": Fingerprint.objects.count(), "bands": FingerprintBand.objects.count()}
    with connection.cursor() as c:
        try:
            c.execute(
                "SELECT name, SUM(pgsize) FROM dbstat WHERE name IN "
                "('articles_fingerprint', 'articles_fingerprintband', 'fingerprint_band_hash', "
                "'fingerprint_band_article') GROUP BY name"
            )
            out["bytes"] = dict(c.fetchall())
        except DatabaseError as exc:  # dbstat is an optional SQLite module
            out["bytes"] = f"dbstat unavailable ({exc})"
    return out


def main() -> None:
    args = parse_args()
    data = setup(args.reuse)
    from django.conf import settings

    from tidings.articles import originality
    from tidings.articles.models import Article

    writer = Writer(args.seed)
    t0 = time.perf_counter()
    if args.reuse:
        say(f"reusing {data} …")
        meta = replay(args, writer)
    else:
        say(f"building {args.n:,} articles in {data} …")
        meta = build(args, writer)
    build_s = time.perf_counter() - t0
    ids = list(meta)
    rng = random.Random(args.seed + 1)
    n_copies = args.queries * 5 // 8
    say(f"checking {args.queries:,} texts ({n_copies:,} copies) …")

    results: list[dict[str, Any]] = []
    times: list[float] = []
    peak = 0
    for q in range(args.queries):
        source_id = rng.choice(ids)
        topic, seed = meta[source_id]
        source = writer.article(topic, random.Random(seed))
        if q < n_copies:
            kind = KINDS[q % len(KINDS)]
            text = make_copy(kind, source, writer, topic, rng)
        else:
            kind = "independent"
            text = writer.article(topic, random.Random(rng.randrange(2**31)))
        body = html_of(text)
        started = time.perf_counter()
        found = originality.find_matches(originality.fingerprint(body), creator_id=None)
        times.append((time.perf_counter() - started) * 1000)
        if q < 50:  # allocations, measured apart (tracemalloc slows every allocation down)
            tracemalloc.start()
            originality.find_matches(originality.fingerprint(body), creator_id=None)
            peak = max(peak, tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        mine = originality.body_shingles(body)
        truth = originality.jaccard(mine, originality.body_shingles(html_of(source)))
        reported = []
        for m in found:
            other = Article.objects.only("body_html").get(pk=m.article_id).body_html
            reported.append((m.article_id, m.similarity, originality.jaccard(mine, originality.body_shingles(other))))
        results.append({"kind": kind, "source": source_id, "truth": truth, "reported": reported})
        if (q + 1) % 500 == 0:
            say(f"  … {q + 1:,}/{args.queries:,} checks")

    threshold = settings.ORIGINAL_THRESHOLD
    print(f"\n原创 check at {args.n:,} articles (threshold {threshold:.2f} Jaccard: estimated, exact within "
          f"±{originality.MARGIN}; "
          f"{originality.SHINGLE}-character shingles, {originality.NUM_PERM} permutations, "
          f"{originality.BANDS} bands × {originality.ROWS} rows)")  # fmt: skip
    if not args.reuse:
        print(f"index built in {build_s:.0f} s ({args.n / build_s:.0f} articles/s, text generation included)")
    print("\nrecall (copies whose true Jaccard to the source is ≥ threshold, reported with that source):")
    print(f"{'kind':<14}{'copies':>8}{'≥0.6':>7}{'recall':>8}{'true J median':>15}")
    positives_all = hits_all = 0
    for kind in KINDS:
        rows = [r for r in results if r["kind"] == kind]
        positives = [r for r in rows if r["truth"] >= threshold]
        hits = [r for r in positives if any(pk == r["source"] for pk, _, _ in r["reported"])]
        positives_all += len(positives)
        hits_all += len(hits)
        recall = len(hits) / len(positives) if positives else float("nan")
        median = statistics.median(r["truth"] for r in rows) if rows else float("nan")
        print(f"{kind:<14}{len(rows):>8}{len(positives):>7}{recall:>8.3f}{median:>15.2f}")
    print(f"{'all copies':<14}{'':>8}{positives_all:>7}{hits_all / max(1, positives_all):>8.3f}")
    band = [r for r in results if r["kind"] != "independent" and 0.6 <= r["truth"] < 0.7]
    band_hits = [r for r in band if any(pk == r["source"] for pk, _, _ in r["reported"])]
    print(f"  of which true J in [0.6, 0.7): {len(band)} copies, recall {len(band_hits) / max(1, len(band)):.3f}")
    below = [r for r in results if r["kind"] != "independent" and r["truth"] < threshold]
    below_hits = [r for r in below if any(pk == r["source"] for pk, _, _ in r["reported"])]
    print(f"copies below the threshold (true J < 0.6): {len(below)}, reported anyway: {len(below_hits)}")

    pairs = [(r, pk, est, true) for r in results for pk, est, true in r["reported"]]
    strict = [p for p in pairs if p[3] >= threshold]
    related = [p for p in pairs if p[3] >= threshold or (p[0]["kind"] != "independent" and p[1] == p[0]["source"])]
    independent = [r for r in results if r["kind"] == "independent"]
    flagged = [r for r in independent if r["reported"]]
    print(f"\nprecision: {len(pairs)} reported pairs; strict (true J ≥ 0.6) {len(strict) / max(1, len(pairs)):.4f}; "
          f"related (true J ≥ 0.6 or a copy and its source) {len(related) / max(1, len(pairs)):.4f}")  # fmt: skip
    print(f"independent same-topic articles: {len(independent)}, flagged: {len(flagged)}")
    worst = sorted((p for p in pairs if p not in related), key=lambda p: -p[2])[:5]
    for r, pk, est, true in worst:
        print(f"  false match: {r['kind']} → article {pk}: estimated {est:.2f}, true {true:.2f}")

    print(f"\ncost per check (fingerprint + band look-up + candidates), {len(times)} checks:")
    print(f"  p50 {percentile(times, 0.5):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
          f"p99 {percentile(times, 0.99):.2f} ms, max {max(times):.1f} ms")  # fmt: skip
    print(f"  Python allocations during one check: peak {peak / 1024:.0f} KiB (tracemalloc)")
    size = index_size()
    print(f"\nindex: {size['fingerprints']:,} fingerprints, {size['bands']:,} band rows")
    if isinstance(size["bytes"], dict):
        total = sum(size["bytes"].values())
        for name, b in sorted(size["bytes"].items()):
            print(f"  {name:<28}{b / 1e6:>9.1f} MB")
        print(f"  {'total':<28}{total / 1e6:>9.1f} MB ({total / max(1, args.n):.0f} bytes per article)")
    else:
        print(f"  {size['bytes']}")
    db = Path(os.environ["TIDINGS_DATA_DIR"]) / "tidings.sqlite3"
    if db.exists():
        print(f"  database file {db.stat().st_size / 1e6:.0f} MB (article text included)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {rss:.0f} MB (the generator's lexicon included; the index itself lives in the database)")


if __name__ == "__main__":
    main()
