"""Lists like a portal, as a reader's browser shows them (issue 13.2): no layout shift when the
thumbnails arrive, near-black titles with a non-colour cue on hover and focus, one scrolling row
of tabs on a phone, creator names never broken mid-name."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image as PILImage

from tests.browser import wait_until
from tests.conftest import make_article
from tidings.articles import images
from tidings.creators.models import Creator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLS_JS = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
  setTimeout(() => resolve(total), 300);
})"""


def pictured_site() -> Creator:
    pics = []
    for i in range(3):
        buf = io.BytesIO()
        PILImage.new("RGB", (900, 600), (60 * i, 120, 90)).save(buf, "PNG")
        pics.append(images.add_image(buf.getvalue(), name=f"p{i}.png", by=None))
    writer = Creator.objects.create(handle="chongqing", name="重庆数码观察员")
    now = timezone.now()
    for n in range(8):
        body = "\n\n".join(["正文。"] + [f"![图]({settings.MEDIA_URL}{p.path})" for p in pics[: 1 + n % 3]])
        make_article(writer, f"第{n}篇：芯片产业的新变化", body=body, published_at=now - dt.timedelta(minutes=n + 1))
    return writer


def test_thumbnails_take_their_place_before_they_load(browser, live_server, spec_channels: None) -> None:  # type: ignore[no-untyped-def]
    pictured_site()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    # Each picture arrives late, after the text has been laid out.
    page.route("**/media/**", lambda route: (time.sleep(0.4), route.continue_()))
    page.goto(f"{live_server.url}/u/chongqing/")
    wait_until(page, "[...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)")
    shift = page.evaluate(CLS_JS)
    sizes = page.evaluate(
        "[...document.querySelectorAll('.thumbs img')].slice(0, 4).map(i => [i.currentSrc, i.getBoundingClientRect().width, i.getBoundingClientRect().height])"
    )
    context.close()
    assert shift == 0, f"the layout shifted by {shift} as the pictures arrived"
    assert len(sizes) == 4
    for src, width, height in sizes:
        assert src.endswith(("-240x160.webp", "-480x320.webp")) and round(width / height, 2) == 1.5


def test_titles_are_near_black_and_underline_on_hover_and_focus(browser, live_server, spec_channels: None) -> None:  # type: ignore[no-untyped-def]
    pictured_site()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/u/chongqing/")
    title = page.locator(".stream-title a").first
    style = "el => [getComputedStyle(el).color, getComputedStyle(el).textDecorationLine]"
    assert title.evaluate(style) == ["rgb(26, 26, 26)", "none"]
    title.hover()
    hovered = title.evaluate(style)
    page.mouse.move(0, 0)
    page.keyboard.press("Tab")
    while not page.evaluate("document.activeElement.matches('.stream-title a')"):
        page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.textDecorationLine, s.outlineStyle]; })()"
    )
    context.close()
    assert hovered == ["rgb(179, 19, 27)", "underline"]  # colour and a non-colour cue
    assert focused == ["underline", "solid"]


def test_tab_rows_scroll_sideways_on_a_phone_and_names_stay_whole(browser, live_server, spec_channels: None) -> None:  # type: ignore[no-untyped-def]
    pictured_site()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    for url, row in (("/", ".channel-nav ul"), ("/hot/", ".hot-channels ul")):
        page.goto(live_server.url + url)
        box = page.evaluate(
            "(sel) => { const el = document.querySelector(sel); const items = [...el.children].map(c => c.getBoundingClientRect().top);"
            " return {scroll: el.scrollWidth, client: el.clientWidth, tops: new Set(items).size, doc: document.documentElement.scrollWidth}; }",
            row,
        )
        assert box["tops"] == 1, f"{url}: the tabs wrap onto {box['tops']} lines"
        assert box["scroll"] > box["client"] and box["doc"] <= 390, f"{url}: {box}"
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(live_server.url + "/u/chongqing/")
    lines = page.evaluate(
        "[...document.querySelectorAll('.who')].filter(e => e.textContent.trim() === '重庆数码观察员')"
        ".map(e => new Set([...e.getClientRects()].map(r => Math.round(r.top))).size)"
    )
    context.close()
    assert lines and set(lines) == {1}, f"a creator name broke across lines: {lines}"
