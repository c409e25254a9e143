"""The site generation: one counter that every publish, edit or take-down bumps.

The anonymous page cache (tidings.web.pagecache) and the site-block cache (tidings.discovery.blocks)
key their entries by it, so one `invalidate_site()` makes all of them stale at once where the cache
is shared (Redis), and within their lifetime where it is per process. It lives at the bottom of the
layers so that every write action can call it without importing the web layer.
"""

from __future__ import annotations

from django.core.cache import cache

GENERATION_KEY = "site:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    return int(value) if value is not None else 0


def invalidate_site() -> None:
    """Every cached page and site block is stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)
