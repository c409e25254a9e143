"""Writes of the moderation queue: applications, articles in review, reports, and 跟帖 (held and
reported comments, through tidings.comments.actions, which writes the comment and tells its author).

Every function checks who acts (tidings.moderation.access), writes in one transaction, records
the decision in the audit log (who, when, why) and schedules follow-up work on commit.
Views, the admin and tests call these; nothing else changes these objects' states.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tidings import audit
from tidings.accounts.access import is_signed_in
from tidings.accounts.models import User
from tidings.articles import transitions
from tidings.articles.models import Article
from tidings.channels.models import Channel
from tidings.comments import actions as comments
from tidings.comments.models import Ban, Comment
from tidings.creators.models import Creator
from tidings.lib import ratelimit
from tidings.lib.markup import plain_text
from tidings.lib.sitecache import invalidate_site
from tidings.moderation import access
from tidings.moderation.models import Application, CommentReport, Report
from tidings.notifications.actions import notify_decision

HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{2,39}$")
# Handles that would read as the platform's own voice.
RESERVED_HANDLES = {"admin", "administrator", "editor", "editors", "tidings", "official", "root", "system", "studio"}


class ModerationError(Exception):
    """A request that cannot be carried out; str(error) is shown to the person, in Chinese."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _deny() -> ModerationError:
    return ModerationError("你没有权限执行这个操作。")


def _required_reason(reason: str, what: str) -> str:
    text = plain_text(reason or "")
    if not text:
        raise ModerationError(f"{what}需要填写理由，申请人或作者会看到它。", field="reason")
    return text[:2000]


# --------------------------------------------------------------------------------------------
# Applications (申请入驻)


def normalise_handle(handle: str) -> str:
    return (handle or "").strip().lower()


def handle_problem(handle: str, user: Any = None) -> str | None:
    """Why this handle cannot be had (None if it can): format, reserved, taken by a creator or
    by someone else's open application."""
    if not HANDLE_RE.match(handle):
        return "账号须为 3–40 个小写字母、数字、下划线或连字符，并以字母或数字开头。"
    if handle in RESERVED_HANDLES:
        return "这个账号被平台保留，请换一个。"
    if Creator.objects.filter(handle=handle).exists():
        return "这个账号已被其他创作者使用，请换一个。"
    taken = Application.objects.pending().filter(handle=handle)
    if user is not None:
        taken = taken.exclude(user=user)
    if taken.exists():
        return "这个账号已被其他申请占用，请换一个。"
    return None


def clean_sample_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme.lower() not in {"http", "https"} or not parsed.netloc:
        raise ModerationError("作品链接只能是 http:// 或 https:// 开头的网址。", field="sample_url")
    return url


@transaction.atomic
def submit_application(
    user: User,
    *,
    kind: str,
    name: str,
    handle: str,
    channel: Channel,
    bio: str,
    motto: str = "",
    avatar: str = "",
    sample_text: str = "",
    sample_url: str = "",
) -> Application:
    """A reader applies (or re-applies after a rejection). Plain-text fields lose any markup."""
    if not access.can_apply(user):
        raise ModerationError("只有尚未入驻的读者账户可以申请入驻。")
    if Application.objects.of(user).pending().exists():
        raise ModerationError("你已有一份申请在审核中，请等待编辑处理。")
    if kind not in Creator.Kind.values:
        raise ModerationError("请选择入驻类型。", field="kind")
    fields = {"name": plain_text(name)[:60], "motto": plain_text(motto)[:120], "bio": plain_text(bio)[:1000]}
    if not fields["name"]:
        raise ModerationError("请填写名称（不能只包含标签或空白）。", field="name")
    if not fields["bio"]:
        raise ModerationError("请填写简介（不能只包含标签或空白）。", field="bio")
    handle = normalise_handle(handle)
    problem = handle_problem(handle, user)
    if problem:
        raise ModerationError(problem, field="handle")
    sample = plain_text(sample_text)[:5000]
    url = clean_sample_url(sample_url)
    if not sample and not url:
        raise ModerationError("请提供一篇作品样例：粘贴正文，或填写作品链接。", field="sample_text")
    try:
        with transaction.atomic():
            app = Application.objects.create(
                user=user,
                kind=kind,
                handle=handle,
                channel=channel,
                avatar=avatar,
                sample_text=sample,
                sample_url=url,
                **fields,
            )
    except IntegrityError:
        # Two submissions at once, or someone else claimed the handle in between.
        raise ModerationError("这个账号刚被其他申请占用，或你已有申请在审核中。", field="handle") from None
    audit.record(user, "application.submit", app, handle=handle, kind=kind)
    return app


def _lock_pending(app: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=app.pk)
    if locked.status != Application.Status.PENDING:
        raise ModerationError("这份申请已经处理过了。")
    return locked


@transaction.atomic
def approve_application(app: Application, by: User, reason: str = "") -> Creator:
    """Create the creator profile (on probation), make the applicant a creator, log it."""
    if not access.can_decide_application(by, app):
        raise _deny()
    app = _lock_pending(app)
    applicant = User.objects.select_for_update().get(pk=app.user_id)
    if Creator.objects.filter(user=applicant).exists():
        raise ModerationError("申请人已经是创作者。")
    if Creator.objects.filter(handle=app.handle).exists():
        raise ModerationError("这个账号已被其他创作者使用：请驳回并请申请人换一个账号。")
    creator = Creator.objects.create(
        user=applicant,
        handle=app.handle,
        name=app.name,
        kind=app.kind,
        motto=app.motto,
        bio=app.bio,
        avatar=app.avatar,
        probation_left=settings.PROBATION_ARTICLES,
    )
    if applicant.role == User.Role.READER:
        applicant.role = User.Role.CREATOR
        applicant.save(update_fields=["role"])
    now = timezone.now()
    app.status = Application.Status.APPROVED
    app.reason = plain_text(reason or "")[:2000]
    app.decided_by = by
    app.decided_at = now
    app.updated_at = now
    app.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    audit.record(
        by, "application.approve", app, app.reason, creator_id=creator.pk, handle=creator.handle,
        probation=creator.probation_left,
    )  # fmt: skip
    notify_decision(applicant, "application.approve", actor=by, reason=app.reason)
    transaction.on_commit(invalidate_site)  # the creator directory changed
    return creator


@transaction.atomic
def reject_application(app: Application, by: User, reason: str) -> Application:
    """Reject with a reason the applicant sees; they may correct and re-apply."""
    if not access.can_decide_application(by, app):
        raise _deny()
    text = _required_reason(reason, "驳回申请")
    app = _lock_pending(app)
    now = timezone.now()
    app.status = Application.Status.REJECTED
    app.reason = text
    app.decided_by = by
    app.decided_at = now
    app.updated_at = now
    app.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    audit.record(by, "application.reject", app, text, handle=app.handle)
    notify_decision(app.user_id, "application.reject", actor=by, reason=text)
    return app


# --------------------------------------------------------------------------------------------
# Articles in review (status PENDING: a creator on probation, or sent to review by the studio)


@contextmanager
def _in_review() -> Iterator[None]:
    """The transitions' refusals, said as the queue says them."""
    try:
        yield
    except (transitions.WrongState, transitions.NotAllowed) as exc:
        raise ModerationError(str(exc)) from exc


@transaction.atomic
def approve_article(article: Article, by: User, reason: str = "", *, version: int | None = None) -> Article:
    """Publish an article in review, or schedule it when the creator chose a time still ahead;
    one fewer article of the creator's probation (never below zero); see transitions.approve."""
    if not access.can_decide_article(by, article):
        raise _deny()
    with _in_review():
        return transitions.approve(article, by, plain_text(reason or "")[:2000], version=version)


@transaction.atomic
def reject_article(article: Article, by: User, reason: str) -> Article:
    """Send an article in review back to its creator with a reason; it stays private, and comes
    back to review when resubmitted."""
    if not access.can_decide_article(by, article):
        raise _deny()
    text = _required_reason(reason, "退回文章")
    with _in_review():
        return transitions.reject(article, by, text)


@transaction.atomic
def approve_edit(article: Article, by: User, reason: str = "", *, version: int | None = None) -> Article:
    """Put an edit held for review into a published article (it stayed public meanwhile); the
    creator's probation does not count down; see transitions.approve_edit."""
    if not access.can_decide_article(by, article):
        raise _deny()
    with _in_review():
        return transitions.approve_edit(article, by, plain_text(reason or "")[:2000], version=version)


@transaction.atomic
def reject_edit(article: Article, by: User, reason: str) -> Article:
    """Turn down an edit held for review with a reason; the published text stays as it was."""
    if not access.can_decide_article(by, article):
        raise _deny()
    text = _required_reason(reason, "退回修改")
    with _in_review():
        return transitions.reject_edit(article, by, text)


def decide_original(article: Article, by: User, uphold: bool, reason: str = "") -> Article:
    """确认原创 or 取消原创 for a declaration that matched an earlier article of another creator;
    the reason is required to take 原创 away (its creator reads it). See transitions.decide_original."""
    if not access.can_decide_article(by, article):
        raise _deny()
    text = plain_text(reason or "")[:2000] if uphold else _required_reason(reason, "取消原创")
    with _in_review():
        return transitions.decide_original(article, by, uphold, text)


# --------------------------------------------------------------------------------------------
# Reports (举报)


@transaction.atomic
def report_article(article: Article, by: User, reason: str) -> Report:
    """A reader reports a published article: it joins the queue and stays public meanwhile."""
    if not access.can_report(by, article):
        raise ModerationError("只能举报已发布的、不是你自己写的文章。")
    text = plain_text(reason or "")[:1000]
    if not text:
        raise ModerationError("请写下举报理由，编辑会据此核查。", field="reason")
    try:
        with transaction.atomic():
            report = Report.objects.create(article=article, reporter=by, reason=text)
    except IntegrityError:
        raise ModerationError("你已举报过这篇文章，编辑会尽快处理。") from None
    audit.record(by, "article.report", article, text, report_id=report.pk)
    return report


def _close_reports(article: Article, by: User, status: str, reason: str) -> list[int]:
    open_reports = Report.objects.select_for_update().filter(article=article, status=Report.Status.OPEN)
    ids = list(open_reports.values_list("pk", flat=True))
    if not ids:
        raise ModerationError("这篇文章没有待处理的举报了，请刷新审核队列。")
    Report.objects.filter(pk__in=ids).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_reason=reason
    )
    return ids


@transaction.atomic
def dismiss_reports(article: Article, by: User, reason: str = "") -> list[int]:
    """The reports do not hold: close them; the article stays as it is."""
    if not access.can_decide_article(by, article):
        raise _deny()
    text = plain_text(reason or "")[:2000]
    ids = _close_reports(article, by, Report.Status.DISMISSED, text)
    audit.record(by, "article.reports_dismiss", article, text, report_ids=ids)
    return ids


@transaction.atomic
def withdraw_reported_article(article: Article, by: User, reason: str) -> Article:
    """The reports hold: withdraw the article (it leaves every public page) and close them."""
    if not access.can_decide_article(by, article):
        raise _deny()
    text = _required_reason(reason, "撤回文章")
    if article.status != Article.Status.PUBLISHED:
        raise ModerationError("这篇文章的状态已经变了，请刷新审核队列。")
    ids = _close_reports(article, by, Report.Status.WITHDRAWN, text)
    with _in_review():
        return transitions.withdraw(article, by, text, report_ids=ids)


# --------------------------------------------------------------------------------------------
# 跟帖: reports of comments, and the queue's decisions on held and reported comments

COMMENT_REASON_MAX = comments.REASON_MAX  # Comment.status_reason, Ban.reason and CommentReport.reason hold this much


@contextmanager
def _on_comments() -> Iterator[None]:
    """tidings.comments.actions' refusals, said as the queue says them."""
    try:
        yield
    except comments.CommentError as exc:
        raise ModerationError(exc.message) from exc


def _comment_reason(reason: str, what: str, *, required: bool) -> str:
    text = plain_text(reason or "")
    if required and not text:
        raise ModerationError(f"{what}需要填写理由，跟帖作者会看到它。", field="reason")
    if len(text) > COMMENT_REASON_MAX:
        raise ModerationError(f"理由最多 {COMMENT_REASON_MAX} 字，现在有 {len(text)} 字。", field="reason")
    return text


def report_comment(comment: Comment, by: User, category: str, reason: str = "") -> CommentReport:
    """A reader reports (举报) a visible comment that is not their own, in one of the categories,
    with optional words (required for 其他). Counted by the `report` limit (raises
    ratelimit.RateLimited past it); a refused report counts nothing."""
    if not access.can_report_comment(by, comment):
        if not is_signed_in(by):
            raise ModerationError("请先登录再举报。")
        if by.pk == comment.author_id:
            raise ModerationError("不能举报自己的跟帖。")
        raise ModerationError("这条跟帖不存在或已删除，不能举报。")
    if category not in CommentReport.Category.values:
        raise ModerationError("请选择举报类型。", field="category")
    text = plain_text(reason or "")
    if len(text) > COMMENT_REASON_MAX:
        raise ModerationError(f"补充说明最多 {COMMENT_REASON_MAX} 字，现在有 {len(text)} 字。", field="reason")
    if category == CommentReport.Category.OTHER and not text:
        raise ModerationError("选择“其他”时请写明举报理由。", field="reason")
    duplicate = "你已举报过这条跟帖，编辑会尽快处理。"
    if CommentReport.objects.open().on(comment).filter(reporter=by).exists():
        raise ModerationError(duplicate)
    ratelimit.hit("report", by.pk)
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, reporter=by, category=category, reason=text)
            audit.record(
                by, "comment.report", comment, text, report_id=report.pk, category=category,
                article=comment.article_id,
            )  # fmt: skip
    except IntegrityError:  # the same reader, twice at once
        raise ModerationError(duplicate) from None
    return report


def _close_comment_reports(comment: Comment, by: User, status: str, reason: str) -> list[int]:
    ids = list(CommentReport.objects.select_for_update().open().on(comment).order_by("pk").values_list("pk", flat=True))
    CommentReport.objects.filter(pk__in=ids).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_reason=reason
    )
    return ids


@transaction.atomic
def dismiss_comment_reports(comment: Comment, by: User, reason: str = "") -> list[int]:
    """驳回举报: the reports do not hold; they are closed and the comment stays as it is."""
    if not access.can_decide_comment(by, comment):
        raise _deny()
    text = _comment_reason(reason, "驳回举报", required=False)
    ids = _close_comment_reports(comment, by, CommentReport.Status.DISMISSED, text)
    if not ids:
        raise ModerationError("这条跟帖没有待处理的举报了，请刷新审核队列。")
    audit.record(by, "comment.reports_dismiss", comment, text, report_ids=ids, article=comment.article_id)
    return ids


@transaction.atomic
def remove_comment(comment: Comment, by: User, reason: str) -> list[int]:
    """删除 from the queue: the comment is removed with a reason its author is told
    (comments.remove writes that audit entry and the notice), and its open reports close as
    upheld, in their own audit entry. Returns the closed reports' ids."""
    if not access.can_decide_comment(by, comment):
        raise _deny()
    text = _comment_reason(reason, "删除跟帖", required=True)
    with _on_comments():
        comments.remove(by, comment, text)
    ids = _close_comment_reports(comment, by, CommentReport.Status.UPHELD, text)
    if ids:
        audit.record(by, "comment.reports_uphold", comment, text, report_ids=ids, article=comment.article_id)
    return ids


@transaction.atomic
def approve_comment(comment: Comment, by: User, reason: str = "") -> None:
    """通过: a held comment appears (comments.approve counts it, logs it and tells its author)."""
    if not access.can_decide_comment(by, comment):
        raise _deny()
    text = _comment_reason(reason, "通过", required=False)
    if not Comment.objects.filter(pk=comment.pk, status=Comment.Status.PENDING).exists():
        raise ModerationError("这条跟帖已经处理过了，请刷新审核队列。")
    with _on_comments():
        comments.approve(by, comment, text)


def ban_commenter(comment: Comment, by: User, days: int, reason: str) -> Ban:
    """禁言: the comment's author may not comment for `days` days (comments.ban logs it and tells
    them). The comment itself stays until decided on."""
    if not access.can_decide_comment(by, comment):
        raise _deny()
    text = _comment_reason(reason, "禁言", required=True)
    with _on_comments():
        return comments.ban(by, User.objects.get(pk=comment.author_id), days, text)
