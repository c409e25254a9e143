"""The studio's article form: POST fields ↔ the raw mapping that articles.actions checks.

The same `clean_article_input` checks a form and an API request, so both follow one set of rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict

from tidings.articles.models import Article, PendingEdit
from tidings.lib.dates import parse_when
from tidings.lib.numbers import ascii_int
from tidings.lib.timefmt import site_zone

REFERENCE_ROWS_EMPTY = 2  # blank reference rows under the filled ones (more after each save)
REFERENCE_FIELDS = ("title", "source", "url", "date")


def raw_from_post(post: QueryDict) -> dict[str, Any]:
    """The article fields of a studio form (or an autosave, which sends the same form)."""
    refs = []
    raw_count = post.get("ref_count") or ""
    count = min(ascii_int(raw_count) or 0, 50)
    for i in range(count):
        row = {f: post.get(f"ref_{f}_{i}", "") for f in REFERENCE_FIELDS}
        refs.append(row)
    return {
        "title": post.get("title", ""),
        "summary": post.get("summary", ""),
        "body_md": post.get("body_md", ""),
        "channel": post.get("channel", ""),
        "tags": post.get("tags", ""),
        "cover": "" if post.get("cover_remove") else post.get("cover", ""),
        "original": post.get("original", ""),
        "repost_source": post.get("repost_source", ""),
        "repost_url": post.get("repost_url", ""),
        "statements": post.getlist("statements"),
        "references": refs,
    }


def raw_from_article(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "summary": article.summary,
        "body_md": article.body_md,
        "channel": article.channel.slug if article.channel_id else "",
        "tags": "，".join(str(t) for t in article.tags),
        "cover": article.cover,
        "original": article.original,
        "repost_source": article.repost_source,
        "repost_url": article.repost_url,
        "statements": list(article.statements),
        "references": [
            {"title": r.title, "source": r.source, "url": r.url, "date": local_input(r.published_at, date_only=True)}
            for r in article.references.all()
        ],
    }


def raw_from_held(held: PendingEdit) -> dict[str, Any]:
    """The form for an edit held for review: the creator goes on from their newest text."""
    return {
        "title": held.title,
        "summary": held.summary,
        "body_md": held.body_md,
        "channel": held.channel.slug,
        "tags": "，".join(str(t) for t in held.tags),
        "cover": held.cover,
        "original": held.original,
        "repost_source": held.repost_source,
        "repost_url": held.repost_url,
        "statements": list(held.statements),
        "references": [
            {**r, "date": local_input(parse_when(r.get("published_at")), date_only=True)} for r in held.references
        ],
    }


def reference_rows(raw: dict[str, Any]) -> list[dict[str, str]]:
    rows = [{f: str(r.get(f) or "") for f in REFERENCE_FIELDS} for r in raw.get("references", [])]
    rows = [r for r in rows if any(r.values())]
    return rows + [dict.fromkeys(REFERENCE_FIELDS, "") for _ in range(REFERENCE_ROWS_EMPTY)]


def local_input(value: dt.datetime | None, *, date_only: bool = False) -> str:
    """A stored time as the value of an <input type=datetime-local> (or date) in the site's zone."""
    if value is None:
        return ""
    local = value.astimezone(site_zone())
    return local.strftime("%Y-%m-%d") if date_only else local.strftime("%Y-%m-%dT%H:%M")
