"""跟帖 (issue 11): reading, writing, replying with floors, counts, modes, the word list and limits,
through the pages a reader uses."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.comments.conftest import commenter, signed_in
from tests.conftest import make_user
from tidings.articles.models import Article
from tidings.comments import actions, ranking, threads
from tidings.comments.models import Comment, Mode, Thread, Word
from tidings.lib.ratelimit import RateLimited

pytestmark = pytest.mark.django_db


def post(client: Client, story: Article, body: str, parent: int | None = None, **headers: str):  # type: ignore[no-untyped-def]
    data = {"body": body, **({"parent": str(parent)} if parent else {})}
    return client.post(f"/a/{story.pk}/comments/post/", data, **headers)


def fresh(a: Article) -> Article:
    return Article.objects.get(pk=a.pk)


# --- reading ------------------------------------------------------------------------------------------


def test_anonymous_readers_read_everything_and_are_asked_to_sign_in_to_comment(story: Article) -> None:
    actions.post_comment(commenter("duzhe"), story, "老街坊说得好")
    page = Client().get(f"/a/{story.pk}/comments/").content.decode()
    assert "老街坊说得好" in page
    assert "登录后跟帖" in page and f"/accounts/login/?next=/a/{story.pk}/%23comments" in page
    section = Client().get(f"/a/{story.pk}/comments/section/").content.decode()
    assert "老街坊说得好" in section and "登录后跟帖" in section
    assert "查看全部 1 条跟帖" in section


def test_the_article_page_links_its_count_to_the_comments_and_stays_a_page_cache_hit(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAGE_CACHE_SECONDS = 60
    first = Client().get(f"/a/{story.pk}/")
    html = first.content.decode()
    assert f'<a href="/a/{story.pk}/comments/" data-comments-link>' in html
    assert f'data-comments-src="/a/{story.pk}/comments/section/"' in html
    actions.post_comment(commenter("duzhe"), story, "页面缓存不受影响")
    assert Client().get(f"/a/{story.pk}/").headers["X-Cache"] == "HIT"


def served_from(r) -> str:  # type: ignore[no-untyped-def]
    """Where a section response came from: "page" (the page cache, before sessions and the view
    run), "section" (the view's own entry), or "" (rendered)."""
    if r.headers.get("X-Cache") == "HIT":
        return "page"
    return "section" if r.headers.get("X-Comments-Cache") == "HIT" else ""


def test_the_section_is_cached_for_anonymous_readers_until_a_comment_or_vote_changes_it(story: Article) -> None:
    url = f"/a/{story.pk}/comments/section/"
    assert served_from(Client().get(url)) == ""
    hit = Client().get(url)
    assert served_from(hit) == "page" and hit.headers["X-Robots-Tag"] == "noindex"
    reader = commenter("duzhe")
    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = actions.post_comment(reader, story, "新的一条")
    r = Client().get(url)
    assert served_from(r) == "" and "新的一条" in r.content.decode()
    assert served_from(Client().get(url)) == "page"
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.vote(commenter("toupiao"), posted.comment, 1)
    r = Client().get(url)
    assert served_from(r) == ""
    assert re.search(r'顶 <span class="count">1</span>', r.content.decode())


def test_the_comment_pages_are_page_cached_for_anonymous_readers_until_the_thread_changes(story: Article) -> None:
    first = actions.post_comment(commenter("duzhe"), story, "第一条").comment
    pages = [f"/a/{story.pk}/comments/?sort=new", f"/a/{story.pk}/comments/{first.pk}/"]
    for url in pages:
        assert served_from(Client().get(url)) == ""
        assert served_from(Client().get(url)) == "page"
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.post_comment(commenter("huifu"), story, "第二条", parent=first)
    r = Client().get(pages[0])
    assert served_from(r) == "" and "第二条" in r.content.decode()
    assert served_from(Client().get(pages[1])) == ""
    reader = signed_in(commenter("kankan"))
    reader.get(pages[0])
    assert "X-Cache" not in reader.get(pages[0]).headers, "signed-in readers get their own page"


def test_without_the_page_cache_the_section_comes_from_its_own_entry(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAGE_CACHE_SECONDS = 0
    url = f"/a/{story.pk}/comments/section/"
    assert served_from(Client().get(url)) == ""
    assert served_from(Client().get(url)) == "section"
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.post_comment(commenter("duzhe"), story, "又一条")
    r = Client().get(url)
    assert served_from(r) == "" and "又一条" in r.content.decode()


def test_the_section_cache_outlives_a_change_in_another_process_by_at_most_its_lifetime(
    story: Article, settings
) -> None:  # type: ignore[no-untyped-def]
    """A per-process cache (no Redis) cannot see another process's invalidation: the entries'
    lifetime, COMMENT_CACHE_SECONDS (the page cache keeps the section no longer), is the
    staleness bound. Simulated by a row written without the action (so nothing invalidates),
    then waiting for the entries to expire."""
    settings.COMMENT_CACHE_SECONDS = 1
    url = f"/a/{story.pk}/comments/section/"
    Client().get(url)
    written = time.monotonic()
    Comment.objects.create(article=story, author=commenter("bieren"), body="另一个进程写的")
    assert "另一个进程写的" not in Client().get(url).content.decode()
    while "另一个进程写的" not in Client().get(url).content.decode():
        assert time.monotonic() - written < 3, "the cached section outlived its lifetime"
        time.sleep(0.05)
    assert time.monotonic() - written >= 0.9


# --- writing -----------------------------------------------------------------------------------------


def test_a_reader_posts_plain_text_with_line_breaks_emoji_and_nofollow_links(story: Article) -> None:
    c = signed_in(commenter("duzhe"))
    r = post(c, story, "第一行😀\n第二行 <b>不加粗</b> 详见 https://example.org/a?b=1。")
    assert r.status_code == 302
    html = c.get(f"/a/{story.pk}/comments/?sort=new").content.decode()
    assert "第一行😀\n第二行 &lt;b&gt;不加粗&lt;/b&gt;" in html
    assert '<a href="https://example.org/a?b=1" rel="nofollow ugc noopener">https://example.org/a?b=1</a>。' in html
    assert fresh(story).comments_count == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "请输入跟帖内容"), ("   \n\t ", "请输入跟帖内容"), ("长" * 1001, "跟帖最多 1000 字，现在有 1001 字")],
)
def test_empty_or_overlong_text_is_refused_with_a_message_and_kept_in_the_box(
    story: Article, body: str, message: str
) -> None:
    c = signed_in(commenter("duzhe"))
    r = post(c, story, body)
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html and 'role="alert"' in html
    if body.strip():
        assert body in html  # the typed text stays
    assert not Comment.objects.exists() and fresh(story).comments_count == 0


def test_scripts_get_json_and_the_rendered_comment(story: Article) -> None:
    c = signed_in(commenter("duzhe"))
    r = post(c, story, "用脚本发的", HTTP_ACCEPT="application/json")
    body = r.json()
    assert body["ok"] and not body["held"] and "用脚本发的" in body["html"]
    r = post(c, story, "", HTTP_ACCEPT="application/json")
    assert r.status_code == 400 and r.json() == {"ok": False, "error": "请输入跟帖内容。"}


def test_anonymous_posts_go_to_sign_in_and_store_nothing(story: Article) -> None:
    r = post(Client(), story, "匿名")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not Comment.objects.exists()


# --- replies: floors ---------------------------------------------------------------------------------


def chain(story: Article, depth: int, prefix: str = "lou") -> list[Comment]:
    out: list[Comment] = []
    for i in range(depth):
        who = commenter(f"{prefix}{i}")
        out.append(actions.post_comment(who, story, f"第{i + 1}层的话", parent=out[-1] if out else None).comment)
    return out


def test_a_reply_shows_the_chain_it_answers_as_numbered_floors_oldest_first(story: Article) -> None:
    comments = chain(story, 3)
    html = Client().get(f"/a/{story.pk}/comments/{comments[-1].pk}/").content.decode()
    floors = re.findall(r'<span class="floor-no">(\d+)楼</span>', html)
    assert floors == ["1", "2"]
    assert html.index("第1层的话") < html.index("第2层的话") < html.index("第3层的话")
    assert "，引用 1楼" in html and "回复 2楼：" in html  # what a screen reader hears
    assert comments[2].path == f"/{comments[0].pk}/{comments[1].pk}/" and comments[2].depth == 2


def test_a_deleted_floor_reads_deleted_and_the_chain_still_reads(story: Article) -> None:
    comments = chain(story, 3)
    actions.delete_own(comments[1].author, comments[1])
    html = Client().get(f"/a/{story.pk}/comments/{comments[2].pk}/").content.decode()
    assert "该跟帖已删除" in html and "第2层的话" not in html
    assert "第1层的话" in html and "第3层的话" in html
    assert re.findall(r'<span class="floor-no">(\d+)楼</span>', html) == ["1", "2"]


def test_chains_longer_than_five_floors_fold_the_middle_in_a_details_element(story: Article) -> None:
    comments = chain(story, 9)
    html = Client().get(f"/a/{story.pk}/comments/{comments[-1].pk}/").content.decode()
    assert "<summary>展开中间 4 层</summary>" in html
    fold = html.index('<li class="floor-fold">')
    details = html[fold : html.index("</details>", fold)]
    assert all(f"第{i}层的话" in details for i in (3, 4, 5, 6))
    assert "第1层的话" not in details and "第8层的话" not in details


def test_a_page_of_chains_costs_the_same_queries_whatever_their_depth(
    story: Article, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    chain(story, 3)
    shallow = _queries(story)
    chain(story, 50, prefix="deep")
    deep = _queries(story)
    assert deep == shallow


def test_the_comment_pages_cost_a_fixed_number_of_queries_and_a_cached_copy_none(story: Article) -> None:
    deep = chain(story, 12)[-1]
    pages = {  # article, comments, their floors, the thread, the site's mode (+ the section's 最新)
        f"/a/{story.pk}/comments/?sort=hot": 5,
        f"/a/{story.pk}/comments/?sort=new": 5,
        f"/a/{story.pk}/comments/{deep.pk}/": 5,
        f"/a/{story.pk}/comments/section/": 6,
    }
    reader = Client()
    reader.get(f"/a/{story.pk}/comments/")  # the site's blocks (channels …) load once per process
    for url, expected in pages.items():
        with TestCase.captureOnCommitCallbacks(execute=True):
            actions.changed(story.pk)  # as a comment or vote does
        with CaptureQueriesContext(connection) as rendered:
            assert served_from(reader.get(url)) == ""
        with CaptureQueriesContext(connection) as cached:
            assert served_from(reader.get(url)) == "page"
        assert (len(rendered), len(cached)) == (expected, 0), (url, [q["sql"][:80] for q in rendered])


def _queries(story: Article) -> int:
    with CaptureQueriesContext(connection) as ctx:
        threads.page(story.pk, "new", 1, fresh(story).comments_count, None)
    return len(ctx.captured_queries)


def test_replying_to_a_comment_that_does_not_exist_is_refused_not_posted_at_the_top(story: Article) -> None:
    for parent in ("999999", "abc"):
        r = signed_in(commenter(f"p{parent}")).post(
            f"/a/{story.pk}/comments/post/", {"body": "回哪里", "parent": parent}
        )
        assert r.status_code == 404 and "你回复的跟帖不存在或已删除" in r.content.decode()
    assert not Comment.objects.exists()


def test_replying_to_a_deleted_comment_is_refused(story: Article) -> None:
    first = actions.post_comment(commenter("a1"), story, "原帖").comment
    actions.delete_own(first.author, first)
    r = post(signed_in(commenter("a2")), story, "回复已删的", parent=first.pk)
    assert r.status_code == 404 and "你回复的跟帖不存在或已删除" in r.content.decode()
    assert "回复已删的" in r.content.decode()


# --- counts --------------------------------------------------------------------------------------------


def test_counts_are_visible_comments_and_distinct_participants_and_move_the_hot_score(story: Article) -> None:
    before = fresh(story).hot_score
    a, b = commenter("a1"), commenter("b1")
    c1 = actions.post_comment(a, story, "一").comment
    actions.post_comment(a, story, "二")
    actions.post_comment(b, story, "三")
    s = fresh(story)
    assert s.comments_count == 3 and Thread.objects.get(article=story).participants_count == 2
    assert s.hot_score > before
    actions.delete_own(a, c1)
    assert fresh(story).comments_count == 2 and Thread.objects.get(article=story).participants_count == 2
    actions.delete_own(b, Comment.objects.get(body="三"))
    assert fresh(story).comments_count == 1 and Thread.objects.get(article=story).participants_count == 1
    assert "1 跟帖 · 1 人参与" in Client().get(f"/a/{story.pk}/comments/").content.decode()
    api = Client().get(f"/api/v1/articles/{story.pk}").json()
    assert api["counts"]["comments"] == 1


# --- modes, new accounts, the word list ----------------------------------------------------------------


def test_a_closed_article_refuses_comments_and_says_so(story: Article, author) -> None:  # type: ignore[no-untyped-def]
    actions.set_mode(author.user, story, Mode.CLOSED)
    r = post(signed_in(commenter("duzhe")), story, "还能说吗")
    assert r.status_code == 403 and "本文已关闭跟帖" in r.content.decode()
    assert "本文已关闭跟帖" in Client().get(f"/a/{story.pk}/comments/section/").content.decode()


def test_review_first_holds_comments_until_an_editor_approves(story: Article, editor) -> None:  # type: ignore[no-untyped-def]
    actions.set_site_mode(editor, Mode.REVIEW)
    reader = commenter("duzhe")
    posted = actions.post_comment(reader, story, "等审核")
    assert posted.held and fresh(story).comments_count == 0
    assert "等审核" not in Client().get(f"/a/{story.pk}/comments/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the commit makes cached copies stale
        actions.approve(editor, posted.comment)
    assert fresh(story).comments_count == 1
    assert "等审核" in Client().get(f"/a/{story.pk}/comments/").content.decode()


def test_new_accounts_are_always_held_and_may_not_post_links(story: Article) -> None:
    newbie = make_user("xinren")
    r = post(signed_in(newbie), story, "看这里 https://spam.example/")
    assert r.status_code == 400 and "暂时不能在跟帖中发链接" in r.content.decode()
    assert actions.post_comment(newbie, story, "新人报到").held


def test_a_refused_word_is_refused_plainly_without_echoing_the_list_and_a_held_word_waits(story: Article) -> None:
    Word.objects.create(word="违禁品", action=Word.Action.REFUSE)
    Word.objects.create(word="敏感话题", action=Word.Action.HOLD)
    c = signed_in(commenter("duzhe"))
    r = post(c, story, "出售违 禁 品")
    html = r.content.decode()
    assert (
        r.status_code == 400 and "跟帖含有不允许发布的内容" in html and "违禁品" not in html.replace("出售违 禁 品", "")
    )
    assert actions.post_comment(commenter("ren2"), story, "聊聊敏感话题").held


# --- limits --------------------------------------------------------------------------------------------


def test_one_comment_every_ten_seconds_answers_429_with_the_wait_and_keeps_the_text(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_INTERVAL_SECONDS = 10
    c = signed_in(commenter("kuaishou"))
    assert post(c, story, "第一条").status_code == 302
    r = post(c, story, "紧接着第二条")
    assert r.status_code == 429 and int(r["Retry-After"]) <= 10
    html = r.content.decode()
    assert "跟帖太频繁" in html and "紧接着第二条" in html
    assert Comment.objects.count() == 1


def test_the_same_text_twice_in_a_day_is_refused(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_INTERVAL_SECONDS = 0
    reader = commenter("chongfu")
    actions.post_comment(reader, story, "一样的话")
    with pytest.raises(actions.CommentError, match="请勿重复"):
        actions.post_comment(reader, story, "  一样的话 ")


def test_the_hourly_limit_refuses_the_next_comment_and_counts_nothing_refused(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENTS_PER_HOUR = 2
    settings.COMMENT_INTERVAL_SECONDS = 0
    reader = commenter("duoyan")
    for i in range(2):
        actions.post_comment(reader, story, f"第{i}条")
    with pytest.raises(RateLimited, match="跟帖太频繁"):
        actions.post_comment(reader, story, "第三条")
    assert Comment.objects.count() == 2


# --- 作者置顶, removal rights ----------------------------------------------------------------------------


def test_the_articles_creator_pins_one_comment_first_with_a_mark(story: Article, author) -> None:  # type: ignore[no-untyped-def]
    first = actions.post_comment(commenter("a1"), story, "早来的").comment
    second = actions.post_comment(commenter("a2"), story, "置顶这条").comment
    actions.pin(author.user, second)
    actions.pin(author.user, first)  # pinning another unpins the first
    assert list(Comment.objects.filter(pinned=True)) == [first]
    html = Client().get(f"/a/{story.pk}/comments/section/").content.decode()
    assert "作者置顶" in html
    with pytest.raises(actions.CommentError):
        actions.pin(commenter("a3"), second)


def test_hot_order_is_pinned_then_ranked_then_newest(story: Article) -> None:
    voters = [commenter(f"v{i}") for i in range(6)]
    plain = actions.post_comment(commenter("p1"), story, "没人投票").comment
    liked = actions.post_comment(commenter("p2"), story, "大家都顶").comment
    for v in voters:
        actions.vote(v, liked, 1)
    mixed = actions.post_comment(commenter("p3"), story, "有顶有踩").comment
    for i, v in enumerate(voters):
        actions.vote(v, mixed, 1 if i < 3 else -1)
    newer = actions.post_comment(commenter("p4"), story, "最新未投").comment
    order = [c.pk for c in threads.hot_order(story.pk)]
    assert order == [liked.pk, mixed.pk, newer.pk, plain.pk]


def test_wilson_lower_bound_prefers_many_votes_to_few_at_the_same_share() -> None:
    assert ranking.wilson_lower_bound(90, 10) > ranking.wilson_lower_bound(3, 0) > 0
    assert ranking.wilson_lower_bound(0, 0) == 0.0
    now = timezone.now()
    assert ranking.rank(90, 10, now) > ranking.rank(3, 0, now)
    assert ranking.rank(1, 0, now) < ranking.QUALIFIED  # too few votes: 最新 order
    day_later = now + dt.timedelta(seconds=ranking.TAU_SECONDS)
    assert ranking.rank(90, 10, day_later) > ranking.rank(90, 10, now)


# --- IP属地 and the address hash ---------------------------------------------------------------------


def test_the_region_is_stored_as_text_and_the_address_only_as_a_hash_pruned_after_30_days(story: Article) -> None:
    c = actions.post_comment(commenter("dizhi"), story, "从远方来", address="202.96.128.86").comment
    assert c.ip_region == "广东" and len(c.ip_hash) == 64 and "202.96" not in c.ip_hash
    v6 = actions.post_comment(commenter("dizhi6"), story, "从大洋彼岸来", address="2001:4860:4860::8888").comment
    assert v6.ip_region == "美国"
    assert f"IP属地：{c.ip_region}" in Client().get(f"/a/{story.pk}/comments/").content.decode()
    assert actions.prune_address_hashes(timezone.now() + dt.timedelta(days=29)) == 0
    assert actions.prune_address_hashes(timezone.now() + dt.timedelta(days=31)) == 2
    c.refresh_from_db()
    assert c.ip_hash == "" and c.ip_region == "广东"


def test_the_region_comes_from_the_proxy_aware_client_address(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PROXY_COUNT = 1
    c = signed_in(commenter("dailiren"))
    post(c, story, "经过代理", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8, 202.96.128.86")
    assert Comment.objects.get().ip_region == "广东"


def test_the_article_meta_line_shows_where_the_creator_published_from(author) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_article
    from tidings.articles import transitions

    a = make_article(author, "在广州发的", publish=False)
    transitions.submit(a, author.user, ip_region="广东")
    assert "IP属地：广东" in Client().get(f"/a/{a.pk}/").content.decode()


@pytest.mark.parametrize(
    "body",
    ["敏 感 词来了", "敏\u200b感\u200d词", "敏。感，词", "ＢＡＤＷＯＲＤ here", "bad word here", "傳銷騙局"],
)
def test_the_word_list_sees_through_spaces_zero_width_punctuation_full_width_and_traditional_forms(
    story: Article, body: str
) -> None:
    for word in ("敏感词", "badword", "传销"):
        Word.objects.create(word=word, action=Word.Action.REFUSE)
    with pytest.raises(actions.CommentError, match="不允许发布"):
        actions.post_comment(commenter("guibi"), story, body)
    assert not Comment.objects.exists()


def test_an_edited_word_list_applies_at_once(story: Article) -> None:
    assert not actions.post_comment(commenter("w1"), story, "今天聊聊天气").held
    w = Word.objects.create(word="天气", action=Word.Action.HOLD)
    assert actions.post_comment(commenter("w2"), story, "天气不错").held
    Word.objects.filter(pk=w.pk).update(action=Word.Action.REFUSE, updated_at=timezone.now())
    with pytest.raises(actions.CommentError):
        actions.post_comment(commenter("w3"), story, "天气很好")


def test_signing_in_from_the_comment_box_comes_back_to_the_comments(story: Article) -> None:
    commenter("huilai")
    login = f"/accounts/login/?next=/a/{story.pk}/%23comments"
    assert login in Client().get(f"/a/{story.pk}/comments/section/").content.decode()
    c = Client()
    r = c.post(login, {"username": "huilai", "password": "pw-huilai-123"})
    assert r.status_code == 302 and r["Location"] == f"/a/{story.pk}/#comments"
