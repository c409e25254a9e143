"""No state change by GET: following a link (or a cross-site page loading it) changes nothing
stored; the changes are POSTs."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.web.pagecache import CARE_COOKIE

pytestmark = pytest.mark.django_db


def test_get_care_changes_the_browser_not_the_stored_profile() -> None:
    reader = make_user("guanhuai")
    client = Client()
    client.force_login(reader)
    response = client.get("/care/?next=/")
    assert response.status_code == 302 and client.cookies[CARE_COOKIE].value == "1"
    assert User.objects.get(pk=reader.pk).care_mode is False
    assert '<body class="care' in client.get("/").content.decode()
    # Leaving by the link works even when the profile says care mode (the cookie says "0").
    User.objects.filter(pk=reader.pk).update(care_mode=True)
    client.get("/care/?next=/")
    assert client.cookies[CARE_COOKIE].value == "0"
    assert '<body class="care' not in client.get("/").content.decode()
    assert User.objects.get(pk=reader.pk).care_mode is True


def test_post_care_saves_the_profile() -> None:
    reader = make_user("baocun")
    client = Client(enforce_csrf_checks=False)
    client.force_login(reader)
    assert client.post("/care/", {"next": "/hot/"})["Location"] == "/hot/"
    assert User.objects.get(pk=reader.pk).care_mode is True


def test_get_share_counts_nothing_and_post_counts_once() -> None:
    story = make_article(make_writer("fenxiang"), "分享测试")
    client = Client()
    client.post(f"/a/{story.pk}/read/", follow=True)  # a visitor cookie, as a reader's browser has
    for target in ("weibo", "qq", "wechat", "link"):
        for _ in range(3):
            assert client.get(f"/a/{story.pk}/share/{target}/").status_code == 302
    assert Article.objects.get(pk=story.pk).shares_count == 0
    assert client.post(f"/a/{story.pk}/share/weibo/").json()["counted"] is True
    assert Article.objects.get(pk=story.pk).shares_count == 1


def test_reader_pages_answer_get_without_writing() -> None:
    """Every GET a reader's browser makes, signed in: no row changes anywhere it could count."""
    writer = make_writer("quanbu")
    story = make_article(writer, "只读")
    reader = make_user("zhidu")
    client = Client()
    client.force_login(reader)
    before = (
        Article.objects.values_list("views_count", "shares_count", "likes_count").get(pk=story.pk),
        reader.care_mode,
    )
    for url in (
        "/", f"/a/{story.pk}/", "/hot/", f"/u/{writer.handle}/", f"/u/{writer.handle}/follow/", "/feed/settings/",
        "/accessibility/set/?size=150&next=/", f"/a/{story.pk}/share/weibo/", "/care/", f"/a/{story.pk}/report/",
        "/join/", f"/state/?a={story.pk}&u={writer.handle}", "/accounts/following/", "/?tab=following",
    ):  # fmt: skip
        assert client.get(url).status_code in (200, 302), url
    after = (Article.objects.values_list("views_count", "shares_count", "likes_count").get(pk=story.pk),
             User.objects.get(pk=reader.pk).care_mode)  # fmt: skip
    assert after == before
    for url in (f"/a/{story.pk}/read/", f"/a/{story.pk}/like/", "/feed/not-interested/"):
        assert client.get(url).status_code == 405, url
