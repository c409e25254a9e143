"""跟帖 in a real browser (issue 11.12): a signed-in reader posts, replies and votes with the
keyboard alone on the article page, whose comment section is loaded by comments.js; errors are
announced and keep the typed text."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.comments.conftest import commenter
from tests.conftest import make_article, make_writer
from tidings.comments import actions
from tidings.comments.models import Comment, Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_for(user) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c.cookies["sessionid"].value


def tab_to(page, selector: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_posting_replying_and_voting_by_keyboard(browser, live_server, spec_channels, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_INTERVAL_SECONDS = 0
    story = make_article(make_writer("jianpan"), "键盘也能跟帖")
    other = commenter("qita")
    first = actions.post_comment(other, story, "先来一条").comment
    reader = commenter("jianpanxia")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session_for(reader), "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server.url}/a/{story.pk}/")
        page.wait_for_selector("#comments form[data-comment-form]")

        # An empty post is refused on the page, announced, and the focus moves to the message.
        tab_to(page, "#comments form[data-comment-form] button[type=submit]")
        page.keyboard.press("Enter")
        alert = page.locator("#comments [data-comment-error]")
        assert alert.inner_text() == "请输入跟帖内容。" and alert.get_attribute("role") == "alert"

        # Post: type into the box, submit with Enter on the button.
        tab_to(page, "#comments textarea")
        page.keyboard.type("用键盘发的第一条跟帖")
        tab_to(page, "#comments form[data-comment-form] button[type=submit]")
        with page.expect_response(lambda r: r.url.endswith("/comments/post/")):
            page.keyboard.press("Enter")
        page.wait_for_selector("text=用键盘发的第一条跟帖")
        assert Comment.objects.filter(author=reader, body="用键盘发的第一条跟帖").exists()
        assert page.locator("#comments textarea").first.input_value() == ""

        # Vote 顶 on the other reader's comment with Space; pressed state and count change.
        up = f"#c{first.pk} .vote-up"
        tab_to(page, up)
        with page.expect_response(lambda r: r.url.endswith("/vote/")):
            page.keyboard.press("Space")
        page.wait_for_function(f"document.querySelector('{up}').getAttribute('aria-pressed') === 'true'")
        assert page.locator(f"{up} [data-up]").inner_text() == "1"
        assert Vote.objects.get(comment=first, user=reader).value == 1

        # Reply: the 回复 link opens a form under the comment with the focus in its box.
        tab_to(page, f"#c{first.pk} .reply-link")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
        page.keyboard.type("回复先来的那位")
        page.keyboard.press("Tab")
        with page.expect_response(lambda r: r.url.endswith("/comments/post/")):
            page.keyboard.press("Enter")
        page.wait_for_selector("text=回复先来的那位")
        reply = Comment.objects.get(body="回复先来的那位")
        assert reply.parent_id == first.pk
        # The new reply shows the floor it answers.
        node = page.locator(f"#c{reply.pk}")
        assert "1楼" in node.locator(".floors").inner_text() and "先来一条" in node.inner_text()
        assert errors == []
    finally:
        context.close()


def test_without_javascript_the_article_links_to_the_full_list_which_works(
    browser, live_server, spec_channels, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_INTERVAL_SECONDS = 0
    story = make_article(make_writer("wujs"), "不用脚本也能跟帖")
    reader = commenter("wujsduzhe")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": session_for(reader), "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/a/{story.pk}/")
        page.get_by_role("link", name="查看全部 0 条跟帖").click()
        page.fill("textarea[name=body]", "没有脚本发的")
        page.get_by_role("button", name="发表").click()
        assert "跟帖发表成功" in page.content() and "没有脚本发的" in page.content()
        c = Comment.objects.get(body="没有脚本发的")
        page.locator(f"#c{c.pk} .reply-link").click()
        assert page.locator("#replying-h").is_visible()
        page.fill("textarea[name=body]", "")
        page.get_by_role("button", name="发表").click()
        assert "请输入跟帖内容" in page.content()
        assert page.locator("input[name=parent]").get_attribute("value") == str(c.pk)
    finally:
        context.close()
