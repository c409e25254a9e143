"""Whole-page cache for anonymous readers, checked before sessions, auth and CSRF run.

A view opts in by calling `cacheable(response)`. Entries are keyed by path, query string,
care-mode and language cookies, and a site-wide generation number that every publish or edit
bumps (`invalidate_site`), so stale pages die at once where the cache is shared (Redis) and
within PAGE_CACHE_SECONDS where it is per process (local memory).

A response that goes stale more often than the site can name a generation of its own
(`depends_on`: a cache key and the value it held when the view began) and a shorter lifetime:
the 跟帖 section under an article (tidings.comments.views.section) is served from here until a
comment or vote on that article bumps its counter. A hit then costs one more cache read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from tidings.lib.sitecache import GENERATION_KEY

CARE_COOKIE = "tidings_care"
A11Y_COOKIE = "tidings_a11y"  # tidings.web.a11y.COOKIE
_ATTR = "_tidings_page_cache"
KEPT_HEADERS = (
    "Content-Type",
    "X-Robots-Tag",
    "Content-Language",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Vary",
)


def cacheable(
    response: HttpResponse, *, seconds: int | None = None, depends_on: tuple[str, object] | None = None
) -> HttpResponse:
    """Let the anonymous page cache keep `response`: for PAGE_CACHE_SECONDS, or `seconds` if
    shorter, and, with `depends_on` = (key, value), only while the cache still holds that value
    under that key (read the value before reading what the page shows)."""
    setattr(response, _ATTR, (seconds, depends_on))
    return response


def _key(request: HttpRequest, gen: object) -> str:
    raw = "|".join(
        (
            request.get_host(),
            request.get_full_path(),
            request.COOKIES.get(CARE_COOKIE, ""),
            request.COOKIES.get(A11Y_COOKIE, ""),
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            str(gen or 0),
        )
    )
    return "page:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        gen = cache.get(GENERATION_KEY)
        key = _key(request, gen)
        hit = cache.get(key)
        # An entry is (content, headers, depends); entries written before `depends` have two parts.
        depends = hit[2] if hit is not None and len(hit) > 2 else None
        if hit is not None and (depends is None or cache.get(depends[0]) == depends[1]):
            content, headers = hit[0], hit[1]
            response = HttpResponse(content)
            # A hit skips the middlewares below this one; the entry carries their headers.
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "HIT"
            return response
        response = self.get_response(request)
        marked = getattr(response, _ATTR, None)
        if (
            marked is not None
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            shorter, depends = marked
            headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
            cache.set(key, (response.content, headers, depends), min(seconds, shorter or seconds))
            response["X-Cache"] = "MISS"
        return response
