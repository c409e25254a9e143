"""Keywords and 相关推荐, precomputed when articles are published, edited or withdrawn.

`refresh(ids)` is the one entry point (run by the background task that
tidings.articles.derived.refresh_derived enqueues on commit, and by `tidings discovery --all`):

- articles no longer public lose their keywords and related list, and the lists that pointed to
  them are recomputed;
- public articles get their keywords (tidings.discovery.keywords) and related list; for a small
  batch their nearest neighbours' lists are recomputed too, so older articles gain the new one;
- a large batch (the demo generator, a rebuild) takes one pass over the whole corpus: document
  frequencies, then every article's keywords, then every related list, all in memory.

Similarity of articles a and b (both unit keyword vectors, so the dot product is the cosine):

    score = cos(a, b) · (1 + CHANNEL_BOOST·[same channel]) · (1 − R + R·exp(−age(b) / RECENCY_DAYS))

Never the article itself; at read time the list is joined with "published" again
(tidings.discovery.blocks.related), so an article withdrawn after computation never shows.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tidings.articles.models import Article
from tidings.discovery import keywords
from tidings.discovery.models import ArticleKeyword, DocumentFrequency, Related

log = logging.getLogger(__name__)

RELATED_PER_ARTICLE = 10
CHANNEL_BOOST = 0.15
RECENCY_SHARE = 0.15  # R: how much of the score freshness can take away
RECENCY_DAYS = 14.0
MIN_COSINE = 0.05
NEIGHBOURS_TO_REFRESH = RELATED_PER_ARTICLE
N_DOCS = ""  # the DocumentFrequency row holding the number of documents
# A batch at least this big (or a fifth of the site) is done as one pass over the whole corpus.
FULL_PASS_AT = 200

Progress = Callable[[int, int, str], None]
Vector = dict[str, float]


def refresh(ids: Iterable[int], progress: Progress | None = None) -> dict[str, int]:
    """Recompute keywords and related lists for these articles; returns what was done."""
    batch = sorted({int(i) for i in ids})
    if not batch:
        return {"indexed": 0, "removed": 0, "lists": 0}
    public = set(Article.objects.published().filter(pk__in=batch).values_list("pk", flat=True))
    gone = [pk for pk in batch if pk not in public]
    site_size = Article.objects.published().count()
    if len(public) >= min(FULL_PASS_AT, max(1, site_size // 5)) and len(public) > 1:
        return rebuild_all(progress)
    with transaction.atomic():
        pointing = set(Related.objects.filter(other_id__in=gone).values_list("article_id", flat=True))
        ArticleKeyword.objects.filter(article_id__in=gone).delete()
        Related.objects.filter(article_id__in=gone).delete()
        vectors = _index(sorted(public))
        lists = _rank(vectors)
        _store(lists)
        neighbours = {other for ranked in lists.values() for other, _ in ranked[:NEIGHBOURS_TO_REFRESH]}
        again = (neighbours | pointing) - public - set(gone)
        if again:
            _store(_rank(_vectors(sorted(again))))
    return {"indexed": len(public), "removed": len(gone), "lists": len(lists) + len(again)}


def rebuild_all(progress: Progress | None = None) -> dict[str, int]:
    """One pass over every published article: document frequencies, keywords, related lists."""
    report = progress or (lambda done, total, what: None)
    started = time.perf_counter()
    rows = list(Article.objects.published().values_list("pk", "title", "summary", "body_html", "tags"))
    keywords.learn_tags(t for *_, tags in rows for t in (tags or []))
    docs: dict[int, keywords.Doc] = {}
    step = max(1, len(rows) // 20)
    for i, (pk, title, summary, body_html, tags) in enumerate(rows):
        if i % step == 0:
            report(i, len(rows), "keywords")
        docs[pk] = keywords.document(title, summary, body_html, tags or [])
    report(len(rows), len(rows), "keywords")
    df: Counter[str] = Counter()
    for doc in docs.values():
        df.update(doc.vocabulary)
    vectors = {pk: dict(keywords.vector(doc, df, len(docs))) for pk, doc in docs.items()}
    with transaction.atomic():
        DocumentFrequency.objects.all().delete()
        DocumentFrequency.objects.bulk_create(
            [DocumentFrequency(term=N_DOCS, df=len(docs))]
            + [DocumentFrequency(term=t, df=n) for t, n in df.items() if len(t) <= keywords.MAX_KEYWORD_LENGTH],
            batch_size=1000,
        )
        ArticleKeyword.objects.all().delete()
        _store_keywords(vectors)
        lists = _rank(vectors, _all_postings(vectors), report)
        Related.objects.all().delete()
        _store(lists)
    log.info("discovery: %d articles indexed in %.1f s", len(vectors), time.perf_counter() - started)
    return {"indexed": len(vectors), "removed": 0, "lists": len(lists)}


# --- keywords --------------------------------------------------------------------------------


def _index(pks: list[int]) -> dict[int, Vector]:
    """Keywords for a few articles with the stored document frequencies (new articles add theirs)."""
    if not pks:
        return {}
    rows = list(Article.objects.filter(pk__in=pks).values_list("pk", "title", "summary", "body_html", "tags"))
    keywords.learn_tags(t for *_, tags in rows for t in (tags or []))
    docs = {
        pk: keywords.document(title, summary, body_html, tags or []) for pk, title, summary, body_html, tags in rows
    }
    indexed = set(ArticleKeyword.objects.filter(article_id__in=pks).values_list("article_id", flat=True).distinct())
    for pk, doc in docs.items():
        if pk not in indexed:  # a new document: count it once (edits keep the old counts until a rebuild)
            _count_document(doc.vocabulary)
    vocabulary = {t for doc in docs.values() for t in doc.vocabulary}
    df = dict(DocumentFrequency.objects.filter(term__in=[*vocabulary, N_DOCS]).values_list("term", "df"))
    n_docs = max(df.pop(N_DOCS, 0), 1)
    vectors = {pk: dict(keywords.vector(doc, df, n_docs)) for pk, doc in docs.items()}
    ArticleKeyword.objects.filter(article_id__in=pks).delete()
    _store_keywords(vectors)
    return vectors


def _count_document(vocabulary: set[str]) -> None:
    terms = [t for t in vocabulary if len(t) <= keywords.MAX_KEYWORD_LENGTH] + [N_DOCS]
    existing = set(DocumentFrequency.objects.filter(term__in=terms).values_list("term", flat=True))
    DocumentFrequency.objects.filter(term__in=existing).update(df=F("df") + 1)
    DocumentFrequency.objects.bulk_create(
        [DocumentFrequency(term=t, df=1) for t in terms if t not in existing], ignore_conflicts=True
    )


def _store_keywords(vectors: dict[int, Vector]) -> None:
    ArticleKeyword.objects.bulk_create(
        [
            ArticleKeyword(article_id=pk, keyword=kw, weight=w, rank=r)
            for pk, vec in vectors.items()
            for r, (kw, w) in enumerate(vec.items())
        ],
        batch_size=1000,
    )


def _vectors(pks: list[int]) -> dict[int, Vector]:
    vectors: dict[int, Vector] = defaultdict(dict)
    for pk, kw, w in ArticleKeyword.objects.filter(article_id__in=pks).values_list("article_id", "keyword", "weight"):
        vectors[pk][kw] = w
    return dict(vectors)


# --- related ---------------------------------------------------------------------------------

Postings = dict[str, list[tuple[int, float]]]


def _all_postings(vectors: dict[int, Vector]) -> Postings:
    postings: Postings = defaultdict(list)
    for pk, vec in vectors.items():
        for kw, w in vec.items():
            postings[kw].append((pk, w))
    return postings


def _db_postings(terms: set[str]) -> Postings:
    """The published articles having any of these keywords (the inverted index on keyword)."""
    postings: Postings = defaultdict(list)
    listed = sorted(terms)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        rows = ArticleKeyword.objects.filter(
            keyword__in=chunk, article__in=Article.objects.published().values("pk")
        ).values_list("keyword", "article_id", "weight")
        for kw, pk, w in rows:
            postings[kw].append((pk, w))
    return postings


def _rank(
    vectors: dict[int, Vector], postings: Postings | None = None, report: Progress | None = None
) -> dict[int, list[tuple[int, float]]]:
    """Each article's top related published articles with their blended scores."""
    if not vectors:
        return {}
    if postings is None:
        postings = _db_postings({kw for vec in vectors.values() for kw in vec})
    cosines: dict[int, dict[int, float]] = {}
    for pk, vec in vectors.items():
        dots: dict[int, float] = defaultdict(float)
        for kw, w in vec.items():
            for other, w2 in postings.get(kw, ()):
                if other != pk:
                    dots[other] += w * w2
        cosines[pk] = dots
    candidates = {o for dots in cosines.values() for o in dots} | set(vectors)
    meta = _meta(candidates)
    now = timezone.now()
    lists = {}
    total = len(vectors)
    for i, (pk, dots) in enumerate(cosines.items()):
        if report and i % max(1, total // 20) == 0:
            report(i, total, "related")
        own_channel = meta.get(pk, (None, None))[0]
        scored = []
        for other, cos in dots.items():
            if cos < MIN_COSINE or other not in meta:
                continue
            channel_id, published_at = meta[other]
            age_days = max(0.0, (now - published_at).total_seconds() / 86400) if published_at else 365.0
            freshness = 1 - RECENCY_SHARE + RECENCY_SHARE * math.exp(-age_days / RECENCY_DAYS)
            score = cos * (1 + CHANNEL_BOOST * (channel_id == own_channel)) * freshness
            scored.append((other, score))
        scored.sort(key=lambda kv: (-kv[1], -kv[0]))
        lists[pk] = scored[:RELATED_PER_ARTICLE]
    if report:
        report(total, total, "related")
    return lists


def _meta(pks: set[int]) -> dict[int, tuple[Any, Any]]:
    meta = {}
    listed = sorted(pks)
    for start in range(0, len(listed), 900):
        rows = Article.objects.published().filter(pk__in=listed[start : start + 900])
        for pk, channel_id, published_at in rows.values_list("pk", "channel_id", "published_at"):
            meta[pk] = (channel_id, published_at)
    return meta


def _store(lists: dict[int, list[tuple[int, float]]]) -> None:
    Related.objects.filter(article_id__in=list(lists)).delete()
    Related.objects.bulk_create(
        [
            Related(article_id=pk, other_id=other, score=score, rank=r)
            for pk, ranked in lists.items()
            for r, (other, score) in enumerate(ranked)
        ],
        batch_size=1000,
    )
