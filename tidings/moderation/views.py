"""申请入驻 (/join/), the editors' queue (/review/) and readers' reports (/a/<id>/report/ for an
article, /a/<id>/comments/<cid>/report/ for a 跟帖)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tidings.accounts.access import creator_of, is_signed_in
from tidings.accounts.models import User
from tidings.articles import originality
from tidings.articles.images import image_error_message
from tidings.articles.models import Article, OriginalityMatch, PendingEdit
from tidings.comments import threads
from tidings.comments.actions import banned_until
from tidings.comments.models import Comment
from tidings.lib import ratelimit
from tidings.lib.images import ImageRejected, ProcessedImage, check_size, discard, process_image
from tidings.lib.numbers import ascii_int
from tidings.moderation import access, actions
from tidings.moderation.forms import (
    ApplicationForm,
    BanForm,
    CommentDecisionForm,
    CommentReportForm,
    DecisionForm,
    ReportForm,
)
from tidings.moderation.models import Application, CommentReport, Report
from tidings.web.context import base_ctx

AVATAR_SALT = "tidings.moderation.avatar"
QUEUE_SIZE = 50


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return base_ctx(request, messages=messages.get_messages(request), **extra)


def _to_login(request: HttpRequest) -> HttpResponseRedirect:
    return redirect_to_login(request.get_full_path())


def _editor_page(request: HttpRequest) -> HttpResponse | None:
    """None if the visitor may use the queue; else the sign-in page or a 403."""
    if not is_signed_in(request.user):
        return _to_login(request)
    if not access.can_review(request.user):
        raise PermissionDenied("审核队列只对编辑开放。")
    return None


def _me(request: HttpRequest) -> User:
    """The signed-in user (call after the sign-in check)."""
    return cast(User, request.user)


def _add_error(form: Any, error: actions.ModerationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


# --------------------------------------------------------------------------------------------
# 申请入驻


def _avatar_from_token(token: str) -> str:
    """A previously accepted avatar, carried through a re-shown form as a signed path."""
    try:
        path = str(signing.loads(token, salt=AVATAR_SALT, max_age=7 * 86400))
    except signing.BadSignature:
        return ""
    return path if (Path(settings.MEDIA_ROOT) / path).is_file() else ""


def _avatar_token(path: str) -> str:
    return signing.dumps(path, salt=AVATAR_SALT) if path else ""


def _avatar_picture(upload: Any) -> ProcessedImage:
    """The avatar, checked and encoded in memory; nothing is written until the form is accepted."""
    name = upload.name or "avatar"
    check_size(upload.size, name)
    return process_image(upload.read(), name=name)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The pitch for everyone; for a signed-in reader, the application form or its status."""
    user = _me(request)
    ctx = _ctx(request, can_apply=access.can_apply(user), creator=creator_of(user))
    if not is_signed_in(user):
        if request.method == "POST":
            return _to_login(request)
        return render(request, "web/join.html", ctx)
    apps = list(Application.objects.of(user).select_related("channel")[:10])
    current = apps[0] if apps else None
    ctx.update(applications=apps, current=current)
    if not ctx["can_apply"] or (current and current.status != Application.Status.REJECTED):
        if request.method == "POST":
            messages.error(request, "你现在不能提交新的申请。")
            return HttpResponseRedirect(reverse("join"))
        return render(request, "web/join.html", ctx)

    avatar = ""
    limited = None
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, user=user)
        valid = form.is_valid()
        upload = form.cleaned_data.get("avatar") if "avatar" not in form.errors else None
        picture: ProcessedImage | None = None
        if upload:
            try:
                ratelimit.hit("upload", user.pk)
                picture = _avatar_picture(upload)
            except ratelimit.RateLimited as exc:
                form.add_error("avatar", exc.message)
                valid, limited = False, exc
            except ImageRejected as exc:
                form.add_error("avatar", image_error_message(exc, lead="这张图片不能用作头像"))
                valid = False
            else:
                avatar = str(picture.variants[0]["jpg"])  # the smallest variant is plenty for 96 px
        elif request.POST.get("avatar_token"):
            avatar = _avatar_from_token(request.POST["avatar_token"])
        if valid:
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    actions.submit_application(
                        user,
                        kind=data["kind"],
                        name=data["name"],
                        handle=data["handle"],
                        channel=data["channel"],
                        motto=data["motto"],
                        bio=data["bio"],
                        avatar=avatar,
                        sample_text=data["sample_text"],
                        sample_url=data["sample_url"],
                    )
                    if picture is not None:  # written only now that the application is accepted
                        picture.save(only=[avatar])
            except actions.ModerationError as exc:
                _add_error(form, exc)
            except BaseException:
                discard(picture.written if picture else [])
                raise
            else:
                messages.success(request, "申请已提交，编辑审核后会在这里和“我的账户”告诉你结果。")
                return HttpResponseRedirect(reverse("join"))
        if picture is not None:
            # Not kept: an invalid form writes no file. The person chooses it again.
            avatar = ""
            if "avatar" not in form.errors:
                form.add_error("avatar", "头像没有保存：请改正上面的问题后重新选择这张图片。")
    elif current is not None:  # rejected: start from what was sent, to correct it
        form = ApplicationForm(
            initial={
                "kind": current.kind, "name": current.name, "handle": current.handle, "channel": current.channel_id,
                "motto": current.motto, "bio": current.bio, "sample_text": current.sample_text,
                "sample_url": current.sample_url,
            },
            user=user,
        )  # fmt: skip
        avatar = current.avatar
    else:
        form = ApplicationForm(initial={"kind": Application.Kind.INDIVIDUAL}, user=user)
    ctx.update(form=form, avatar=avatar, avatar_token=_avatar_token(avatar), media_url=settings.MEDIA_URL)
    response = render(request, "web/join.html", ctx, status=400 if request.method == "POST" else 200)
    return ratelimit.too_many(response, limited) if limited else response


# --------------------------------------------------------------------------------------------
# The queue


@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    if (redirect := _editor_page(request)) is not None:
        return redirect
    me = creator_of(request.user)
    applications = Application.objects.pending().exclude(user=_me(request)).select_related("channel", "user")
    pending = Article.objects.filter(status=Article.Status.PENDING).select_related("creator", "channel")
    reported = (
        Article.objects.published()
        .filter(reports__status=Report.Status.OPEN)
        .select_related("creator", "channel")
        .distinct()
    )
    edits = PendingEdit.objects.filter(
        article__status=Article.Status.PUBLISHED, article__deleted_at__isnull=True
    ).select_related("article__creator")
    originals = (
        OriginalityMatch.objects.filter(originality.open_matches(), article__deleted_at__isnull=True)
        .select_related("article__creator", "earlier__creator")
        .order_by("created_at", "id")
    )
    if me is not None:
        originals = originals.exclude(article__creator=me).exclude(earlier__creator=me)
        pending = pending.exclude(creator=me)
        edits = edits.exclude(article__creator=me)
        reported = reported.exclude(creator=me)
    report_counts: dict[int, int] = {}
    for article_id in Report.objects.filter(status=Report.Status.OPEN).values_list("article_id", flat=True):
        report_counts[article_id] = report_counts.get(article_id, 0) + 1
    held, reported_comments = _comment_queue(_me(request))
    ctx = _ctx(
        request,
        applications=list(applications.order_by("created_at", "id")[:QUEUE_SIZE]),
        pending=list(pending.order_by("updated_at", "id")[:QUEUE_SIZE]),
        edits=list(edits.order_by("updated_at", "id")[:QUEUE_SIZE]),
        reported=list(reported.order_by("id")[:QUEUE_SIZE]),
        originals=_one_per_article(originals[: QUEUE_SIZE * 3]),
        report_counts=report_counts,
        held_comments=held,
        reported_comments=reported_comments,
    )
    return render(request, "moderation/queue.html", ctx)


@dataclass
class ReportedComment:
    """A comment in the queue with its open reports (oldest first)."""

    entry: threads.Entry
    reports: list[CommentReport]

    @property
    def categories(self) -> list[tuple[str, int]]:
        """(label, count), the most reported category first."""
        counts = Counter(r.get_category_display() for r in self.reports)
        return counts.most_common()

    @property
    def reasons(self) -> list[CommentReport]:
        return [r for r in self.reports if r.reason]


def _comment_queue(me: User) -> tuple[list[threads.Entry], list[ReportedComment]]:
    """Held comments, oldest first, and visible comments with open reports grouped by comment,
    longest waiting first; each with its chain of floors. A fixed number of queries (one for all
    chains), whatever the number of items; an editor's own comments are left to the others."""
    held = list(
        Comment.objects.filter(status=Comment.Status.PENDING)
        .exclude(author=me)
        .for_display()
        .select_related("article")
        .order_by("created_at", "id")[:QUEUE_SIZE]
    )
    groups = list(
        CommentReport.objects.open()
        .filter(comment__status=Comment.Status.VISIBLE)
        .exclude(comment__author=me)
        .values("comment_id")
        .annotate(n=Count("pk"), since=Min("created_at"))
        .order_by("since", "comment_id")[:QUEUE_SIZE]
    )
    ids = [g["comment_id"] for g in groups]
    found = {c.pk: c for c in Comment.objects.filter(pk__in=ids).for_display().select_related("article")} if ids else {}
    reports: dict[int, list[CommentReport]] = defaultdict(list)
    if ids:
        for r in CommentReport.objects.open().filter(comment_id__in=ids).select_related("reporter"):
            reports[r.comment_id].append(r)
    reported = [found[i] for i in ids if i in found]
    entries = threads.with_chains(held + reported)
    return entries[: len(held)], [ReportedComment(e, reports[e.comment.pk]) for e in entries[len(held) :]]


def _decide(request: HttpRequest, allowed: set[str]) -> tuple[DecisionForm, str, str]:
    form = DecisionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["decision"] not in allowed:
        raise BadRequest("Unknown decision.")
    return form, form.cleaned_data["decision"], form.cleaned_data["reason"]


@require_http_methods(["GET", "POST"])
def review_application(request: HttpRequest, pk: int) -> HttpResponse:
    if (redirect := _editor_page(request)) is not None:
        return redirect
    app = access.get_application_for_review(request.user, pk)
    form = DecisionForm()
    if request.method == "POST":
        form, decision, reason = _decide(request, {"approve", "reject"})
        try:
            if decision == "approve":
                creator = actions.approve_application(app, _me(request), reason)
                messages.success(request, f"已通过 {creator.name}（@{creator.handle}）的入驻申请。")
            else:
                actions.reject_application(app, _me(request), reason)
                messages.success(request, f"已驳回 {app.name} 的入驻申请。")
            return HttpResponseRedirect(reverse("review"))
        except actions.ModerationError as exc:
            _add_error(form, exc)
    history = Application.objects.of(app.user).exclude(pk=app.pk).select_related("decided_by")[:10]
    ctx = _ctx(request, app=app, form=form, history=list(history))
    return render(request, "moderation/application.html", ctx, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def review_article(request: HttpRequest, pk: int) -> HttpResponse:
    if (redirect := _editor_page(request)) is not None:
        return redirect
    article = access.get_article_for_review(request.user, pk)
    form = DecisionForm()
    if request.method == "POST":
        form, decision, reason = _decide(request, {"approve", "reject"})
        try:
            if decision == "approve":
                version = ascii_int(request.POST.get("version"))
                done = actions.approve_article(article, _me(request), reason, version=version)
                verb = "已通过并定时发布" if done.status == Article.Status.SCHEDULED else "已通过并发布"
                messages.success(request, f"《{article.title}》{verb}。")
            else:
                actions.reject_article(article, _me(request), reason)
                messages.success(request, f"已退回《{article.title}》。")
            return HttpResponseRedirect(reverse("review"))
        except actions.ModerationError as exc:
            _add_error(form, exc)
    ctx = _ctx(
        request, article=article, form=form, probation_left=article.creator.probation_left,
        reviewed_version=article.version,
    )  # fmt: skip
    return render(request, "moderation/article.html", ctx, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An edit of a published article held for review, beside the text readers see now."""
    if (redirect := _editor_page(request)) is not None:
        return redirect
    held = access.get_edit_for_review(request.user, pk)
    article = held.article
    form = DecisionForm()
    if request.method == "POST":
        form, decision, reason = _decide(request, {"approve", "reject"})
        try:
            if decision == "approve":
                version = ascii_int(request.POST.get("version"))
                actions.approve_edit(article, _me(request), reason, version=version)
                messages.success(request, f"已通过《{held.title}》的修改，读者现在看到新版本。")
            else:
                actions.reject_edit(article, _me(request), reason)
                messages.success(request, f"已退回《{article.title}》的修改，读者仍看到原版本。")
            return HttpResponseRedirect(reverse("review"))
        except actions.ModerationError as exc:
            _add_error(form, exc)
    ctx = _ctx(request, held=held, article=article, form=form, reviewed_version=article.version)
    return render(request, "moderation/edit.html", ctx, status=400 if form.errors else 200)


def _one_per_article(matches: Any) -> list[OriginalityMatch]:
    """The queue lists an article once, with its closest match."""
    seen: dict[int, OriginalityMatch] = {}
    for m in matches:
        if m.article_id not in seen or m.similarity > seen[m.article_id].similarity:
            seen[m.article_id] = m
    return list(seen.values())[:QUEUE_SIZE]


@dataclass
class Paragraph:
    text: str
    shared: bool  # most of its shingles are in the other text too


def _marked(body_html: str, other: set[str]) -> list[Paragraph]:
    """The article's paragraphs, each marked when at least half of its shingles are in `other`."""
    out = []
    for text in originality.paragraphs(body_html):
        own = originality.shingles(text)
        out.append(Paragraph(text, bool(own) and len(own & other) * 2 >= len(own)))
    return out


@require_http_methods(["GET", "POST"])
def review_original(request: HttpRequest, pk: int) -> HttpResponse:
    """A 原创 declaration that matched an earlier article of another creator: the two texts side
    by side, overlapping paragraphs marked, and 确认原创 / 取消原创."""
    if (redirect := _editor_page(request)) is not None:
        return redirect
    article = access.get_original_for_review(request.user, pk)
    form = DecisionForm()
    if request.method == "POST":
        form, decision, reason = _decide(request, {"uphold", "refuse"})
        try:
            actions.decide_original(article, _me(request), decision == "uphold", reason)
            verb = "已确认《{}》为原创。" if decision == "uphold" else "已取消《{}》的原创声明。"
            messages.success(request, verb.format(article.title))
            return HttpResponseRedirect(reverse("review"))
        except actions.ModerationError as exc:
            _add_error(form, exc)
    matches = list(
        OriginalityMatch.objects.filter(article=article, decided_at__isnull=True)
        .select_related("earlier__creator")
        .order_by("-similarity", "id")
    )
    if not matches:
        raise Http404("No open match.")
    earlier = matches[0].earlier
    ours, theirs = originality.body_shingles(article.body_html), originality.body_shingles(earlier.body_html)
    ctx = _ctx(
        request,
        article=article,
        earlier=earlier,
        match=matches[0],
        others=matches[1:],
        ours=_marked(article.body_html, theirs),
        theirs=_marked(earlier.body_html, ours),
        form=form,
    )
    return render(request, "moderation/original.html", ctx, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def review_reports(request: HttpRequest, pk: int) -> HttpResponse:
    if (redirect := _editor_page(request)) is not None:
        return redirect
    article = access.get_reported_article(request.user, pk)
    form = DecisionForm()
    if request.method == "POST":
        form, decision, reason = _decide(request, {"dismiss", "withdraw"})
        try:
            if decision == "dismiss":
                actions.dismiss_reports(article, _me(request), reason)
                messages.success(request, f"已驳回对《{article.title}》的举报，文章保持公开。")
            else:
                actions.withdraw_reported_article(article, _me(request), reason)
                messages.success(request, f"已撤回《{article.title}》。")
            return HttpResponseRedirect(reverse("review"))
        except actions.ModerationError as exc:
            _add_error(form, exc)
    reports = Report.objects.filter(article=article, status=Report.Status.OPEN).select_related("reporter")
    ctx = _ctx(request, article=article, form=form, reports=list(reports))
    return render(request, "moderation/reports.html", ctx, status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------
# 举报


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    article = Article.objects.published().select_related("creator").filter(pk=pk).first()
    if article is None:
        raise Http404("No such article.")
    if not is_signed_in(request.user):
        return _to_login(request)
    allowed = access.can_report(request.user, article)
    if request.method == "POST" and not allowed:
        raise PermissionDenied("不能举报自己的文章。")
    form = ReportForm(request.POST or None)
    done = False
    limited = None
    if request.method == "POST" and allowed and form.is_valid():
        try:
            ratelimit.hit("report", request.user.pk)
            actions.report_article(article, _me(request), form.cleaned_data["reason"])
            done = True
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            limited = exc
        except actions.ModerationError as exc:
            _add_error(form, exc)
    ctx = _ctx(request, article=article, form=form, allowed=allowed, done=done)
    status = 400 if request.method == "POST" and not done else 200
    response = render(request, "moderation/report.html", ctx, status=status)
    return ratelimit.too_many(response, limited) if limited else response


@require_http_methods(["GET", "POST"])
def review_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """One held or reported comment: its article and chain, the reports, and the decisions
    (通过, 删除 with a reason, 驳回举报, 禁言 its author for N days)."""
    if (redirect := _editor_page(request)) is not None:
        return redirect
    comment = access.get_comment_for_review(request.user, pk)
    me = _me(request)
    name = threads.author_of(comment).name
    form, ban_form = CommentDecisionForm(), BanForm(prefix="ban")
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision == "ban":
            ban_form = BanForm(request.POST, prefix="ban")
            if ban_form.is_valid():
                days = ban_form.cleaned_data["days"]
                try:
                    actions.ban_commenter(comment, me, days, ban_form.cleaned_data["reason"])
                except actions.ModerationError as exc:
                    _add_error(ban_form, exc)
                else:
                    messages.success(request, f"已禁止 {name} 跟帖 {days} 天。")
                    return HttpResponseRedirect(reverse("review-comment", args=[pk]))
        elif decision in {"approve", "remove", "dismiss"}:
            form = CommentDecisionForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                try:
                    if decision == "approve":
                        actions.approve_comment(comment, me, reason)
                        messages.success(request, f"已通过 {name} 的跟帖，读者现在能看到它。")
                    elif decision == "remove":
                        actions.remove_comment(comment, me, reason)
                        messages.success(request, f"已删除 {name} 的跟帖。")
                    else:
                        actions.dismiss_comment_reports(comment, me, reason)
                        messages.success(request, f"已驳回对 {name} 的跟帖的举报，跟帖保持显示。")
                    return HttpResponseRedirect(reverse("review"))
                except actions.ModerationError as exc:
                    _add_error(form, exc)
        else:
            raise BadRequest("Unknown decision.")
    reports = list(CommentReport.objects.open().on(comment).select_related("reporter"))
    item = threads.chain_of(comment)
    ctx = _ctx(
        request,
        comment=comment,
        article=comment.article,
        item=item,
        reported=ReportedComment(item, reports) if reports else None,
        form=form,
        ban_form=ban_form,
        banned_until=banned_until(comment.author),
    )
    status = 400 if form.errors or ban_form.errors else 200
    return render(request, "moderation/comment.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """举报 a 跟帖: a category and optional words. Anonymous readers sign in and come back here."""
    comment = access.get_reportable_comment(pk, cid)
    if not is_signed_in(request.user):
        return _to_login(request)
    me = _me(request)
    allowed = access.can_report_comment(me, comment)
    if request.method == "POST" and not allowed:
        raise PermissionDenied("不能举报自己的跟帖。")
    form = CommentReportForm(request.POST if request.method == "POST" else None)
    done = False
    limited = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_comment(comment, me, form.cleaned_data["category"], form.cleaned_data["reason"])
            done = True
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            limited = exc
        except actions.ModerationError as exc:
            _add_error(form, exc)
    already = not done and allowed and CommentReport.objects.open().on(comment).filter(reporter=me).exists()
    ctx = _ctx(
        request, article=comment.article, comment=comment, author=threads.author_of(comment), form=form,
        allowed=allowed, done=done, already=already,
    )  # fmt: skip
    status = 400 if request.method == "POST" and not done else 200
    response = render(request, "moderation/report_comment.html", ctx, status=status)
    return ratelimit.too_many(response, limited) if limited else response
