"""The studio (/studio/): writing, preview, images, autosave, publishing and scheduling, revisions,
withdraw and delete, API tokens; the authorisation matrix for articles; and a browser session."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone
from PIL import Image as PILImage

from tests.conftest import make_user, make_writer
from tests.hostile import executable_parts
from tidings.accounts.models import User
from tidings.api.models import ApiToken, digest, new_secret
from tidings.articles import rendering
from tidings.articles.actions import create_article
from tidings.articles.input import clean_article_input
from tidings.articles.models import Article, Revision
from tidings.articles.transitions import submit as submit_article
from tidings.audit.models import Entry
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db

FORM = {
    "title": "城市的清晨",
    "body_md": "## 早市\n\n卖菜的阿姨六点就到了。",
    "channel": "news",
    "tags": "城市，早市",
    "summary": "一座城市醒来的样子。",
    "original": "1",
    "ref_count": "2",
    "ref_title_0": "城市统计年鉴",
    "ref_source_0": "统计局",
    "ref_date_0": "2024-01-10",
    "ref_url_0": "https://example.org/stats",
}


def signed_in(creator_or_user: Creator | User) -> Client:
    client = Client()
    user = creator_or_user.user if isinstance(creator_or_user, Creator) else creator_or_user
    client.force_login(user)
    return client


def png(size: tuple[int, int] = (800, 500), fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, (200, 80, 40)).save(buf, fmt)
    return buf.getvalue()


def upload_file(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture
def author() -> Creator:
    return make_writer("xiaowang")


@pytest.fixture
def studio(author: Creator) -> Client:
    return signed_in(author)


def save(client: Client, path: str = "/studio/new/", **fields: Any) -> Any:
    return client.post(path, {**FORM, "action": "save", **fields})


# --- writing, drafts and the list ---------------------------------------------------------------


def test_it_sends_anonymous_people_to_sign_in(client: Client) -> None:
    r = client.get("/studio/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=/studio/"


def test_it_tells_a_reader_to_apply_first(client: Client) -> None:
    r = signed_in(make_user("justreader")).get("/studio/")
    assert r.status_code == 403
    assert 'href="/join/"' in r.content.decode()


def test_a_draft_is_saved_with_every_field_and_is_not_public(studio: Client, author: Creator) -> None:
    r = save(studio)
    article = Article.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/studio/a/{article.pk}/?done=saved"
    assert (article.title, article.status, article.channel.slug) == ("城市的清晨", "draft", "news")
    assert article.tags == ["城市", "早市"] and article.original and article.summary == "一座城市醒来的样子。"
    ref = article.references.get()
    assert (ref.title, ref.source, ref.url) == ("城市统计年鉴", "统计局", "https://example.org/stats")
    assert "<h2>早市</h2>" in article.body_html
    assert Client().get(f"/a/{article.pk}/").status_code == 404
    assert studio.get(f"/a/{article.pk}/").status_code == 404  # its creator previews it in the studio
    page = studio.get(f"/studio/a/{article.pk}/view/").content.decode()
    assert "城市的清晨" in page and "<h2>早市</h2>" in page and "读者现在还看不到" in page


def test_the_list_shows_the_creators_articles_by_state(studio: Client, author: Creator) -> None:
    save(studio, title="草稿一")
    save(studio, title="发布一", action="publish")
    other = make_writer("someoneelse")
    create_article(other, other.user, clean_article_input({"title": "别人的草稿"}))

    page = studio.get("/studio/").content.decode()
    assert "草稿一" in page and "发布一" in page and "别人的草稿" not in page
    drafts = studio.get("/studio/?state=draft").content.decode()
    assert "草稿一" in drafts and "发布一" not in drafts
    assert re.search(r"已发布 <span class=\"count\">1</span>", page)


def test_bad_input_is_explained_and_nothing_is_lost_or_half_written(studio: Client) -> None:
    r = save(studio, title="长" * 201, channel="nowhere", ref_date_0="去年春天", body_md="我写了很久的正文")
    assert r.status_code == 400
    page = r.content.decode()
    assert 'role="alert"' in page and "标题最多 200 个字符" in page and "没有这个频道" in page
    assert "日期看不懂" in page and 'aria-invalid="true"' in page
    assert "我写了很久的正文" in page  # the text is still in the form
    assert not Article.objects.exists()


def test_publishing_needs_a_title_and_body_but_the_draft_is_kept(studio: Client) -> None:
    r = save(studio, title="", action="publish")
    assert r.status_code == 400 and "发布前请填写标题" in r.content.decode()
    article = Article.objects.get()
    assert article.status == "draft" and article.body_md == FORM["body_md"]


# --- the publish path ---------------------------------------------------------------------------


def test_publish_now_makes_it_public_with_a_revision_and_an_audit_entry(studio: Client, author: Creator) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = save(studio, action="publish")
    article = Article.objects.get()
    assert r["Location"].endswith("?done=published") and article.status == "published"
    assert Client().get(f"/a/{article.pk}/").status_code == 200
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.revisions.count() == 1
    assert Entry.objects.filter(action="article.publish", target_id=article.pk).exists()
    author.refresh_from_db()
    assert author.articles_count == 1


def test_a_creator_on_probation_submits_for_review(client: Client) -> None:
    newbie = make_writer("newbie", probation_left=3)
    r = save(signed_in(newbie), action="publish")
    article = Article.objects.get()
    assert r["Location"].endswith("?done=pending")
    assert article.status == "pending" and article.published_at is None
    assert client.get(f"/a/{article.pk}/").status_code == 404
    assert Entry.objects.filter(action="article.submit_for_review").exists()


def test_a_creator_on_probation_keeps_a_requested_time_for_the_reviewer(client: Client) -> None:
    newbie = make_writer("newbie2", probation_left=1)
    when = (timezone.now() + dt.timedelta(days=2)).astimezone(dt.UTC)
    save(signed_in(newbie), action="schedule", publish_at=when.strftime("%Y-%m-%dT%H:%M+00:00"))
    article = Article.objects.get()
    assert article.status == "pending" and article.published_at == when.replace(second=0, microsecond=0)


def test_scheduling_needs_a_time_in_the_future(studio: Client) -> None:
    past = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = save(studio, action="schedule", publish_at=past)
    assert r.status_code == 400 and "将来的发布时间" in r.content.decode()
    assert Article.objects.get().status == "draft"  # the text is saved, not scheduled


def test_scheduling_in_the_site_zone(studio: Client) -> None:
    r = save(studio, action="schedule", publish_at="2999-01-01T09:30")
    article = Article.objects.get()
    assert r["Location"].endswith("?done=scheduled") and article.status == "scheduled"
    assert article.published_at == dt.datetime(2999, 1, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Asia/Shanghai
    assert not Article.objects.published().exists()
    page = studio.get(f"/studio/a/{article.pk}/").content.decode()
    assert "2999-01-01 09:30:00" in page


def test_every_state_change_of_an_article(author: Creator) -> None:
    """draft → scheduled → draft → published → withdrawn → published → deleted, each audited;
    pending → (approved by moderation, not here) and rejected → resubmitted → pending again."""
    by = author.user
    now = timezone.now()
    a = create_article(author, by, clean_article_input({"title": "状态", "body_md": "正文"}))
    assert a.status == "draft"
    submit_article(a, by, now + dt.timedelta(hours=1), now=now)
    assert a.status == "scheduled"
    from tidings.articles.transitions import WrongState
    from tidings.articles.transitions import delete as delete_article
    from tidings.articles.transitions import retract as withdraw_by

    withdraw_by(a, by)
    assert (a.status, a.published_at) == ("draft", None)
    submit_article(a, by)
    assert a.status == "published"
    with pytest.raises(WrongState):
        submit_article(a, by)
    withdraw_by(a, by)
    assert a.status == "withdrawn" and not Article.objects.published().exists()
    with pytest.raises(WrongState):
        withdraw_by(a, by)
    submit_article(a, by)
    assert a.status == "published"
    # An editor's decision, stored as transitions.reject stores it.
    Article.objects.filter(pk=a.pk).update(status=Article.Status.REJECTED, taken_down_at=timezone.now())
    a.refresh_from_db()
    submit_article(a, by)
    assert a.status == "pending"  # a rejection is undone only by an editor: back to review
    Article.objects.filter(pk=a.pk).update(status=Article.Status.PUBLISHED, taken_down_at=None)  # (approved)
    author.probation_left = 1
    author.save()
    withdraw_by(a, by)
    submit_article(a, by)
    assert a.status == "pending"
    with pytest.raises(WrongState):
        submit_article(a, by)
    withdraw_by(a, by)
    assert a.status == "draft"
    delete_article(a, by)
    assert a.deleted_at is not None
    with pytest.raises(WrongState):
        submit_article(a, by)
    actions = list(Entry.objects.filter(target_id=a.pk).order_by("pk").values_list("action", flat=True))
    assert actions == [
        "article.create", "article.schedule", "article.unschedule", "article.publish", "article.withdraw",
        "article.publish", "article.submit_for_review", "article.withdraw", "article.submit_for_review",
        "article.unschedule", "article.delete",
    ]  # fmt: skip


# --- editing, revisions, withdraw, delete -------------------------------------------------------


def test_editing_a_published_article_keeps_revisions_that_compare_and_restore(studio: Client) -> None:
    save(studio, action="publish")
    article = Article.objects.get()
    path = f"/studio/a/{article.pk}/"
    r = save(studio, path, title="城市的清晨（更新）", body_md="## 早市\n\n阿姨五点半就到了。", version="1")
    assert r.status_code == 302
    article.refresh_from_db()
    assert article.status == "published" and article.version == 2 and "五点半" in article.body_html
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]

    listing = studio.get(f"{path}revisions/").content.decode()
    assert "第 1 版" in listing and "第 2 版" in listing
    diff = studio.get(f"{path}revisions/1/").content.decode()
    assert '<del><span class="visually-hidden">删除：</span>卖菜的阿姨六点就到了。</del>' in diff
    assert '<ins><span class="visually-hidden">新增：</span>阿姨五点半就到了。</ins>' in diff

    r = studio.post(f"{path}revisions/1/restore/")
    assert r["Location"] == f"{path}?done=restored"
    article.refresh_from_db()
    assert article.title == "城市的清晨" and "六点" in article.body_html and article.status == "published"
    newest = article.revisions.first()
    assert newest is not None and newest.number == 3 and newest.note == "恢复自第 1 版"
    assert Client().get(f"/a/{article.pk}/").content.decode().count("六点就到了") == 1


def test_a_save_from_a_stale_page_is_refused_and_keeps_both_texts(studio: Client) -> None:
    save(studio)
    article = Article.objects.get()
    path = f"/studio/a/{article.pk}/"
    save(studio, path, body_md="在另一个标签页里写的", version="1")
    r = save(studio, path, body_md="旧页面上的文字", version="1")
    assert r.status_code == 409
    assert "旧页面上的文字" in r.content.decode() and "第 2 版" in r.content.decode()
    assert Article.objects.get().body_md == "在另一个标签页里写的"


def test_withdraw_hides_a_published_article(studio: Client) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        save(studio, action="publish")
    article = Article.objects.get()
    assert Client().get(f"/a/{article.pk}/").status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = studio.post(f"/studio/a/{article.pk}/withdraw/")
    assert r["Location"].endswith("?done=withdrawn")
    gone = Client().get(f"/a/{article.pk}/")
    assert gone.status_code == 410 and "文章已下线" in gone.content.decode()  # it was public: gone, not unknown
    assert "卖菜的阿姨" not in gone.content.decode()
    assert Client().get("/api/v1/articles").json()["count"] == 0


def test_delete_is_soft_and_hides_it_from_everyone(studio: Client, author: Creator) -> None:
    save(studio, action="publish")
    article = Article.objects.get()
    assert "确定删除" in studio.get(f"/studio/a/{article.pk}/delete/").content.decode()
    r = studio.post(f"/studio/a/{article.pk}/delete/")
    assert r["Location"] == "/studio/?done=deleted"
    article.refresh_from_db()
    assert article.deleted_at is not None and article.revisions.count() == 1  # the row and history stay
    assert studio.get(f"/studio/a/{article.pk}/").status_code == 404
    gone = Client().get(f"/a/{article.pk}/")
    assert gone.status_code == 410 and "卖菜的阿姨" not in gone.content.decode()  # it was public: gone
    assert "城市的清晨" not in studio.get("/studio/").content.decode()
    author.refresh_from_db()
    assert author.articles_count == 0


# --- preview, images, autosave ------------------------------------------------------------------


def test_the_live_preview_uses_the_articles_sanitiser(studio: Client) -> None:
    body = "## 标题\n\n<script>alert(1)</script>\n\n[链接](javascript:alert(1)) [外链](https://example.com/)"
    html = studio.post("/studio/preview/", {"body_md": body}).json()["html"]
    assert html == rendering.render_body(body)
    assert "<h2>标题</h2>" in html and executable_parts(html) == []
    assert '<a href="https://example.com/" rel="nofollow ugc noopener">外链</a>' in html


def test_an_uploaded_image_comes_back_as_markdown_and_renders_as_a_picture(studio: Client) -> None:
    r = studio.post("/studio/upload/", {"image": upload_file(png(), "早市.png"), "alt": "早市一角"})
    assert r.status_code == 200
    md = r.json()["markdown"]
    assert re.fullmatch(r"!\[早市一角\]\(/media/img/[0-9a-f]{2}/[0-9a-f]{20}-800\.jpg\)", md)
    html = studio.post("/studio/preview/", {"body_md": md}).json()["html"]
    assert "<figure><picture>" in html and 'type="image/webp"' in html


def test_image_limits_are_enforced_with_clear_messages(studio: Client) -> None:
    bomb = io.BytesIO()
    PILImage.new("1", (20_000, 20_000)).save(bomb, "PNG")  # a few hundred KB, 400 megapixels
    cases = [
        (bomb.getvalue(), "bomb.png", r"^图片没有上传：图片像素太多.*too many pixels"),
        (b"plain text, renamed" * 10, "notes.jpg", r"^图片没有上传：这不是可以识别的图片文件.*not a readable image"),
        (b"\0" * (21 * 1024 * 1024), "huge.jpg", r"文件有 22.0 MB，上限是 20 MB.*limit is 20 MB"),
        (b"", "empty.png", r"^图片没有上传：文件是空的"),
    ]
    for data, name, reason in cases:
        r = studio.post("/studio/upload/", {"image": upload_file(data, name)})
        assert r.status_code == 400, name
        assert re.search(reason, r.json()["error"]), (name, r.json())


def test_a_bad_upload_leaves_the_draft_intact(studio: Client) -> None:
    save(studio, body_md="原来的正文")
    article = Article.objects.get()
    r = studio.post(
        f"/studio/a/{article.pk}/",
        {
            **FORM,
            "body_md": "新写的正文",
            "version": "1",
            "action": "upload",
            "image_file": upload_file(b"nope", "x.png"),
        },
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "not a readable image" in page and "新写的正文" in page
    assert Article.objects.get().body_md == "新写的正文"  # the typing was saved; only the file was refused


def test_uploading_without_javascript_appends_the_image(studio: Client) -> None:
    save(studio)
    article = Article.objects.get()
    r = studio.post(
        f"/studio/a/{article.pk}/",
        {**FORM, "version": "1", "action": "upload", "image_file": upload_file(png(), "a.png"), "image_alt": "街景"},
    )
    assert r["Location"].endswith("?done=uploaded")
    assert Article.objects.get().body_md.rstrip().endswith(".jpg)") and "![街景](" in Article.objects.get().body_md


def test_a_cover_is_uploaded_with_the_form(studio: Client) -> None:
    save(studio, cover_file=upload_file(png((1200, 700), "JPEG"), "cover.jpg"))
    article = Article.objects.get()
    assert article.cover.startswith("img/") and article.cover.endswith(".jpg")


def test_autosave_creates_a_draft_then_updates_it_and_refuses_stale_versions(studio: Client) -> None:
    r = studio.post("/studio/autosave/", {**FORM, "article": ""})
    assert r.status_code == 200
    first = r.json()
    assert first["version"] == 1 and first["edit_url"] == f"/studio/a/{first['article']}/"
    assert re.fullmatch(r"\d\d:\d\d:\d\d", first["saved_at"])
    r = studio.post("/studio/autosave/", {**FORM, "body_md": "多写了一句。", "article": first["article"], "version": 1})
    assert r.json()["version"] == 2
    stale = studio.post("/studio/autosave/", {**FORM, "body_md": "旧的", "article": first["article"], "version": 1})
    assert stale.status_code == 409 and stale.json()["version"] == 2
    article = Article.objects.get()
    assert article.body_md == "多写了一句。" and article.revisions.count() == 0  # autosaves keep no revisions


def test_autosave_never_touches_a_published_article(studio: Client) -> None:
    save(studio, action="publish")
    article = Article.objects.get()
    r = studio.post("/studio/autosave/", {**FORM, "body_md": "未确认的修改", "article": article.pk, "version": 1})
    assert r.status_code == 409
    assert "未确认的修改" not in Article.objects.get().body_md


# --- API tokens ---------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_can_be_revoked(studio: Client, author: Creator) -> None:
    page = studio.post("/studio/tokens/", {"name": "发布脚本"}).content.decode()
    secret = re.search(r'value="(tdg_[^"]+)"', page)
    assert secret is not None
    token = ApiToken.objects.get()
    assert token.sha256 == digest(secret.group(1))
    assert secret.group(1) not in studio.get("/studio/tokens/").content.decode()
    assert studio.post("/studio/tokens/", {"name": ""}).status_code == 400
    studio.post(f"/studio/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = signed_in(make_writer("tokenthief"))
    assert other.post(f"/studio/tokens/{token.pk}/revoke/").status_code == 404


# --- the authorisation matrix -------------------------------------------------------------------

PERSONAS = ["anonymous", "reader", "applicant", "owner", "other_creator", "editor", "admin"]


class World:
    def __init__(self) -> None:
        self.owner = make_writer("owner")
        self.other = make_writer("othercreator")
        self.users: dict[str, User | None] = {
            "anonymous": None,
            "reader": make_user("reader1"),
            # An applicant is a reader whose 申请入驻 is pending: still a reader here.
            "applicant": make_user("applicant1"),
            "owner": self.owner.user,
            "other_creator": self.other.user,
            "editor": make_user("editor1", User.Role.EDITOR, is_staff=True),
            "admin": make_user("admin1", User.Role.ADMIN, is_staff=True, is_superuser=True),
        }
        by = self.owner.user
        self.article = create_article(self.owner, by, clean_article_input({"title": "矩阵", "body_md": "正文"}))
        submit_article(self.article, by)
        self.article.refresh_from_db()

    def client(self, persona: str) -> Client:
        user = self.users[persona]
        return signed_in(user) if user else Client()

    def token(self, persona: str) -> str:
        user = self.users[persona]
        if user is None:
            return "tdg_none"
        secret = new_secret()
        ApiToken.objects.create(user=user, name="m", prefix=secret[:10], sha256=digest(secret))
        return secret


Act = Callable[[Client, Article, str], Any]


def api(method: str, path: str, body: dict[str, Any] | None = None) -> Act:
    def call(c: Client, a: Article, token: str) -> Any:
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(c, method)(path.format(id=a.pk), **kwargs)

    return call


def page(method: str, path: str, data: dict[str, Any] | None = None) -> Act:
    def call(c: Client, a: Article, token: str) -> Any:
        payload = dict(data or {})
        if "article" in payload:  # None: a new draft; 0: the world's article
            payload["article"] = "" if payload["article"] is None else a.pk
        return getattr(c, method)(path.format(id=a.pk), payload) if method == "post" else c.get(path.format(id=a.pk))

    return call


def img(c: Client, a: Article, token: str) -> Any:
    return c.post("/studio/upload/", {"image": upload_file(png((300, 200)), "m.png")})


def api_img(c: Client, a: Article, token: str) -> Any:
    return c.post(
        "/api/v1/images", {"file": upload_file(png((300, 200)), "m.png")}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


ARTICLE_JSON = {"title": "改", "body_md": "改过"}
# name: (kind, call, the owner's answer). Kinds: "studio" pages that need no article, "studio-object"
# (the owner's article), "view" (its preview: owner and moderators), "api" and "api-object".
ACTIONS: dict[str, tuple[str, Act, int]] = {
    "studio list": ("studio", page("get", "/studio/"), 200),
    "studio new form": ("studio", page("get", "/studio/new/"), 200),
    "studio create": ("studio", page("post", "/studio/new/", {**FORM, "action": "save"}), 302),
    "studio preview": ("studio", page("post", "/studio/preview/", {"body_md": "x"}), 200),
    "studio upload": ("studio", img, 200),
    "studio autosave new": ("studio", page("post", "/studio/autosave/", {**FORM, "article": None}), 200),
    "studio tokens": ("studio", page("get", "/studio/tokens/"), 200),
    "studio edit form": ("studio-object", page("get", "/studio/a/{id}/"), 200),
    "studio save": ("studio-object", page("post", "/studio/a/{id}/", {**FORM, "action": "save"}), 302),
    "studio autosave": ("studio-object", page("post", "/studio/autosave/", {**FORM, "article": 0}), 409),
    "studio withdraw": ("studio-object", page("post", "/studio/a/{id}/withdraw/"), 302),
    "studio delete form": ("studio-object", page("get", "/studio/a/{id}/delete/"), 200),
    "studio delete": ("studio-object", page("post", "/studio/a/{id}/delete/"), 302),
    "studio revisions": ("studio-object", page("get", "/studio/a/{id}/revisions/"), 200),
    "studio revision": ("studio-object", page("get", "/studio/a/{id}/revisions/1/"), 200),
    "studio restore": ("studio-object", page("post", "/studio/a/{id}/revisions/1/restore/"), 302),
    "studio view": ("view", page("get", "/studio/a/{id}/view/"), 200),
    "api my list": ("api", api("get", "/api/v1/me/articles"), 200),
    "api create": ("api", api("post", "/api/v1/articles", ARTICLE_JSON), 201),
    "api image": ("api", api_img, 201),
    "api my article": ("api-object", api("get", "/api/v1/me/articles/{id}"), 200),
    "api update": ("api-object", api("put", "/api/v1/articles/{id}", ARTICLE_JSON), 200),
    "api publish": ("api-object", api("post", "/api/v1/articles/{id}/publish", {}), 409),  # already public
    "api withdraw": ("api-object", api("post", "/api/v1/articles/{id}/withdraw"), 200),
    "api delete": ("api-object", api("delete", "/api/v1/articles/{id}"), 204),
}


def expected(persona: str, kind: str, owner_answer: int) -> int:
    if persona == "owner":
        return owner_answer
    if persona == "anonymous":
        return 401 if kind.startswith("api") else 302
    if persona in ("reader", "applicant"):
        return 404 if kind == "view" else 403
    if persona == "other_creator":
        return 404 if kind in ("studio-object", "view", "api-object") else owner_answer
    # editors and admins moderate (they may look at any article) but do not write in a studio
    return 200 if kind == "view" else 403


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_authorisation_matrix(persona: str, action: str) -> None:
    world = World()
    kind, call, owner_answer = ACTIONS[action]
    before = Article.objects.filter(pk=world.article.pk).values().get()
    response = call(world.client(persona), world.article, world.token(persona))
    want = expected(persona, kind, owner_answer)
    assert response.status_code == want, (persona, action, response.status_code, response.content[:300])
    if want == 302 and persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")
    if persona != "owner":
        # Nobody else changed the owner's article in any way.
        assert Article.objects.filter(pk=world.article.pk).values().get() == before
        assert Revision.objects.filter(article=world.article).count() == 1


def test_a_draft_is_404_on_the_public_page_and_read_api_for_everyone(client: Client) -> None:
    world = World()
    draft = create_article(world.owner, world.owner.user, clean_article_input({"title": "草稿", "body_md": "x"}))
    for persona in PERSONAS:
        c = world.client(persona)
        assert c.get(f"/a/{draft.pk}/").status_code == 404, persona
        assert c.get(f"/api/v1/articles/{draft.pk}").status_code == 404, persona


# --- in a real browser --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_creator_writes_uploads_previews_publishes_edits_and_schedules_in_the_browser(
    browser: Any, live_server: Any, spec_channels: None, tmp_path: Any
) -> None:
    from tests.browser import wait_until

    writer = make_writer("browserwriter")
    session = Client()
    session.force_login(writer.user)
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    picture = tmp_path / "早市.png"
    picture.write_bytes(png((900, 600)))

    page.goto(f"{live_server.url}/studio/new/")
    page.fill("#f-title", "浏览器里写的文章")
    page.fill("#f-body", "## 早市\n\n卖菜的阿姨六点就到了。")
    page.get_by_role("toolbar").get_by_role("button", name="加粗").click()
    assert page.input_value("#f-body").endswith("**加粗文字**")
    # Upload by the file button: progress, then the Markdown lands in the body.
    page.fill("#f-image-alt", "早市一角")
    page.set_input_files("#f-image", str(picture))
    # The dialog asks for the alt text (what was typed) and a caption; both go in.
    assert page.input_value("#d-image-alt") == "早市一角"
    page.fill("#d-image-caption", "六点钟的菜摊")
    page.click("#image-dialog [data-image-ok]")
    wait_until(page, "document.querySelector('#upload-status').textContent.includes('已上传')", 10)
    assert re.search(r'!\[早市一角\]\(/media/img/.+\.jpg "六点钟的菜摊"\)', page.input_value("#f-body"))
    assert page.evaluate("document.querySelector('#upload-progress').value") == 100
    # Drag-and-drop onto the body uploads too.
    import base64

    dropped = base64.b64encode(png((500, 300), "JPEG")).decode()
    page.evaluate(
        """(b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const data = new DataTransfer();
          data.items.add(new File([bytes], '拖进来的.jpg', { type: 'image/jpeg' }));
          document.querySelector('#f-body').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        }""",
        dropped,
    )
    page.click("#image-dialog [data-image-ok]")
    wait_until(page, "document.querySelector('#upload-status').textContent.includes('已上传并插入：拖进来的.jpg')", 10)
    assert re.search(r"!\[拖进来的\]\(/media/img/.+-500\.jpg\)", page.input_value("#f-body"))
    # The live preview shows what the reader will see, image included.
    wait_until(page, "document.querySelectorAll('#preview figure picture img').length === 2", 10)
    assert page.locator("#preview h2").inner_text() == "早市"
    # Autosave turns the new page into the draft's page without a reload.
    wait_until(page, "document.querySelector('#autosave-status').textContent.startsWith('已保存')", 12)
    assert re.search(r"/studio/a/\d+/$", page.url)
    article = Article.objects.get()
    assert article.status == "draft" and "早市一角" in article.body_md

    page.get_by_role("button", name="立即发布").click()
    page.wait_for_url(re.compile(r"done=published"))
    assert "已发布" in page.locator("#studio-message").inner_text()
    page.goto(f"{live_server.url}/a/{article.pk}/")
    assert page.locator("h1").inner_text() == "浏览器里写的文章"
    alts = [page.locator(".article-body figure img").nth(i).get_attribute("alt") for i in range(2)]
    assert alts == ["早市一角", "拖进来的"]

    # Edit the published article: a new revision appears and compares with the first.
    page.goto(f"{live_server.url}/studio/a/{article.pk}/")
    page.fill("#f-title", "浏览器里改过的文章")
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_url(re.compile(r"done=saved"))
    page.goto(f"{live_server.url}/studio/a/{article.pk}/revisions/")
    assert page.locator(".revision-list li").count() == 2
    page.get_by_role("link", name=re.compile("第 1 版")).click()
    assert "浏览器里写的文章" in page.locator(".diff del").first.inner_text()

    # Schedule a second article for a time in the future.
    page.goto(f"{live_server.url}/studio/new/")
    page.fill("#f-title", "明天早上发")
    page.fill("#f-body", "定时发布的正文。")
    page.fill("#f-publish-at", "2999-01-01T09:30")
    page.get_by_role("button", name="定时发布").click()
    page.wait_for_url(re.compile(r"done=scheduled"))
    assert "2999-01-01 09:30:00" in page.locator(".studio-status").inner_text()
    assert Article.objects.get(title="明天早上发").status == "scheduled"
    assert errors == []
    context.close()
