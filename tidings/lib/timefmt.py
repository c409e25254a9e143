"""Times are stored in UTC and shown in the site's zone as YYYY-MM-DD HH:MM:SS (contract); lists
show them as Chinese portals do (portal_time), references without a meaningless midnight."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@lru_cache(maxsize=1)
def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(site_zone()).strftime("%Y-%m-%d %H:%M:%S")


def iso(value: dt.datetime | None) -> str:
    """For <time datetime="…">: ISO 8601 as stored (UTC)."""
    return value.isoformat() if value else ""


def portal_time(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """刚刚 (under a minute), N分钟前 (under an hour), N小时前 (under a day), then MM-DD HH:MM
    within the current year, YYYY-MM-DD before it; all in the site's zone. A time more than a
    minute ahead (a clock skew, a scheduled article in the studio) shows absolute.
    static/js/site.js refreshes these labels with the same rules."""
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = (now - value).total_seconds()
    if -60 < seconds < 60:
        return gettext("刚刚")
    if 0 < seconds < 3600:
        return gettext("%(n)s分钟前") % {"n": int(seconds // 60)}
    if 0 < seconds < 86400:
        return gettext("%(n)s小时前") % {"n": int(seconds // 3600)}
    local = value.astimezone(site_zone())
    if local.year == now.astimezone(site_zone()).year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


def reference_date(value: dt.datetime | None) -> str:
    """A cited source's date: a bare date (00:00:00 in the site's zone) shows as YYYY-MM-DD."""
    if value is None:
        return ""
    local = value.astimezone(site_zone())
    if local.time() == dt.time(0, 0):
        return local.strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M:%S")


def has_han(text: str) -> bool:
    """A title with Chinese characters is cited in 《》, not in italics."""
    return bool(_HAN.search(text or ""))
