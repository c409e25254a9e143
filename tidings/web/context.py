"""Context every reader page has: the site blocks and the care-mode flag (memoised per request)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tidings.discovery import blocks
from tidings.web.a11y import COOKIE as A11Y_COOKIE
from tidings.web.a11y import Prefs
from tidings.web.pagecache import CARE_COOKIE


def site_for(request: HttpRequest) -> blocks.SiteBlocks:
    cached = getattr(request, "_tidings_site", None)
    if cached is None:
        cached = blocks.site_blocks()
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
    return {"site": site_for(request), "care": care_for(request), "a11y": a11y_for(request)}
