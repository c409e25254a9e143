"""无障碍浏览: the toolbar's settings, with and without JavaScript, persist and reset."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.browser import wait_until
from tests.conftest import make_article
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.web.a11y import COOKIE, Prefs, apply_form


def test_preferences_round_trip_and_ignore_garbage() -> None:
    p = Prefs.parse("t150-cdark-l-p-g-s-o")
    assert (p.scale, p.contrast, p.spacing, p.pointer, p.guide, p.speak, p.open) == (
        150,
        "dark",
        True,
        True,
        True,
        True,
        True,
    )
    assert Prefs.parse(p.serialize()) == p
    assert Prefs.parse("t999-cpink-<script>-" + "x" * 500) == Prefs()
    assert p.html_class() == "a11y-t-150"
    assert p.body_classes() == "a11y-c-dark a11y-spacing a11y-pointer a11y-guide a11y-speak"


def test_text_size_steps_stop_at_one_and_two() -> None:
    p = Prefs()
    for _ in range(10):
        p = apply_form(p, {"t": "up"})
    assert p.scale == 200
    for _ in range(10):
        p = apply_form(p, {"t": "down"})
    assert p.scale == 100


@pytest.mark.django_db
def test_the_toolbar_works_without_javascript(client: Client, writer: Creator) -> None:
    a = make_article(writer, "无脚本也能用")
    url = a.get_absolute_url()
    assert client.get(f"/accessibility/set/?open=1&next={url}")["Location"] == url
    html = client.get(url).content.decode()
    assert '<section id="a11y-toolbar"' in html and 'aria-labelledby="a11y-toolbar-h">' in html  # not hidden
    client.get(f"/accessibility/set/?t=up&next={url}")
    client.get(f"/accessibility/set/?c=dark&next={url}")
    client.get(f"/accessibility/set/?g=1&next={url}")
    assert client.cookies[COOKIE].value == "t110-cdark-g-o"
    html = client.get(url).content.decode()
    assert '<html lang="zh-Hans" class="a11y-t-110">' in html
    assert '<body class="a11y-c-dark a11y-guide' in html
    assert 'data-a11y="contrast-dark" aria-pressed="true"' in html
    client.get(f"/accessibility/set/?reset=1&next={url}")
    html = client.get(url).content.decode()
    assert "a11y-c-dark" not in html and "a11y-t-110" not in html
    client.get(f"/accessibility/set/?open=0&next={url}")
    assert COOKIE not in client.cookies or client.cookies[COOKIE].value == ""


@pytest.mark.django_db
def test_each_setting_gets_its_own_cached_page(client: Client, writer: Creator) -> None:
    a = make_article(writer, "缓存要分开")
    assert client.get(a.get_absolute_url())["X-Cache"] == "MISS"
    client.cookies[COOKIE] = "cdark"
    dark = client.get(a.get_absolute_url())
    assert dark["X-Cache"] == "MISS" and "a11y-c-dark" in dark.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("spec_channels")
def test_the_toolbar_changes_the_page_at_once_and_the_settings_persist(browser, live_server, writer: Creator) -> None:  # type: ignore[no-untyped-def]
    a: Article = make_article(writer, "工具栏测试", body="第一句话。第二句话！\n\n## 小标题\n\n第三句话？")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}{a.get_absolute_url()}")
    body_px = "parseFloat(getComputedStyle(document.querySelector('.article-body p')).fontSize)"
    base = page.evaluate(body_px)

    page.keyboard.press("Tab")  # skip link
    page.click("#a11y-open")
    assert page.is_visible("#a11y-toolbar")
    assert page.evaluate("document.activeElement.dataset.a11y") == "text-up"  # focus moved into the toolbar
    for _ in range(7):
        page.click('[data-a11y="text-up"]')
    assert page.evaluate(body_px) == pytest.approx(base * 2, rel=0.02)  # stops at 2.0×
    page.click('[data-a11y="contrast-dark"]')
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(0, 0, 0)"
    assert page.get_attribute('[data-a11y="contrast-dark"]', "aria-pressed") == "true"
    page.click('[data-a11y="spacing"]')
    assert page.evaluate(
        "(() => { const s = getComputedStyle(document.body); return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()"
    ) == pytest.approx(2.2, rel=0.02)
    page.click('[data-a11y="pointer"]')
    assert "cursor-large.svg" in page.evaluate("getComputedStyle(document.body).cursor")
    page.click('[data-a11y="guide"]')
    page.mouse.move(300, 420)
    top = page.evaluate("parseFloat(document.getElementById('a11y-guide').style.top)")
    assert 410 <= top <= 420
    page.click('[data-a11y="speak"]')
    assert (
        "朗读" in page.inner_text("#a11y-status") or page.get_attribute('[data-a11y="speak"]', "aria-pressed") == "true"
    )

    # The settings persist to the next page (rendered by the server, no flash) …
    page.goto(f"{live_server.url}/")
    classes = page.evaluate("document.documentElement.className + ' ' + document.body.className")
    for cls in ("a11y-t-200", "a11y-c-dark", "a11y-spacing", "a11y-pointer", "a11y-guide", "a11y-speak"):
        assert cls in classes
    assert page.is_visible("#a11y-toolbar")
    # … and one button resets them all.
    page.click('[data-a11y="reset"]')
    classes = page.evaluate("document.documentElement.className + ' ' + document.body.className")
    assert "a11y-" not in classes
    page.reload()
    assert "a11y-" not in page.evaluate("document.documentElement.className + ' ' + document.body.className")
    page.click('[data-a11y="close"]')
    assert not page.is_visible("#a11y-toolbar")
    assert errors == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("spec_channels")
def test_read_aloud_says_plainly_when_the_browser_has_no_voice(browser, live_server, writer: Creator) -> None:  # type: ignore[no-untyped-def]
    a = make_article(writer, "朗读测试", body="第一句话。第二句话！")
    page = browser.new_page()
    page.goto(f"{live_server.url}{a.get_absolute_url()}")
    assert page.is_visible('[data-tts="play"]')
    if page.evaluate("speechSynthesis.getVoices().length") == 0:
        page.click('[data-tts="play"]')
        assert "没有可用的朗读语音" in page.inner_text("#tts-status")
    page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("spec_channels")
def test_read_aloud_highlights_each_sentence_in_turn(browser, live_server, writer: Creator) -> None:  # type: ignore[no-untyped-def]
    """This machine has no speech voices, so the test gives the page a stand-in speech engine
    (the Web Speech API's shape, finishing each utterance after 50 ms) and checks our part:
    sentences in order, the current one highlighted, pause/stop states, links kept intact."""
    a = make_article(writer, "逐句朗读", body="第一句话。第二句有[链接](/u/liwei/)！\n\n第三句话？")
    context = browser.new_context()
    context.add_init_script(
        """
        (() => {
          const spoken = [];
          window.__spoken = spoken;
          window.__lit = [];
          const voice = {lang: 'zh-CN', name: 'stand-in', default: true, localService: true, voiceURI: 'x'};
          const engine = {
            paused: false, speaking: false, onvoiceschanged: null,
            getVoices: () => [voice],
            speak(u) {
              const h = CSS.highlights.get('tts');
              spoken.push(u.text);
              window.__lit.push(h ? [...h][0].toString().trim() : '');
              this.speaking = true;
                       setTimeout(() => { this.speaking = false; u.onend && u.onend(); }, 50); },
            cancel() { this.speaking = false; }, pause() { this.paused = true; }, resume() { this.paused = false; },
          };
          Object.defineProperty(window, 'speechSynthesis', {value: engine});
          window.SpeechSynthesisUtterance = function (text) { this.text = text; };
        })();
        """
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{a.get_absolute_url()}")
    page.click('[data-tts="play"]')
    wait_until(page, "window.__spoken.length >= 4")
    sentences = ["逐句朗读", "第一句话。", "第二句有链接！", "第三句话？"]
    assert page.evaluate("window.__spoken")[:4] == sentences
    # While each sentence was being spoken, exactly that sentence was highlighted.
    assert page.evaluate("window.__lit")[:4] == sentences
    wait_until(page, "document.getElementById('tts-status').textContent.includes('朗读完毕')")
    assert page.evaluate("document.querySelector('.article-body a').getAttribute('href')") == "/u/liwei/"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("spec_channels")
def test_the_toolbar_and_the_join_flow_work_by_keyboard_alone(browser, live_server, writer: Creator) -> None:  # type: ignore[no-untyped-def]
    make_article(writer, "键盘用户的文章")
    page = browser.new_page()
    page.goto(f"{live_server.url}/join/")

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # Open the toolbar from the header link, enlarge the text with the keyboard, then reset.
    tab_to("#a11y-open")
    page.keyboard.press("Enter")
    assert page.is_visible("#a11y-toolbar")
    assert page.evaluate("document.activeElement.dataset.a11y") == "text-up"
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    assert "a11y-t-125" in page.evaluate("document.documentElement.className")
    assert "125%" in page.inner_text("[data-a11y-scale]")
    tab_to('[data-a11y="reset"]')
    page.keyboard.press("Enter")
    assert "a11y-t" not in page.evaluate("document.documentElement.className")
    tab_to('[data-a11y="close"]')
    page.keyboard.press("Enter")
    assert not page.is_visible("#a11y-toolbar")
    assert page.evaluate("document.activeElement.id") == "a11y-open"  # focus goes back to the opener

    # 申请入驻: from the join page to the sign-in form, by keyboard.
    tab_to('a[href="/accounts/login/?next=/join/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/accounts/login/?next=/join/")
    tab_to("#id_username")
    page.close()


@given(st.text(max_size=200))
def test_any_cookie_value_parses_without_error_and_round_trips(raw: str) -> None:
    prefs = Prefs.parse(raw)
    assert Prefs.parse(prefs.serialize()) == prefs
    assert 100 <= prefs.scale <= 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "t=sideways",
        "c=%3Cscript%3E",
        "open=maybe",
        "reset=",
        "next=javascript:alert(1)",
        "l=1&l=2&t=up&t=down",
        "%ff=%fe",
    ],
)
def test_broken_toolbar_queries_never_fail(client: Client, query: str) -> None:
    response = client.get(f"/accessibility/set/?{query}")
    assert response.status_code == 302
    assert not response["Location"].startswith("javascript:")
