"""退出关怀版 is at least as large as its neighbours (issue 13.11), measured in a browser."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.web.pagecache import CARE_COOKIE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES_JS = """() => [...document.querySelectorAll('.site-menu-body a, .site-menu-body button, .site-footer a')]
  .filter(el => el.getBoundingClientRect().width > 0)
  .map(el => ({care: el.classList.contains('care-toggle'), where: el.closest('footer') ? 'footer' : 'header',
               text: el.textContent.trim(), font: parseFloat(getComputedStyle(el).fontSize),
               height: el.getBoundingClientRect().height}))"""


@pytest.mark.parametrize("width", [1366, 390])
def test_leaving_care_mode_is_at_least_as_large_as_its_neighbours(
    browser: Any, live_server: Any, spec_channels: None, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": CARE_COOKIE, "value": "1", "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/")
    if width < 768:
        page.click(".site-menu > summary")
    links = page.evaluate(SIZES_JS)
    context.close()
    for where in ("header", "footer"):
        exits = [link for link in links if link["where"] == where and link["care"]]
        others = [link for link in links if link["where"] == where and not link["care"]]
        assert exits and exits[0]["text"] == "退出关怀版" and others
        for other in others:
            assert exits[0]["font"] >= other["font"], (where, exits[0], other)
            assert exits[0]["height"] >= other["height"] - 0.5, (where, exits[0], other)
