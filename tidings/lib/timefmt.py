"""Times are stored in UTC and shown in the site's zone as YYYY-MM-DD HH:MM:SS (contract)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings


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
