"""Article bodies: Markdown → sanitised HTML, with images of our media library as <picture>.

Called when input is checked (tidings.articles.input), so that a save's slowest step runs before
its write transaction opens; the result is stored in Article.body_html and printed as is.
"""

from __future__ import annotations

from django.conf import settings

from tidings.articles.models import Image
from tidings.lib.markup import ImageResolver, ResolvedImage, render_markdown


def media_url(path: str) -> str:
    return f"{settings.MEDIA_URL}{path}"


def resolved(image: Image) -> ResolvedImage:
    variants = [
        {"w": v["w"], "url": media_url(str(v["jpg"])), "url_webp": media_url(str(v["webp"]))} for v in image.variants
    ]
    return ResolvedImage(media_url(image.path), image.width, image.height, variants)


def render_body(body_md: str) -> str:
    """Markdown → sanitised HTML; images already in our media library render as <picture>."""
    prefix = settings.MEDIA_URL

    def resolver_for(sources: list[str]) -> ImageResolver:
        paths = {src[len(prefix) :] for src in sources if src.startswith(prefix)}
        by_path = {img.path: img for img in Image.objects.filter(path__in=paths)} if paths else {}

        def resolve(src: str) -> ResolvedImage | None:
            img = by_path.get(src[len(prefix) :]) if src.startswith(prefix) else None
            return resolved(img) if img else None

        return resolve

    return render_markdown(body_md, resolver_for=resolver_for)  # one parse of the Markdown, not two
