"""Media collection: uploaded images that nothing uses are deleted after a grace period.

Uploads reach the media library before the article that uses them is saved (the studio's
drag-and-drop, the API's POST /images), and some never get used. `collect()` deletes

- every Image row older than the grace period that nothing names, with its variant files, and
- every file under MEDIA_ROOT/img/ older than the grace period that no remaining Image row and
  nothing else names (the unused variants of an avatar, left-overs of a crash).

"Names" means: an article's cover or body (deleted articles included: they can be restored), any
revision's body (restorable too), a creator's or an application's avatar. A field that starts to
hold a media path must be added to `_named_texts`. Files are matched by the content hash in their
names (`img/ab/<20 hex>-<width>.jpg|webp`), so naming one variant keeps them all.

`tidings worker` calls `collect_if_due()` in its minutely round (it runs once an hour); `tidings
media --gc` runs it now. This module sits at the top layer because it reads every app's paths.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tidings.articles.models import Article, Image, PendingEdit, Revision
from tidings.creators.models import Creator
from tidings.moderation.models import Application

log = logging.getLogger(__name__)

EVERY_SECONDS = 3600
STEM = re.compile(r"img/[0-9a-f]{2}/([0-9a-f]{20})-\d+\.(?:jpg|webp)")
FILE_STEM = re.compile(r"^([0-9a-f]{20})-\d+(?:x\d+)?\.(?:jpg|webp)$")  # variants and 240x160 thumbnails


@dataclass(frozen=True)
class Collected:
    images: int  # Image rows deleted
    files: int  # files deleted (the rows' variants and stray files)
    bytes: int


def _named_texts() -> Iterator[str]:
    """Every stored text that may name a media file."""
    yield from Article.objects.exclude(cover="").values_list("cover", flat=True).iterator()
    bodies = Article.objects.filter(body_md__contains="img/").values_list("body_md", flat=True)
    yield from bodies.iterator(chunk_size=500)
    revisions = Revision.objects.filter(body_md__contains="img/").values_list("body_md", flat=True)
    yield from revisions.iterator(chunk_size=500)
    # An edit held for review (its body is in a revision too; its cover only here).
    yield from PendingEdit.objects.exclude(cover="").values_list("cover", flat=True).iterator()
    yield from Creator.objects.exclude(avatar="").values_list("avatar", flat=True).iterator()
    yield from Application.objects.exclude(avatar="").values_list("avatar", flat=True).iterator()


def named_stems() -> set[str]:
    stems: set[str] = set()
    for text in _named_texts():
        stems.update(STEM.findall(text))
    return stems


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def grace() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "MEDIA_GRACE_HOURS", 24)))


def collect(now: dt.datetime | None = None, keep_for: dt.timedelta | None = None) -> Collected:
    """Delete what nothing names and is older than `keep_for` (default: TIDINGS_MEDIA_GRACE_HOURS)."""
    now = now or timezone.now()
    cutoff = now - (keep_for if keep_for is not None else grace())
    cutoff_ts = cutoff.timestamp()
    media = Path(settings.MEDIA_ROOT)
    named = named_stems()

    doomed: list[Image] = []
    kept_stems = set(named)
    for image in Image.objects.only("pk", "path", "variants", "created_at").iterator(chunk_size=500):
        stem = (STEM.findall(image.path) or [""])[0]
        if stem in named or image.created_at >= cutoff or _mtime(media / image.path) >= cutoff_ts:
            kept_stems.add(stem)  # used, or young (just uploaded, or uploaded again: see add_image)
        else:
            doomed.append(image)
    with transaction.atomic():
        # Only rows still old: a row re-created meanwhile by an upload of the same bytes stays.
        deleted, _ = Image.objects.filter(pk__in=[i.pk for i in doomed], created_at__lt=cutoff).delete()

    files = size = 0
    folder = media / "img"
    if folder.is_dir():
        for path in folder.glob("*/*"):
            match = FILE_STEM.match(path.name)
            if match is not None and match.group(1) in kept_stems:
                continue
            if match is None and not path.name.startswith(".incoming-"):
                continue  # not ours: leave it alone
            if not path.is_file() or _mtime(path) >= cutoff_ts:
                continue
            try:
                length = path.stat().st_size
                path.unlink()
            except OSError:
                continue
            files, size = files + 1, size + length
    return Collected(images=deleted, files=files, bytes=size)


_lock = threading.Lock()
_last_run: float | None = None


def collect_if_due() -> Collected | None:
    """The worker's hourly collection (called every minute; runs at most once an hour)."""
    global _last_run
    with _lock:
        if _last_run is not None and time.monotonic() - _last_run < EVERY_SECONDS:
            return None
        _last_run = time.monotonic()
    done = collect()
    if done.images or done.files:
        log.warning(
            "media collection: deleted %d unused images and %d files (%.1f MB) older than %s",
            done.images, done.files, done.bytes / 1e6, grace(),
        )  # fmt: skip
    else:
        log.info("media collection: nothing to delete")
    return done
