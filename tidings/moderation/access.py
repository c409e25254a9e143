"""Who may see and decide what in moderation: one helper per object type.

Pages are forbidden (403, or the sign-in page for anonymous visitors) to people without the
role; objects that belong to someone else answer 404, as if they did not exist. Editors never
decide on their own application or their own articles.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from tidings.accounts.access import can_apply, creator_of, is_editor, is_signed_in
from tidings.articles.models import Article, PendingEdit
from tidings.comments.models import Comment
from tidings.moderation.models import Application, CommentReport

__all__ = [
    "can_apply",
    "can_decide_application",
    "can_decide_article",
    "can_decide_comment",
    "can_report",
    "can_report_comment",
    "can_review",
    "can_view_application",
    "get_application_for_review",
    "get_article_for_review",
    "get_comment_for_review",
    "get_reportable_comment",
    "get_reported_article",
]


def can_review(user: Any) -> bool:
    """The queue is for editors and admins."""
    return is_editor(user)


# Applications


def can_view_application(user: Any, app: Application) -> bool:
    return is_signed_in(user) and (app.user_id == user.pk or can_review(user))


def can_decide_application(user: Any, app: Application) -> bool:
    return can_review(user) and app.user_id != user.pk


def get_application_for_review(user: Any, pk: int) -> Application:
    app = Application.objects.select_related("user", "channel", "decided_by").filter(pk=pk).first()
    if app is None or not can_decide_application(user, app):
        raise Http404("No such application.")
    return app


# Articles in review (status PENDING) and reported articles


def _own_article(user: Any, article: Article) -> bool:
    creator = creator_of(user)
    return creator is not None and article.creator_id == creator.pk


def can_decide_article(user: Any, article: Article) -> bool:
    return can_review(user) and not _own_article(user, article)


def get_article_for_review(user: Any, pk: int) -> Article:
    article = Article.objects.select_related("creator", "channel").filter(pk=pk, status=Article.Status.PENDING).first()
    if article is None or not can_decide_article(user, article):
        raise Http404("No such article in review.")
    return article


def get_edit_for_review(user: Any, pk: int) -> PendingEdit:
    """The edit held for review of a published article (tidings.articles.actions)."""
    held = (
        PendingEdit.objects.select_related("article__creator", "article__channel", "channel")
        .filter(article_id=pk, article__status=Article.Status.PUBLISHED, article__deleted_at__isnull=True)
        .first()
    )
    if held is None or not can_decide_article(user, held.article):
        raise Http404("No such edit in review.")
    return held


def get_original_for_review(user: Any, pk: int) -> Article:
    """An article whose 原创 declaration matched an earlier article (MATCHED), any status but deleted."""
    article = (
        Article.objects.select_related("creator", "channel")
        .filter(pk=pk, original_check=Article.OriginalCheck.MATCHED, deleted_at__isnull=True)
        .first()
    )
    if article is None or not can_decide_article(user, article):
        raise Http404("No such 原创 check in review.")
    # Nor may an editor decide a dispute with their own earlier article.
    mine = creator_of(user)
    if mine is not None and article.originality_matches.filter(decided_at__isnull=True, earlier__creator=mine).exists():
        raise Http404("No such 原创 check in review.")
    return article


def get_reported_article(user: Any, pk: int) -> Article:
    """A published article with open reports, for an editor to decide on."""
    article = (
        Article.objects.published()
        .select_related("creator", "channel")
        .filter(pk=pk, reports__status="open")
        .distinct()
        .first()
    )
    if article is None or not can_decide_article(user, article):
        raise Http404("No open reports for this article.")
    return article


def can_report(user: Any, article: Article) -> bool:
    """Signed-in readers report published articles, never their own."""
    return is_signed_in(user) and article.is_published and not _own_article(user, article)


# 跟帖: held comments and reported comments


def can_report_comment(user: Any, comment: Comment) -> bool:
    """Signed-in readers report visible comments under published articles, never their own."""
    return (
        is_signed_in(user)
        and comment.status == Comment.Status.VISIBLE
        and comment.author_id != user.pk
        and comment.article.is_public
    )


def get_reportable_comment(article_pk: int, pk: int) -> Comment:
    """The comment a report page is about: visible, under a published article (else 404)."""
    comment = (
        Comment.objects.for_display()
        .select_related("article", "article__creator")
        .filter(pk=pk, article_id=article_pk, status=Comment.Status.VISIBLE)
        .first()
    )
    if comment is None or not comment.article.is_public:
        raise Http404("No such comment.")
    return comment


def can_decide_comment(user: Any, comment: Comment) -> bool:
    """Editors decide on held and reported comments, never on their own."""
    return can_review(user) and comment.author_id != user.pk


def in_queue(comment: Comment) -> bool:
    """Held (先审后发, a held word, a new account), or visible with open reports."""
    if comment.status == Comment.Status.PENDING:
        return True
    return comment.status == Comment.Status.VISIBLE and CommentReport.objects.open().on(comment).exists()


def get_comment_for_review(user: Any, pk: int) -> Comment:
    comment = (
        Comment.objects.for_display().select_related("article", "article__creator", "article__channel")
        .filter(pk=pk).first()
    )  # fmt: skip
    if comment is None or not can_decide_comment(user, comment) or not in_queue(comment):
        raise Http404("No such comment in the queue.")
    return comment
