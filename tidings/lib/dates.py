"""The one parser for dates and times that people type or files carry (studio, API, importer).

ISO 8601 dates and date-times (a trailing Z too); no zone means the site's zone
(settings.TIME_ZONE), a bare date 00:00 there. Years are limited to 1900–9998: 0001-01-01 or
9999-12-31 overflow once moved to UTC, and no article or source is dated outside them.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

FIRST_YEAR, LAST_YEAR = 1900, 9998
ISO_HINT = "例如 2024-05-01、2024-05-01 08:30 或 2024-05-01T08:30:00+08:00"
ISO_HINT_EN = "expected ISO 8601, e.g. 2024-05-01, 2024-05-01 08:30 or 2024-05-01T08:30:00+08:00"


class BadDate(ValueError):
    """Not a date, or outside the years we keep; str() says which in Chinese, `en` in English
    (for the importer's log)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.en = en


def check_year(moment: dt.date | None) -> None:
    if moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise BadDate(
            f"年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间（现在是 {moment.year} 年）。",
            f"the year {moment.year} is outside {FIRST_YEAR}–{LAST_YEAR}",
        )


def parse_when(value: object) -> dt.datetime | None:
    """A date or date-time (text, or as YAML or a form already parsed it) as an aware UTC time;
    None for blank; BadDate for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    what = f"{value!r}"
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise BadDate(
                f"“{value.strip()[:40]}”不是日期：{ISO_HINT}。", f"{what} is not a date: {ISO_HINT_EN}"
            ) from None
    else:
        raise BadDate(
            f"日期应当是文字（{ISO_HINT}），不是 {type(value).__name__}。",
            f"must be a date, not {type(value).__name__}: {ISO_HINT_EN}",
        )
    check_year(moment)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment.astimezone(dt.UTC)
