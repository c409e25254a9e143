"""Engagement counters: race-safe F() updates that move the stored hot score with them."""

from __future__ import annotations

from tidings.articles.models import Article
from tidings.discovery.ranking import bump

SHARE_TARGETS = ("wechat", "weibo", "qq", "link")


def record_share(article_id: int, target: str) -> bool:
    """Count one share of a published article; False if there is no such article."""
    if target not in SHARE_TARGETS:
        raise ValueError(f"unknown share target {target!r}")
    return Article.objects.published().filter(pk=article_id).update(**bump("shares_count")) == 1
