"""Context every reader page has: the site blocks and the care-mode flag (memoised per request).

The site blocks (channels, hot list, 要闻 boxes, 态度原创 tabs, the platform notice) are read by
tidings.discovery.blocks; here they are put together, the boxes and tabs rendered to HTML once per
site generation, and kept per process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest
from django.template import engines
from django.utils import translation

from tidings.channels.models import Channel
from tidings.discovery import blocks
from tidings.discovery.blocks import Box, Item
from tidings.lib.sitecache import GENERATION_KEY
from tidings.notifications.context import unread_for
from tidings.web.a11y import COOKIE as A11Y_COOKIE
from tidings.web.a11y import Prefs
from tidings.web.models import PlatformNotice
from tidings.web.pagecache import CARE_COOKIE


@dataclass
class SiteBlocks:
    channels: list[Channel]
    hot: list[Item]
    boxes: list[Box]
    tabs: list[Box]
    notice: PlatformNotice
    boxes_html: str = ""  # rendered once per generation (Markup)
    tabs_html: str = ""


def notice() -> PlatformNotice:
    return PlatformNotice.objects.order_by("pk").first() or PlatformNotice()


def load_site_blocks() -> SiteBlocks:
    channels = list(Channel.objects.all())
    box_channels = [c for c in channels if c.kind == Channel.Kind.NEWS and c.in_boxes]
    tab_channels = [c for c in channels if c.kind == Channel.Kind.ORIGINALS]
    site = SiteBlocks(
        channels=channels,
        hot=blocks.hot(blocks.HOT_SIZE + 1),  # one spare: an article page leaves itself out
        boxes=blocks.channel_boxes(box_channels),
        tabs=blocks.originals_tabs(tab_channels),
        notice=notice(),
    )
    macros: Any = engines["jinja2"].env.get_template("web/_macros.html").module  # type: ignore[attr-defined]
    site.boxes_html = macros.channel_boxes(site.boxes)
    site.tabs_html = macros.originals_tabs(site.tabs)
    return site


_memo: dict[tuple[int, str], tuple[float, SiteBlocks]] = {}


def site_blocks() -> SiteBlocks:
    """The site-wide blocks, kept per process (no pickling) while the site generation holds."""
    seconds = settings.BLOCK_CACHE_SECONDS
    if seconds <= 0:
        return load_site_blocks()
    key = (int(cache.get(GENERATION_KEY) or 0), translation.get_language() or "")
    now = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    site = load_site_blocks()
    _memo.clear()
    _memo[key] = (now + seconds, site)
    return site


def site_for(request: HttpRequest) -> SiteBlocks:
    cached = getattr(request, "_tidings_site", None)
    if cached is None:
        cached = site_blocks()
        request._tidings_site = cached  # type: ignore[attr-defined]
    return cached


def care_for(request: HttpRequest) -> bool:
    chosen = request.COOKIES.get(CARE_COOKIE)
    if chosen in ("1", "0"):  # this browser's own choice comes first
        return chosen == "1"
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and getattr(user, "care_mode", False))


def a11y_for(request: HttpRequest) -> Prefs:
    return Prefs.parse(request.COOKIES.get(A11Y_COOKIE))


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site": site_for(request),
        "care": care_for(request),
        "a11y": a11y_for(request),
        # Called by the header for signed-in people only (templates/accounts/_nav.html).
        "unread_notifications": lambda: unread_for(request),
    }


PAGE_SIZE = 20


def base_ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"canonical": request.build_absolute_uri(request.path), **extra}


def requested_page(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> Page:
    """The page `?page=` asks for: a malformed number means page 1, past the end is 404."""
    paginator = Paginator(qs, size)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        raise Http404("没有这一页。") from None


def paginate(request: HttpRequest, qs: Any, ctx: dict[str, Any], size: int = PAGE_SIZE) -> Page:
    """The requested page, put in ctx with a self-referencing canonical URL for pages after the
    first."""
    page = requested_page(request, qs, size)
    ctx["page"] = page
    if page.number > 1:
        ctx["canonical"] = request.build_absolute_uri(f"{request.path}?page={page.number}")
    return page
