"""Writes to an article's text: create, edit (with revisions and stale-version checks), restore
(images: tidings.articles.images). Status changes are not here: they go through tidings.articles.transitions, the one door.

Input is checked and the body rendered by tidings.articles.input before these run, so that the
transactions they open hold the database's write lock only for the writes themselves.
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.utils import timezone

from tidings import audit
from tidings.accounts.models import User
from tidings.articles import originality, transitions
from tidings.articles.input import (
    ArticleInput,
    ArticleInvalid,
    StaleVersion,
    references_from_snapshot,
    snapshot_references,
    write_references,
)
from tidings.articles.models import Article, PendingEdit, Revision
from tidings.articles.rendering import render_body
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.lib.cjk import detect_lang, url_slug


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
    article.repost_source = data.repost_source
    article.repost_url = data.repost_url
    article.statements = list(data.statements)
    article.slug = url_slug(None, data.title)
    article.lang = detect_lang(f"{data.title} {data.body_md[:4000]}")


def save_revision(article: Article, by: User | None, note: str = "", held: PendingEdit | None = None) -> Revision:
    """A snapshot of the text just saved: the article's, or the edit `held` for review."""
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    text: Article | PendingEdit = held or article
    return Revision.objects.create(
        article=article,
        number=last + 1,
        title=text.title,
        summary=text.summary,
        body_md=text.body_md,
        tags=list(text.tags),
        references=held.references if held else snapshot_references(article),
        editor=by if getattr(by, "pk", None) else None,
        note=note or ("待审核的修改" if held else ""),
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
    originality.judge(article, data.fingerprint() if data.original else None)  # a match: OriginalityRefused
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
    """Save new text into an article in any state (a published one stays public, re-rendered; on
    probation the new text waits beside it for an editor, see `_save_text`).

    `version` is the version the writer's text was based on: if the stored one is newer, nothing
    is written and StaleVersion is raised. An explicit save keeps a revision; an autosave does not.
    """
    transitions.lock(article)
    current = article.version
    if article.deleted_at is not None:
        raise transitions.WrongState("这篇文章已删除。")
    if version is not None and version != current:
        raise StaleVersion(current)
    held = _save_text(article, by, data)
    if not autosave:
        save_revision(article, by, held=held)
    return article


def _save_text(article: Article, by: User | None, data: ArticleInput) -> PendingEdit | None:
    """New text into a locked, current article: one version more, rendered, references kept.

    Probation covers what goes public, not only the first submission. A published article stays
    online: the new text is held beside it for an editor (returned; transitions.approve_edit puts
    it in). A scheduled one is not online yet, so it goes back to review, text and all. Any other
    save writes the text itself, and an edit still held is superseded by it."""
    if article.status == Article.Status.PUBLISHED and _on_probation(article):
        if data.original:  # the held edit is judged as the text it would become; a match refuses it
            judged = copy.copy(article)  # the stored article as the edit would make it, judged apart
            judged.original = True
            originality.judge(judged, data.fingerprint())
        return _hold_for_review(article, by, data)
    _apply(article, data)
    originality.judge(article, data.fingerprint() if data.original else None)
    article.version += 1
    if article.status == Article.Status.SCHEDULED and _on_probation(article):
        transitions.send_to_review(article, by, "edited on probation")
    save_article(article, data.rendered())
    write_references(article, data.references)
    PendingEdit.objects.filter(article=article).delete()
    return None


def _hold_for_review(article: Article, by: User | None, data: ArticleInput) -> PendingEdit:
    """The edit waits beside the live text, which readers keep seeing; the article's version still
    counts it, so stale tabs and an editor's review of an older edit are refused as for any save."""
    article.version += 1
    Article.objects.filter(pk=article.pk).update(version=article.version)
    text = {
        "channel": data.channel or article.channel,
        "title": data.title,
        "summary": data.summary,
        "body_md": data.body_md,
        "body_html": data.rendered(),
        "tags": list(data.tags),
        "cover": data.cover,
        "original": data.original,
        "repost_source": data.repost_source,
        "repost_url": data.repost_url,
        "statements": list(data.statements),
        "references": [r.snapshot() for r in data.references],
        "editor": by if getattr(by, "pk", None) else None,
        "updated_at": timezone.now(),
    }
    held, created = PendingEdit.objects.update_or_create(
        article=article, defaults=text, create_defaults={**text, "base_version": article.version - 1}
    )
    if created:
        audit.record(by, "article.edit_for_review", article, "edited on probation")
    return held


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
        references=references_from_snapshot(revision.references),
        repost_source=article.repost_source,
        repost_url=article.repost_url,
        statements=list(article.statements),
    )
    data.rendered()  # before the write transaction opens
    with transaction.atomic():
        transitions.lock(article)
        if article.deleted_at is not None:
            raise transitions.WrongState("这篇文章已删除。")
        held = _save_text(article, by, data)
        save_revision(article, by, note=f"恢复自第 {revision.number} 版", held=held)
        audit.record(by, "article.restore_revision", article, revision=revision.number)
    return article
