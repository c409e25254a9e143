"""The 微信 share popover scans: in chromium the QR shows at 160 CSS px or more with its caption
on one line, and a real decoder (zxing-cpp) reads the article's URL from a screenshot of it."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from tests.conftest import make_article
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.web.pagecache import CARE_COOKIE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(spec_channels: None) -> Article:
    writer = Creator.objects.create(handle="liwei", name="李伟")
    return make_article(writer, "城市更新让老街区焕发新活力")


@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_the_wechat_popover_shows_a_qr_code_that_scans_to_the_article(  # type: ignore[no-untyped-def]
    browser, live_server, story: Article, care: bool
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if care:
        context.add_cookies([{"name": CARE_COOKIE, "value": "1", "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    assert ("care" in page.evaluate("document.body.className")) is care

    page.locator(".share-wechat summary").click()
    panel = page.locator(".qr-panel")
    img = panel.locator("img")
    assert img.is_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", img.element_handle())
    box = img.bounding_box()
    assert box and box["width"] >= 160 and box["height"] >= 160

    caption = panel.locator("p")
    assert caption.inner_text() == "用微信扫码分享"
    height, line = page.evaluate(
        """p => { const s = getComputedStyle(p); const lh = parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize);
                  return [p.getBoundingClientRect().height, lh]; }""",
        caption.element_handle(),
    )
    assert height < 1.5 * line, f"the caption wraps: {height}px high for a {line}px line"
    # The whole popover lies within the viewport, so a phone camera sees all of it.
    panel_box = panel.bounding_box()
    assert panel_box and panel_box["x"] >= 0 and panel_box["x"] + panel_box["width"] <= 1280

    shot = Image.open(io.BytesIO(panel.screenshot()))
    results = zxingcpp.read_barcodes(shot)
    assert [r.text for r in results] == [f"{live_server.url}{story.get_absolute_url()}"]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    context.close()
