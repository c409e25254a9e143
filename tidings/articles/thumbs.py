"""List thumbnails (issue 13.2): what lists show of an article's pictures, derived at write time.

An article's pictures are its cover, then the images of its body that are in the media library,
in order. Lists show one thumbnail (the first picture) on the right, or three in a row when there
are three or more, as 网易/头条 lists do. Each picture's thumbnails are small 3:2 WebP crops made
when the image enters the library (tidings.lib.images.THUMBS, stored on Image.thumbs); here the
article keeps the paths of up to three (`Article.thumbs`), so a list reads them from the row it
already fetches: no query per item, no image work per view.

`refresh_thumbs` is registered with the derived-data registry (tidings.articles.derived), so it
runs in every write's transaction. Images stored before thumbnails existed have none: an article
that shows one of them is left NULL, and `backfill` (the worker, every minute; `tidings media
--thumbs` at once) makes the missing thumbnails from the stored files and derives it again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from tidings.articles.derived import Progress
from tidings.articles.models import Article, Image
from tidings.lib.images import ImageRejected, ProcessedImage, thumbs_from_file
from tidings.lib.markdown_scan import scan_body

log = logging.getLogger(__name__)

MAX_THUMBS = 3
# How tidings.lib.images names stored files: the first 20 hex digits of the content hash.
STEM = re.compile(r"img/[0-9a-f]{2}/([0-9a-f]{20})-\d+(?:x\d+)?\.(?:jpg|webp)")
BACKFILL_BATCH = 50

Thumb = list[Any]  # [small WebP path, large WebP path, small width, small height, large width]


def picture_stems(cover: str, body_md: str) -> list[str]:
    """The content-hash stems of the cover and the body's library images, in order, once each."""
    prefix = settings.MEDIA_URL
    paths = [cover] if cover else []
    if prefix in body_md:
        paths += [s[len(prefix) :] for s in scan_body(body_md).image_sources if s.startswith(prefix)]
    stems: list[str] = []
    for path in paths:
        m = STEM.fullmatch(path)
        if m and m.group(1) not in stems:
            stems.append(m.group(1))
    return stems


def _images(stems: Iterable[str]) -> dict[str, Image]:
    wanted = sorted(set(stems))
    found: dict[str, Image] = {}
    for start in range(0, len(wanted), 100):
        chunk = wanted[start : start + 100]
        query = reduce(or_, (Q(sha256__startswith=s) for s in chunk))
        for image in Image.objects.filter(query).only("sha256", "path", "thumbs"):
            found[image.sha256[:20]] = image
    return found


def thumb_of(image: Image) -> Thumb | None:
    if not image.thumbs:
        return None
    small, large = image.thumbs[0], image.thumbs[-1]
    return [small["webp"], large["webp"], small["w"], small["h"], large["w"]]


def derive(stems: Sequence[str], images: dict[str, Image], *, final: bool = False) -> list[Thumb] | None:
    """Up to MAX_THUMBS thumbnails. None while a picture still waits for its thumbnails (the
    backfill's business); with `final`, such a picture is left out instead."""
    out: list[Thumb] = []
    for stem in stems:
        image = images.get(stem)
        if image is None:
            continue  # not in the library (yet): nothing to show
        thumb = thumb_of(image)
        if thumb is None:
            if not final:
                return None
            continue
        out.append(thumb)
        if len(out) == MAX_THUMBS:
            break
    return out


def refresh_thumbs(ids: list[int], progress: Progress | None = None) -> None:
    """The derived-data registry's refresher: runs in every write's transaction."""
    derive_thumbs(ids)


def derive_thumbs(ids: list[int], *, final: bool = False) -> int:
    """Derive Article.thumbs for these articles (any state: the studio's drafts become lists'
    items when published). Returns how many rows changed."""
    rows = list(Article.objects.filter(pk__in=ids).only("id", "cover", "body_md", "thumbs"))
    stems = {a.pk: picture_stems(a.cover, a.body_md) for a in rows}
    images = _images(s for ss in stems.values() for s in ss)
    changed = []
    for a in rows:
        thumbs = derive(stems[a.pk], images, final=final)
        if thumbs != a.thumbs:
            a.thumbs = thumbs
            changed.append(a)
    # NULL by a plain UPDATE: bulk_update would write a JSON null, which IS NULL does not find.
    Article.objects.filter(pk__in=[a.pk for a in changed if a.thumbs is None]).update(thumbs=None)
    Article.objects.bulk_update([a for a in changed if a.thumbs is not None], ["thumbs"], batch_size=500)
    return len(changed)


def _make_thumbs(image: Image) -> None:
    """Thumbnails for an image stored before they existed, from its largest stored variant."""
    source = Path(settings.MEDIA_ROOT) / image.path
    try:
        thumbs, files = thumbs_from_file(source, image.sha256)
    except (OSError, ImageRejected) as exc:
        log.warning("thumbnails: cannot read %s (%s); its articles show no thumbnail of it", source, exc)
        return
    processed = ProcessedImage(sha256=image.sha256, width=0, height=0, path="", files=files)
    processed.save()
    Image.objects.filter(pk=image.pk).update(thumbs=thumbs)


def backfill(limit: int = BACKFILL_BATCH) -> int:
    """Derive the thumbnails of up to `limit` articles that have none yet (NULL), making the
    missing image thumbnails first. Returns how many articles it did; 0 when nothing waits."""
    pending = list(Article.objects.filter(thumbs__isnull=True).order_by("-pk").only("id", "cover", "body_md")[:limit])
    if not pending:
        return 0
    images = _images(s for a in pending for s in picture_stems(a.cover, a.body_md))
    for image in images.values():
        if not image.thumbs:
            _make_thumbs(image)
    with transaction.atomic():
        derive_thumbs([a.pk for a in pending], final=True)
        # An article whose pictures are all gone still gets its (empty) answer, so it leaves the queue.
        Article.objects.filter(pk__in=[a.pk for a in pending], thumbs__isnull=True).update(thumbs=[])
    return len(pending)


def backfill_chore() -> int:
    """The worker's minutely round: one batch."""
    done = backfill()
    if done:
        log.info("thumbnails: derived for %d older articles", done)
    return done
