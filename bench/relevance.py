#!/usr/bin/env python
"""Relevance of 相关推荐: precision@k of the precomputed related lists against the demo topics.

The demo generator writes every article on a known topic (tags[0]; tidings/demo/words.py has 46).
A related article counts as relevant when it has the same topic. Reported:

- P@k over every article that has k topic-mates (so a perfect list exists), with the creators' tags
  in the keyword vectors (the product as it runs), and
- the same with tags left out entirely (keywords from the segmented text only), which shows what
  the TF-IDF text similarity achieves on its own;
- how long the one-pass rebuild of keywords and related lists took.

Usage (from the repository root; a fresh SQLite site in a temporary directory):

    .venv/bin/python bench/relevance.py [--articles 500] [--creators 40] [--seed 1] [--k 5]

Target: P@5 ≥ 0.8. Results: a Markdown table on stdout and bench/results/relevance-<time>.json.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

from _discovery import demo_site, save


def precision_at_k(k: int) -> dict[str, float]:
    from tidings.articles.models import Article
    from tidings.discovery.models import Related

    topic = {pk: (tags[0] if tags else "") for pk, tags in Article.objects.published().values_list("pk", "tags")}
    sizes = Counter(topic.values())
    lists: dict[int, list[int]] = {}
    for a, o in Related.objects.order_by("article", "rank").values_list("article_id", "other_id"):
        lists.setdefault(a, []).append(o)
    eligible = [pk for pk, t in topic.items() if sizes[t] - 1 >= k]
    scores = [sum(topic.get(o) == topic[pk] for o in lists.get(pk, [])[:k]) / k for pk in eligible]
    covered = sum(len(lists.get(pk, [])) >= k for pk in eligible)
    return {
        "p_at_k": sum(scores) / len(scores) if scores else 0.0,
        "articles": len(eligible),
        "full_lists": covered / len(eligible) if eligible else 0.0,
    }


def without_tags() -> float:
    """Rebuild with the creators' tags left out of keyword extraction; returns seconds taken."""
    from tidings.discovery import keywords, related

    original = keywords.document

    def text_only(title: str, summary: str, body_html: str, tags: Any) -> keywords.Doc:
        return original(title, summary, body_html, [])

    keywords.document = text_only  # type: ignore[assignment]
    related.keywords.learn_tags = lambda tags: None  # type: ignore[assignment]
    started = time.perf_counter()
    related.rebuild_all()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--creators", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    timings = demo_site(args.articles, args.creators, args.seed)
    with_tags = precision_at_k(args.k)
    text_seconds = without_tags()
    text_only = precision_at_k(args.k)
    k = args.k
    print(f"\nRelated-article relevance, {args.articles} demo articles (seed {args.seed}), same topic = relevant\n")
    print(f"| keywords | P@{k} | articles with ≥{k} topic-mates | full lists | rebuild s |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| text + creators' tags (as shipped) | **{with_tags['p_at_k']:.3f}** | {with_tags['articles']} | "
        f"{with_tags['full_lists']:.0%} | {timings['discovery_s']:.2f} |"
    )
    print(
        f"| text only (tags left out) | {text_only['p_at_k']:.3f} | {text_only['articles']} | "
        f"{text_only['full_lists']:.0%} | {text_seconds:.2f} |"
    )
    print(f"\nTarget P@{k} ≥ 0.8: {'met' if with_tags['p_at_k'] >= 0.8 else 'NOT met'}.")
    path = save(
        "relevance",
        {
            "args": vars(args),
            "with_tags": with_tags,
            "text_only": text_only,
            "timings": timings,
            "text_only_s": text_seconds,
        },
    )
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
