"""Images from other sites in an article body become site media at save time (as WeChat does).

The site's Content-Security-Policy (`img-src 'self'`) blocks images from elsewhere, so an
external Markdown image would show as broken. On save each one is fetched once through the
guarded fetch (tidings.lib.fetch: no inner addresses, size and time limits), checked and
re-encoded by the image pipeline (add_image) and its URL rewritten to the stored image. A fetch
that fails refuses the save with a message naming the URL and the reason: nothing half-saved.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tidings.accounts.models import User
from tidings.articles.models import Image
from tidings.articles.rendering import media_url
from tidings.lib import ratelimit
from tidings.lib.fetch import FetchRefused, fetch
from tidings.lib.images import ImageRejected
from tidings.lib.markdown_scan import rewrite_image_sources, scan_body

PER_SAVE = 20  # external images fetched in one save


def external_sources(body_md: str) -> list[str]:
    """The body's Markdown image URLs that point at another site over http(s)."""
    return [src for src in scan_body(body_md).image_sources if urlsplit(src).scheme in ("http", "https")]


class ExternalImageRefused(Exception):
    """An image at another site's address could not be brought in; the message says why (Chinese).
    `limited` is the rate limit that refused it, if that was the reason."""

    def __init__(self, message: str, limited: ratelimit.RateLimited | None = None) -> None:
        super().__init__(message)
        self.limited = limited


def fetch_external_image(src: str, *, by: User | None) -> Image:
    """One image from another site into the media library, through the guarded fetch and the
    image pipeline, counted against the `external-image` limit (the studio's paste brings each
    pasted image in this way, before the save would)."""
    from tidings.articles.images import add_image, image_error_message

    if urlsplit(src).scheme not in ("http", "https"):
        raise ExternalImageRefused(f"外站图片 {src[:200]} 不是 http(s) 地址。")
    try:
        ratelimit.hit("external-image", getattr(by, "pk", None))
    except ratelimit.RateLimited as exc:
        raise ExternalImageRefused(f"外站图片：{exc.message}", limited=exc) from exc
    try:
        fetched = fetch(src)
        name = urlsplit(fetched.url).path.rsplit("/", 1)[-1] or "image"
        return add_image(fetched.data, name=name, by=by)
    except FetchRefused as e:
        raise ExternalImageRefused(f"外站图片 {src[:200]} 无法获取：{e}。请下载后上传，或删去这张图片。") from e
    except ImageRejected as e:
        raise ExternalImageRefused(image_error_message(e, lead=f"外站图片 {src[:200]} 无法使用")) from e


def localise_external_images(body_md: str, *, by: User | None) -> tuple[str, dict[str, str]]:
    """(the body with external images replaced by site media, errors); errors maps "body_md" to a
    message when an image could not be brought in, and the body is then returned unchanged."""
    from tidings.articles.images import add_image, image_error_message

    sources = external_sources(body_md)
    if not sources:
        return body_md, {}
    if len(sources) > PER_SAVE:
        return body_md, {"body_md": f"一次最多保存 {PER_SAVE} 张外站图片（现在 {len(sources)} 张），请分几次保存。"}
    try:
        for _ in sources:
            ratelimit.hit("external-image", getattr(by, "pk", None))
    except ratelimit.RateLimited as exc:
        return body_md, {"body_md": f"外站图片：{exc.message}"}
    replaced: dict[str, str] = {}
    for src in sources:
        try:
            fetched = fetch(src)
            name = urlsplit(fetched.url).path.rsplit("/", 1)[-1] or "image"
            image = add_image(fetched.data, name=name, by=by)
        except FetchRefused as e:
            return body_md, {"body_md": f"外站图片 {src} 无法获取：{e}。请下载后上传，或删去这张图片。"}
        except ImageRejected as e:
            return body_md, {"body_md": image_error_message(e, lead=f"外站图片 {src} 无法使用")}
        replaced[src] = media_url(image.path)
    return rewrite_image_sources(body_md, replaced.get), {}
