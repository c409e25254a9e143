"""The media library's one way in for uploads: the studio (form and drag-and-drop) and the write API
call `add_upload`; the reasons for a refusal come from the typed errors of tidings.lib.images.

Files are written only after the image is accepted, inside the transaction that creates its row,
and removed again if that transaction fails. An upload that no article ends up using is deleted
by `tidings worker` after a grace period (tidings.web.media_gc).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from tidings.accounts.models import User
from tidings.articles.models import Article, Image
from tidings.articles.rendering import media_url
from tidings.lib.images import ImageRejected, check_size, discard, process_image
from tidings.lib.markup import plain_text


def add_upload(upload: Any, *, by: User | None, article: Article | None = None) -> Image:
    """An uploaded file (Django's UploadedFile) into the library: refused by its size before it is
    read, then as `add_image`."""
    name = upload.name or "image"
    check_size(upload.size, name)
    return add_image(upload.read(), name=name, by=by, article=article)


def add_image(data: bytes, *, name: str, by: User | None, article: Article | None = None) -> Image:
    """Re-encode image bytes into the media library, or reuse the row of identical bytes; an
    ImageRejected subclass says why not. Nothing is written for a refused image."""
    existing = Image.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
    if existing is not None and (Path(settings.MEDIA_ROOT) / existing.path).exists():
        _touch(existing)
        return existing
    processed = process_image(data, name=name)
    try:
        with transaction.atomic():
            image, _ = Image.objects.update_or_create(
                sha256=processed.sha256,
                defaults={
                    "path": processed.path,
                    "width": processed.width,
                    "height": processed.height,
                    "variants": processed.variants,
                    "thumbs": processed.thumbs,
                    "article": article,
                },
            )
            processed.save()
    except BaseException:
        discard(processed.written)
        raise
    return image


def _touch(image: Image) -> None:
    """Uploaded again: the media collector's grace period starts over for it."""
    media = Path(settings.MEDIA_ROOT)
    for rel in {image.path} | {str(v[k]) for v in image.variants for k in ("jpg", "webp")}:
        with contextlib.suppress(OSError):  # missing or read-only: the collector sees the older time
            os.utime(media / rel)


def image_markdown(image: Image, alt: str = "", caption: str = "") -> str:
    """The Markdown of an image in its own paragraph: alt text for those who cannot see it, and
    the caption (图注) as its title, which the renderer shows under the picture."""
    alt = plain_text(alt).replace("[", "").replace("]", "").replace("\n", " ") or "图片"
    caption = " ".join(plain_text(caption).split()).replace("\\", "").replace('"', "“")[:200]
    title = f' "{caption}"' if caption else ""
    return f"![{alt}]({media_url(image.path)}{title})"


def upload_reply(image: Image, alt: str, caption: str = "") -> dict[str, Any]:
    """What the studio's drag-and-drop and the API answer for an accepted image."""
    return {
        "url": media_url(image.path),
        "path": image.path,
        "width": image.width,
        "height": image.height,
        "markdown": image_markdown(image, alt, caption),
    }


def image_error_message(error: ImageRejected, lead: str = "图片没有上传") -> str:
    """A refused image's message for people: the Chinese reason of its type, then the details."""
    return f"{lead}：{error.message}。{error}"
