"""Times as Chinese portals show them (lists) and references' dates, with "now" passed in."""

from __future__ import annotations

import datetime as dt

import pytest

from tidings.lib.timefmt import has_han, portal_time, reference_date

UTC = dt.UTC
# 2026-06-15 12:00:00 in Asia/Shanghai (the test settings' zone).
NOW = dt.datetime(2026, 6, 15, 4, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (dt.timedelta(seconds=0), "刚刚"),
        (dt.timedelta(seconds=59), "刚刚"),
        (dt.timedelta(seconds=60), "1分钟前"),
        (dt.timedelta(minutes=59, seconds=59), "59分钟前"),
        (dt.timedelta(hours=1), "1小时前"),
        (dt.timedelta(hours=23, minutes=59), "23小时前"),
        (dt.timedelta(hours=24), "06-14 12:00"),
        (dt.timedelta(days=30, minutes=5), "05-16 11:55"),
    ],
)
def test_it_shows_recent_times_relative_then_month_day_and_minute(ago: dt.timedelta, shown: str) -> None:
    assert portal_time(NOW - ago, NOW) == shown


def test_it_shows_only_the_date_for_another_year_in_the_site_zone() -> None:
    # 2025-12-31 17:00 UTC is already 2026-01-01 01:00 in Shanghai: this year there.
    new_year = dt.datetime(2026, 1, 3, tzinfo=UTC)
    assert portal_time(dt.datetime(2025, 12, 31, 17, 0, tzinfo=UTC), new_year) == "01-01 01:00"
    assert (
        portal_time(dt.datetime(2025, 12, 31, 15, 0, tzinfo=UTC), dt.datetime(2026, 1, 2, tzinfo=UTC)) == "2025-12-31"
    )


def test_it_shows_a_time_ahead_of_now_as_an_absolute_time() -> None:
    assert portal_time(NOW + dt.timedelta(seconds=30), NOW) == "刚刚"
    assert portal_time(NOW + dt.timedelta(hours=2), NOW) == "06-15 14:00"


def test_it_shows_nothing_for_no_time() -> None:
    assert portal_time(None, NOW) == ""


def test_a_reference_dated_midnight_in_the_site_zone_shows_as_a_bare_date() -> None:
    assert reference_date(dt.datetime(2026, 3, 1, 16, 0, tzinfo=UTC)) == "2026-03-02"
    assert reference_date(dt.datetime(2026, 3, 1, 0, 0, tzinfo=UTC)) == "2026-03-01 08:00:00"
    assert reference_date(None) == ""


def test_it_tells_chinese_titles_from_latin_ones() -> None:
    assert has_han("城市更新白皮书")
    assert has_han("The 2026 城市 report")
    assert not has_han("World Urbanization Prospects")
    assert not has_han("")
