"""申请入驻, the editors' queue, reports, probation, notices and the authorisation matrix."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone
from PIL import Image as PILImage

from tests.conftest import channel, make_article
from tests.hostile import executable_parts, xss_payloads
from tidings.accounts.models import User
from tidings.articles import actions as article_actions
from tidings.articles.input import clean_article_input
from tidings.articles.models import Article
from tidings.audit.models import Entry
from tidings.creators.models import Creator
from tidings.moderation import actions
from tidings.moderation.actions import ModerationError
from tidings.moderation.models import Application, Report
from tidings.notifications.actions import for_user
from tidings.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Tidings-2024"


def make_user(username: str, role: str = User.Role.READER, **kw: Any) -> User:
    return User.objects.create_user(username, email=f"{username}@example.com", password=PASSWORD, role=role, **kw)


def apply(user: User, handle: str = "xinsheng", **kw: Any) -> Application:
    fields: dict[str, Any] = {
        "kind": Creator.Kind.INDIVIDUAL,
        "name": "新声",
        "handle": handle,
        "channel": channel("tech"),
        "bio": "十年科技记者，关注芯片与人工智能。",
        "sample_text": "一篇关于晶圆厂的报道。",
    }
    fields.update(kw)
    return actions.submit_application(user, **fields)


def notices_for(user: User) -> list[Notification]:
    """The person's 系统通知 in 消息中心, newest first: what the studio and /accounts/ show."""
    return list(for_user(user, [Kind.MODERATION]))


def make_approved_creator(username: str, handle: str, editor: User) -> Creator:
    user = make_user(username)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.approve_application(apply(user, handle=handle, name=f"{username}的号"), editor)


def form_data(**kw: str) -> dict[str, Any]:
    data = {
        "kind": "media",
        "name": "晨报",
        "handle": "chenbao",
        "channel": str(channel("news").pk),
        "motto": "每天早上七点",
        "bio": "一家城市日报的新媒体团队。",
        "sample_text": "本报讯：……",
        "sample_url": "",
    }
    data.update(kw)
    return data


def injected(html: str, own_forms: int) -> list[str]:
    """What a browser could execute in <main>, besides the page's own forms."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    found = executable_parts("<main" + main)
    assert found.count("<form>") == own_forms, found
    return [part for part in found if part != "<form>"]


def png_bytes(size: tuple[int, int] = (300, 300)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, (20, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("boss", User.Role.ADMIN, is_staff=True)


# --------------------------------------------------------------------------------------------
# The application lifecycle, through the pages


def test_an_application_is_rejected_corrected_reapplied_and_approved_with_every_decision_logged(
    client: Client, reader: User, editor: User, settings: Any
) -> None:
    settings.PROBATION_ARTICLES = 3
    editor_client = Client()
    editor_client.force_login(editor)
    client.force_login(reader)

    # A signed-in reader sees the form and applies.
    assert 'name="handle"' in client.get("/join/").content.decode()
    response = client.post("/join/", form_data(handle="chenbao"))
    assert response.status_code == 302 and response["Location"] == "/join/"
    page = client.get("/join/").content.decode()
    assert "申请状态：审核中" in page and 'name="handle"' not in page
    first = Application.objects.get(user=reader)
    assert first.status == Application.Status.PENDING and first.kind == "media"

    # The editor finds it in the queue; a rejection without a reason is refused, nothing changes.
    assert "晨报（@chenbao）" in editor_client.get("/review/").content.decode()
    url = f"/review/applications/{first.pk}/"
    refused = editor_client.post(url, {"decision": "reject", "reason": "  "})
    assert refused.status_code == 400 and "需要填写理由" in refused.content.decode()
    assert Application.objects.get(pk=first.pk).status == Application.Status.PENDING
    assert editor_client.post(url, {"decision": "reject", "reason": "样例太短，请附一篇完整作品。"}).status_code == 302

    # The applicant sees the reason and a form to correct, filled with what they sent.
    page = client.get("/join/").content.decode()
    assert "申请状态：未通过" in page and "样例太短，请附一篇完整作品。" in page and "修改后重新申请" in page
    assert 'value="chenbao"' in page and "一家城市日报的新媒体团队。" in page
    fixed = form_data(handle="chenbao", sample_text="本报讯：一篇完整的调查报道……" * 20)
    assert client.post("/join/", fixed).status_code == 302
    second = Application.objects.pending().get(user=reader)
    assert second.pk != first.pk and Application.objects.get(pk=first.pk).status == Application.Status.REJECTED

    # Approval makes the creator, on probation, and the reader a creator.
    response = editor_client.post(f"/review/applications/{second.pk}/", {"decision": "approve", "reason": "欢迎！"})
    assert response.status_code == 302
    creator = Creator.objects.get(user=reader)
    assert (creator.handle, creator.name, creator.kind, creator.motto) == ("chenbao", "晨报", "media", "每天早上七点")
    assert creator.probation_left == 3
    reader.refresh_from_db()
    assert reader.role == User.Role.CREATOR
    assert "你已是创作者" in client.get("/join/").content.decode()
    account = client.get("/accounts/").content.decode()
    assert "你的入驻申请已通过" in account and "欢迎！" in account

    # The audit log has every step: who, when, what and why.
    log = list(Entry.objects.filter(target_type="application").order_by("at", "pk"))
    assert [(e.action, e.actor_id, e.target_id) for e in log] == [
        ("application.submit", reader.pk, first.pk),
        ("application.reject", editor.pk, first.pk),
        ("application.submit", reader.pk, second.pk),
        ("application.approve", editor.pk, second.pk),
    ]
    assert log[1].reason == "样例太短，请附一篇完整作品。" and log[3].reason == "欢迎！"
    assert all(timezone.now() - e.at < dt.timedelta(minutes=1) for e in log)
    assert log[3].data["creator_id"] == creator.pk


def test_anonymous_visitors_are_sent_to_sign_in_or_up_and_back_to_join(client: Client) -> None:
    page = client.get("/join/").content.decode()
    assert "入驻流程" in page
    assert 'href="/accounts/login/?next=/join/"' in page and 'href="/accounts/signup/?next=/join/"' in page
    assert client.post("/join/", form_data())["Location"] == "/accounts/login/?next=/join/"
    assert not Application.objects.exists()


def test_a_second_application_while_one_is_pending_is_refused(reader: User) -> None:
    apply(reader)
    with pytest.raises(ModerationError, match="审核中"):
        apply(reader, handle="another")
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("ab", "3–40"),
        ("有中文", "3–40"),
        ("-dash-first", "3–40"),
        ("admin", "保留"),
        ("liwei", "其他创作者"),
        ("LIWEI", "其他创作者"),  # handles are lower case; upper case is the same handle
        ("taken", "其他申请"),
    ],
)
def test_it_rejects_handles_that_are_malformed_reserved_or_taken(
    client: Client, reader: User, writer: Creator, handle: str, message: str
) -> None:
    apply(make_user("early"), handle="taken")
    client.force_login(reader)
    response = client.post("/join/", form_data(handle=handle))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "一家城市日报的新媒体团队。" in html  # the rest of the input is kept
    assert not Application.objects.filter(user=reader).exists()


def test_it_accepts_only_http_and_https_sample_links(client: Client, reader: User) -> None:
    client.force_login(reader)
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "ftp://example.com/a"):
        response = client.post("/join/", form_data(sample_url=bad))
        assert response.status_code == 400 and "http:// 或 https://" in response.content.decode(), bad
    with pytest.raises(ModerationError, match="https://"):
        apply(reader, sample_url="javascript:alert(1)")
    assert client.post("/join/", form_data(sample_url="https://example.com/story")).status_code == 302
    assert Application.objects.get(user=reader).sample_url == "https://example.com/story"


def test_it_asks_for_a_sample_text_or_link(client: Client, reader: User) -> None:
    client.force_login(reader)
    response = client.post("/join/", form_data(sample_text="", sample_url=""))
    assert response.status_code == 400 and "请提供一篇作品样例" in response.content.decode()


def test_a_bad_avatar_upload_is_explained_and_keeps_the_rest_of_the_form(client: Client, reader: User) -> None:
    client.force_login(reader)
    fake = SimpleUploadedFile("me.jpg", b"this is not a picture", content_type="image/jpeg")
    response = client.post("/join/", {**form_data(), "avatar": fake})
    html = response.content.decode()
    assert response.status_code == 400
    assert "这张图片不能用作头像" in html and "not a readable image" in html
    for kept in ('value="晨报"', 'value="chenbao"', 'value="每天早上七点"', "一家城市日报的新媒体团队。", "本报讯：……"):
        assert kept in html, kept
    assert not Application.objects.exists()


def test_a_good_avatar_is_not_written_while_another_field_fails_and_is_asked_for_again(
    client: Client, reader: User, settings: Any
) -> None:
    client.force_login(reader)
    picture = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = client.post("/join/", {**form_data(handle="x"), "avatar": picture})
    assert response.status_code == 400
    assert "头像没有保存：请改正上面的问题后重新选择这张图片" in response.content.decode()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    picture.seek(0)
    assert client.post("/join/", {**form_data(), "avatar": picture}).status_code == 302
    app = Application.objects.get(user=reader)
    assert app.avatar.startswith("img/") and app.avatar.endswith("-300.jpg")
    # Only the file the application names is written, not the other variants.
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == [Path(settings.MEDIA_ROOT) / app.avatar]


def test_a_rejected_applications_avatar_is_carried_by_a_signed_token_only(client: Client, reader: User) -> None:
    client.force_login(reader)
    picture = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    assert client.post("/join/", {**form_data(), "avatar": picture}).status_code == 302
    app = Application.objects.get(user=reader)
    app.status = Application.Status.REJECTED
    app.save()
    page = client.get("/join/").content.decode()
    token = re.search(r'name="avatar_token" value="([^"]+)"', page)
    assert token is not None
    assert client.post("/join/", {**form_data(), "avatar_token": token.group(1)}).status_code == 302
    assert Application.objects.filter(user=reader).latest("pk").avatar == app.avatar
    # A forged token is ignored, never trusted as a path.
    other = make_user("other")
    client.force_login(other)
    client.post("/join/", {**form_data(handle="other-one"), "avatar_token": "../../etc/passwd"})
    assert Application.objects.get(user=other).avatar == ""


def test_hostile_input_in_names_mottos_bios_and_samples_never_becomes_executable(
    client: Client, editor: User, admin_user: User
) -> None:
    """Every payload of the XSS corpus in every plain-text field, on the pages that show them:
    the editor's review page, the applicant's join page, and after approval the creator page."""
    payloads = xss_payloads()
    client.force_login(editor)
    applicant_client = Client()
    for i, payload in enumerate(payloads):
        user = make_user(f"hostile{i}")
        try:
            app = apply(
                user, handle=f"hostile-{i}", name=f"名{payload}"[:60], motto=payload[:120], bio=f"简介 {payload}",
                sample_text=payload, sample_url="https://example.com/?q=" + payload[:50].replace(" ", "+"),
            )  # fmt: skip
        except ModerationError as exc:  # a payload that is only markup leaves an empty name: refused
            assert exc.field in {"name", "bio", "sample_url", "sample_text"}, (payload, exc)
            app = apply(user, handle=f"hostile-{i}", motto=payload[:120], sample_text=payload)
        html = client.get(f"/review/applications/{app.pk}/").content.decode()
        assert injected(html, own_forms=1) == [], payload
        if i % 10 == 0:  # the other pages print the same fields through the same autoescape
            applicant_client.force_login(user)
            assert injected(applicant_client.get("/join/").content.decode(), own_forms=0) == [], payload
            creator = actions.approve_application(app, admin_user)
            page = client.get(creator.get_absolute_url()).content.decode()
            assert injected(page, own_forms=1) == [], payload  # the signed-in editor's 关注 form


# --------------------------------------------------------------------------------------------
# Articles in review and probation


def pending_article(creator: Creator, title: str = "待审稿", **kw: Any) -> Article:
    article = make_article(creator, title, publish=False, **kw)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PENDING)
    article.refresh_from_db()
    return article


def test_approving_an_article_publishes_it_and_counts_down_probation(client: Client, editor: User) -> None:
    creator = make_approved_creator("newbie", "newbie", editor)
    assert creator.probation_left == 3
    articles = [pending_article(creator, f"试用期第{i}篇") for i in range(4)]
    for i, article in enumerate(articles):
        with TestCase.captureOnCommitCallbacks(execute=True):
            done = actions.approve_article(article, editor, "写得不错" if i == 0 else "")
        assert done.status == Article.Status.PUBLISHED and done.published_at is not None
        creator.refresh_from_db()
        assert creator.probation_left == max(0, 2 - i)  # 3 → 2 → 1 → 0 → 0, never below zero
        assert client.get(article.get_absolute_url()).status_code == 200
    assert creator.articles_count == 4
    entry = Entry.objects.filter(action="article.approve", target_id=articles[0].pk).get()
    assert (entry.actor_id, entry.reason, entry.data["status"]) == (editor.pk, "写得不错", "published")


def test_approving_an_article_with_a_time_ahead_schedules_it(client: Client, editor: User) -> None:
    creator = make_approved_creator("planner", "planner", editor)
    at = timezone.now() + dt.timedelta(days=1)
    article = pending_article(creator)
    Article.objects.filter(pk=article.pk).update(published_at=at)
    article.refresh_from_db()
    done = actions.approve_article(article, editor)
    assert done.status == Article.Status.SCHEDULED and done.published_at == at
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "将按你设定的时间发布" in notices_for(creator.user)[0].text


def test_rejecting_an_article_needs_a_reason_and_tells_the_creator(client: Client, editor: User) -> None:
    creator = make_approved_creator("learner", "learner", editor)
    article = pending_article(creator, "有问题的稿子")
    client.force_login(editor)
    assert client.post(f"/review/articles/{article.pk}/", {"decision": "reject", "reason": ""}).status_code == 400
    assert Article.objects.get(pk=article.pk).status == Article.Status.PENDING
    response = client.post(f"/review/articles/{article.pk}/", {"decision": "reject", "reason": "标题与内容不符"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.REJECTED
    creator.refresh_from_db()
    assert creator.probation_left == 3
    notice = notices_for(creator.user)[0]
    assert "《有问题的稿子》未通过审核" in notice.text and notice.reason == "标题与内容不符"
    # A decided article is no longer in the queue.
    assert client.get(f"/review/articles/{article.pk}/").status_code == 404


def test_the_queue_lists_applications_articles_in_review_and_reports(
    client: Client, editor: User, reader: User
) -> None:
    creator = make_approved_creator("queued", "queued", editor)
    pending_article(creator, "等待审核的文章")
    public = make_article(creator, "被举报的文章")
    actions.report_article(public, reader, "内容失实")
    apply(make_user("hopeful"), handle="hopeful", name="希望号")
    client.force_login(editor)
    html = client.get("/review/").content.decode()
    assert "希望号（@hopeful）" in html and "等待审核的文章" in html and "被举报的文章" in html
    assert "试用期，还需审核 3 篇" in html and "1 条举报" in html


# --------------------------------------------------------------------------------------------
# Reports


def test_a_report_keeps_the_article_public_until_an_editor_withdraws_it(
    client: Client, reader: User, editor: User
) -> None:
    creator = make_approved_creator("reported", "reported", editor)
    article = make_article(creator, "可疑的文章")
    client.force_login(reader)
    assert f'href="/a/{article.pk}/report/"' in client.get(article.get_absolute_url()).content.decode()
    assert client.post(f"/a/{article.pk}/report/", {"reason": ""}).status_code == 400
    response = client.post(f"/a/{article.pk}/report/", {"reason": "<script>alert(1)</script>数据造假"})
    assert response.status_code == 200 and "举报已收到" in response.content.decode()
    assert Report.objects.get().reason == "数据造假"
    again = client.post(f"/a/{article.pk}/report/", {"reason": "再举报一次"})
    assert again.status_code == 400 and "你已举报过这篇文章" in again.content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200  # still public

    editor_client = Client()
    editor_client.force_login(editor)
    url = f"/review/reports/{article.pk}/"
    assert "数据造假" in editor_client.get(url).content.decode()
    assert editor_client.post(url, {"decision": "withdraw", "reason": ""}).status_code == 400
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert editor_client.post(url, {"decision": "withdraw", "reason": "经核实数据造假"}).status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN
    assert Client().get(article.get_absolute_url()).status_code == 410  # 文章已下线
    report = Report.objects.get()
    assert (report.status, report.decided_by_id, report.decision_reason) == ("withdrawn", editor.pk, "经核实数据造假")
    notice = notices_for(creator.user)[0]
    assert "因读者举报" in notice.text and notice.reason == "经核实数据造假"
    assert Entry.objects.filter(action="article.withdraw", actor=editor, reason="经核实数据造假").exists()


def test_dismissing_reports_closes_them_and_leaves_the_article(client: Client, reader: User, editor: User) -> None:
    creator = make_approved_creator("fine", "fine", editor)
    article = make_article(creator, "没问题的文章")
    actions.report_article(article, reader, "看不惯")
    actions.report_article(article, make_user("second"), "不喜欢")
    ids = actions.dismiss_reports(article, editor, "不违反规则")
    assert len(ids) == 2 and not Report.objects.filter(status="open").exists()
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    with pytest.raises(ModerationError, match="没有待处理的举报"):
        actions.dismiss_reports(article, editor)
    assert notices_for(creator.user) == [n for n in notices_for(creator.user) if "举报" not in n.text]


# --------------------------------------------------------------------------------------------
# Authorisation: who may do what, for every persona and every action of the queue


@dataclass
class World:
    users: dict[str, User]
    app: Application
    article: Article  # in review, by "creator"
    public: Article  # published, by "creator", with an open report


@pytest.fixture
def world(db: None, settings: Any) -> World:
    editor = make_user("ed", User.Role.EDITOR, is_staff=True)
    admin = make_user("ad", User.Role.ADMIN, is_staff=True)
    creator = make_approved_creator("cr", "cr-handle", editor)
    other = make_approved_creator("oc", "oc-handle", editor)
    applicant = make_user("ap")
    app = apply(applicant, handle="ap-handle")
    article = pending_article(creator)
    public = make_article(creator, "公开的文章")
    actions.report_article(public, make_user("witness"), "存疑")
    users = {
        "reader": make_user("rd"),
        "applicant": applicant,
        "creator": creator.user,
        "other creator": other.user,
        "editor": editor,
        "admin": admin,
    }
    return World(users, app, article, public)


PERSONAS = ["anonymous", "reader", "applicant", "creator", "other creator", "editor", "admin"]
EDITORS = {"editor": 200, "admin": 200}
NOT_EDITORS = {"anonymous": 302, "reader": 403, "applicant": 403, "creator": 403, "other creator": 403}


def _app_status(w: World) -> str:
    return Application.objects.get(pk=w.app.pk).status


def _article_status(w: World) -> str:
    return Article.objects.get(pk=w.article.pk).status


def _public_status(w: World) -> str:
    return Article.objects.get(pk=w.public.pk).status


def _open_reports(w: World) -> int:
    return Report.objects.filter(status="open").count()


def _applications(w: World) -> int:
    return Application.objects.count()


# action → (method, url, data, state read before and after, expected status per persona)
ACTIONS: dict[str, tuple[str, Callable[[World], str], dict[str, str], Callable[[World], object] | None, dict[str, int]]] = {
    "see the queue": ("get", lambda w: "/review/", {}, None, {**NOT_EDITORS, **EDITORS}),
    "see an application": ("get", lambda w: f"/review/applications/{w.app.pk}/", {}, None, {**NOT_EDITORS, **EDITORS}),
    "approve an application": (
        "post", lambda w: f"/review/applications/{w.app.pk}/", {"decision": "approve"}, _app_status,
        {**NOT_EDITORS, "editor": 302, "admin": 302},
    ),
    "reject an application": (
        "post", lambda w: f"/review/applications/{w.app.pk}/", {"decision": "reject", "reason": "不符合"}, _app_status,
        {**NOT_EDITORS, "editor": 302, "admin": 302},
    ),
    "see an article in review": (
        "get", lambda w: f"/review/articles/{w.article.pk}/", {}, None, {**NOT_EDITORS, **EDITORS},
    ),
    "approve an article": (
        "post", lambda w: f"/review/articles/{w.article.pk}/", {"decision": "approve"}, _article_status,
        {**NOT_EDITORS, "editor": 302, "admin": 302},
    ),
    "reject an article": (
        "post", lambda w: f"/review/articles/{w.article.pk}/", {"decision": "reject", "reason": "不符合"},
        _article_status, {**NOT_EDITORS, "editor": 302, "admin": 302},
    ),
    "see reports": ("get", lambda w: f"/review/reports/{w.public.pk}/", {}, None, {**NOT_EDITORS, **EDITORS}),
    "dismiss reports": (
        "post", lambda w: f"/review/reports/{w.public.pk}/", {"decision": "dismiss"}, _open_reports,
        {**NOT_EDITORS, "editor": 302, "admin": 302},
    ),
    "withdraw a reported article": (
        "post", lambda w: f"/review/reports/{w.public.pk}/", {"decision": "withdraw", "reason": "违规"},
        _public_status, {**NOT_EDITORS, "editor": 302, "admin": 302},
    ),
    "report an article": (
        "post", lambda w: f"/a/{w.public.pk}/report/", {"reason": "有问题"}, _open_reports,
        {"anonymous": 302, "reader": 200, "applicant": 200, "creator": 403, "other creator": 200, "editor": 200,
         "admin": 200},
    ),
    "apply to join": (
        "post", lambda w: "/join/", {"handle": "brand-new"}, _applications,
        {"anonymous": 302, "reader": 302, "applicant": 302, "creator": 302, "other creator": 302, "editor": 302,
         "admin": 302},
    ),
    "see the account page": (
        "get", lambda w: "/accounts/", {}, None, {**dict.fromkeys(PERSONAS, 200), "anonymous": 302},
    ),
}  # fmt: skip

# Who changes the state with each writing action (everyone else leaves it exactly as it was).
CHANGES = {
    "approve an application": {"editor", "admin"},
    "reject an application": {"editor", "admin"},
    "approve an article": {"editor", "admin"},
    "reject an article": {"editor", "admin"},
    "dismiss reports": {"editor", "admin"},
    "withdraw a reported article": {"editor", "admin"},
    "report an article": {"reader", "applicant", "other creator", "editor", "admin"},
    "apply to join": {"reader"},  # the applicant already has one pending; creators and editors may not
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_authorisation_matrix(world: World, persona: str, action: str) -> None:
    method, url, data, state, expected = ACTIONS[action]
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    before = state(world) if state else None
    with TestCase.captureOnCommitCallbacks(execute=True):
        payload = form_data(**data) if action == "apply to join" else data
        response = getattr(client, method)(url(world), payload)
    assert response.status_code == expected[persona], f"{persona} / {action}: {response.status_code}"
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")
    if state:
        changed = state(world) != before
        assert changed == (persona in CHANGES[action]), f"{persona} / {action}: changed={changed}"


ACTION_CALLS: dict[str, Callable[[World, User], object]] = {
    "approve an application": lambda w, u: actions.approve_application(w.app, u),
    "reject an application": lambda w, u: actions.reject_application(w.app, u, "不符合"),
    "approve an article": lambda w, u: actions.approve_article(w.article, u),
    "reject an article": lambda w, u: actions.reject_article(w.article, u, "不符合"),
    "dismiss reports": lambda w, u: actions.dismiss_reports(w.public, u),
    "withdraw a reported article": lambda w, u: actions.withdraw_reported_article(w.public, u, "违规"),
    "report an article": lambda w, u: actions.report_article(w.public, u, "有问题"),
    "apply to join": lambda w, u: apply(u, handle="brand-new"),
}


@pytest.mark.parametrize("persona", PERSONAS[1:])
@pytest.mark.parametrize("action", list(ACTION_CALLS))
def test_the_actions_check_permissions_themselves(world: World, persona: str, action: str) -> None:
    """The same matrix one level down: the action functions (which the API and admin will call
    too) refuse whoever the pages refuse, whatever page or script calls them."""
    allowed = persona in CHANGES[action]
    try:
        ACTION_CALLS[action](world, world.users[persona])
    except ModerationError:
        assert not allowed, f"{persona} was refused {action}"
    else:
        assert allowed, f"{persona} was allowed to {action}"


def test_editors_never_decide_on_their_own_articles(editor: User) -> None:
    mine = Creator.objects.create(user=editor, handle="editor-own", name="编辑自己的号")
    article = pending_article(mine)
    with pytest.raises(ModerationError, match="没有权限"):
        actions.approve_article(article, editor)
    client = Client()
    client.force_login(editor)
    assert client.get(f"/review/articles/{article.pk}/").status_code == 404
    assert "待审稿" not in client.get("/review/").content.decode()


def test_a_decision_twice_is_refused_clearly(editor: User, admin_user: User) -> None:
    app = apply(make_user("twice"), handle="twice")
    actions.reject_application(app, editor, "不行")
    with pytest.raises(ModerationError, match="已经处理过了"):
        actions.approve_application(app, admin_user)
    assert not Creator.objects.filter(handle="twice").exists()


def test_an_unknown_decision_is_a_bad_request(client: Client, editor: User) -> None:
    app = apply(make_user("odd"), handle="odd-one")
    client.force_login(editor)
    assert client.post(f"/review/applications/{app.pk}/", {"decision": "delete"}).status_code == 400
    assert Application.objects.get(pk=app.pk).status == Application.Status.PENDING


# --------------------------------------------------------------------------------------------
# The whole path in a browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("spec_channels")
def test_sign_up_apply_approve_and_see_it_in_a_browser(browser: Any, live_server: Any) -> None:
    make_user("chief", User.Role.EDITOR, is_staff=True)
    base = live_server.url
    applicant = browser.new_context(viewport={"width": 1280, "height": 900})
    editor = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = applicant.new_page()
        page.goto(f"{base}/join/")
        with page.expect_navigation():
            page.click('main a[href="/accounts/signup/?next=/join/"]')
        page.fill("#id_username", "newcomer")
        page.fill("#id_email", "newcomer@example.com")
        page.fill("#id_password1", "Sunrise-over-the-river-9")
        page.fill("#id_password2", "Sunrise-over-the-river-9")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url == f"{base}/join/"
        page.check("#id_kind_0")
        page.fill("#id_name", "河畔观察")
        page.fill("#id_handle", "riverside")
        page.select_option("#id_channel", label="科技")
        page.fill("#id_bio", "记录一条河两岸的变化。")
        page.set_input_files("#id_avatar", files=[{"name": "a.png", "mimeType": "image/png", "buffer": png_bytes()}])
        page.fill("#id_sample_url", "https://example.com/river")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "申请状态：审核中" in page.inner_text("main")

        desk = editor.new_page()
        desk.goto(f"{base}/accounts/login/")
        desk.fill("#id_username", "chief")
        desk.fill("#id_password", PASSWORD)
        with desk.expect_navigation():
            desk.click("main button[type=submit]")
        with desk.expect_navigation():
            desk.click('header a[href="/review/"]')
        with desk.expect_navigation():
            desk.click("text=河畔观察（@riverside）")
        assert desk.locator("main img.avatar").evaluate("img => img.complete && img.naturalWidth > 0")
        desk.fill("#id_reason", "欢迎入驻")
        with desk.expect_navigation():
            desk.click('button[value="approve"]')
        assert "已通过 河畔观察（@riverside）的入驻申请" in desk.inner_text("main")

        page.goto(f"{base}/accounts/")
        text = page.inner_text("main")
        assert "你的入驻申请已通过" in text and "欢迎入驻" in text and "创作者" in text
        page.goto(f"{base}/u/riverside/")
        assert "河畔观察" in page.inner_text("main")
    finally:
        applicant.close()
        editor.close()


def test_the_queue_and_notices_do_not_add_queries_per_item(
    client: Client, editor: User, reader: User, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.BLOCK_CACHE_SECONDS = 0  # the site blocks (navigation) cost the same 6 queries on every page

    def fill(n: int, tag: str) -> Creator:
        creator = make_approved_creator(f"busy{tag}", f"busy-{tag}", editor)
        for i in range(n):
            apply(make_user(f"q{tag}{i}"), handle=f"q-{tag}-{i}")
            article = pending_article(creator, f"待审{tag}{i}")
            actions.reject_article(article, editor, "改一改")
            pending_article(creator, f"再审{tag}{i}")
            actions.report_article(make_article(creator, f"被举报{tag}{i}"), reader, "存疑")
            edited = make_article(creator, f"已发{tag}{i}")  # the creator is on probation: the edit waits
            data = clean_article_input({"title": f"修改{tag}{i}", "body_md": "改过。", "channel": edited.channel.slug})
            article_actions.edit_article(edited, creator.user, data)
        return creator

    client.force_login(editor)
    first = fill(1, "a")
    # 18 with the header's unread 消息 count (one query on every signed-in page), the two of
    # the 跟帖 sections (held; reported, grouped) and the 原创核查 list (its matches joined to both
    # articles); tests/moderation/test_comment_moderation.py pins those with comments in them.
    with django_assert_num_queries(18):
        client.get("/review/")
    fill(6, "b")
    with django_assert_num_queries(18):
        html = client.get("/review/").content.decode()
    assert html.count("/review/applications/") == 7 and html.count("/review/reports/") == 7
    assert html.count("/review/edits/") == 7
    with django_assert_num_queries(1):  # one indexed read of 消息中心's 系统通知
        assert [n.action for n in notices_for(first.user)] == ["article.reject", "application.approve"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("spec_channels")
def test_the_application_form_works_by_keyboard_alone(browser: Any, live_server: Any) -> None:
    make_user("keys")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/join/")
        page.fill("#id_username", "keys")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/join/")

        def focused() -> str:
            return str(page.evaluate("document.activeElement.id || document.activeElement.outerHTML.slice(0, 40)"))

        for _ in range(80):
            page.keyboard.press("Tab")
            if focused() == "id_kind_0":
                break
        else:
            raise AssertionError("Tab never reached the first 入驻类型 choice")
        page.keyboard.press("ArrowDown")  # radios: arrows choose within the group
        assert page.evaluate("document.querySelector('#id_kind_1').checked")
        order = []
        for _ in range(9):
            page.keyboard.press("Tab")
            order.append(focused())
        assert order[:8] == [
            "id_name", "id_handle", "id_channel", "id_motto", "id_bio", "id_avatar", "id_sample_text", "id_sample_url",
        ]  # fmt: skip
        assert order[8].startswith("<button"), order

        # Fill it by keyboard with a bad handle; Enter submits; focus lands on the announced errors.
        page.focus("#id_name")
        page.keyboard.type("键盘号")
        page.keyboard.press("Tab")
        page.keyboard.type("X")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.type("只用键盘写作。")
        page.focus("#id_sample_url")
        page.keyboard.type("https://example.com/keys")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.matches('[data-error-summary][role=alert]')")
        assert "账号须为 3–40 个" in page.inner_text("[data-error-summary]")
        assert page.input_value("#id_name") == "键盘号" and page.input_value("#id_bio") == "只用键盘写作。"
        page.focus("#id_handle")
        page.keyboard.press("Control+A")
        page.keyboard.type("keyboard-writer")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "申请状态：审核中" in page.inner_text("main")
        assert Application.objects.get(handle="keyboard-writer").kind == "media"
    finally:
        context.close()
