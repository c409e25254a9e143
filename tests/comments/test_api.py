"""跟帖 over the API (issue 11.10): reading an article's comments and one comment with its chain,
posting, voting and deleting with a bearer token; the same rules, limits, word filter and
rendering as the pages; every refusal in the project's error bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.comments.conftest import commenter
from tests.conftest import make_article, make_user, make_writer
from tests.hostile import executable_parts, xss_payloads
from tidings.accounts.models import User
from tidings.api.api import api
from tidings.api.models import ApiToken, digest, new_secret
from tidings.api.tokens import create_token, revoke_token
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.comments import actions
from tidings.comments.models import Comment, Mode, Thread, Word
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db


def token_for(user: User) -> str:
    """A personal token for any account (the studio makes them for creators)."""
    secret = new_secret()
    ApiToken.objects.create(user=user, name="跟帖脚本", prefix=secret[:10], sha256=digest(secret))
    return secret


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send(method: str, path: str, body: Any = None, token: str | None = None, **extra: str) -> Any:
    headers = {**(bearer(token) if token else {}), **extra}
    call = getattr(Client(), method)
    if body is None:
        return call(path, **headers)
    return call(path, body, content_type="application/json", **headers)


def post(story: Article, body: str, token: str | None, parent: int | None = None, **extra: str) -> Any:
    data: dict[str, Any] = {"body": body}
    if parent is not None:
        data["parent_id"] = parent
    return send("post", f"/api/v1/articles/{story.pk}/comments", data, token, **extra)


def listing(story: Article, query: str = "", token: str | None = None) -> Any:
    return send("get", f"/api/v1/articles/{story.pk}/comments{query}", token=token)


def fresh(a: Article) -> Article:
    return Article.objects.get(pk=a.pk)


def chain(story: Article, depth: int, prefix: str = "lou") -> list[Comment]:
    out: list[Comment] = []
    for i in range(depth):
        out.append(
            actions.post_comment(
                commenter(f"{prefix}{i}"), story, f"第{i + 1}层", parent=out[-1] if out else None
            ).comment
        )
    return out


# --- reading -------------------------------------------------------------------------------------


def test_anyone_reads_an_articles_comments_with_the_counts_and_each_ones_chain(story: Article) -> None:
    floors = chain(story, 3)
    reader = commenter("duzhe", first_name="读者甲")
    actions.post_comment(reader, story, "自己说一句\n第二行 https://example.org/x。", address="202.96.128.86")
    r = listing(story, "?sort=new")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 4 and body["participants"] == 4 and body["mode"] == "open"
    assert (body["sort"], body["page"], body["page_size"], body["next"], body["previous"]) == ("new", 1, 20, None, None)
    newest, reply = body["items"][0], body["items"][1]
    assert newest["body"] == "自己说一句\n第二行 https://example.org/x。"
    assert newest["body_html"] == (
        '自己说一句\n第二行 <a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>。'
    )
    assert newest["author"] == {"name": "读者甲", "avatar_url": None, "creator": None}
    assert newest["ip_region"] == "广东" and newest["state"] == "visible" and newest["mine"] is None
    assert [newest[k] for k in ("up", "down", "pinned", "parent_id", "depth")] == [0, 0, False, None, 0]
    assert newest["url"] == f"/a/{story.pk}/comments/{newest['id']}/" and newest["floors"] == []
    assert reply["id"] == floors[2].pk and reply["parent_id"] == floors[1].pk and reply["depth"] == 2
    assert [(f["number"], f["id"], f["state"], f["body"], f["author_name"]) for f in reply["floors"]] == [
        (1, floors[0].pk, "visible", "第1层", "lou0"),
        (2, floors[1].pk, "visible", "第2层", "lou1"),
    ]
    assert reply["floors"][0]["body_html"] == "第1层"


def test_a_creators_comment_names_the_creator(story: Article) -> None:
    w = make_writer("xiezuozhe")
    User.objects.filter(pk=w.user_id).update(date_joined=timezone.now() - dt.timedelta(days=90))
    actions.post_comment(User.objects.get(pk=w.user_id), story, "作者也来了")
    item = listing(story).json()["items"][0]
    assert item["author"] == {"name": "xiezuozhe的号", "avatar_url": None, "creator": "xiezuozhe"}


def test_hot_puts_the_pinned_comment_first_and_pages_like_the_other_lists(story: Article, author: Creator) -> None:
    made = [actions.post_comment(commenter(f"p{i}"), story, f"第{i}条").comment for i in range(5)]
    actions.pin(author.user, made[1])
    first = listing(story, "?page_size=2").json()
    assert first["sort"] == "hot" and first["items"][0]["id"] == made[1].pk and first["items"][0]["pinned"]
    assert first["next"] == f"/api/v1/articles/{story.pk}/comments?sort=hot&page_size=2&page=2"
    last = Client().get(f"/api/v1/articles/{story.pk}/comments?sort=hot&page_size=2&page=3").json()
    assert len(last["items"]) == 1 and last["next"] is None and last["previous"].endswith("&page=2")
    new_ids = [i["id"] for p in (1, 2, 3) for i in listing(story, f"?sort=new&page_size=2&page={p}").json()["items"]]
    assert new_ids == [c.pk for c in reversed(made)]


def test_bad_paging_and_missing_articles_are_clear_errors(story: Article) -> None:
    actions.post_comment(commenter("a1"), story, "一条")
    r = listing(story, "?page=2")
    assert r.status_code == 404 and r.json() == {"detail": "No page 2."}
    assert listing(story, "?page=99999999999999999999").status_code == 404
    assert listing(story, "?page=0").status_code == 400 and listing(story, "?page_size=101").status_code == 400
    assert listing(story, "?sort=top").status_code == 422
    assert Client().get("/api/v1/articles/999999/comments").json() == {"detail": "文章不存在或已下线。"}
    withdraw(story, None)
    assert listing(story).status_code == 404


def test_an_empty_thread_is_page_one_with_nothing_in_it(story: Article) -> None:
    body = listing(story).json()
    assert (body["count"], body["participants"], body["items"], body["next"]) == (0, 0, [], None)


def test_a_deleted_floor_is_named_in_the_chain_without_its_words_or_author(story: Article) -> None:
    floors = chain(story, 3)
    actions.delete_own(floors[1].author, floors[1])
    item = send("get", f"/api/v1/comments/{floors[2].pk}").json()
    assert item["floors"][1] == {
        "number": 2, "id": floors[1].pk, "state": "deleted", "body": None, "body_html": None, "author_name": None,
    }  # fmt: skip
    assert item["floors"][0]["body"] == "第1层"


def test_a_page_of_chains_costs_the_same_queries_whatever_their_depth(story: Article) -> None:
    chain(story, 3)
    shallow = _queries(story)
    chain(story, 40, prefix="deep")
    assert _queries(story) == shallow


def _queries(story: Article) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert listing(story, "?sort=new").status_code == 200
    return len(ctx.captured_queries)


def test_a_held_or_removed_comment_is_404_to_everyone_but_its_author(story: Article, author: Creator) -> None:
    newbie = make_user("xinren")
    held = actions.post_comment(newbie, story, "等审核").comment
    path = f"/api/v1/comments/{held.pk}"
    assert send("get", path).status_code == 404
    assert send("get", path, token=token_for(commenter("pangren"))).status_code == 404
    mine = send("get", path, token=token_for(newbie)).json()
    assert mine["state"] == "pending" and mine["body"] == "等审核"
    assert not any(i["id"] == held.pk for i in listing(story).json()["items"])
    visible = actions.post_comment(commenter("bei-shan"), story, "会被作者删掉").comment
    actions.remove(author.user, visible, "离题")
    assert send("get", f"/api/v1/comments/{visible.pk}").status_code == 404
    assert send("get", f"/api/v1/comments/{visible.pk}", token=token_for(visible.author)).json()["state"] == "deleted"


def test_reading_with_a_token_says_how_i_voted_and_a_bad_token_is_401(story: Article) -> None:
    c = actions.post_comment(commenter("a1"), story, "好文").comment
    me = commenter("toupiao")
    actions.vote(me, c, -1)
    token = token_for(me)
    assert listing(story, token=token).json()["items"][0]["mine"] == "down"
    assert send("get", f"/api/v1/comments/{c.pk}", token=token).json()["mine"] == "down"
    assert listing(story, token="tdg_not-a-token").status_code == 401
    assert send("get", f"/api/v1/comments/{c.pk}", token="tdg_not-a-token").status_code == 401
    assert send("get", "/api/v1/comments/999999").json() == {"detail": "这条跟帖不存在或已删除。"}


def test_a_comment_on_an_article_no_longer_published_is_404(story: Article) -> None:
    c = actions.post_comment(commenter("a1"), story, "文章下线前").comment
    withdraw(story, None)
    assert send("get", f"/api/v1/comments/{c.pk}").status_code == 404


# --- posting -------------------------------------------------------------------------------------


def test_posting_needs_a_valid_token(story: Article) -> None:
    assert post(story, "匿名的话", None).status_code == 401
    assert post(story, "假令牌", "tdg_nope").status_code == 401
    writer = make_writer("jiulingpai")
    secret, made = create_token(writer.user, "旧令牌")
    revoke_token(writer.user, made.pk)
    r = post(story, "停用的令牌", secret)
    assert r.status_code == 401 and r.json() == {"detail": "Unauthorized"}
    assert not Comment.objects.exists() and fresh(story).comments_count == 0


def test_a_reader_posts_and_replies_with_a_token(story: Article) -> None:
    reader = commenter("duzhe")
    token = token_for(reader)
    r = post(story, "  接口发的跟帖😀  ", token, REMOTE_ADDR="2001:4860:4860::8888")
    assert r.status_code == 201
    made = r.json()
    assert made["held"] is False and made["state"] == "visible" and made["body"] == "接口发的跟帖😀"
    assert made["ip_region"] == "美国" and made["mine"] == "none"
    assert r["Location"] == f"/api/v1/comments/{made['id']}"
    assert send("get", r["Location"]).json()["body"] == "接口发的跟帖😀"
    other = token_for(commenter("huifu"))
    reply = send(
        "post", f"/api/v1/articles/{story.pk}/comments", {"body": "回复你", "parent_id": float(made["id"])}, other
    ).json()  # JSON has one kind of number
    assert reply["parent_id"] == made["id"] and reply["floors"][0]["body"] == "接口发的跟帖😀"
    s = fresh(story)
    assert s.comments_count == 2 and Thread.objects.get(article=story).participants_count == 2


def test_the_client_address_is_proxy_aware(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PROXY_COUNT = 1
    token = token_for(commenter("dailiren"))
    r = post(story, "经过代理", token, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8, 202.96.128.86")
    assert r.json()["ip_region"] == "广东"


def test_a_reply_to_a_comment_that_is_not_there_is_404_and_stores_nothing(story: Article, author: Creator) -> None:
    token = token_for(commenter("huifu"))
    elsewhere = actions.post_comment(commenter("a1"), make_article(author, "另一篇"), "别处的跟帖").comment
    gone = actions.post_comment(commenter("a2"), story, "删了").comment
    actions.delete_own(gone.author, gone)
    for parent in (999999, elsewhere.pk, gone.pk):
        r = post(story, "回复", token, parent=parent)
        assert r.status_code == 404 and r.json() == {"detail": "你回复的跟帖不存在或已删除。"}
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "请输入跟帖内容。"),
        ("  \n\t ", "请输入跟帖内容。"),
        ("长" * 1001, "跟帖最多 1000 字，现在有 1001 字，请删减后再发。"),
        ("出售违 禁 品", "跟帖含有不允许发布的内容，请修改后再发。"),
    ],
)
def test_the_pages_refusals_answer_400_naming_the_body(story: Article, body: str, message: str) -> None:
    Word.objects.create(word="违禁品", action=Word.Action.REFUSE)
    r = post(story, body, token_for(commenter("duzhe")))
    assert r.status_code == 400 and r.json() == {"detail": message, "errors": {"body": message}}
    assert not Comment.objects.exists() and fresh(story).comments_count == 0


def test_a_thousand_characters_with_windows_line_breaks_is_within_the_limit(story: Article) -> None:
    body = "\r\n".join(["字" * 99] * 10)  # 990 characters and 9 line breaks once normalised
    r = post(story, body, token_for(commenter("duzhe")))
    assert r.status_code == 201 and len(r.json()["body"]) == 999


def test_a_held_word_new_accounts_and_review_mode_hold_the_comment(story: Article, editor: User) -> None:
    Word.objects.create(word="敏感话题", action=Word.Action.HOLD)
    r = post(story, "聊聊敏感话题", token_for(commenter("duzhe")))
    assert r.status_code == 201 and r.json()["held"] is True and r.json()["state"] == "pending"
    newbie = token_for(make_user("xinren"))
    r = post(story, "看这里 https://spam.example/", newbie)
    assert r.status_code == 400 and "暂时不能在跟帖中发链接" in r.json()["errors"]["body"]
    assert post(story, "新人报到", newbie).json()["held"] is True
    actions.set_site_mode(editor, Mode.REVIEW)
    assert post(story, "先审后发", token_for(commenter("lao"))).json()["held"] is True
    assert fresh(story).comments_count == 0


def test_the_same_text_twice_in_a_day_is_refused(story: Article) -> None:
    token = token_for(commenter("chongfu"))
    assert post(story, "一样的话", token).status_code == 201
    r = post(story, " 一样的话 ", token)
    assert r.status_code == 400 and "请勿重复发布" in r.json()["detail"]


def test_a_closed_article_and_a_banned_reader_are_403(story: Article, author: Creator, editor: User) -> None:
    reader = commenter("duzhe")
    token = token_for(reader)
    actions.ban(editor, reader, 3, "刷屏")
    r = post(story, "还能说吗", token)
    assert r.status_code == 403 and r.json()["detail"].startswith("你已被禁止跟帖")
    actions.set_mode(author.user, story, Mode.CLOSED)
    r = post(story, "关了吗", token_for(commenter("lao")))
    assert r.status_code == 403 and r.json() == {"detail": "本文已关闭跟帖。"}
    assert listing(story).json()["mode"] == "closed"
    assert not Comment.objects.exists()


def test_posting_on_an_article_that_is_not_published_is_404(story: Article) -> None:
    withdraw(story, None)
    r = post(story, "下线了", token_for(commenter("duzhe")))
    assert r.status_code == 404 and r.json() == {"detail": "文章不存在或已下线。"}


def test_too_many_comments_answer_429_with_the_wait(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_INTERVAL_SECONDS = 10
    token = token_for(commenter("kuaishou"))
    assert post(story, "第一条", token).status_code == 201
    r = post(story, "紧接着第二条", token)
    assert r.status_code == 429 and 1 <= int(r["Retry-After"]) <= 10
    assert r.json() == {"detail": f"跟帖太频繁，请 {r['Retry-After']} 秒后再试。", "retry_after": int(r["Retry-After"])}
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": 5},
        {"body": None},
        {"body": "x", "parent_id": "3"},
        {"body": "x", "parent_id": 1.5},
        {"body": "带\x00空字符"},
        ["body"],
    ],
)
def test_a_body_that_does_not_match_the_schema_is_422(story: Article, payload: Any) -> None:
    r = send("post", f"/api/v1/articles/{story.pk}/comments", payload, token_for(commenter("duzhe")))
    assert r.status_code == 422 and isinstance(r.json()["detail"], list)
    assert not Comment.objects.exists()


# --- votes ----------------------------------------------------------------------------------------


def test_a_reader_votes_switches_and_takes_the_vote_back(story: Article) -> None:
    c = actions.post_comment(commenter("a1"), story, "投我").comment
    token = token_for(commenter("toupiao"))
    path = f"/api/v1/comments/{c.pk}/vote"
    assert send("post", path, {"value": "up"}, token).json() == {"up": 1, "down": 0, "mine": "up"}
    assert send("post", path, {"value": "down"}, token).json() == {"up": 0, "down": 1, "mine": "down"}
    assert send("post", path, {"value": "none"}, token).json() == {"up": 0, "down": 0, "mine": "none"}
    assert send("post", path, {"value": "sideways"}, token).status_code == 422
    assert send("post", path, {"value": "up"}).status_code == 401
    c.refresh_from_db()
    assert (c.up_count, c.down_count) == (0, 0)


def test_no_vote_on_ones_own_or_an_unseen_comment(story: Article) -> None:
    me = commenter("ziji")
    own = actions.post_comment(me, story, "自己的").comment
    r = send("post", f"/api/v1/comments/{own.pk}/vote", {"value": "up"}, token_for(me))
    assert r.status_code == 403 and r.json() == {"detail": "不能给自己的跟帖投票。"}
    held = actions.post_comment(make_user("xinren"), story, "还在审核").comment
    voter = token_for(commenter("toupiao"))
    assert send("post", f"/api/v1/comments/{held.pk}/vote", {"value": "up"}, voter).status_code == 404
    assert send("post", "/api/v1/comments/999999/vote", {"value": "up"}, voter).status_code == 404


def test_too_many_votes_answer_429(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_VOTES_PER_HOUR = 2
    c = actions.post_comment(commenter("a1"), story, "投我").comment
    token = token_for(commenter("toupiao"))
    for value in ("up", "down"):
        assert send("post", f"/api/v1/comments/{c.pk}/vote", {"value": value}, token).status_code == 200
    r = send("post", f"/api/v1/comments/{c.pk}/vote", {"value": "up"}, token)
    assert r.status_code == 429 and int(r["Retry-After"]) == r.json()["retry_after"]


# --- deleting -------------------------------------------------------------------------------------


def test_the_author_deletes_their_comment_and_it_is_gone_everywhere(story: Article) -> None:
    me = commenter("ziji")
    floors = [*chain(story, 1), actions.post_comment(me, story, "我要删掉", parent=chain(story, 1, "x")[0]).comment]
    token = token_for(me)
    path = f"/api/v1/comments/{floors[1].pk}"
    assert send("delete", path).status_code == 401
    r = send("delete", path, token=token)
    assert r.status_code == 204 and r.content == b""
    assert Comment.objects.get(pk=floors[1].pk).status == Comment.Status.DELETED
    assert send("get", path, token=token).status_code == 404  # DELETE, then GET: 404, for its author too
    assert send("delete", path, token=token).status_code == 404
    assert fresh(story).comments_count == 2


def test_someone_elses_comment_is_403_and_one_they_cannot_see_404(story: Article) -> None:
    target = actions.post_comment(commenter("a1"), story, "别人的").comment
    held = actions.post_comment(make_user("xinren"), story, "别人的待审").comment
    token = token_for(commenter("pangren"))
    r = send("delete", f"/api/v1/comments/{target.pk}", token=token)
    assert r.status_code == 403 and r.json() == {"detail": "没有权限删除这条跟帖。"}
    assert send("delete", f"/api/v1/comments/{held.pk}", token=token).status_code == 404
    assert send("delete", "/api/v1/comments/999999", token=token).status_code == 404
    other_creator = token_for(make_writer("biede").user)
    assert send("delete", f"/api/v1/comments/{target.pk}", token=other_creator).status_code == 403
    assert set(Comment.objects.values_list("status", flat=True)) == {"visible", "pending"}
    assert fresh(story).comments_count == 1


def test_the_articles_creator_and_an_editor_remove_with_a_reason(story: Article, author: Creator, editor: User) -> None:
    first = actions.post_comment(commenter("a1"), story, "离题的话").comment
    second = actions.post_comment(commenter("a2"), story, "广告").comment
    r = send("delete", f"/api/v1/comments/{first.pk}", {"reason": "与本文无关"}, token_for(author.user))
    assert r.status_code == 204
    first.refresh_from_db()
    assert (first.status, first.status_reason) == ("removed", "与本文无关")
    assert send("delete", f"/api/v1/comments/{second.pk}", token=token_for(editor)).status_code == 204
    second.refresh_from_db()
    assert (second.status, second.status_reason) == ("removed", "违反跟帖规范")
    assert fresh(story).comments_count == 0 and Thread.objects.get(article=story).participants_count == 0
    too_long = send("delete", f"/api/v1/comments/{first.pk}", {"reason": "长" * 501}, token_for(editor))
    assert too_long.status_code == 422


# --- hostile text --------------------------------------------------------------------------------


def test_hostile_bodies_and_names_come_back_as_inert_text(story: Article, settings) -> None:  # type: ignore[no-untyped-def]
    """The XSS corpus as comment bodies (each one alone, and quoted as a floor) and as a reader's
    name: body_html holds nothing executable, and body is the text as written."""
    settings.COMMENTS_PER_HOUR = settings.COMMENTS_PER_DAY = 10_000
    payloads = list(dict.fromkeys(p for p in xss_payloads() if p.strip() and len(p.strip()) <= 1000))
    assert len(payloads) > 250
    hostile_name = payloads[0][:150]
    reader = commenter("eyi", first_name=hostile_name)
    token = token_for(reader)
    root = actions.post_comment(commenter("louzhu"), story, payloads[1]).comment
    expected: dict[int, str] = {}
    for p in payloads:
        r = post(story, p, token, parent=root.pk)
        if r.status_code == 422:  # a control character in the payload: refused by the schema
            assert any(ord(ch) < 32 and ch not in "\t\n\r" for ch in p)
            continue
        assert r.status_code == 201, (p, r.content)
        expected[r.json()["id"]] = p.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert len(expected) > 250
    seen = 0
    page: str | None = f"/api/v1/articles/{story.pk}/comments?sort=new&page_size=100"
    while page:
        body = Client().get(page).json()
        for item in body["items"]:
            assert executable_parts(item["body_html"]) == [], item["body"]
            assert "<" not in item["author"]["name"] and ">" not in item["author"]["name"]
            for f in item["floors"]:
                assert executable_parts(f["body_html"] or "") == []
            if item["id"] in expected:
                assert item["body"] == expected[item["id"]]
                seen += 1
        page = body["next"]
    assert seen == len(expected)


# --- the article, the schema ----------------------------------------------------------------------


def test_the_article_detail_carries_participants_and_its_ip_region(story: Article) -> None:
    Article.objects.filter(pk=story.pk).update(ip_region="广东")
    a, b = commenter("a1"), commenter("b1")
    for who, text in ((a, "一"), (a, "二"), (b, "三")):
        actions.post_comment(who, story, text)
    body = Client().get(f"/api/v1/articles/{story.pk}").json()
    assert body["counts"]["comments"] == 3 and body["counts"]["participants"] == 2
    assert body["ip_region"] == "广东"
    Article.objects.filter(pk=story.pk).update(ip_region="")
    assert Client().get(f"/api/v1/articles/{story.pk}").json()["ip_region"] is None


def test_the_schema_declares_each_comment_operation_with_its_errors_and_auth() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    paths = schema["paths"]
    ops = {
        ("get", "/api/v1/articles/{article_id}/comments"): {"200", "400", "401", "404", "422"},
        ("post", "/api/v1/articles/{article_id}/comments"): {"201", "400", "401", "403", "404", "422", "429"},
        ("get", "/api/v1/comments/{comment_id}"): {"200", "401", "404", "422"},
        ("post", "/api/v1/comments/{comment_id}/vote"): {"200", "401", "403", "404", "422", "429"},
        ("delete", "/api/v1/comments/{comment_id}"): {"204", "401", "403", "404", "422"},
    }
    for (method, path), statuses in ops.items():
        op = paths[path][method]
        assert statuses <= {str(s) for s in op["responses"]}, (method, path)
        optional = method == "get"
        assert op["security"] == ([{"BearerToken": []}, {}] if optional else [{"BearerToken": []}])
    assert paths["/api/v1/articles/{article_id}/comments"]["post"]["responses"][201]["links"]["Read"] == {
        "operationId": "tidings_api_comments_get_comment",
        "parameters": {"comment_id": "$response.body#/id"},
    }
