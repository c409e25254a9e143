"""Who may do what with an article: the one place the studio and the write API ask.

- Only an approved creator (a user whose role is creator, editor or admin and who has a
  creators.Creator profile) writes, and only their own articles. Readers (applicants included)
  get 403 from the studio and the write API; anonymous people are sent to sign in (401 in the API).
- Someone else's article, a deleted one, or one that does not exist is the same 404 for a
  writer: a creator cannot even learn that another's draft exists.
- Editors and admins moderate (the /review/ queue) and administer (/admin/): they may look at any
  non-deleted article as its reader will see it (`get_article_for_viewing`), but they do not
  write in another creator's studio.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tidings.accounts.access import has_writer_role, is_editor
from tidings.articles.models import Article, Revision
from tidings.creators.models import Creator


def writer_profile(user: Any) -> Creator | None:
    """The user's creator profile if they may write, else None."""
    if not has_writer_role(user):
        return None
    return Creator.objects.filter(user=user).first()


def require_writer(user: Any) -> Creator:
    """The approved creator behind this user; PermissionDenied (403) for everyone else signed in."""
    creator = writer_profile(user)
    if creator is None:
        raise PermissionDenied("只有通过入驻审核的创作者可以写文章。")
    return creator


def get_article_for_editing(user: Any, pk: int, *, for_update: bool = False) -> Article:
    """The user's own, not deleted article; 404 for anything else (another's draft included)."""
    creator = require_writer(user)
    qs = Article.objects.live().select_related("creator", "channel")
    if for_update:
        qs = qs.select_for_update()
    article = qs.filter(pk=pk, creator=creator).first()
    if article is None:
        raise Http404("没有这篇文章。")
    return article


def get_article_for_viewing(user: Any, pk: int) -> Article:
    """A not deleted article as its reader will see it: its creator, or an editor/admin (who
    moderate); 404 for everyone else, whatever its state."""
    article = Article.objects.live().select_related("creator", "channel").filter(pk=pk).first()
    if article is None:
        raise Http404("没有这篇文章。")
    if is_editor(user):
        return article
    creator = writer_profile(user)
    if creator is None or article.creator_id != creator.pk:
        raise Http404("没有这篇文章。")
    return article


def get_revision_for_editing(user: Any, article_pk: int, number: int) -> tuple[Article, Revision]:
    article = get_article_for_editing(user, article_pk)
    revision = Revision.objects.filter(article=article, number=number).first()
    if revision is None:
        raise Http404("没有这个版本。")
    return article, revision
