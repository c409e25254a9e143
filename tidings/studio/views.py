"""The creator's studio (/studio/): write, preview, upload images, save (autosave), publish or
schedule, edit with revisions (compare, restore), withdraw, delete, API tokens.

Every article is fetched through tidings.articles.access and every write goes through
tidings.articles.actions, the same functions the write API calls.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tidings.accounts.access import acting_user
from tidings.articles import access, actions, external_images, images, rendering, transitions
from tidings.articles import input as article_input
from tidings.articles.models import STATEMENTS, Article, PendingEdit, Revision
from tidings.articles.originality import Match, OriginalityRefused
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.lib import ratelimit
from tidings.lib.cjk import count_words
from tidings.lib.client import client_address
from tidings.lib.dates import parse_when
from tidings.lib.images import MAX_BYTES, ImageRejected
from tidings.lib.iploc import region_of
from tidings.lib.timefmt import local_datetime
from tidings.lib.urls import url_for
from tidings.notifications.actions import for_user
from tidings.notifications.models import Kind
from tidings.search.text import html_text
from tidings.studio.forms import local_input, raw_from_article, raw_from_held, raw_from_post, reference_rows
from tidings.web.decorators import creator_of_request, writer_required

STATES = [
    ("", "全部"),
    (Article.Status.DRAFT, "草稿"),
    (Article.Status.PENDING, "待审核"),
    (Article.Status.SCHEDULED, "定时发布"),
    (Article.Status.PUBLISHED, "已发布"),
    (Article.Status.WITHDRAWN, "已撤回"),
    (Article.Status.REJECTED, "未通过"),
]
DONE_MESSAGES = {
    "saved": "已保存。",
    "published": "已发布。",
    "scheduled": "已设为定时发布。",
    "pending": "已提交审核：编辑通过后发布。",
    "edit_pending": "修改已保存，等待编辑审核：通过前读者看到的仍是当前版本。",
    "withdrawn": "已撤回。",
    "unscheduled": "已取消发布，文章回到草稿。",
    "restored": "已恢复旧版本（保存为新版本）。",
    "uploaded": "图片已上传并插入正文末尾。",
    "deleted": "文章已删除。",
}
# The title-length hint (5–30 字: long enough to say what happened, short enough for a list).
TITLE_RANGE = (5, 30)
# Autosave writes only where nothing is public yet; published, scheduled and pending articles are
# saved by the explicit 保存 button (which keeps a revision).
AUTOSAVE_STATES = {Article.Status.DRAFT, Article.Status.WITHDRAWN, Article.Status.REJECTED}


def _creator(request: HttpRequest) -> Creator:
    return creator_of_request(request)


def _done(request: HttpRequest) -> str:
    return DONE_MESSAGES.get(request.GET.get("done", ""), "")


@require_GET
@writer_required
def index(request: HttpRequest) -> HttpResponse:
    creator = _creator(request)
    state = request.GET.get("state", "")
    if state not in dict(STATES):
        state = ""
    mine = Article.objects.live().by(creator)
    counts = dict(mine.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    qs = mine.select_related("channel").order_by("-updated_at", "-pk")
    if state:
        qs = qs.filter(status=state)
    ctx = {
        "creator": creator,
        "state": state,
        "states": [(s, label, sum(counts.values()) if not s else counts.get(s, 0)) for s, label in STATES],
        "articles": list(qs[:200]),
        "message": _done(request),
        "state_labels": dict(STATES),
        # Editors' decisions on this creator's application and articles (系统通知 of 消息中心).
        "notices": list(for_user(request.user, [Kind.MODERATION])[:5]),
    }
    return render(request, "studio/index.html", ctx)


def _form_ctx(
    request: HttpRequest,
    article: Article | None,
    raw: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    message: str = "",
    publish_at: str = "",
    original_match: Match | None = None,
) -> dict[str, Any]:
    preview_html = rendering.render_body(str(raw.get("body_md", "")))
    title = str(raw.get("title") or "")
    return {
        # 字数 as the reader will see the text (the preview), and the title's length for its hint.
        "word_count": count_words(html_text(preview_html)),
        "title_chars": len("".join(title.split())),
        "title_range": TITLE_RANGE,
        "article": article,
        "raw": raw,
        "refs": reference_rows(raw),
        "channels": list(Channel.objects.order_by("order", "pk")),
        "errors": errors or {},
        "ref_errors": {k: v for k, v in (errors or {}).items() if k.startswith("references")},
        "message": message or _done(request),
        "preview_html": preview_html,
        "publish_at": publish_at or (local_input(article.published_at) if article and article.published_at else ""),
        "min_publish_at": local_input(timezone.now()),
        "autosave": article is None or article.status in AUTOSAVE_STATES,
        "cover_url": f"{settings.MEDIA_URL}{raw['cover']}" if raw.get("cover") else "",
        "state_labels": dict(STATES),
        "max_upload_mb": MAX_BYTES // 1_000_000,
        "time_zone": settings.TIME_ZONE,
        "statement_choices": list(STATEMENTS.items()),
        # The earlier article of another creator that the text overlaps (原创 refused), linked.
        "original_match": original_match,
        "held": _held(article) if article else None,
        # Saving a published article on probation holds the edit for review (tidings.articles.actions).
        "edit_reviewed": bool(
            article and article.status == Article.Status.PUBLISHED and _creator(request).probation_left > 0
        ),
    }


@require_http_methods(["GET", "POST"])
@writer_required
def new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        first = Channel.objects.order_by("order", "pk").first()
        raw = {"channel": first.slug if first else "", "references": [], "statements": []}
        return render(request, "studio/edit.html", _form_ctx(request, None, raw))
    return _save(request, None)


@require_http_methods(["GET", "POST"])
@writer_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = access.get_article_for_editing(request.user, pk)
    if request.method == "GET":
        held = _held(article)
        raw = raw_from_held(held) if held else raw_from_article(article)
        return render(request, "studio/edit.html", _form_ctx(request, article, raw))
    return _save(request, article)


def _held(article: Article) -> PendingEdit | None:
    """The edit of this published article waiting for an editor, if any (readers see the live text)."""
    if article.status != Article.Status.PUBLISHED:
        return None
    return PendingEdit.objects.select_related("channel").filter(article=article).first()


def _parse_publish_at(value: str) -> dt.datetime | None:
    return parse_when(value) if value.strip() else None


def _save(request: HttpRequest, article: Article | None) -> HttpResponse:
    """The form's buttons: 保存 (save), 发布 (publish now), 定时发布 (schedule), 上传图片 (no-JS upload)."""
    action = request.POST.get("action", "save")
    raw = raw_from_post(request.POST)
    publish_at_raw = request.POST.get("publish_at", "")
    errors: dict[str, str] = {}
    notes: list[str] = []
    limited: ratelimit.RateLimited | None = None
    match: list[Match] = []

    def again(status: int, message: str = "") -> HttpResponse:
        ctx = _form_ctx(
            request,
            article,
            raw,
            errors=errors,
            message=message,
            publish_at=publish_at_raw,
            original_match=match[0] if match else None,
        )
        return render(request, "studio/edit.html", ctx, status=status)

    # Images first: a rejected file is reported, and the text is still saved (nothing is lost).
    for field, where in (("cover_file", "cover"), ("image_file", "image_file")):
        upload = request.FILES.get(field)
        if upload is None:
            continue
        try:
            ratelimit.hit("upload", request.user.pk)
            image = images.add_upload(upload, by=acting_user(request))
        except ratelimit.RateLimited as exc:
            errors[where], limited = exc.message, exc
            continue
        except ImageRejected as exc:
            errors[where] = images.image_error_message(exc)
            continue
        if field == "cover_file":
            raw["cover"] = image.path
        else:
            alt = request.POST.get("image_alt", "") or (upload.name or "").rsplit(".", 1)[0]
            caption = request.POST.get("image_caption", "")
            markdown = images.image_markdown(image, alt, caption)
            raw["body_md"] = (str(raw["body_md"]).rstrip() + "\n\n" + markdown + "\n").lstrip()
            notes.append("uploaded")
    try:
        data = article_input.clean_article_input(raw, by=acting_user(request))
    except article_input.ArticleInvalid as exc:
        errors.update(exc.errors)
        return again(400, "没有保存：请按提示修改。")
    version = _int(request.POST.get("version"))
    try:
        with transaction.atomic():
            if article is None:
                article = actions.create_article(_creator(request), acting_user(request), data)
            else:
                article = actions.edit_article(article, acting_user(request), data, version=version)
    except article_input.StaleVersion as exc:
        return again(409, str(exc))
    except transitions.WrongState as exc:
        return again(409, str(exc))
    except OriginalityRefused as exc:
        errors.update(exc.errors)
        match.append(exc.match)
        return again(400, "没有保存：这篇文章不能声明原创，请看下面的说明。")
    if errors:  # the text is saved, an upload was not
        message = "文字已保存，但有文件没有上传成功：请看下面的说明。"
        return ratelimit.too_many(again(429, message), limited) if limited else again(400, message)
    done = "uploaded" if notes else "saved"
    if done == "saved" and _held(article):
        done = "edit_pending"
    if action in ("publish", "schedule"):
        when = None
        if action == "schedule":
            try:
                when = _parse_publish_at(publish_at_raw)
            except ValueError:
                when = None
            if when is None or when <= timezone.now():
                errors["publish_at"] = "请选择一个将来的发布时间（例如明天 09:00）。"
                return again(400, "文字已保存，但没有定时：请选择发布时间。")
        try:
            transitions.submit(article, acting_user(request), when, ip_region=region_of(client_address(request)))
        except OriginalityRefused as exc:
            errors.update(exc.errors)
            match.append(exc.match)
            return again(400, "文字已保存，但不能以原创发布：请看下面的说明。")
        except article_input.ArticleInvalid as exc:
            errors.update(exc.errors)
            return again(400, "文字已保存，但还不能发布：请按提示补充。")
        except transitions.WrongState as exc:
            return again(409, f"文字已保存。{exc}")
        done = {"pending": "pending", "scheduled": "scheduled"}.get(article.status, "published")
    return HttpResponseRedirect(url_for("studio-edit", article.pk) + f"?done={done}")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@require_POST
@writer_required
@ratelimit.per_account("autosave")
def autosave(request: HttpRequest) -> JsonResponse:
    """studio.js saves the open draft every few seconds when it changed. A save based on an older
    version answers 409 and writes nothing; the page says so instead of losing either text."""
    raw = raw_from_post(request.POST)
    pk = _int(request.POST.get("article"))
    try:
        data = article_input.clean_article_input(raw)
    except article_input.ArticleInvalid as exc:
        return JsonResponse({"error": "没有自动保存：请按提示修改。", "errors": exc.errors}, status=400)
    try:
        with transaction.atomic():
            if pk is None:
                article = actions.create_article(_creator(request), acting_user(request), data, autosave=True)
            else:
                article = access.get_article_for_editing(request.user, pk, for_update=True)
                if article.status not in AUTOSAVE_STATES:
                    return JsonResponse({"error": "已发布或待发布的文章不自动保存，请点“保存修改”。"}, status=409)
                article = actions.edit_article(
                    article, acting_user(request), data, version=_int(request.POST.get("version")), autosave=True
                )
    except article_input.StaleVersion as exc:
        return JsonResponse({"error": str(exc), "version": exc.current}, status=409)
    except OriginalityRefused as exc:
        return JsonResponse({"error": "没有自动保存：" + str(exc), "errors": exc.errors}, status=400)
    return JsonResponse(
        {
            "article": article.pk,
            "version": article.version,
            "saved_at": local_datetime(article.updated_at)[-8:],
            "edit_url": url_for("studio-edit", article.pk),
        }
    )


@require_POST
@writer_required
@ratelimit.per_account("preview")
def preview(request: HttpRequest) -> JsonResponse:
    """The live preview: the body as readers will see it, by the same renderer and sanitiser."""
    body = request.POST.get("body_md", "")
    if len(body) > article_input.MAX_BODY:
        return JsonResponse({"error": f"正文最多 {article_input.MAX_BODY} 个字符。"}, status=400)
    return JsonResponse({"html": rendering.render_body(body)})


@require_POST
@writer_required
@ratelimit.per_account("upload")
def upload(request: HttpRequest) -> JsonResponse:
    """An image for the body (button or drag-and-drop): JSON with the Markdown to insert."""
    file = request.FILES.get("image")
    if file is None:
        return JsonResponse({"error": "没有收到文件：请选择一张图片。"}, status=400)
    try:
        image = images.add_upload(file, by=acting_user(request))
    except ImageRejected as exc:
        return JsonResponse({"error": images.image_error_message(exc)}, status=exc.status)
    alt = request.POST.get("alt", "") or (file.name or "").rsplit(".", 1)[0]
    return JsonResponse(images.upload_reply(image, alt, request.POST.get("caption", "")))


@require_POST
@writer_required
def fetch_image(request: HttpRequest) -> JsonResponse:
    """An image at another site's address, from a paste (studio.js): brought into the media
    library now, by the same guarded fetch and limits as a save would use; JSON as /upload/."""
    url = request.POST.get("url", "").strip()
    if not url or len(url) > 2000:
        return JsonResponse({"error": "没有收到图片地址。"}, status=400)
    try:
        image = external_images.fetch_external_image(url, by=acting_user(request))
    except external_images.ExternalImageRefused as exc:
        if exc.limited is not None:
            body = {"error": str(exc), "retry_after": exc.limited.retry_after}
            return ratelimit.too_many(JsonResponse(body, status=429), exc.limited)  # type: ignore[return-value]
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(images.upload_reply(image, request.POST.get("alt", ""), request.POST.get("caption", "")))


@require_GET
def view(request: HttpRequest, pk: int) -> HttpResponse:
    """The article as its reader will see it, in any state: for its creator (and editors)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    article = access.get_article_for_viewing(request.user, pk)
    ctx = {"article": article, "references": list(article.references.all()), "state_labels": dict(STATES)}
    return render(request, "studio/view.html", ctx)


@require_POST
@writer_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    article = access.get_article_for_editing(request.user, pk)
    was = article.status
    try:
        transitions.retract(article, acting_user(request))
    except transitions.WrongState as exc:
        ctx = _form_ctx(request, article, raw_from_article(article), message=str(exc))
        return render(request, "studio/edit.html", ctx, status=409)
    done = "withdrawn" if was == Article.Status.PUBLISHED else "unscheduled"
    return HttpResponseRedirect(url_for("studio-edit", article.pk) + f"?done={done}")


@require_http_methods(["GET", "POST"])
@writer_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    article = access.get_article_for_editing(request.user, pk)
    if request.method == "GET":
        return render(request, "studio/delete.html", {"article": article})
    transitions.delete(article, acting_user(request))
    return HttpResponseRedirect(reverse("studio") + "?done=deleted")


@require_GET
@writer_required
def revisions(request: HttpRequest, pk: int) -> HttpResponse:
    article = access.get_article_for_editing(request.user, pk)
    items = list(Revision.objects.filter(article=article).select_related("editor"))
    return render(request, "studio/revisions.html", {"article": article, "revisions": items})


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """A readable line diff: (kind, text) with kind "same", "del" or "add"; the template escapes it."""
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        out.append(({"- ": "del", "+ ": "add"}.get(code, "same"), text))
    return out


def _ref_text(refs: list[dict[str, Any]]) -> str:
    return "\n".join(
        " · ".join(str(x) for x in (r.get("title"), r.get("source"), r.get("url"), r.get("published_at")) if x)
        for r in refs
    )


@require_GET
@writer_required
def revision(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Compare a revision with the article as it is now."""
    article, rev = access.get_revision_for_editing(request.user, pk, number)
    current = article_input.snapshot_references(article)
    fields = [
        ("标题", rev.title, article.title),
        ("摘要", rev.summary, article.summary),
        ("标签", "，".join(map(str, rev.tags)), "，".join(map(str, article.tags))),
        ("参考信息", _ref_text(rev.references), _ref_text(current)),
        ("正文", rev.body_md, article.body_md),
    ]
    diffs = [(label, diff_lines(old, new), old == new) for label, old, new in fields]
    ctx = {"article": article, "revision": rev, "diffs": diffs}
    return render(request, "studio/revision.html", ctx)


@require_POST
@writer_required
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article, rev = access.get_revision_for_editing(request.user, pk, number)
    actions.restore_revision(article, rev, acting_user(request))
    return HttpResponseRedirect(url_for("studio-edit", article.pk) + "?done=restored")
