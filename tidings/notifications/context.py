"""The header's unread count: at most one query per signed-in page view, none for anyone else.

Signed-in pages are never served from the anonymous page cache (tidings.web.pagecache skips every
request that carries a session cookie), so the count is rendered into the header itself: no
script, no second request. Anonymous pages never call it: their header has no 消息 link.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tidings.accounts.access import is_signed_in
from tidings.notifications.actions import UNREAD_CAP, unread_count

_ATTR = "_tidings_unread"


def unread_for(request: HttpRequest) -> int:
    """The signed-in person's unread count, capped at UNREAD_CAP, read once per request."""
    known = getattr(request, _ATTR, None)
    if known is None:
        user: Any = getattr(request, "user", None)
        known = unread_count(user, cap=UNREAD_CAP) if is_signed_in(user) else 0
        setattr(request, _ATTR, known)
    return int(known)


def remember_unread(request: HttpRequest, count: int) -> None:
    """A page that counted already (/notifications/), or one that must not ask the database (500)."""
    setattr(request, _ATTR, count)
