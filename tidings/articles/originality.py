"""原创 that holds: the near-duplicate check of a text against every published article.

MinHash over character shingles, with LSH banding, incremental and stored:

- **Text.** The body's readable text (markup gone), normalised as the word filter does it
  (tidings.lib.wordfilter.normalise: NFKC, case folded, spaces, punctuation and symbols dropped,
  Traditional → Simplified), cut into overlapping SHINGLE-character shingles.
- **Signature.** NUM_PERM (256) MinHash values (rensa's RMinHash, Rust), stored as bytes on
  `Fingerprint`, one row per published article; BANDS (32) bands of ROWS (4) values each (the
  first 128 values) are hashed to 64 bits and stored as `FingerprintBand` rows (indexed on the
  hash); all 256 values make the estimate.
- **Check.** A text's band hashes are looked up (one indexed `hash IN (…)` query): articles
  sharing a band are candidates, and their stored signatures give the estimated Jaccard
  similarity; at or above `settings.ORIGINAL_THRESHOLD` (0.6) it is a match. Nothing is
  rescanned: the cost is one query for the bands and one for the candidates' signatures.
- **Index upkeep.** `refresh_fingerprints` is registered as derived data
  (tidings.articles.derived), so every write that publishes, edits or unpublishes an article
  keeps the index equal to the published articles, in the same transaction.

With 32 bands of 4 rows an article whose Jaccard similarity is 0.6 becomes a candidate with
probability 1 − (1 − 0.6⁴)³² ≈ 0.99 (0.87 at 0.5, 0.20 at 0.3): bench/originality.py measures
recall and precision on 100,000 generated articles (docs/performance.md, "原创 check").

Same-creator overlaps are not matches (an own reprint or a new version); only an *earlier*
article (published before) of *another* creator counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import re
import struct
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import rensa
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from tidings.articles.derived import Progress
from tidings.articles.models import Article, Fingerprint, FingerprintBand, OriginalityMatch
from tidings.lib.urls import url_for
from tidings.lib.wordfilter import normalise

log = logging.getLogger(__name__)
Check = Article.OriginalCheck

SHINGLE = 5  # characters per shingle: 5 Chinese characters are rarely shared by chance
NUM_PERM = 256  # the estimate's standard error at 0.6 is about 0.03 (0.043 with 128)
BANDS = 32  # banded over the first BANDS × ROWS values; the rest only sharpen the estimate
ROWS = 4
SEED = 20261129
MIN_SHINGLES = 20  # texts shorter than this (about 25 characters) are not checked
# Candidates whose estimate is within MARGIN of the threshold are compared exactly (their text).
MARGIN = 0.1
# Borderline candidates compared exactly per check at most (each re-shingles a stored body).
MAX_EXACT = 10
BACKFILL_BATCH = 500

_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|figcaption|td|th|tr)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def threshold() -> float:
    return float(settings.ORIGINAL_THRESHOLD)


# --------------------------------------------------------------------------------------------
# Text → shingles → signature → bands


def paragraphs(body_html: str) -> list[str]:
    """The readable paragraphs of sanitised article HTML, as written (not normalised)."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", body_html)))
    return [p.strip() for p in text.split("\n") if p.strip()]


def shingles(text: str) -> set[str]:
    """The SHINGLE-character shingles of the normalised text (a short text: none)."""
    norm = normalise(text)
    return {norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)}


def body_shingles(body_html: str) -> set[str]:
    return shingles("\n".join(paragraphs(body_html)))


def signature(shingle_set: Iterable[str]) -> list[int]:
    m = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
    m.update(sorted(shingle_set))
    return [int(v) for v in m.digest()]


def to_bytes(sig: Sequence[int]) -> bytes:
    return array("I", sig).tobytes()


def from_bytes(data: bytes | memoryview) -> list[int]:
    out = array("I")
    out.frombytes(bytes(data))
    return out.tolist()


def band_hashes(sig: Sequence[int]) -> list[tuple[int, int]]:
    """(band, 64-bit signed hash of the band's number and values) for each band."""
    out = []
    for band in range(BANDS):  # BANDS × ROWS ≤ NUM_PERM
        packed = struct.pack(f"<H{ROWS}I", band, *sig[band * ROWS : (band + 1) * ROWS])
        out.append((band, int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest(), "little", signed=True)))
    return out


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


@dataclass(frozen=True)
class Print:
    """A text's fingerprint, computed once (before any transaction opens); its shingles are kept
    for the exact comparison of borderline candidates."""

    signature: list[int]
    shingles: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.shingles)

    @property
    def checkable(self) -> bool:
        return self.size >= MIN_SHINGLES


def fingerprint(body_html: str) -> Print:
    found = body_shingles(body_html)
    return Print(signature(found) if found else [0] * NUM_PERM, frozenset(found))


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


# --------------------------------------------------------------------------------------------
# The check


@dataclass(frozen=True)
class Match:
    """An earlier published article of another creator that the text overlaps."""

    article_id: int
    title: str
    creator_id: int
    creator_name: str
    similarity: float

    @property
    def url(self) -> str:
        return url_for("article", self.article_id)

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)

    def message(self) -> str:
        return (
            f"不能声明原创：正文与{self.creator_name}更早发表的《{self.title}》重合约 {self.percent}%"
            f"（{self.url}）。如是转载，请注明来源；如确为原创，请修改后再声明。"
        )


def candidate_rows(sig: Sequence[int]) -> QuerySet[FingerprintBand]:
    """Band rows sharing a band with the signature: an index range per band hash. The hash covers
    the band's number, so equal hashes of different bands do not occur in practice."""
    return FingerprintBand.objects.filter(hash__in=[h for _, h in band_hashes(sig)])


def candidates(sig: Sequence[int]) -> set[int]:
    """Ids of published articles sharing at least one band with the signature."""
    return set(candidate_rows(sig).values_list("article_id", flat=True))


def find_matches(
    print_: Print,
    *,
    creator_id: int | None,
    exclude: int | None = None,
    before: dt.datetime | None = None,
    limit: int = 5,
) -> list[Match]:
    """Earlier published articles of other creators whose estimated similarity to the text is at
    or above the threshold, most similar first. `creator_id` None: every creator counts (the
    benchmark). `before`: only articles published before then (the backfill's "earlier")."""
    if not print_.checkable:
        return []
    # One statement: the candidates' stored signatures, found through the band index.
    qs = Fingerprint.objects.filter(article_id__in=candidate_rows(print_.signature).values("article_id"))
    if exclude is not None:
        qs = qs.exclude(article_id=exclude)
    if creator_id is not None:
        qs = qs.exclude(creator_id=creator_id)
    if before is not None:
        qs = qs.filter(published_at__lt=before)
    limit_value = threshold()
    scored = []
    borderline = []
    for article_id, sig in qs.values_list("article_id", "signature"):
        score = similarity(print_.signature, from_bytes(sig))
        if score >= limit_value + MARGIN:
            scored.append((score, article_id))
        elif score >= limit_value - MARGIN:
            borderline.append(article_id)
    if borderline:
        borderline = borderline[:MAX_EXACT]
        # Near the threshold the estimate can fall either side (its standard error is ~0.03):
        # these few are decided by the exact similarity of the stored texts' shingles.
        for article_id, body in Article.objects.filter(pk__in=borderline).values_list("pk", "body_html"):
            exact = jaccard(print_.shingles, body_shingles(body))
            if exact >= limit_value:
                scored.append((exact, article_id))
    scored.sort(reverse=True)
    scored = scored[:limit]
    if not scored:
        return []
    rows = {
        a.pk: a
        for a in Article.objects.filter(pk__in=[pk for _, pk in scored])
        .select_related("creator")
        .only("id", "title", "creator__id", "creator__name")
    }
    return [
        Match(pk, rows[pk].title, rows[pk].creator.pk, rows[pk].creator.name, score)
        for score, pk in scored
        if pk in rows
    ]


class OriginalityRefused(Exception):
    """原创 was declared for a text that overlaps an earlier article of another creator. The
    studio shows `message` beside the 原创 box with a link to `match`; the API answers 422."""

    def __init__(self, match: Match) -> None:
        super().__init__(match.message())
        self.match = match
        self.errors = {"original": match.message()}


def judge(article: Article, print_: Print | None, *, on_match: str = "refuse") -> list[Match]:
    """Set `article.original_check` for its declaration (not saved here: the caller's save
    writes it). Not declared: NONE. Declared with no match: PASSED (an editor's UPHELD stays, for
    the articles the editor saw). Declared with a match: OriginalityRefused (`on_match="refuse"`:
    studio, API, publish) or MATCHED and the matches returned for `record_matches` (`"review"`:
    import)."""
    if not article.original:
        article.original_check = Check.NONE
        return []
    if print_ is None:
        print_ = fingerprint(article.body_html)
    # "Earlier" is earlier than this article: a published article's edit is not compared with
    # copies published after it (its own copies, reposts of it), a draft's with all that is public.
    published = article.status == Article.Status.PUBLISHED and article.published_at is not None
    before = article.published_at if published else None
    matches = find_matches(print_, creator_id=article.creator_id, exclude=article.pk, before=before)
    if matches and article.pk is not None:
        seen = set(
            OriginalityMatch.objects.filter(article_id=article.pk, decision=Check.UPHELD).values_list(
                "earlier_id", flat=True
            )
        )
        matches = [m for m in matches if m.article_id not in seen]
    if not matches:
        if article.original_check != Check.UPHELD:
            article.original_check = Check.PASSED
        return []
    if on_match == "refuse" and article.original_check == Check.MATCHED and article.pk is not None:
        # Already waiting in the 原创核查 queue (an import's): an edit keeps it there, with the
        # new text's matches, for the editor to decide; the creator's edit is not refused.
        record_matches(article, matches)
        return matches
    if on_match == "refuse":
        raise OriginalityRefused(matches[0])
    article.original_check = Check.MATCHED
    return matches


def record_matches(article: Article, matches: list[Match]) -> None:
    """The review queue's items for a declared original that matched (an import's). A match an
    editor already refused stays decided (a re-import does not put it back in the queue)."""
    refused = set(
        OriginalityMatch.objects.filter(article=article, decision=Check.REFUSED).values_list("earlier_id", flat=True)
    )
    for m in (m for m in matches if m.article_id not in refused):
        OriginalityMatch.objects.update_or_create(
            article=article,
            earlier_id=m.article_id,
            defaults={"similarity": m.similarity, "decided_at": None, "decided_by": None, "decision": ""},
        )


def open_matches() -> Q:
    return Q(decided_at__isnull=True, article__original_check=Article.OriginalCheck.MATCHED)


# --------------------------------------------------------------------------------------------
# The index: exactly the published articles


def _write(rows: list[tuple[Article, Print]]) -> None:
    ids = [a.pk for a, _ in rows]
    FingerprintBand.objects.filter(article_id__in=ids).delete()
    Fingerprint.objects.filter(article_id__in=ids).delete()
    Fingerprint.objects.bulk_create(
        [
            Fingerprint(
                article_id=a.pk,
                creator_id=a.creator_id,
                published_at=a.published_at,
                signature=to_bytes(p.signature),
                shingles=p.size,
            )
            for a, p in rows
        ],
        batch_size=500,
    )
    FingerprintBand.objects.bulk_create(
        [
            FingerprintBand(article_id=a.pk, band=band, hash=h)
            for a, p in rows
            if p.checkable
            for band, h in band_hashes(p.signature)
        ],
        batch_size=2000,
    )


def refresh_fingerprints(ids: list[int], progress: Progress | None = None) -> None:
    """The derived-data refresher: published articles get their fingerprint (re)written, the
    others lose theirs."""
    for start in range(0, len(ids), BACKFILL_BATCH):
        chunk = ids[start : start + BACKFILL_BATCH]
        public = list(
            Article.objects.published()
            .filter(pk__in=chunk, deleted_at__isnull=True)
            .only("id", "creator_id", "published_at", "body_html")
        )
        gone = set(chunk) - {a.pk for a in public}
        if gone:
            FingerprintBand.objects.filter(article_id__in=gone).delete()
            Fingerprint.objects.filter(article_id__in=gone).delete()
        _write([(a, fingerprint(a.body_html)) for a in public])
        if progress is not None:
            progress(min(start + BACKFILL_BATCH, len(ids)), len(ids), "原创 fingerprints")


# --------------------------------------------------------------------------------------------
# Backfill: published articles stored before the check existed


def backfill(limit: int = BACKFILL_BATCH) -> int:
    """Fingerprint up to `limit` published articles that have none yet, oldest first, and judge
    their 原创 declarations against the articles published before them (a match goes to the
    review queue, as an import's). Returns how many it did; 0 when nothing waits."""
    pending = list(
        Article.objects.published()
        .filter(deleted_at__isnull=True, fingerprint__isnull=True)
        .order_by("published_at", "pk")
        .only("id", "creator_id", "published_at", "body_html", "original", "original_check")[:limit]
    )
    _judge_in_order(pending)
    return len(pending)


def judge_published(ids: Iterable[int]) -> int:
    """Judge the 原创 declarations of these published articles, oldest first, each against what
    was published before it, and (re)write their fingerprints: what backfill does, for articles
    written in bulk (the demo). Returns how many were judged."""
    articles = list(
        Article.objects.published()
        .filter(pk__in=list(ids), deleted_at__isnull=True)
        .order_by("published_at", "pk")
        .only("id", "creator_id", "published_at", "body_html", "original", "original_check")
    )
    _judge_in_order(articles)
    return len(articles)


def _judge_in_order(articles: list[Article]) -> None:
    if not articles:
        return
    with transaction.atomic():
        for article in articles:
            print_ = fingerprint(article.body_html)
            check = article.original_check
            if not article.original:
                check = Check.NONE
            elif check in ("", Check.PASSED):
                matches = find_matches(
                    print_, creator_id=article.creator_id, exclude=article.pk, before=article.published_at
                )
                check = Check.MATCHED if matches else Check.PASSED
                record_matches(article, matches)
            if check != article.original_check:
                Article.objects.filter(pk=article.pk).update(original_check=check)
            _write([(article, print_)])


def backfill_chore() -> int:
    """The worker's minutely round: one batch, progress in the log."""
    done = backfill()
    if done:
        left = Article.objects.published().filter(deleted_at__isnull=True, fingerprint__isnull=True).count()
        log.info("原创 check: fingerprinted %d older articles, %d to go", done, left)
    return done
