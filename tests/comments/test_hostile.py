"""The XSS corpus in ../shared/data (306 strings, tests/hostile.py) through 跟帖 (issue 11, "How it is
shown"): every payload as a comment body (in reply chains deep enough to fold), as a commenter's
name (first name or user name), as a report's reason, and so in notices; nothing executable
on the article page and its comment section, /a/<id>/comments/ (both orders, every page, signed
in and not), each comment's page and report page, /notifications/, the review queue and its
comment pages, the feeds, and the API. Pages are scanned as tests/articles/test_content_safety.py
scans them: no script, handler, style or javascript:/data: URL beyond the site's own."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from tests.articles.test_content_safety import feed_problems, json_problems, page_problems
from tests.comments.conftest import commenter, signed_in
from tests.conftest import make_article, make_user, make_writer
from tests.hostile import xss_payloads
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.comments import actions as comments
from tidings.comments.models import Comment, Mode
from tidings.comments.threads import PER_PAGE
from tidings.creators.models import Creator
from tidings.moderation import actions as moderation
from tidings.moderation.models import CommentReport
from tidings.notifications.models import Notification

pytestmark = pytest.mark.django_db

CHAIN = 8  # comments per reply chain: the last one shows 7 floors, the middle folded
CATEGORIES = [c.value for c in CommentReport.Category]


def hostile_user(i: int, payload: str, *, days: int = 30) -> User:
    """Even: the payload is the first name (shown as the name); odd: it is the user name."""
    if i % 2:
        return commenter(f"{payload[:140]}#{i}", days=days)
    return commenter(f"h{i}", days=days, first_name=payload[:150])


@pytest.fixture
def hostile_site(db: None) -> dict[str, Any]:
    payloads = xss_payloads()
    creator = make_writer("zuozhe")
    User.objects.filter(pk=creator.user_id).update(date_joined=timezone.now() - dt.timedelta(days=90))
    story = make_article(creator, "城市更新里的老街坊")
    held_story = make_article(creator, "先审后发的文章")
    users = [hostile_user(i, p) for i, p in enumerate(payloads)]
    posted: list[Comment] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        comments.set_mode(make_user("ed0", User.Role.EDITOR), held_story, Mode.REVIEW)
        for i, (user, payload) in enumerate(zip(users, payloads, strict=True)):
            parent = posted[-1] if i % CHAIN else None
            posted.append(comments.post_comment(user, story, payload[:1000], parent=parent).comment)
        for i, (user, payload) in enumerate(zip(users, payloads, strict=True)):
            target = posted[i - 1]  # everyone reports the comment before their own
            category = CATEGORIES[i % len(CATEGORIES)]  # 其他 needs words that survive as text
            reason = f"其他：{payload[:490]}" if category == "other" else payload[:500]
            moderation.report_comment(target, user, category, reason)
        for i in range(0, len(payloads), 6):  # held: the queue's other half
            comments.post_comment(users[i], held_story, f"{payloads[i][:990]} 再审")
    assert all(c.status == Comment.Status.VISIBLE for c in posted)
    assert CommentReport.objects.open().count() == len(payloads)
    return {"payloads": payloads, "story": story, "creator": creator, "users": users, "comments": posted}


def check(problems: dict[str, list[str]], url: str, found: list[str]) -> None:
    if found:
        problems[url] = found[:3]


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_hostile_bodies_names_and_reasons_never_become_executable_on_any_page(
    hostile_site: dict[str, Any], settings: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    story: Article = hostile_site["story"]
    creator: Creator = hostile_site["creator"]
    posted: list[Comment] = hostile_site["comments"]
    n = len(posted)
    problems: dict[str, list[str]] = {}
    anonymous, owner = Client(), signed_in(creator.user)  # type: ignore[arg-type]
    reader = signed_in(commenter("duzhe"))
    editor = signed_in(commenter("bianji", role=User.Role.EDITOR, is_staff=True))

    # The article page and its comment section (anonymous: cached fragment; signed in: the forms).
    check(problems, "article", page_problems(get(anonymous, story.get_absolute_url())))
    for who, client in (("anonymous", anonymous), ("owner", owner)):
        html = get(client, f"/a/{story.pk}/comments/section/")
        assert html.count('<article class="comment') >= 10
        check(problems, f"section as {who}", page_problems(html))

    # /a/<id>/comments/: both orders, every page, as a reader and as the article's creator.
    pages = math.ceil(n / PER_PAGE)
    seen = 0
    for sort in ("new", "hot"):
        for page in range(1, pages + 1):
            for who, client in (("reader", reader), ("owner", owner)):
                html = get(client, f"/a/{story.pk}/comments/?sort={sort}&page={page}")
                if who == "reader" and sort == "new":
                    seen += html.count('<article class="comment')
                check(problems, f"{sort} page {page} as {who}", page_problems(html))
    assert seen == n
    # Each comment with its chain; replying to one (its author's name labels the box); reporting it.
    for i, c in enumerate(posted):
        check(problems, f"comment {c.pk}", page_problems(get(anonymous, f"/a/{story.pk}/comments/{c.pk}/")))
        if i % 3 == 0:
            reply = get(reader, f"/a/{story.pk}/comments/?reply={c.pk}")
            check(problems, f"reply to {c.pk}", page_problems(reply))
            report = get(reader, f"/a/{story.pk}/comments/{c.pk}/report/")
            check(problems, f"report {c.pk}", page_problems(report))

    # 消息中心: the creator is told of every comment (names and excerpts), the chain of replies too.
    notices = Notification.objects.filter(user=creator.user_id).count()
    assert notices == n
    for page in range(1, math.ceil(notices / 20) + 1):
        html = get(owner, f"/notifications/?page={page}")
        check(problems, f"notifications page {page}", page_problems(html))
    for c in posted[: CHAIN * 2]:
        check(problems, f"replies of {c.author_id}", page_problems(get(signed_in(c.author), "/notifications/reply/")))

    # The review queue: held comments, reported comments (categories, reasons), and each one's page.
    html = get(editor, "/review/")
    assert html.count('<li class="queue-comment">') == 2 * 50
    check(problems, "queue", page_problems(html))
    for c in [*posted, *Comment.objects.filter(status=Comment.Status.PENDING)]:
        check(problems, f"review {c.pk}", page_problems(get(editor, f"/review/comments/{c.pk}/")))

    # Feeds print no comment, but every name and title on them goes through the same escaping.
    for path in ("/feed.xml", f"/u/{creator.handle}/feed.xml", "/c/news/feed.xml"):
        check(problems, path, feed_problems(anonymous.get(path).content))

    # A script posting gets the rendered comment back as JSON.
    response = signed_in(hostile_site["users"][0]).post(
        f"/a/{story.pk}/comments/post/", {"body": hostile_site["payloads"][0] + " 再说一次"},
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["html"]
    check(problems, "posted as JSON", page_problems(response.json()["html"]))
    assert problems == {}


@pytest.fixture
def comments_api(db: None) -> None:
    """Skip (before the corpus is written) where the comments API is not built yet."""
    schema = Client().get("/api/v1/openapi.json").json()
    if not any(re.fullmatch(r"/api/v1/articles/\{\w+\}/comments", path) for path in schema.get("paths", {})):
        pytest.skip("the comments API (GET /api/v1/articles/{id}/comments) is not in this build yet")


def test_hostile_comments_in_the_api_are_data_never_markup(comments_api: None, hostile_site: dict[str, Any]) -> None:
    """GET /api/v1/articles/{id}/comments (issue 11.10): JSON that a browser never renders, and
    any HTML it carries sanitised."""
    story: Article = hostile_site["story"]
    problems: dict[str, list[str]] = {}
    bodies = {c.pk: c.body for c in hostile_site["comments"]}
    total = 0
    for sort in ("new", "hot"):
        page = 1
        while True:
            response = Client().get(f"/api/v1/articles/{story.pk}/comments?sort={sort}&page={page}&page_size=100")
            if response.status_code == 404 and page > 1:
                break
            assert response.status_code == 200, (sort, page, response.status_code)
            assert response["Content-Type"].startswith("application/json")
            assert response["X-Content-Type-Options"] == "nosniff"
            data = response.json()
            check(problems, f"{sort} page {page}", html_problems(data))
            items = data.get("items", data) if isinstance(data, dict) else data
            if not items:
                break
            for item in items:  # the plain text is returned exactly as it was written
                if item.get("id") in bodies:
                    assert item["body"] == bodies[item["id"]], item["id"]
            total += len(items) if sort == "new" else 0
            page += 1
            if page > 100:
                break
    assert total >= len(hostile_site["comments"])
    assert problems == {}


def html_problems(value: Any, key: str = "") -> list[str]:
    """The strings meant to be put into a page as HTML (keys ending in "html"), scanned as the
    article API's are (json_problems); plain-text fields are data, and must stay as typed."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in html_problems(v, k)]
    if isinstance(value, list):
        return [p for v in value for p in html_problems(v, key)]
    return json_problems(value) if key.endswith("html") and isinstance(value, str) else []
