"""What a person sees, in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import re

import pytest

from tidings.articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(transactional_db: None) -> Article:
    from tidings.demo.generator import generate

    generate(articles=40, creators=6, seed=3)
    return (
        Article.objects.published()
        .filter(lang="zh-Hans", references__isnull=False, channel__kind="news")
        .order_by("-hot_score")
        .first()
    )  # type: ignore[return-value]


def test_a_reader_sees_the_article_page_as_the_spec_describes(browser, live_server, demo_site: Article) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/a/{demo_site.pk}/")

    assert page.locator("h1").inner_text() == demo_site.title
    assert page.locator("nav.breadcrumb a").count() == 3
    assert page.get_by_role("link", name="申请入驻").first.is_visible()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", page.locator(".meta-time").inner_text())
    assert page.locator(".comment-count").is_visible()
    # 分享至 微信: the QR code opens, and is a real SVG image the browser decoded.
    page.get_by_text("微信", exact=True).click()
    qr = page.locator(".qr-panel img")
    assert qr.is_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 50", qr.element_handle())
    assert page.locator(".article-body h2").count() >= 2
    images = page.locator(".article-body img")
    for i in range(images.count()):
        assert images.nth(i).get_attribute("alt")
    assert page.locator(".references li").count() >= 1
    assert page.locator(".notice").inner_text().count("Tidings") >= 1
    assert page.locator(".related-list li").count() >= 5
    assert page.locator(".hot-list li").count() >= 20
    assert page.locator(".creator-card .creator-stats").is_visible()
    assert page.locator(".box").count() == 6
    # 态度原创 tabs: the script turned the sections into a tab list; a click switches panels.
    tabs = page.get_by_role("tab")
    assert tabs.count() == 5
    tabs.nth(2).click()
    assert page.locator(".tab-panel").nth(2).is_visible()
    assert not page.locator(".tab-panel").nth(0).is_visible()
    assert errors == []

    # 进入关怀版 → larger text, and it persists to the next page.
    page.locator(".a11y-block .care-toggle").click()
    page.wait_for_load_state()
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    page.goto(f"{live_server.url}/")
    assert "care" in page.evaluate("document.body.className")
    page.close()


def test_the_article_page_fits_a_320px_phone(browser, live_server, demo_site: Article) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{live_server.url}/a/{demo_site.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.locator("h1").is_visible()
    page.close()
