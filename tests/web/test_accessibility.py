"""Accessibility, measured in a real browser (issue 5): axe-core's WCAG 2.0/2.1/2.2 A and AA rules on
every reader page in normal and care mode, care mode's elder-friendly (适老化) numbers, reflow and
text spacing, keyboard-only flows, landmarks and headings.

Debian's chromium driven by Playwright, as in tests/test_browser.py; axe-core comes from the npm
package pinned in package.json (`npm ci` at the repository root installs it).

Database: the tests share one demo site and one live server per module (generating the site is
the slow part). pytest-django's `live_server` fixture would make every test that uses it
transactional, and the flush after each such test would delete the shared site; so the module
starts pytest-django's LiveServer itself on committed demo content, and when the module is done
puts the test database back exactly as it found it (what Django's serialized_rollback does). The
tests are marked `django_db` (each in a transaction rolled back at its end) so that pytest-django
creates the test database even when only these tests are selected, and runs them with the other
database tests, before the transactional ones. Only the sign-in test uses `live_server` (it needs
a fresh user) and is transactional.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import modify_settings, override_settings

from tests.browser import fontless_env, launch
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.web.pagecache import CARE_COOKIE

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Every reader page type that exists (issue 5 adds search and the studio when they exist).
PAGES = [
    "home",
    "channel",
    "article-zh",
    "article-en",
    "creator",
    "creators",
    "join",
    "accessibility",
    "login",
    "follow",
    # Accounts and moderation; those in SIGNED_IN are visited with that persona's session.
    "signup",
    "password-reset",
    "join-form",
    "account",
    "report",
    "review",
    "review-application",
    "review-article",
    "review-reports",
    # 原创核查 (issue 12.4): a declared original over an earlier article, the two texts side by side.
    "review-original",
    # 跟帖 (issue 11.12): the comments page (anonymous, and a signed-in reader's newest tab), the report
    # page, and an editor's page of a reported comment (the queue above lists held and reported ones).
    "comments",
    "comments-reader",
    "comment-report",
    "review-comment",
    # The studio, signed in as the Chinese article's creator (its session cookie is set for /studio/ only: see new_context).
    "studio",
    "studio-new",
    "studio-edit",
    "studio-revisions",
    "studio-revision",
    "studio-tokens",
    # 数据中心 and 粉丝 (issue 12), with a fortnight of rolled-up numbers (see studio_pages).
    "studio-data",
    "studio-article-data",
    "studio-fans",
    # 创作者指数 (issue 12.3): the creator's page (a fortnight of snapshots) and the editors' distribution.
    "studio-index",
    "review-creator-index",
    "search",
    "search-empty",
    # Discovery: the hot list, a topic, and a signed-in reader's 推荐 home and feed settings.
    "hot",
    "topic",
    "home-personalised",
    "feed-settings",
    # 收藏 and 浏览历史 (issue 13.9), the same reader's.
    "saved",
    "history",
    # 消息中心 (issue 11.9), the applicant's: a rejection, a 顶 group, a reply, a read 新粉丝 notice.
    "notifications",
    # 我的关注 and the home page's 关注 tab (issue 13.7), the same reader's.
    "following",
    "home-following",
    # The footer's 用户协议 page (issue 13.10); every page's footer is filled in (see `site`).
    "terms",
    # The error pages (issue 13): an unknown address and a withdrawn article.
    "error-404",
    "error-410",
]
# Page types that answer an error status (visited as they are, not as a failure to reach them).
STATUS = {"error-404": 404, "error-410": 410}
# Page type → the demo persona whose session the browser carries on it (see `site`).
SIGNED_IN = {
    "join-form": "applicant",  # rejected once: the editor's reason and the form to correct
    "account": "applicant",
    "report": "applicant",
    "review": "editor",
    "review-application": "editor",
    "review-article": "editor",
    "review-reports": "editor",
    "review-creator-index": "editor",
    "review-original": "editor",
    "comments-reader": "follower",  # wrote one of the comments, 顶'd the pinned one
    "comment-report": "applicant",
    "review-comment": "editor",
    "home-personalised": "follower",  # follows a creator, has read, marked one creator 不感兴趣
    "feed-settings": "follower",
    "saved": "follower",  # has saved the Chinese article
    "history": "follower",  # has read it
    "notifications": "applicant",
    "following": "follower",  # follows the Chinese article's creator
    "home-following": "follower",
}
MODES = ["normal", "care"]

# 适老化 rules for care mode.
CARE_MIN_FONT_PX = 18
CARE_MIN_LINE_HEIGHT = 1.3  # × font size (the site uses 1.8)
CARE_PARAGRAPH_SPACING = 1.3  # × line spacing
MIN_CONTRAST = 4.5
CARE_BODY_CONTRAST = 7.0
MAIN_TARGET_PX = 60
OTHER_TARGET_PX = 44
# Care mode's main targets, measured at 60 × 60 px.
MAIN_TARGETS = [
    ".channel-nav a",  # channel navigation
    'a[href^="/care/"]',  # every 进入/退出关怀版 link, wherever it is on the page
    ".share a",  # share controls: 微博, QQ
    ".share summary",  # share control: 微信
    ".copy-link",  # 复制链接
    ".button.follow",  # 关注
    ".pager a",  # 上一页 / 下一页
]


@dataclass(frozen=True)
class DemoSite:
    url: str
    media: Path
    paths: dict[str, str]
    sessions: dict[str, str]  # persona → session key (SIGNED_IN)


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(site: DemoSite, playwright: Any) -> Iterator[Any]:
    """Chromium for the tests of the demo site. It depends on `site` so that it closes first:
    its idle keep-alive connections must be gone before the live server stops, or their request
    threads touch the shared SQLite connection after the server has stopped sharing it."""
    b = launch(playwright)
    yield b
    b.close()


@pytest.fixture(scope="module")
def site(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DemoSite]:
    """One demo site, committed, served by one live server for the whole module; the database is
    restored to its earlier contents afterwards."""
    from pytest_django.live_server_helper import LiveServer

    from tidings.demo.generator import generate

    media = tmp_path_factory.mktemp("a11y-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        name = str(connection.settings_dict["NAME"])
        in_memory = connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)
        if not in_memory and not os.path.basename(name).startswith("test_"):
            pytest.fail(f"refusing to write the demo site into {name}: it is not a test database")
        before = connection.creation.serialize_db_to_string()
        server = None
        try:
            generate(articles=40, creators=6, seed=3)
            published = Article.objects.published().select_related("creator", "channel")
            queue = moderation_content()
            footer_content()
            zh = (
                published.filter(lang="zh-Hans", references__isnull=False, body_html__contains="<img")
                .order_by("-hot_score")
                .first()
            )
            en = published.filter(lang="en").order_by("-hot_score").first()
            assert zh is not None, "the demo site has no Chinese article with references and images"
            assert en is not None, "the demo site has no English article"
            paths = {
                "home": "/",
                "channel": f"/c/{zh.channel.slug}/",
                "article-zh": f"/a/{zh.pk}/",
                "article-en": f"/a/{en.pk}/",
                "creator": f"/u/{zh.creator.handle}/",
                "creators": "/u/",
                "join": "/join/",
                "accessibility": "/accessibility/",
                "login": "/accounts/login/",
                "follow": f"/u/{zh.creator.handle}/follow/",
                "signup": "/accounts/signup/",
                "password-reset": "/accounts/password/reset/",
                "join-form": "/join/",
                "account": "/accounts/",
                "report": f"/a/{zh.pk}/report/",
                "review": "/review/",
                "review-application": f"/review/applications/{queue['application']}/",
                "review-article": f"/review/articles/{queue['article']}/",
                "review-reports": f"/review/reports/{queue['reported']}/",
                "review-creator-index": "/review/creators/index/",
                "review-original": f"/review/originals/{queue['original']}/",
                "search": f"/search?q={quote(zh.title[:2])}",
                "search-empty": "/search",
                "hot": "/hot/",
                "topic": f"/t/{quote(zh.keywords.order_by('rank').values_list('keyword', flat=True)[0])}/",
                "home-personalised": "/",
                "feed-settings": "/feed/settings/",
                "saved": "/accounts/saved/",
                "history": "/accounts/history/",
                "notifications": "/notifications/",
                "following": "/accounts/following/",
                "home-following": "/?tab=following",
                "terms": "/terms/",
                "error-404": "/no-such-page/",
                "error-410": f"/a/{withdrawn_article(zh, en, queue['reported']).pk}/",
            }
            session, studio_paths = studio_pages(zh)
            paths.update(studio_paths)
            talk = comment_content(zh)  # after studio_pages: the article's creator pins one
            paths.update(
                {
                    "comments": f"/a/{zh.pk}/comments/",
                    "comments-reader": f"/a/{zh.pk}/comments/?sort=new",
                    "comment-report": f"/a/{zh.pk}/comments/{talk['chain']}/report/",
                    "review-comment": f"/review/comments/{talk['reported']}/",
                }
            )
            server = LiveServer("localhost")
            with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
                yield DemoSite(
                    url=server.url,
                    media=media,
                    paths=paths,
                    sessions={**queue["sessions"], "writer": session, "follower": signed_in_reader(zh)},
                )
        finally:
            call_command("flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)
            if server is not None:
                server.stop()


def footer_content() -> None:
    """Every footer item filled in, as a Chinese operator would (issue 13.10): sign-up then asks to
    accept the two texts."""
    from tidings.web.models import PlatformNotice

    notice = PlatformNotice.objects.order_by("pk").first() or PlatformNotice()
    notice.agreement_md = "## 总则\n\n欢迎使用本站。注册即表示你同意本协议。\n\n## 用户的权利和义务\n\n- 遵守法律法规\n- 不发布违法和不良信息"
    notice.privacy_md = "## 我们收集的信息\n\n注册时的用户名和电子邮箱。"
    notice.contact = "邮箱 editor@example.com"
    notice.report_contact = "举报电话 010-12345678"
    notice.icp = "京ICP备12345678号-1"
    notice.police_record = "京公网安备 11010502000001号"
    notice.save()


def moderation_content() -> dict[str, Any]:
    """What the account and moderation pages show on the demo site: an applicant rejected once,
    another applicant waiting, an article in review, a reported article; and signed-in sessions
    for the applicant and an editor."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tidings.accounts.models import User
    from tidings.channels.models import Channel
    from tidings.moderation import actions
    from tidings.notifications import actions as notes

    def session(user: Any) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return str(store.session_key)

    editor = User.objects.create_user("a11y-editor", password="pw-a11y-editor", role=User.Role.EDITOR, is_staff=True)
    applicant = User.objects.create_user("a11y-applicant", password="pw-a11y-applicant")
    waiting = User.objects.create_user("a11y-waiting", password="pw-a11y-waiting")
    tech = Channel.objects.get(slug="tech")
    sample = {"kind": "individual", "channel": tech, "bio": "关注城市交通与公共空间。", "sample_text": "一篇样稿。"}
    first = actions.submit_application(applicant, name="街角观察", handle="jiejiao", **sample)
    actions.reject_application(first, editor, "样稿太短，请附一篇完整的作品。")
    pending = actions.submit_application(waiting, name="山海笔记", handle="shanhai", **sample)
    # 消息中心 beside that rejection: a 顶 group, a reply, and a 新粉丝 notice already read.
    for voter in (editor, waiting):
        notes.notify_vote(applicant, comment_id=1, actor=voter, excerpt="这条路早该修了。", url="/hot/")
    notes.notify(applicant, "reply", actor=waiting, comment_id=2, excerpt="同意，晚高峰尤其堵。", url="/hot/")
    followed = notes.notify(applicant, "follow", actor=editor)
    assert followed is not None
    notes.mark_read(applicant, followed.pk)
    published = list(Article.objects.published().order_by("hot_score")[:2])  # the least hot: not zh/en
    Article.objects.filter(pk=published[0].pk).update(status=Article.Status.PENDING)
    actions.report_article(published[1], applicant, "标题夸大，与内容不符。")
    return {
        "application": pending.pk,
        "article": published[0].pk,
        "reported": published[1].pk,
        "original": _matched_original(published[1]).pk,
        "sessions": {"editor": session(editor), "applicant": session(applicant)},
    }


def _matched_original(earlier: Any) -> Any:
    """An import's way into 原创核查: another creator's copy of `earlier`, declared original."""
    from tidings.articles import originality, transitions
    from tidings.articles.actions import save_article

    copier = Creator.objects.exclude(pk=earlier.creator_id).order_by("pk").first()
    copy = Article(
        creator=copier, channel=earlier.channel, title="搬运：" + earlier.title[:30], body_md=earlier.body_md
    )
    copy.original = True
    copy.body_html = earlier.body_html
    found = originality.judge(copy, None, on_match="review")
    save_article(copy, copy.body_html)
    transitions.publish(copy, None)
    originality.record_matches(copy, found)
    assert copy.original_check == Article.OriginalCheck.MATCHED
    return copy


@contextmanager
def signed_in(page: Any, demo: DemoSite, page_type: str) -> Iterator[Any]:
    """The shared page, carrying the session of the persona the page type is seen as (if any)."""
    from django.conf import settings

    persona = SIGNED_IN.get(page_type)
    if persona:
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": demo.sessions[persona], "url": demo.url}]
        )
    try:
        yield page
    finally:
        if persona:
            page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME, path="/")  # not the studio's


def studio_pages(article: Article) -> tuple[str, dict[str, str]]:
    """Make the article's creator a signed-in writer with one earlier revision and an API token;
    return the session cookie's value and the studio's page paths."""
    from django.test import Client

    from tidings.accounts.models import User
    from tidings.api.tokens import create_token
    from tidings.articles.actions import save_revision

    user = User.objects.create_user("a11y-writer", password="pw-a11y-writer-1", role=User.Role.CREATOR)
    creator = article.creator
    creator.user = user
    creator.save(update_fields=["user"])
    first = save_revision(article, user)
    first.body_md = article.body_md.replace("\n\n", "\n\n旧版本里的一段。\n\n", 1)
    first.title = article.title + "（初稿）"
    first.save()
    save_revision(article, user)
    create_token(user, "发布脚本")
    client = Client()
    client.force_login(user)
    base = f"/studio/a/{article.pk}/"
    stats_history(article)
    index_history()
    return client.cookies["sessionid"].value, {
        "studio": "/studio/",
        "studio-new": "/studio/new/",
        "studio-edit": base,
        "studio-revisions": f"{base}revisions/",
        "studio-revision": f"{base}revisions/1/",
        "studio-tokens": "/studio/tokens/",
        "studio-data": "/studio/data/",
        "studio-article-data": f"{base}data/",
        "studio-fans": "/studio/fans/",
        "studio-index": "/studio/index/",
    }


def comment_content(article: Article) -> dict[str, int]:
    """跟帖 under the Chinese article: a reply chain long enough to fold, a pinned comment with a
    link, the follower's own comment and 顶; for the queue, a held comment (a held word) and
    reported ones. Returns the chain's last comment (which the applicant may report) and the
    comment reported most."""
    import datetime as dt

    from django.utils import timezone

    from tidings.accounts.models import User
    from tidings.comments import actions as comments
    from tidings.comments.models import Word
    from tidings.moderation import actions as moderation

    old = timezone.now() - dt.timedelta(days=60)
    names = ["李雷", "韩梅梅", "王小明", "张伟", "刘洋", "陈静", "赵敏", "孙悦"]
    people = [
        User.objects.create_user(f"a11y-c{i}", password=f"pw-a11y-c{i}", first_name=name, date_joined=old)
        for i, name in enumerate(names)
    ]
    follower = User.objects.filter(username__startswith="demo_reader_").order_by("username").first()
    assert follower is not None, "the demo site has no reader"
    User.objects.filter(pk=follower.pk).update(date_joined=old)
    follower.refresh_from_db()
    with override_settings(COMMENT_INTERVAL_SECONDS=0):
        chain = None
        for i, person in enumerate(people):
            body = f"第{i + 1}层：老街改造要听居民的意见，不能一拆了之。"
            chain = comments.post_comment(person, article, body, parent=chain, address="113.88.1.1").comment
        assert chain is not None
        top = comments.post_comment(
            people[0], article, "写得很实在，支持！详见 https://example.com/laojie", address="1.2.3.4"
        )
        comments.post_comment(follower, article, "我家就在这条街上，\n改造以后确实方便多了。", address="240e::1")
        comments.vote(follower, top.comment, 1)
        comments.pin(article.creator.user, top.comment)
        Word.objects.create(word="敏感话题", action=Word.Action.HOLD)
        comments.post_comment(people[2], article, "想聊聊敏感话题，编辑看看能不能发。")
        rude = comments.post_comment(people[1], article, "你们都是水军，加微信买便宜货！").comment
        moderation.report_comment(rude, people[3], "abuse", "骂人，还打广告。")
        moderation.report_comment(rude, people[4], "spam")
        moderation.report_comment(chain, people[0], "false", "说法不实。")
    return {"chain": chain.pk, "reported": rude.pk}


def stats_history(article: Article) -> None:
    """Two weeks of statistics for the article's creator, rolled up: the charts, tables and cards
    of 数据中心 have real numbers to show."""
    import datetime as dt
    import random

    from django.utils import timezone

    from tidings.creators.models import FollowEvent
    from tidings.stats import events, rollup
    from tidings.stats.models import Event

    rnd = random.Random(7)
    now = timezone.now()
    made = []
    for hours in range(14 * 24):
        at = now - dt.timedelta(hours=hours)
        for _ in range(rnd.randint(0, 3)):
            src = rnd.choice(list(events.BY_CODE))
            host = "weibo.com" if src == events.EXTERNAL else ""
            common = {"article_id": article.pk, "creator_id": article.creator_id, "at": at}
            made.append(Event(kind=Event.Kind.IMPRESSION, source=events.LISTS["hot"], **common))
            made.append(Event(kind=Event.Kind.READ, source=src, host=host, **common))
            if rnd.random() < 0.2:
                made.append(Event(kind=Event.Kind.LIKE, **common))
    Event.objects.bulk_create(made)
    ends = [
        Event(
            kind=Event.Kind.READ_END,
            article_id=r.article_id,
            creator_id=r.creator_id,
            at=r.at,
            ref=r.pk,
            depth=rnd.choice([100, 60, 30]),
            seconds=rnd.randint(10, 300),
        )
        for r in Event.objects.filter(kind=Event.Kind.READ)
    ]
    Event.objects.bulk_create(ends)
    for day in range(14):
        FollowEvent.objects.create(
            creator_id=article.creator_id, kind=FollowEvent.Kind.FOLLOW, at=now - dt.timedelta(days=day)
        )
    rollup.roll_range(now - dt.timedelta(days=15), now + dt.timedelta(hours=1))


def index_history() -> None:
    """A fortnight of nightly 创作者指数 runs: the studio's trend and the editors' distribution."""
    import datetime as dt

    from tidings.creator_index import compute

    for back in range(13, -1, -1):
        compute.run(compute.today() - dt.timedelta(days=back))


def withdrawn_article(*keep: Any) -> Article:
    """A published article (none of those other page types show) withdrawn by its creator: the 410 page."""
    from tidings.articles.transitions import withdraw

    ids = [a if isinstance(a, int) else a.pk for a in keep]
    article = Article.objects.published().exclude(pk__in=ids).order_by("hot_score").first()
    assert article is not None, "the demo site has no spare published article to withdraw"
    return withdraw(article, None)


def signed_in_reader(article: Article) -> str:
    """A demo reader who follows the article's creator, has read and saved it and marked one creator
    不感兴趣: their session cookie (committed, so the live server sees it on every database)."""
    from django.test import Client

    from tidings.accounts.models import User
    from tidings.creators.actions import follow_creator
    from tidings.discovery.actions import not_interested
    from tidings.engagement.actions import record_read, save_article_for

    user = User.objects.filter(username__startswith="demo_reader_").order_by("username").first()
    assert user is not None, "the demo site has no reader"
    follow_creator(user, article.creator)
    record_read(article.pk, f"u:{user.pk}", user)
    save_article_for(user, article)
    other = Article.objects.published().exclude(creator=article.creator).first()
    if other is not None:
        not_interested(user, "creator", str(other.creator_id))
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def demo(site: DemoSite, settings: Any) -> DemoSite:
    """The module's site, with its pictures (conftest gives every test an empty MEDIA_ROOT)."""
    settings.MEDIA_ROOT = site.media
    return site


@cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE_PATH.relative_to(ROOT)} is missing): run `npm ci` at the "
            "repository root (the project's test command does it)."
        )
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def fontless_pages(
    site: DemoSite, playwright: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Like `pages`, in a chromium whose fontconfig sees no Chinese font (tests/browser.py)."""
    b = launch(playwright, env=fontless_env(tmp_path_factory.mktemp("no-cjk-fonts")))
    contexts = {mode: new_context(b, site.url, care=mode == "care") for mode in MODES}
    yield {mode: context.new_page() for mode, context in contexts.items()}
    b.close()


@pytest.fixture(scope="module")
def pages(site: DemoSite, browser: Any) -> Iterator[dict[str, Any]]:
    """One browser page per mode, shared by the tests that only load pages and measure them (a new
    page costs a renderer process, about 0.3 s). Each test navigates it, which resets scripts,
    styles and focus; the two contexts' cookies never change (tests that change cookies, such as
    entering care mode by keyboard or signing in, use a context of their own)."""
    contexts = {}
    for mode in MODES:
        contexts[mode] = new_context(browser, site.url, care=mode == "care", studio_session=site.sessions["writer"])
    yield {mode: context.new_page() for mode, context in contexts.items()}
    for context in contexts.values():
        context.close()


def new_context(browser: Any, base_url: str, *, care: bool = False, studio_session: str = "") -> Any:
    """A browser context (own cookies), in care mode when asked: the care-mode cookie is set for
    the live server's host, as the 进入关怀版 link sets it. With studio_session, a signed-in
    creator's session cookie is sent under /studio/ only."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if care:
        context.add_cookies([{"name": CARE_COOKIE, "value": "1", "url": base_url}])
    if studio_session:
        host = base_url.split("//", 1)[1].split(":", 1)[0]
        context.add_cookies([{"name": "sessionid", "value": studio_session, "domain": host, "path": "/studio/"}])
    return context


@contextmanager
def watching(page: Any) -> Iterator[Any]:
    """The page, failing the test on any JavaScript error it raises meanwhile."""
    errors: list[str] = []

    def record(error: Any) -> None:
        errors.append(str(error))

    page.on("pageerror", record)
    try:
        yield page
    finally:
        page.remove_listener("pageerror", record)
    assert errors == [], f"JavaScript errors on the page: {errors}"


@contextmanager
def shared_page(pages: dict[str, Any], mode: str, width: int = 1280, height: int = 900) -> Iterator[Any]:
    page = pages[mode]
    page.set_viewport_size({"width": width, "height": height})
    with watching(page):
        yield page


@contextmanager
def own_page(browser: Any, base_url: str, *, care: bool = False) -> Iterator[Any]:
    context = new_context(browser, base_url, care=care)
    try:
        with watching(context.new_page()) as page:
            yield page
    finally:
        context.close()


def visit(page: Any, url: str, *, care: bool, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None, f"{url} answered nothing"
    assert response.ok if status == 200 else response.status == status, f"{url} answered {response.status}"
    in_care = page.evaluate("document.body.classList.contains('care')")
    assert in_care == care, f"{url}: expected {'care' if care else 'normal'} mode, body class says otherwise"
    # The 跟帖 section under an article loads after the page (aria-busy until then): measure the page it becomes.
    page.wait_for_selector("[data-comments-src][aria-busy]", state="detached")


# --------------------------------------------------------------------------------------------
# JavaScript run in the page. HELPERS is prepended to the function bodies that need it.

HELPERS = r"""
const cssPath = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    if (e.id) { parts.unshift(e.localName + '#' + e.id); break; }
    let s = e.localName + [...e.classList].slice(0, 2).map((c) => '.' + c).join('');
    const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.localName === e.localName) : [];
    if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    parts.unshift(s);
  }
  return parts.join(' > ');
};
const label = (el) => (el.innerText || el.textContent || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 24);
const shown = (el) => {
  if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return false;
  const r = el.getBoundingClientRect();
  return r.width > 1 && r.height > 1;  // the 1 px .visually-hidden text is for screen readers only
};
"""

AXE_RUN = """async (tags) => (await axe.run(document, {
  runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
})).violations"""

# Contrast of every visible text in <main>: the computed colour (faded by any opacity) over the
# effective background, composited from the element's and its ancestors' background colours onto
# the white canvas. A background image makes the result unknown, and is reported as such.
CONTRAST_JS = (
    "() => {"
    + HELPERS
    + r"""
  const parse = (c) => {
    const m = c.match(/^rgba?\(([^)]+)\)$/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    const layers = [];
    let image = false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== 'none') image = true;
      layers.push(parse(s.backgroundColor) || [0, 0, 0, 0]);
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return { bg, image };
  };
  const seen = new Set();
  const out = [];
  const main = document.querySelector('main');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || seen.has(el) || !shown(el)) continue;
    seen.add(el);
    const s = getComputedStyle(el);
    const fg0 = parse(s.color);
    const { bg, image } = background(el);
    if (!fg0) { out.push({ selector: cssPath(el), text: label(el), ratio: null, color: s.color }); continue; }
    let opacity = 1;  // translucent text or ancestors fade the text into the background
    for (let e = el; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
    const fg = over([fg0[0], fg0[1], fg0[2], fg0[3] * opacity], bg);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    out.push({
      selector: cssPath(el), text: label(el), ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
      color: s.color, background: 'rgb(' + bg.slice(0, 3).map(Math.round).join(', ') + ')', image,
      body: el.matches('.article-body p, .article-body p *'),
    });
  }
  return out;
}"""
)

TARGETS_JS = (
    "(main) => {"
    + HELPERS
    + r"""
  const box = (el, kind) => {
    const r = el.getBoundingClientRect();
    return { kind, selector: cssPath(el), text: label(el), width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10 };
  };
  const mains = new Set(main.flatMap((sel) => [...document.querySelectorAll(sel)]).filter(shown));
  const out = [...mains].map((el) => box(el, 'main'));
  for (const el of document.querySelectorAll('main a[href], main button, main summary, main [role=tab]')) {
    if (mains.has(el) || !shown(el)) continue;
    // WCAG 2.5.8's inline exception: links in the running text of the article body.
    if (el.closest('.article-body') && el.closest('p, li, td, th, blockquote, figcaption, dd')) continue;
    out.push(box(el, 'other'));
  }
  return out;
}"""
)

RECT_JS = (
    "(sel) => {"
    + HELPERS
    + """const e = document.querySelector(sel);
  if (!e || !shown(e)) return null;
  const r = e.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
}"""
)

OVERFLOW_JS = (
    "(width) => {"
    + HELPERS
    + r"""
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && getComputedStyle(el).position !== 'fixed') out.push({ selector: cssPath(el), text: label(el), right: Math.round(r.right) });
  }
  return { scrollWidth: document.documentElement.scrollWidth, sticking_out: out.slice(0, 8) };
}"""
)

# WCAG 1.4.12's test: line height 1.5, letter spacing 0.12 em, word spacing 0.16 em, paragraph
# spacing 2 em. The CSP forbids inline <style>, but not CSSOM changes, so the properties are set
# on each element's style object.
TEXT_SPACING_JS = r"""() => {
  for (const el of document.querySelectorAll('body *')) {
    el.style.setProperty('line-height', '1.5', 'important');
    el.style.setProperty('letter-spacing', '0.12em', 'important');
    el.style.setProperty('word-spacing', '0.16em', 'important');
  }
  for (const p of document.querySelectorAll('p')) p.style.setProperty('margin-bottom', '2em', 'important');
}"""

CLIPPED_TEXT_JS = (
    "() => {"
    + HELPERS
    + r"""
  const out = [];
  for (const el of document.querySelectorAll('h1, h2, h3, h4, h5, h6, a, button, summary, label, [role=tab]')) {
    if (!shown(el) || getComputedStyle(el).display === 'inline') continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      out.push({ selector: cssPath(el), text: label(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                 scrollHeight: el.scrollHeight, clientHeight: el.clientHeight });
    }
  }
  return out;
}"""
)

# The focused element, with a stable id per element, its focus indicator and whether anything
# covers it (WCAG 2.4.11, focus not obscured).
FOCUS_JS = (
    "() => {"
    + HELPERS
    + r"""
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__a11yIds = window.__a11yIds || new WeakMap();
  if (!window.__a11yIds.has(el)) { window.__a11yNext = (window.__a11yNext || 0) + 1; window.__a11yIds.set(el, window.__a11yNext); }
  const s = getComputedStyle(el);
  const rect = el.getClientRects()[0] || el.getBoundingClientRect();
  const x = rect.left + rect.width / 2, y = rect.top + rect.height / 2;
  const inView = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
  const hit = inView ? document.elementFromPoint(x, y) : null;
  return {
    id: window.__a11yIds.get(el), selector: cssPath(el), text: label(el), tag: el.localName,
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, boxShadow: s.boxShadow !== 'none',
    inMain: !!el.closest('main'), inView, covered: inView && !(hit && (el === hit || el.contains(hit))),
  };
}"""
)

TABBABLE_JS = (
    "() => {"
    + HELPERS
    + r"""
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  return [...document.querySelectorAll(sel)]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && el.checkVisibility({ visibilityProperty: true }))
    .map((el) => ({ selector: cssPath(el), text: label(el) }));
}"""
)

HEADINGS_JS = r"""() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter((h) => h.checkVisibility({ visibilityProperty: true }) && !h.closest('[aria-hidden=true]'))
  .map((h) => ({ level: Number(h.localName[1]), text: (h.textContent || '').trim().slice(0, 30) }))"""


# --------------------------------------------------------------------------------------------
# Formatting failures for a developer


def describe_axe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}] {v['help']} — {len(v['nodes'])} node(s), {v['helpUrl']}")
        for node in v["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def grouped(items: list[dict[str, Any]], *numbers: str) -> str:
    """Items that share a selector pattern (":nth-of-type" dropped) on one line: how many, the
    range of each measured number, and an example text."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(re.sub(r":nth-of-type\(\d+\)", "", item["selector"]), []).append(item)
    lines = []
    for pattern, members in groups.items():
        measured = []
        for key in numbers:
            values = [m[key] for m in members if m.get(key) is not None]
            if values:
                low, high = min(values), max(values)
                measured.append(f"{key} {low}" if low == high else f"{key} {low}–{high}")
        example = members[0].get("text", "")
        lines.append(f"    {pattern}  ×{len(members)}  {', '.join(measured)}  e.g. {example!r}")
    return "\n".join(lines)


def tab_to(page: Any, selector: str, limit: int = 250) -> None:
    """Press Tab until the focused element matches selector (the keyboard user's way to reach it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector):
            return
    pytest.fail(f"{limit} presses of Tab never reached {selector}")


# --------------------------------------------------------------------------------------------
# 1. axe-core on every page type, normal and care mode


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_type", PAGES)
def test_axe_finds_no_wcag_a_or_aa_violations(pages: dict[str, Any], demo: DemoSite, page_type: str, mode: str) -> None:
    path = demo.paths[page_type]
    with shared_page(pages, mode) as page, signed_in(page, demo, page_type):
        visit(page, demo.url + path, care=mode == "care", status=STATUS.get(page_type, 200))
        page.evaluate(axe_source())
        violations = page.evaluate(AXE_RUN, WCAG_TAGS)
    assert violations == [], f"axe-core on {path} ({mode} mode):\n{describe_axe(violations)}"


@pytest.mark.parametrize("page_type", sorted(SIGNED_IN))
def test_signed_in_page_types_are_seen_signed_in(pages: dict[str, Any], demo: DemoSite, page_type: str) -> None:
    """The axe and layout tests above see these pages themselves, not a sign-in redirect."""
    url = demo.url + demo.paths[page_type]
    with shared_page(pages, "normal") as page, signed_in(page, demo, page_type):
        visit(page, url, care=False)
        assert page.url == url, f"{page_type}: {url} went to {page.url}"
        assert page.locator('header form[action="/accounts/logout/"] button').count() == 1
    assert page.context.cookies(demo.url) == [c for c in page.context.cookies(demo.url) if c["name"] != "sessionid"]


# --------------------------------------------------------------------------------------------
# 2. Care mode's numbers, measured in the browser


@pytest.mark.parametrize("width", [1280, 390])
def test_care_mode_body_text_size_line_height_and_paragraph_spacing(
    pages: dict[str, Any], demo: DemoSite, width: int
) -> None:
    with shared_page(pages, "care", width) as page:
        visit(page, demo.url + demo.paths["article-zh"], care=True)
        paragraphs = page.evaluate(
            "() => {"
            + HELPERS
            + """return [...document.querySelectorAll('.article-body p')].filter(shown).map((p) => {
                 const s = getComputedStyle(p);
                 const next = p.nextElementSibling;
                 return {
                   selector: cssPath(p), text: label(p), fontSize: parseFloat(s.fontSize),
                   lineHeight: s.lineHeight === 'normal' ? null : parseFloat(s.lineHeight),
                   marginBottom: parseFloat(s.marginBottom),
                   // The gap a reader sees to a following paragraph (margins collapsed).
                   gapToNext: next && next.localName === 'p'
                     ? Math.round((next.getBoundingClientRect().top - p.getBoundingClientRect().bottom) * 100) / 100 : null,
                 };
               });
            }"""
        )
    assert len(paragraphs) >= 3, "the article has too few body paragraphs to measure"
    small = [p for p in paragraphs if p["fontSize"] < CARE_MIN_FONT_PX]
    tight = [p for p in paragraphs if p["lineHeight"] is None or p["lineHeight"] < CARE_MIN_LINE_HEIGHT * p["fontSize"]]
    # 适老化: paragraph spacing ≥ 1.3 × line spacing. "Line spacing" is read here as the line
    # pitch, the computed line-height (baseline to baseline): the stricter reading, which implies
    # the looser one, 1.3 × the leading (line-height − font-size). Both the paragraph's
    # margin-bottom and the gap actually rendered to a following paragraph are held to it.
    crowded = [
        p
        for p in paragraphs
        if p["lineHeight"] is not None
        and min(p["marginBottom"], p["gapToNext"] if p["gapToNext"] is not None else p["marginBottom"])
        + 0.5  # sub-pixel layout rounding
        < CARE_PARAGRAPH_SPACING * p["lineHeight"]
    ]
    problems = []
    if small:
        problems.append(f"font-size below {CARE_MIN_FONT_PX}px:\n{grouped(small, 'fontSize')}")
    if tight:
        problems.append(
            f"line-height below {CARE_MIN_LINE_HEIGHT} × font-size:\n{grouped(tight, 'fontSize', 'lineHeight')}"
        )
    if crowded:
        problems.append(
            f"paragraph spacing below {CARE_PARAGRAPH_SPACING} × line-height:\n"
            f"{grouped(crowded, 'lineHeight', 'marginBottom', 'gapToNext')}"
        )
    assert problems == [], f"care mode at {width}px, {len(paragraphs)} paragraphs of .article-body:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_care_mode_text_contrast(pages: dict[str, Any], demo: DemoSite, width: int) -> None:
    with shared_page(pages, "care", width) as page:
        visit(page, demo.url + demo.paths["article-zh"], care=True)
        texts = page.evaluate(CONTRAST_JS)
    assert texts, "no visible text found in <main>"
    unknown = [t for t in texts if t["ratio"] is None or t["image"]]
    low = [t for t in texts if t["ratio"] is not None and t["ratio"] < MIN_CONTRAST]
    body = [t for t in texts if t["body"] and t["ratio"] is not None]
    assert body, "no body paragraph text measured"
    lowest = min(t["ratio"] for t in texts if t["ratio"] is not None)
    body_lowest = min(t["ratio"] for t in body)
    print(f"care mode at {width}px: lowest text contrast in <main> {lowest}:1, in body paragraphs {body_lowest}:1")
    weak_body = [t for t in body if t["ratio"] < CARE_BODY_CONTRAST]
    assert unknown == [], f"contrast not computable (colour format or background image):\n{grouped(unknown)}"
    assert low == [], f"text below {MIN_CONTRAST}:1 in <main> (care mode, {width}px):\n{grouped(low, 'ratio')}"
    assert weak_body == [], (
        f"body text below {CARE_BODY_CONTRAST}:1 (care mode, {width}px), lowest {body_lowest}:1:\n"
        f"{grouped(weak_body, 'ratio')}"
    )


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    "page_type",
    [
        "article-zh",
        "home",
        "home-personalised",
        "studio",
        "studio-edit",
        "studio-data",
        "studio-article-data",
        "studio-fans",
        "notifications",
    ],
)
def test_care_mode_target_sizes(pages: dict[str, Any], demo: DemoSite, page_type: str, width: int) -> None:
    """Main targets (MAIN_TARGETS, anywhere on the page) at least 60 × 60 px; every other link and
    button in <main> at least 44 px tall, except links in the running text of the article body."""
    with shared_page(pages, "care", width) as page, signed_in(page, demo, page_type):
        visit(page, demo.url + demo.paths[page_type], care=True)
        targets = page.evaluate(TARGETS_JS, MAIN_TARGETS)
    kinds = {t["kind"] for t in targets}
    assert kinds == {"main", "other"}, f"expected both main and other targets, found {kinds}"
    small_main = [t for t in targets if t["kind"] == "main" and min(t["width"], t["height"]) < MAIN_TARGET_PX]
    short_other = [t for t in targets if t["kind"] == "other" and t["height"] < OTHER_TARGET_PX]
    assert (small_main, short_other) == ([], []), (
        f"care mode, {demo.paths[page_type]} at {width}px:\n"
        f"main targets under {MAIN_TARGET_PX}×{MAIN_TARGET_PX}px ({len(small_main)}):\n"
        f"{grouped(small_main, 'width', 'height')}\n"
        f"other links/buttons in <main> under {OTHER_TARGET_PX}px tall ({len(short_other)}):\n"
        f"{grouped(short_other, 'height')}"
    )


@pytest.mark.parametrize(
    ("page_type", "first", "below", "optional"),
    [
        pytest.param(
            "article-zh", ".article", [".article-aside .hot"], [".article-aside .creator-card"], id="article-zh"
        ),
        pytest.param("home", ".col-main", [".col-aside .hot"], [], id="home"),
        pytest.param("home-personalised", ".col-main", [".col-aside .hot"], [], id="home-personalised"),
        pytest.param("studio-edit", ".studio-main", [".studio-preview"], [], id="studio-edit"),
    ],
)
def test_care_mode_is_a_single_column_at_1280px(
    pages: dict[str, Any], demo: DemoSite, page_type: str, first: str, below: list[str], optional: list[str]
) -> None:
    """The lists come after the main column, not beside it (an optional block may also be left out
    of care mode altogether)."""
    with shared_page(pages, "care", 1280) as page, signed_in(page, demo, page_type):
        visit(page, demo.url + demo.paths[page_type], care=True)
        main = page.evaluate(RECT_JS, first)
        boxes = {sel: page.evaluate(RECT_JS, sel) for sel in below + optional}
    assert main is not None, f"{first} is not shown"
    for sel, box in boxes.items():
        if box is None:
            assert sel in optional, f"{sel} is not shown"
            continue
        assert box["top"] >= main["bottom"] - 1, f"{sel} {box} is beside {first} {main}, not below it"


# --------------------------------------------------------------------------------------------
# 3. Reflow (320 px, and 640 px = a 1280 px window at 200% zoom) and text spacing


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_type", PAGES)
def test_reflow_at_320px_and_at_200_percent_zoom(
    pages: dict[str, Any], demo: DemoSite, page_type: str, mode: str
) -> None:
    """WCAG 1.4.10: no sideways scrolling at 320 CSS px. WCAG 1.4.4: a 1280 px window zoomed to
    200% lays out as a 640 CSS px viewport (CSS zoom on <html> is not the same thing, and the
    layout in CSS px does not depend on the device scale factor), so 640 px is checked too."""
    path = demo.paths[page_type]
    failures = []
    for width in (320, 640):
        with shared_page(pages, mode, width, 640) as page, signed_in(page, demo, page_type):
            visit(page, demo.url + path, care=mode == "care", status=STATUS.get(page_type, 200))
            result = page.evaluate(OVERFLOW_JS, width)
        if result["scrollWidth"] > width:
            failures.append(
                f"{width}px: scrollWidth {result['scrollWidth']}:\n{grouped(result['sticking_out'], 'right')}"
            )
    assert failures == [], f"{path} ({mode} mode) scrolls sideways:\n" + "\n".join(failures)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_type", [p for p in PAGES if p not in SIGNED_IN and not p.startswith("studio")])
def test_reflow_at_320px_without_a_chinese_font(
    fontless_pages: dict[str, Any], demo: DemoSite, page_type: str, mode: str
) -> None:
    """The header and the page reflow whatever fonts the machine has: the same check as above in
    a chromium whose fontconfig sees no Chinese font (its fallback glyph widths differ from Noto's)."""
    path = demo.paths[page_type]
    with shared_page(fontless_pages, mode, 320, 640) as page:
        visit(page, demo.url + path, care=mode == "care", status=STATUS.get(page_type, 200))
        result = page.evaluate(OVERFLOW_JS, 320)
    assert result["scrollWidth"] <= 320, (
        f"{path} ({mode} mode, no Chinese font) scrolls sideways: {result['scrollWidth']}px\n"
        f"{grouped(result['sticking_out'], 'right')}"
    )


def test_the_two_reflow_runs_see_different_fonts(
    pages: dict[str, Any], fontless_pages: dict[str, Any], demo: DemoSite
) -> None:
    """The font-less run really lacks the fonts the normal run has: Noto Sans CJK is installed (the
    test command installs fonts-noto-cjk) and the same Chinese title measures differently."""
    families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    assert "Noto Sans CJK" in families, "Debian's fonts-noto-cjk is not installed: run the README's test command"
    measure = "(() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('h1')); return r.getBoundingClientRect().width; })()"
    widths = []
    for run in (pages, fontless_pages):
        with shared_page(run, "normal", 1280) as page:
            visit(page, demo.url + demo.paths["article-zh"], care=False)
            widths.append(page.evaluate(measure))
    assert widths[0] != widths[1], f"the title measures {widths[0]}px in both browsers: the fonts did not change"


@pytest.mark.parametrize("page_type", PAGES)
def test_text_spacing_loses_nothing_at_320px(pages: dict[str, Any], demo: DemoSite, page_type: str) -> None:
    """WCAG 1.4.12 at a 320 px phone width: with the spacing overrides nothing in a heading, link,
    button or label overflows its box, and the page does not scroll sideways."""
    path = demo.paths[page_type]
    with shared_page(pages, "normal", 320, 640) as page, signed_in(page, demo, page_type):
        visit(page, demo.url + path, care=False, status=STATUS.get(page_type, 200))
        page.evaluate(TEXT_SPACING_JS)
        applied = page.evaluate("getComputedStyle(document.querySelector('main')).letterSpacing")
        assert applied != "normal", "the text-spacing styles were not applied"
        clipped = page.evaluate(CLIPPED_TEXT_JS)
        overflow = page.evaluate(OVERFLOW_JS, 320)
    assert clipped == [], (
        f"{path}: text overflows its box with WCAG 1.4.12 text spacing at 320px:\n"
        f"{grouped(clipped, 'scrollWidth', 'clientWidth', 'scrollHeight', 'clientHeight')}"
    )
    assert overflow["scrollWidth"] <= 320, (
        f"{path}: scrolls sideways with text spacing at 320px ({overflow['scrollWidth']}px):\n"
        f"{grouped(overflow['sticking_out'], 'right')}"
    )


# --------------------------------------------------------------------------------------------
# 4. Keyboard only


def test_article_page_by_keyboard_alone(pages: dict[str, Any], demo: DemoSite) -> None:
    url = demo.url + demo.paths["article-zh"]
    with shared_page(pages, "normal") as page:
        visit(page, url, care=False)
        tabbable = page.evaluate(TABBABLE_JS)

        # The first Tab reaches the skip link, visibly; Enter moves focus into <main>.
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_JS)
        assert first is not None and first["selector"].endswith("a.skip-link"), f"the first Tab focused {first}"
        assert first["inView"] and not first["covered"], f"the focused skip link is not visible: {first}"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", "Enter on the skip link did not focus <main>"
        page.keyboard.press("Tab")
        after_skip = page.evaluate(FOCUS_JS)
        assert after_skip is not None and after_skip["inMain"], f"Tab after the skip link left <main>: {after_skip}"

        # Walk the whole page from the top: focus always moves on, is always visible, and wraps
        # round to the skip link (after one stop outside the document, the browser's own UI).
        visit(page, url, care=False)
        seen: list[dict[str, Any]] = []
        problems: list[str] = []
        wrapped = False
        outside = 0
        for _ in range(len(tabbable) + 10):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_JS)
            if focus is None:
                outside += 1
                if outside > 1:
                    problems.append("focus stayed outside the page for two presses of Tab")
                    break
                continue
            outside = 0
            if seen and seen[-1]["id"] == focus["id"]:
                problems.append(f"focus stuck on {focus['selector']} {focus['text']!r}")
                break
            if any(s["id"] == focus["id"] for s in seen):
                wrapped = focus["id"] == seen[0]["id"]
                if not wrapped:
                    problems.append(f"focus came back to {focus['selector']} {focus['text']!r} before the end (a loop)")
                break
            if not (focus["outline"] or focus["boxShadow"]):
                problems.append(
                    f"no visible focus indicator (outline or box-shadow) on {focus['selector']} {focus['text']!r}"
                )
            if focus["covered"] or not focus["inView"]:
                problems.append(f"focused element obscured or out of view: {focus['selector']} {focus['text']!r}")
            seen.append(focus)
        if not wrapped:
            problems.append(f"Tab did not come back to the top after {len(seen)} elements ({len(tabbable)} tabbable)")
        elif not seen[0]["selector"].endswith("a.skip-link"):
            problems.append(f"the walk from the top started at {seen[0]['selector']}, not the skip link")
        if len(seen) != len(tabbable):
            missed = [
                t for t in tabbable if (t["selector"], t["text"]) not in {(s["selector"], s["text"]) for s in seen}
            ]
            problems.append(
                f"Tab visited {len(seen)} elements, the page has {len(tabbable)} tabbable; missed: {missed[:10]}"
            )
        assert problems == [], f"keyboard walk of {demo.paths['article-zh']}:\n" + "\n".join(problems)

        # 分享至 微信: Enter on the summary opens the QR code.
        tab_to(page, ".share-wechat summary")
        page.keyboard.press("Enter")
        assert page.evaluate("document.querySelector('.share-wechat').open"), "Enter did not open the WeChat panel"
        qr = page.locator(".qr-panel img")
        assert qr.is_visible()
        assert page.evaluate("img => img.complete && img.naturalWidth > 50", qr.element_handle())

        # 态度原创: the selected tab is in the Tab order; ArrowRight selects and shows the next panel.
        tab_to(page, '[role=tab][aria-selected="true"]')
        page.keyboard.press("ArrowRight")
        state = page.evaluate(
            """() => {
                 const tabs = [...document.querySelectorAll('[role=tab]')];
                 const panel = (t) => document.getElementById(t.getAttribute('aria-controls'));
                 return { focused: tabs.indexOf(document.activeElement),
                          selected: tabs.map((t) => t.getAttribute('aria-selected')),
                          visible: tabs.map((t) => panel(t).checkVisibility()) };
               }"""
        )
        assert state["focused"] == 1, f"ArrowRight did not move focus to the second tab: {state}"
        assert state["selected"][:2] == ["false", "true"], f"ArrowRight did not select the second tab: {state}"
        assert state["visible"][:2] == [False, True], f"the second tab's panel is not the one shown: {state}"


@pytest.mark.django_db(transaction=True)
def test_sign_in_by_keyboard_alone(playwright: Any, live_server: Any, django_user_model: Any) -> None:
    django_user_model.objects.create_user("elder", password="pw-elder-2024")
    browser = launch(playwright)  # not the module's: that one comes with the demo site
    try:
        with own_page(browser, live_server.url) as page:
            visit(page, f"{live_server.url}/accounts/login/", care=False)
            tab_to(page, "#id_username")
            page.keyboard.type("elder")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "id_password", (
                "Tab from the user name skipped the password"
            )
            page.keyboard.type("pw-elder-2024")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url == f"{live_server.url}/", f"after signing in the reader is at {page.url}"
            visit(page, f"{live_server.url}/join/", care=False)
            assert "你已登录为 elder" in page.locator("main").inner_text()
    finally:
        browser.close()


def test_care_mode_on_and_off_by_keyboard(browser: Any, demo: DemoSite) -> None:
    article, home = demo.url + demo.paths["article-zh"], demo.url + "/"
    care = "document.body.classList.contains('care')"
    with own_page(browser, demo.url) as page:
        visit(page, article, care=False)
        tab_to(page, "a.care-toggle")
        assert page.evaluate("document.activeElement.textContent.trim()") == "进入关怀版"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == article, f"进入关怀版 did not come back to the same page but went to {page.url}"
        assert page.evaluate(care), "进入关怀版 by keyboard did not turn care mode on"
        page.goto(home)
        assert page.evaluate(care), "care mode was not kept on the next page"
        tab_to(page, "a.care-toggle")
        assert page.evaluate("document.activeElement.textContent.trim()") == "退出关怀版"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert not page.evaluate(care), "退出关怀版 by keyboard did not turn care mode off"
        page.goto(article)
        assert not page.evaluate(care), "care mode came back after 退出关怀版"


# --------------------------------------------------------------------------------------------
# 5. Landmarks, headings, language, images, names of form controls

CONTROL_ROLES = {"textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "spinbutton", "slider", "switch"}
CONTROL_ROLES |= {"button", "tab", "menuitem", "option"}


@pytest.mark.parametrize("page_type", PAGES)
def test_landmarks_headings_language_alt_and_labels(pages: dict[str, Any], demo: DemoSite, page_type: str) -> None:
    path = demo.paths[page_type]
    problems = []
    with shared_page(pages, "normal") as page, signed_in(page, demo, page_type):
        visit(page, demo.url + path, care=False, status=STATUS.get(page_type, 200))
        for role in ("main", "banner", "contentinfo"):
            n = page.get_by_role(role).count()  # type: ignore[arg-type]
            if n != 1:
                problems.append(f"{n} landmark(s) with role {role}, expected 1")
        if (n := page.locator("h1").count()) != 1:
            problems.append(f"{n} h1 elements, expected 1")
        if (lang := page.evaluate("document.documentElement.lang")) != "zh-Hans":
            problems.append(f'<html lang="{lang}">, expected zh-Hans')
        headings = page.evaluate(HEADINGS_JS)
        if headings and headings[0]["level"] != 1:
            problems.append(f"the first heading is h{headings[0]['level']} {headings[0]['text']!r}, not h1")
        for before, after in itertools.pairwise(headings):
            if after["level"] > before["level"] + 1:
                problems.append(
                    f"heading level skips: h{before['level']} {before['text']!r} → h{after['level']} {after['text']!r}"
                )
        no_alt = page.evaluate("() => [...document.querySelectorAll('img:not([alt])')].map((i) => i.src)")
        if no_alt:
            problems.append(f"images without an alt attribute: {no_alt}")

        # Form controls' names, as the browser computes them for assistive technology.
        cdp = page.context.new_cdp_session(page)
        try:
            for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
                ax_role = (node.get("role") or {}).get("value")
                ax_name = str((node.get("name") or {}).get("value") or "").strip()
                if ax_role in CONTROL_ROLES and not node.get("ignored") and not ax_name:
                    element = cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})["node"]
                    problems.append(
                        f"{ax_role} without an accessible name: <{element['localName']} {element.get('attributes')}>"
                    )
        finally:
            cdp.detach()
    assert problems == [], f"{path}:\n" + "\n".join(problems)


def test_english_article_declares_its_language(pages: dict[str, Any], demo: DemoSite) -> None:
    with shared_page(pages, "normal") as page:
        visit(page, demo.url + demo.paths["article-en"], care=False)
        langs = page.evaluate(
            """() => ({ html: document.documentElement.lang,
                        header: document.querySelector('.article-header').lang,
                        body: document.querySelector('.article-body').lang,
                        title: document.querySelector('h1').closest('[lang]').lang })"""
        )
    assert langs == {"html": "zh-Hans", "header": "en", "body": "en", "title": "en"}, langs


# --------------------------------------------------------------------------------------------
# 6. The personalised home (推荐): what a signed-in reader sees, and 不感兴趣 by keyboard


def test_the_signed_in_home_shows_the_feed_with_reasons(pages: dict[str, Any], demo: DemoSite) -> None:
    with shared_page(pages, "normal") as page, signed_in(page, demo, "home-personalised"):
        visit(page, demo.url + "/", care=False)
        whys = page.evaluate("[...document.querySelectorAll('.feed-item .feed-why')].map((p) => p.textContent)")
    assert len(whys) >= 5 and any(w.startswith("因为你关注了") for w in whys), whys


@pytest.mark.django_db(transaction=True)
def test_not_interested_by_keyboard_removes_the_item_at_once(
    playwright: Any, live_server: Any, spec_channels: None, django_user_model: Any
) -> None:
    """Transactional, like the sign-in test: the feedback is a write through the live server."""
    from django.test import Client

    from tests.conftest import make_article, make_creator
    from tidings.creators.actions import follow_creator

    reader = django_user_model.objects.create_user("feed-reader", password="pw-feed-2024")
    writer = make_creator("feed-writer", "推荐作者")
    titles = [make_article(writer, f"推荐文章{i}").title for i in range(4)]
    follow_creator(reader, writer)
    client = Client()
    client.force_login(reader)
    browser = launch(playwright)
    try:
        context = new_context(browser, live_server.url)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        with watching(context.new_page()) as page:
            visit(page, live_server.url + "/", care=False)
            first = page.locator(".feed-item").first
            item_id = first.get_attribute("id")
            title = first.locator(".stream-title a").inner_text()
            assert title in titles
            tab_to(page, f"#{item_id} .feed-ni summary")
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "不想看这篇"
            page.keyboard.press("Enter")
            page.wait_for_function("id => !document.getElementById(id)", arg=item_id)
            assert page.evaluate("document.querySelector('[data-feed-status]').textContent") == "已减少此类推荐"
            assert page.evaluate("document.activeElement.tagName") == "A", "focus was lost with the removed item"
            visit(page, live_server.url + "/", care=False)
            assert title not in page.locator(".feed-list").inner_text(), "the feedback did not last"
        context.close()
    finally:
        browser.close()
