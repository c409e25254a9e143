"""Relative times in cached pages do not go stale: site.js recomputes them from the datetime
attribute when the page loads and every minute after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser import wait_until
from tests.conftest import make_article
from tidings.creators.models import Creator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_script_moves_relative_times_on_as_the_minutes_pass(browser, live_server, spec_channels: None) -> None:  # type: ignore[no-untyped-def]
    writer = Creator.objects.create(handle="liwei", name="李伟")
    published = timezone.now() - dt.timedelta(minutes=5, seconds=10)
    story = make_article(writer, "五分钟前的新闻", published_at=published)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    # The reader's clock is 20 minutes past the server's render: as if the page came from a cache.
    page.clock.install(time=published + dt.timedelta(minutes=25, seconds=10))
    page.goto(f"{live_server.url}/")
    label = page.locator(f'.stream a[href="{story.get_absolute_url()}"]').first.locator("xpath=../..").locator("time")
    wait_until(page, "document.querySelector('time[data-ago]') !== null")
    assert label.inner_text() == "25分钟前"
    page.clock.run_for(60_000)
    assert label.inner_text() == "26分钟前"
    page.clock.run_for(3_600_000)
    assert label.inner_text() == "1小时前"
    context.close()
