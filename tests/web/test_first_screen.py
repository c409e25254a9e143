"""A phone's first screen (issue 13.4): a compact header (brand, search, 菜单) whose menu works
without JavaScript, one scrolling row of channel tabs, and the article body starting high on a
390×844 screen: its first line above 60 % of it in normal mode and on the first screen in care
mode. Read-aloud is one control that becomes 暂停 / 继续, with 停止 beside it while reading; the
share bar has 复制链接 and no link box."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import wait_until
from tests.conftest import make_article
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.web.pagecache import CARE_COOKIE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# A title at the studio's 30-character limit, a creator with a long name and a 原创 mark: the
# longest first screen an article has.
TITLE = "国产芯片实验室探访：一块晶圆从切割到封装的旅程与背后的人"
BODY = "记者走进一家芯片实验室，记录一块晶圆从切割到封装的全过程。这是正文的第一行。\n\n第二段。"

FIRST_LINE_JS = """() => {
  const p = document.querySelector('.article-body p');
  const r = document.createRange();
  r.selectNodeContents(p);
  return r.getClientRects()[0].top + window.scrollY;
}"""


@pytest.fixture
def story(spec_channels: None) -> Article:
    writer = Creator.objects.create(handle="xinpian", name="重庆数码观察", motto="")
    assert len(TITLE) == 28
    return make_article(writer, TITLE, body=BODY, original=True)


def phone(browser: Any, base: str, *, care: bool = False, js: bool = True) -> Any:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=js, device_scale_factor=2)
    if care:
        context.add_cookies([{"name": CARE_COOKIE, "value": "1", "url": base}])
    return context


@pytest.mark.parametrize(("care", "limit"), [(False, 0.6 * 844), (True, 844)])
def test_the_article_body_starts_high_on_a_phones_first_screen(
    browser: Any, live_server: Any, story: Article, care: bool, limit: float
) -> None:
    context = phone(browser, live_server.url, care=care)
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    wait_until(page, "!document.getElementById('tts').hidden")  # scripts have run: the page is as it stays
    assert page.evaluate("document.body.classList.contains('care')") == care
    top = page.evaluate(FIRST_LINE_JS)
    context.close()
    assert top < limit, (
        f"the body's first line starts at {top:.0f}px ({'care' if care else 'normal'} mode), not above {limit:.0f}px"
    )


def test_the_phone_header_is_one_row_of_brand_search_and_menu(browser: Any, live_server: Any, story: Article) -> None:
    context = phone(browser, live_server.url)
    page = context.new_page()
    page.goto(live_server.url + "/")
    tops = page.evaluate(
        "['.brand', '.site-search', '.site-menu > summary'].map(s => document.querySelector(s).getBoundingClientRect())"
        ".map(r => [Math.round(r.top + r.height / 2), r.height])"
    )
    links_shown = page.is_visible("a.care-toggle >> nth=0")
    header = page.evaluate("document.querySelector('.header-row').getBoundingClientRect().height")
    nav = page.evaluate(
        "(() => { const ul = document.querySelector('.channel-nav ul');"
        " return {lines: new Set([...ul.children].map(li => li.getBoundingClientRect().top)).size, scrolls: ul.scrollWidth > ul.clientWidth}; })()"
    )
    page.click(".site-menu > summary")
    opened = page.is_visible(".site-menu a.care-toggle") and page.is_visible(".site-menu a[href^='/accounts/login/']")
    context.close()
    middles = {t[0] for t in tops}
    assert max(middles) - min(middles) <= 4, f"brand, search and 菜单 are not on one row: {tops}"
    assert header < 64, f"the header row is {header}px tall"
    assert not links_shown, "the menu's links should be folded away on a phone"
    assert nav == {"lines": 1, "scrolls": True}
    assert opened, "菜单 did not show the menu's links"


def test_the_menu_opens_without_javascript(browser: Any, live_server: Any, story: Article) -> None:
    context = phone(browser, live_server.url, js=False)
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    assert not page.is_visible(".site-menu a.care-toggle")
    page.click(".site-menu > summary")
    assert page.is_visible(".site-menu a.care-toggle")
    with page.expect_navigation():
        page.click(".site-menu a.care-toggle")
    assert page.evaluate("document.body.classList.contains('care')")
    context.close()


def test_a_wide_screen_shows_the_menus_links_without_a_menu_button(
    browser: Any, live_server: Any, story: Article
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert not page.is_visible(".site-menu > summary")
    assert page.is_visible(".site-menu a.care-toggle") and page.is_visible(".site-menu #a11y-open")
    context.close()


STAND_IN_SPEECH = """
(() => {
  window.__spoken = [];
  const voice = {lang: 'zh-CN', name: 'stand-in', default: true, localService: true, voiceURI: 'x'};
  const engine = {
    paused: false, speaking: false, onvoiceschanged: null, getVoices: () => [voice],
    speak(u) { window.__spoken.push(u.text); this.current = u; },  // never ends by itself
    cancel() { this.current = null; }, pause() { this.paused = true; }, resume() { this.paused = false; },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: engine});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""


def test_read_aloud_is_one_control_that_becomes_pause_and_stop(browser: Any, live_server: Any, story: Article) -> None:
    context = phone(browser, live_server.url)
    context.add_init_script(STAND_IN_SPEECH)
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    play, stop = page.locator('[data-tts="play"]'), page.locator('[data-tts="stop"]')

    def state() -> tuple[str, bool]:
        return play.inner_text(), stop.is_visible()

    assert page.locator("#tts button:visible").count() == 1
    assert state() == ("朗读全文", False)
    play.click()
    assert state() == ("暂停", True) and play.get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.__spoken") == [TITLE]
    play.click()
    assert state() == ("继续", True) and page.evaluate("speechSynthesis.paused")
    play.click()
    assert state() == ("暂停", True) and not page.evaluate("speechSynthesis.paused")
    stop.click()
    assert state() == ("朗读全文", False)
    assert page.inner_text("#tts-status") == "已停止"
    context.close()


def test_the_share_bar_copies_the_link_without_a_link_box(browser: Any, live_server: Any, story: Article) -> None:
    context = phone(browser, live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    assert page.locator(".engagement-bar input:not([type=hidden])").count() == 0
    page.click(".copy-link")
    wait_until(page, "document.querySelector('.copy-link').textContent === '已复制'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert page.url == live_server.url + story.get_absolute_url()  # the link did not navigate
    context.close()
    assert copied == live_server.url + story.get_absolute_url()
