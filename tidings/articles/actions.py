"""Writes to an article's text: create, edit (with revisions and stale-version checks), restore
(images: tidings.articles.images). Status changes are not here: they go through tidings.articles.transitions, the one door.

Input is checked and the body rendered by tidings.articles.input before these run, so that the
transactions they open hold the database's write lock only for the writes themselves.
"""

from __future__ import annotations

from django.db import transaction

from tidings import audit
from tidings.accounts.models import User
from tidings.articles import transitions
from tidings.articles.input import (
    ArticleInput,
    ArticleInvalid,
    ReferenceInput,
    StaleVersion,
    snapshot_references,
    write_references,
)
from tidings.articles.models import Article, Revision
from tidings.articles.rendering import render_body
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.lib.cjk import detect_lang, url_slug
from tidings.lib.dates import parse_when


def save_article(article: Article, body_html: str | None = None) -> Article:
    """Save an article's content, never its status (a new article is a draft): the body rendered
    here, or already by the input check, then what follows every write (transitions.store)."""
    article.body_html = render_body(article.body_md) if body_html is None else body_html
    with transaction.atomic():
        transitions.save_content(article)
    return article


def _apply(article: Article, data: ArticleInput) -> None:
    article.title = data.title
    article.summary = data.summary
    article.body_md = data.body_md
    if data.channel is not None:
        article.channel = data.channel
    article.tags = data.tags
    article.cover = data.cover
    article.original = data.original
    article.slug = url_slug(None, data.title)
    article.lang = detect_lang(f"{data.title} {data.body_md[:4000]}")


def save_revision(article: Article, by: User | None, note: str = "") -> Revision:
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return Revision.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        summary=article.summary,
        body_md=article.body_md,
        tags=list(article.tags),
        references=snapshot_references(article),
        editor=by if getattr(by, "pk", None) else None,
        note=note,
    )


def default_channel() -> Channel:
    channel = Channel.objects.order_by("order", "pk").first()
    if channel is None:
        raise ArticleInvalid({"channel": "网站还没有频道，请先让管理员创建频道。"})
    return channel


@transaction.atomic
def create_article(creator: Creator, by: User | None, data: ArticleInput, *, autosave: bool = False) -> Article:
    """A new draft of `creator`'s, with its first revision (none for an autosave)."""
    article = Article(creator=creator, channel=data.channel or default_channel())  # a draft
    _apply(article, data)
    save_article(article, data.rendered())
    write_references(article, data.references)
    if not autosave:
        save_revision(article, by)
    audit.record(by, "article.create", article)
    return article


@transaction.atomic
def edit_article(
    article: Article, by: User | None, data: ArticleInput, *, version: int | None = None, autosave: bool = False
) -> Article:
    """Save new text into an article in any state (a published one stays public, re-rendered).

    `version` is the version the writer's text was based on: if the stored one is newer, nothing
    is written and StaleVersion is raised. An explicit save keeps a revision; an autosave does not.
    """
    transitions.lock(article)
    current = article.version
    if article.deleted_at is not None:
        raise transitions.WrongState("这篇文章已删除。")
    if version is not None and version != current:
        raise StaleVersion(current)
    _save_text(article, by, data)
    if not autosave:
        save_revision(article, by)
    return article


def _save_text(article: Article, by: User | None, data: ArticleInput) -> None:
    """New text into a locked, current article: one version more, rendered, references kept."""
    _apply(article, data)
    article.version += 1
    if article.status in REVIEWED_WHILE_ON_PROBATION and _on_probation(article):
        # Probation covers what goes public, not only the first submission: a changed text
        # leaves the public pages until an editor has read it.
        transitions.send_to_review(article, by, "edited on probation")
    save_article(article, data.rendered())
    write_references(article, data.references)


REVIEWED_WHILE_ON_PROBATION = {Article.Status.PUBLISHED, Article.Status.SCHEDULED}


def _on_probation(article: Article) -> bool:
    return Creator.objects.filter(pk=article.creator_id, probation_left__gt=0).exists()


def restore_revision(article: Article, revision: Revision, by: User | None) -> Article:
    """Put an old revision's text back; that is a new save (and a new revision), never a rewind."""
    if revision.article_id != article.pk:
        raise transitions.WrongState("这个版本不属于这篇文章。")
    data = ArticleInput(
        title=revision.title,
        summary=revision.summary,
        body_md=revision.body_md,
        channel=None,
        tags=list(revision.tags),
        cover=article.cover,
        original=article.original,
        references=[
            ReferenceInput(
                str(r.get("title", "")),
                str(r.get("source", "")),
                str(r.get("url", "")),
                parse_when(r.get("published_at")),
            )
            for r in revision.references
        ],
    )
    data.rendered()  # before the write transaction opens
    with transaction.atomic():
        transitions.lock(article)
        if article.deleted_at is not None:
            raise transitions.WrongState("这篇文章已删除。")
        _save_text(article, by, data)
        save_revision(article, by, note=f"恢复自第 {revision.number} 版")
        audit.record(by, "article.restore_revision", article, revision=revision.number)
    return article
