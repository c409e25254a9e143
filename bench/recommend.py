#!/usr/bin/env python
"""Recommendation replay: the personalised feed (推荐) against the hot list, with simulated readers.

Each simulated reader has a hidden topic preference p (a Dirichlet(α) draw over the demo's 46
topics; tags[0] of an article is its topic). In every session the reader is shown a top-10 list
and clicks each item independently with probability

    P(click) = min(0.95, NOISE + GAIN · p[topic of the item])

never an article already read. Clicks are recorded through the real action
(tidings.engagement.actions.record_read), so they feed the reader's interest profile — and the
site's hot scores — exactly as reads on the site do. Two arms, the same preferences, separate
accounts and separate reading histories:

- feed: `tidings.discovery.feed.build(user)[:10]` (a new reader starts on the hot list),
- hot:  the hot list's top 10 the reader has not read yet (the baseline a feed must beat).

Arms alternate session by session, so both see the same evolving site. Reported per arm, in the
manner of MIND (each shown list is one impression): click-through rate, AUC (clicked items ranked
above unclicked ones), MRR and nDCG@10, plus the feed's build time.

Usage (from the repository root; a fresh SQLite site in a temporary directory):

    .venv/bin/python bench/recommend.py [--readers 60] [--sessions 8] [--articles 500] [--seed 1]

Target: feed CTR ≥ 2 × hot CTR. Results: a table on stdout and bench/results/recommend-<time>.json.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from typing import Any

from _discovery import demo_site, save

LIST_SIZE = 10
NOISE = 0.01
GAIN = 1.5
ALPHA = 0.1


def dirichlet(rng: random.Random, n: int, alpha: float) -> list[float]:
    draws = [rng.gammavariate(alpha, 1.0) for _ in range(n)]
    total = sum(draws) or 1.0
    return [d / total for d in draws]


def auc(labels: list[int]) -> float | None:
    """AUC of a ranked list (position = score): the share of (clicked, unclicked) pairs in order."""
    pos = [i for i, y in enumerate(labels) if y]
    neg = [i for i, y in enumerate(labels) if not y]
    if not pos or not neg:
        return None
    return sum(p < n for p in pos for n in neg) / (len(pos) * len(neg))


def mrr(labels: list[int]) -> float:
    return next((1 / (i + 1) for i, y in enumerate(labels) if y), 0.0)


def ndcg(labels: list[int], k: int = LIST_SIZE) -> float | None:
    dcg = sum(y / math.log2(i + 2) for i, y in enumerate(labels[:k]))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, sum(labels))))
    return dcg / ideal if ideal else None


class Arm:
    def __init__(self, name: str) -> None:
        self.name = name
        self.shown = 0
        self.clicks = 0
        self.aucs: list[float] = []
        self.mrrs: list[float] = []
        self.ndcgs: list[float] = []
        self.build_ms: list[float] = []

    def record(self, labels: list[int]) -> None:
        self.shown += len(labels)
        self.clicks += sum(labels)
        if (a := auc(labels)) is not None:
            self.aucs.append(a)
        self.mrrs.append(mrr(labels))
        if (n := ndcg(labels)) is not None:
            self.ndcgs.append(n)

    def summary(self) -> dict[str, float]:
        ms = sorted(self.build_ms) or [0.0]
        return {
            "impressions": self.shown,
            "clicks": self.clicks,
            "ctr": self.clicks / self.shown if self.shown else 0.0,
            "auc": statistics.mean(self.aucs) if self.aucs else 0.0,
            "mrr": statistics.mean(self.mrrs) if self.mrrs else 0.0,
            "ndcg10": statistics.mean(self.ndcgs) if self.ndcgs else 0.0,
            "build_ms_p50": ms[len(ms) // 2],
            "build_ms_p95": ms[min(len(ms) - 1, int(len(ms) * 0.95))],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=60)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--creators", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    timings = demo_site(args.articles, args.creators, args.seed)

    from tidings.accounts.models import User
    from tidings.articles.models import Article
    from tidings.demo import words
    from tidings.discovery import blocks, feed
    from tidings.engagement.actions import record_read

    topics = sorted({t.name for ts in words.TOPICS.values() for t in ts})
    index = {name: i for i, name in enumerate(topics)}
    topic_of = {pk: index.get(tags[0] if tags else "", -1) for pk, tags in Article.objects.values_list("pk", "tags")}
    rng = random.Random(args.seed)
    readers = []
    for r in range(args.readers):
        prefs = dirichlet(rng, len(topics), ALPHA)
        accounts = {}
        for arm in ("feed", "hot"):
            user = User.objects.create_user(f"replay-{arm}-{r:03d}", password=None)
            accounts[arm] = user
        readers.append((prefs, accounts, {"feed": set(), "hot": set()}))
    arms = {"feed": Arm("feed"), "hot": Arm("hot")}
    first_session = {"feed": Arm("feed"), "hot": Arm("hot")}

    def show(arm: str, user: Any, read: set[int]) -> list[int]:
        started = time.perf_counter()
        if arm == "feed":
            ids = [f.item.id for f in feed.build(user).items][:LIST_SIZE]
        else:
            ids = [i.id for i in blocks.hot(LIST_SIZE + len(read)) if i.id not in read][:LIST_SIZE]
        arms[arm].build_ms.append((time.perf_counter() - started) * 1000)
        return ids

    started = time.perf_counter()
    for session in range(args.sessions):
        for prefs, accounts, read in readers:
            for arm in ("feed", "hot"):
                ids = show(arm, accounts[arm], read[arm])
                labels = []
                for pk in ids:
                    t = topic_of.get(pk, -1)
                    p = min(0.95, NOISE + GAIN * (prefs[t] if t >= 0 else 0.0))
                    clicked = pk not in read[arm] and rng.random() < p
                    labels.append(int(clicked))
                    if clicked:
                        read[arm].add(pk)
                        user = accounts[arm]
                        record_read(pk, f"u:{user.pk}", user)
                arms[arm].record(labels)
                if session == 0:
                    first_session[arm].record(labels)
    replay_s = time.perf_counter() - started

    result = {k: v.summary() for k, v in arms.items()}
    ratio = result["feed"]["ctr"] / result["hot"]["ctr"] if result["hot"]["ctr"] else float("inf")
    print(
        f"\nRecommendation replay: {args.readers} readers × {args.sessions} sessions × top-{LIST_SIZE}, "
        f"{args.articles} demo articles, Dirichlet(α={ALPHA}) over {len(topics)} topics, "
        f"P(click) = min(0.95, {NOISE} + {GAIN}·p[topic])\n"
    )
    print("| list | impressions | clicks | CTR | AUC | MRR | nDCG@10 | build p50 / p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, label in (("feed", "推荐 (personalised)"), ("hot", "热点 (baseline)")):
        s = result[name]
        print(
            f"| {label} | {s['impressions']} | {s['clicks']} | {s['ctr']:.3f} | {s['auc']:.3f} | {s['mrr']:.3f} | "
            f"{s['ndcg10']:.3f} | {s['build_ms_p50']:.1f} / {s['build_ms_p95']:.1f} |"
        )
    print(f"\nCTR ratio feed / hot: **{ratio:.2f}×** (target ≥ 2×: {'met' if ratio >= 2 else 'NOT met'}).")
    cold = {k: v.summary()["ctr"] for k, v in first_session.items()}
    print(
        f"First session (new readers: both lists are the hot list): CTR feed {cold['feed']:.3f}, hot {cold['hot']:.3f}."
    )
    print(
        f"Replay took {replay_s:.1f} s; demo site {timings['generate_s']:.1f} s, discovery rebuild {timings['discovery_s']:.2f} s."
    )
    path = save(
        "recommend", {"args": vars(args), "arms": result, "ratio": ratio, "first_session_ctr": cold, "timings": timings}
    )
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
