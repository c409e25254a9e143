"""The one door for an article's status: every change of `Article.status` happens here.

The studio, the write API, the admin (actions and the change form), moderation, the importer and
the scheduler call these named transitions; no other module assigns `status`. Each transition

1. locks the article's current row (a caller's copy may be seconds old: an editor may have acted),
2. checks the transition is allowed from the current state for this actor (`TRANSITIONS`),
3. writes the status and the facts later rules depend on (who took it down, when, why),
4. runs the follow-up work (`store`: hot score, the creator's 文章数, derived data — search,
   keywords, related — and, on commit, the site generation that stales cached pages),
5. writes the audit entry.

Actors: the article's own creator (OWNER), an editor or admin (EDITOR), and the site itself (SYSTEM:
the scheduler, the importer, the demo generator; `by=None`). Rules read facts stored on the row,
never the audit log: `taken_down_at` is set when an editor withdraws or rejects an article and is
cleared only when an editor approves or publishes it, so every later submission by its creator —
however it gets there, through drafts and withdrawn submissions — goes to review.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from tidings import audit
from tidings.accounts.access import is_editor
from tidings.accounts.models import User
from tidings.articles import originality
from tidings.articles.derived import refresh_derived
from tidings.articles.input import ArticleInvalid, references_from_snapshot, write_references
from tidings.articles.models import Article, OriginalityMatch, PendingEdit
from tidings.articles.ranking import engagement, hot_score
from tidings.creators.models import Creator
from tidings.lib.cjk import detect_lang, url_slug
from tidings.lib.sitecache import invalidate_site
from tidings.notifications.actions import notify, notify_decision
from tidings.notifications.models import Kind, Tone

S = Article.Status
Check = Article.OriginalCheck


class WrongState(Exception):
    """The transition does not apply to the article's current state (e.g. publishing what is public)."""


class NotAllowed(PermissionError):
    """This person may not make this transition (pages answer 404 or 403 before it comes to this)."""


class Actor(enum.Enum):
    OWNER = "owner"
    EDITOR = "editor"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """Which states a transition leaves, for each kind of actor that may make it."""

    name: str
    sources: dict[Actor, frozenset[str]]

    def allows(self, actor: Actor, status: str) -> bool:
        return status in self.sources.get(actor, frozenset())


ALL = frozenset(S.values)
BEFORE_PUBLIC = frozenset({S.DRAFT, S.SCHEDULED, S.WITHDRAWN, S.REJECTED})

TRANSITIONS = {
    t.name: t
    for t in [
        # The creator's 发布 / 定时发布 / 提交审核 (studio and API): published, scheduled, or to review.
        Transition("submit", {Actor.OWNER: BEFORE_PUBLIC}),
        # An edit on probation takes a public or scheduled article back to review.
        Transition("send_to_review", {Actor.OWNER: frozenset({S.PUBLISHED, S.SCHEDULED})}),
        # 撤回 of a scheduled time or a submission: back to a draft (an editor's take-down stays).
        Transition("unschedule", {Actor.OWNER: frozenset({S.SCHEDULED, S.PENDING})}),
        # 撤回 of a public article; an editor may also stop one that is scheduled or in review.
        Transition(
            "withdraw",
            {
                Actor.OWNER: frozenset({S.PUBLISHED}),
                Actor.EDITOR: frozenset({S.PUBLISHED, S.SCHEDULED, S.PENDING}),
                Actor.SYSTEM: frozenset({S.PUBLISHED, S.SCHEDULED, S.PENDING}),
            },
        ),
        Transition("approve", {Actor.EDITOR: frozenset({S.PENDING})}),
        Transition("reject", {Actor.EDITOR: frozenset({S.PENDING})}),
        # An editor's or the importer's publishing (a future time schedules it).
        Transition("publish", {Actor.EDITOR: ALL, Actor.SYSTEM: ALL}),
        # The scheduler: a scheduled article whose minute has come.
        Transition("publish_due", {Actor.SYSTEM: frozenset({S.SCHEDULED})}),
        # An import marked `draft: true`, or an editor stopping a schedule without a take-down.
        Transition("to_draft", {Actor.SYSTEM: ALL, Actor.EDITOR: frozenset({S.SCHEDULED, S.PENDING})}),
        # Soft delete (删除): hidden everywhere; a public article is withdrawn with it.
        Transition("delete", {Actor.OWNER: ALL, Actor.EDITOR: ALL}),
    ]
}


def actor_of(article: Article, by: User | None, name: str | None = None) -> Actor | None:
    """What `by` is to this article for transition `name`: the site (None), its creator, or an
    editor; None when neither. Someone who is both creator and editor acts as the creator where
    creators may make the transition (their own 撤回 is no take-down), else as an editor."""
    if by is None:
        return Actor.SYSTEM
    kinds = []
    if getattr(by, "pk", None) is not None and by.pk == _owner_user_id(article):
        kinds.append(Actor.OWNER)
    if is_editor(by):
        kinds.append(Actor.EDITOR)
    if name is not None:
        kinds = [k for k in kinds if k in TRANSITIONS[name].sources] or kinds
    return kinds[0] if kinds else None


def _owner_user_id(article: Article) -> int | None:
    return Creator.objects.filter(pk=article.creator_id).values_list("user_id", flat=True).first()


def _tell_creator(article: Article, by: User | None, action: str, reason: str = "", **facts: bool) -> None:
    """An editor's decision reaches the article's creator in 消息中心 (系统通知), in this transaction."""
    owner = _owner_user_id(article)
    if owner is not None:
        notify_decision(owner, action, actor=by, article=article, title=article.title, reason=reason, **facts)


def allowed(name: str, article: Article, by: User | None) -> bool:
    """Whether `by` may make transition `name` from the article's current state (no lock)."""
    actor = actor_of(article, by, name)
    return actor is not None and article.deleted_at is None and TRANSITIONS[name].allows(actor, article.status)


def lock(article: Article) -> None:
    """Lock the article's row and reload every field into `article` (call inside a transaction).

    The object a view loaded may be seconds old (an image upload ran in between): an editor may
    have withdrawn or rejected it, and readers' counters have moved. Writing it back whole would
    undo both, so every state change starts from the locked, current row.
    """
    try:
        article.refresh_from_db(from_queryset=Article.objects.select_for_update())
    except Article.DoesNotExist:
        raise WrongState("这篇文章已删除。") from None


_REFUSALS = {
    "submit": lambda a: "这篇文章已经发布。" if a.status == S.PUBLISHED else "这篇文章正在审核中。",
    "unschedule": lambda a: "只有已发布、定时发布或待审核的文章可以撤回。",
    "withdraw": lambda a: "只有已发布、定时发布或待审核的文章可以撤回。",
    "approve": lambda a: "这篇文章的状态已经变了，请刷新审核队列。",
    "reject": lambda a: "这篇文章的状态已经变了，请刷新审核队列。",
}


def _begin(name: str, article: Article, by: User | None) -> Actor:
    """Lock, then check the transition from the current state; returns who is acting."""
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    actor = actor_of(article, by, name)
    transition = TRANSITIONS[name]
    if actor is None or actor not in transition.sources:
        raise NotAllowed("你不能对这篇文章做这个操作。")
    if not transition.allows(actor, article.status):
        refusal = _REFUSALS.get(name)
        label = S(article.status).label
        raise WrongState(refusal(article) if refusal else f"这篇文章现在是「{label}」，不能这样操作。")
    return actor


# --------------------------------------------------------------------------------------------
# Follow-up work of every write


def refresh_hot_score(article: Article) -> None:
    article.hot_score = hot_score(
        article.published_at,
        engagement(article.views_count, article.shares_count, article.comments_count, article.likes_count),
    )


def refresh_creator_counts(creator_ids: Iterable[int]) -> None:
    """Recount 文章数 (published articles) for these creators."""
    counts = dict(
        Creator.objects.filter(pk__in=set(creator_ids))
        .annotate(n=Count("articles", filter=Q(articles__status=S.PUBLISHED)))
        .values_list("pk", "n")
    )
    for pk, n in counts.items():
        Creator.objects.filter(pk=pk).update(articles_count=n)


# What a content save writes (studio, API, admin form, importer): never the status, the take-down
# facts, the deletion or readers' counters, which only the transitions and engagement write.
CONTENT_FIELDS = [
    "creator", "channel", "title", "slug", "summary", "body_md", "body_html", "cover", "tags", "lang",
    "original", "original_check", "repost_source", "repost_url", "statements", "published_at", "created_at",
    "version", "import_key",
]  # fmt: skip


def store(article: Article, update_fields: list[str] | None = None) -> None:
    """Save the article and do what every write is followed by: its hot score, the creator's
    文章数 (the previous creator's too, when the admin moved it), derived data, and the site
    generation on commit. A new article is created as a draft. Call inside a transaction."""
    refresh_hot_score(article)
    article.updated_at = timezone.now()
    previous_creator = None
    if article.pk is None:
        article.status = S.DRAFT  # every article starts as a draft; transitions take it further
        article.save()
    else:
        if update_fields is None or "creator" in update_fields:
            previous_creator = Article.objects.filter(pk=article.pk).values_list("creator_id", flat=True).first()
        if update_fields is None:
            article.save()
        else:
            article.save(update_fields=[*update_fields, "hot_score", "updated_at"])
    refresh_creator_counts({article.creator_id, *([previous_creator] if previous_creator else [])})
    refresh_derived([article.pk])
    transaction.on_commit(invalidate_site)


def save_content(article: Article) -> None:
    """A content save: a new article becomes a draft; an existing one keeps its status."""
    store(article, None if article.pk is None else CONTENT_FIELDS)


def bulk_publish(articles: list[Article], batch_size: int = 100) -> list[Article]:
    """The demo generator's articles, created published in one statement per batch; the caller
    does the follow-up work for the whole batch (counts, derived data, the site generation)."""
    for article in articles:
        article.status = S.PUBLISHED
    return Article.objects.bulk_create(articles, batch_size=batch_size)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _set(article: Article, status: str, published_at: dt.datetime | object | None = ...) -> list[str]:
    article.status = status
    fields = ["status"]
    if published_at is not ...:
        article.published_at = published_at  # type: ignore[assignment]
        fields.append("published_at")
    return fields


def _take_down(article: Article, by: User | None, reason: str) -> list[str]:
    article.taken_down_at = timezone.now()
    article.taken_down_by = by if getattr(by, "pk", None) else None
    article.taken_down_reason = reason
    return ["taken_down_at", "taken_down_by", "taken_down_reason"]


def _clear_take_down(article: Article) -> list[str]:
    if article.taken_down_at is None:
        return []
    article.taken_down_at = None
    article.taken_down_by = None
    article.taken_down_reason = ""
    return ["taken_down_at", "taken_down_by", "taken_down_reason"]


def needs_review(article: Article, creator: Creator) -> str:
    """Why the creator's publishing goes to an editor first ("" if it does not): probation, or an
    editor's take-down (withdrawn on reports, rejected in review) not yet lifted by an editor."""
    if creator.probation_left > 0:
        return "probation"
    if article.taken_down_at is not None:
        return "taken down by an editor"
    return ""


# --------------------------------------------------------------------------------------------
# The transitions


def _ready_to_publish(article: Article) -> None:
    errors = {}
    if not article.title.strip():
        errors["title"] = "发布前请填写标题。"
    if not article.body_md.strip():
        errors["body_md"] = "发布前请填写正文。"
    if errors:
        raise ArticleInvalid(errors)


@transaction.atomic
def submit(
    article: Article,
    by: User | None,
    publish_at: dt.datetime | None = None,
    *,
    now: dt.datetime | None = None,
    ip_region: str = "",
) -> Article:
    """The creator's one publish path (studio and API). `ip_region` is the IP属地 of the address
    the creator published from (tidings.lib.iploc), shown on the article's meta line.

    - on probation, or taken down by an editor → PENDING, for an editor's review; a requested
      future time is kept in published_at for the reviewer to honour (approve makes it SCHEDULED);
    - else a time in the future → SCHEDULED (the scheduler publishes it then);
    - else → PUBLISHED now.
    """
    now = now or timezone.now()
    _begin("submit", article, by)
    _ready_to_publish(article)
    if article.original and article.original_check != Article.OriginalCheck.UPHELD:
        # An article of another creator's may have been published since the text was saved.
        check = article.original_check
        originality.judge(article, None)  # a match: OriginalityRefused, nothing written
        if article.original_check != check:
            Article.objects.filter(pk=article.pk).update(original_check=article.original_check)
    future = publish_at is not None and publish_at > now
    creator = Creator.objects.select_for_update().get(pk=article.creator_id)
    before = article.status
    why = needs_review(article, creator)
    if ip_region:
        article.ip_region = ip_region
        Article.objects.filter(pk=article.pk).update(ip_region=ip_region)
    if why:
        store(article, _set(article, S.PENDING, publish_at if future else None))
        audit.record(by, "article.submit_for_review", article, why, publish_at=_iso(article.published_at))
    elif future:
        store(article, _set(article, S.SCHEDULED, publish_at))
        audit.record(by, "article.schedule", article, publish_at=_iso(publish_at))
    else:
        store(article, _set(article, S.PUBLISHED, now))
        audit.record(by, "article.publish", article, previous=before)
    return article


def send_to_review(article: Article, by: User | None, note: str) -> None:
    """Inside an edit (the row already locked): a public or scheduled text leaves the public pages
    until an editor has read it. The caller then saves the new text, with its follow-up work."""
    if actor_of(article, by, "send_to_review") != Actor.OWNER or not TRANSITIONS["send_to_review"].allows(
        Actor.OWNER, article.status
    ):
        raise WrongState("这篇文章不能送审。")
    article.status = S.PENDING
    article.save(update_fields=["status"])
    audit.record(by, "article.submit_for_review", article, note)


@transaction.atomic
def withdraw(article: Article, by: User | None, reason: str = "", **audit_data: Any) -> Article:
    """撤回. By its creator: a public article leaves the public pages. By an editor: a take-down,
    stored on the row, so that publishing it again is an editor's decision."""
    actor = _begin("withdraw", article, by)
    previous = article.status
    fields = _set(article, S.WITHDRAWN)
    if actor != Actor.OWNER:  # an editor's or the site's take-down
        fields += _take_down(article, by, reason)
    store(article, fields)
    audit.record(by, "article.withdraw", article, reason, previous=previous, **audit_data)
    if actor != Actor.OWNER:
        _tell_creator(article, by, "article.withdraw", reason, on_reports="report_ids" in audit_data)
    return article


@transaction.atomic
def unschedule(article: Article, by: User | None) -> Article:
    """The creator takes back a scheduled time or a submission: a draft again."""
    _begin("unschedule", article, by)
    previous = article.status
    store(article, _set(article, S.DRAFT, None))
    audit.record(by, "article.unschedule", article, previous=previous)
    return article


@transaction.atomic
def retract(article: Article, by: User | None) -> Article:
    """The studio's and the API's 撤回 button, the creator's: withdraw a public article, take back
    a scheduled time or a submission."""
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    if actor_of(article, by, "unschedule") != Actor.OWNER:
        raise NotAllowed("只有作者可以撤回自己的文章。")
    if article.status == S.PUBLISHED:
        return withdraw(article, by)
    if article.status in (S.SCHEDULED, S.PENDING):
        return unschedule(article, by)
    raise WrongState(_REFUSALS["withdraw"](article))


@transaction.atomic
def approve(article: Article, by: User | None, reason: str = "", *, version: int | None = None) -> Article:
    """An editor publishes an article in review, or schedules it when its time is still ahead; the
    creator's probation counts down by one (never below zero); a take-down is lifted.

    `version` is the version the editor read: if the creator saved new text since, nothing is
    approved — an editor approves only text they have seen."""
    _begin("approve", article, by)
    if version is not None and version != article.version:
        raise WrongState("作者在你审阅期间修改了这篇文章，请重新阅读后再决定。")
    now = timezone.now()
    if article.published_at is not None and article.published_at > now:
        fields = _set(article, S.SCHEDULED)
    else:
        fields = _set(article, S.PUBLISHED, now)
    _recheck_original(article)
    store(article, fields + _clear_take_down(article))
    Creator.objects.filter(pk=article.creator_id, probation_left__gt=0).update(probation_left=F("probation_left") - 1)
    audit.record(by, "article.approve", article, reason, status=article.status, published_at=_iso(article.published_at))
    _tell_creator(article, by, "article.approve", reason, scheduled=article.status == S.SCHEDULED)
    return article


@transaction.atomic
def reject(article: Article, by: User | None, reason: str) -> Article:
    """An editor sends an article in review back with a reason; it stays private, and its next
    submission comes back to review."""
    _begin("reject", article, by)
    store(article, _set(article, S.REJECTED) + _take_down(article, by, reason))
    audit.record(by, "article.reject", article, reason)
    _tell_creator(article, by, "article.reject", reason)
    return article


def _begin_edit_review(article: Article, by: User | None) -> PendingEdit:
    """Lock, then check an editor may decide the edit held for this published article."""
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    if by is None or actor_of(article, by, "approve") != Actor.EDITOR:
        raise NotAllowed("你不能对这篇文章做这个操作。")
    held = PendingEdit.objects.select_for_update().filter(article=article).first()
    if held is None or article.status != S.PUBLISHED:
        raise WrongState("这篇文章的修改已经处理过或状态已经变了，请刷新审核队列。")
    return held


@transaction.atomic
def approve_edit(article: Article, by: User | None, reason: str = "", *, version: int | None = None) -> Article:
    """An editor approves the edit of a published article held for review: its text replaces the
    live one (the same content save and follow-up as any edit), published_at stays, edited_at
    (更新于) is now. The article never left the public pages, so probation does not count down.

    `version` is the version the editor read: a newer save by the creator is refused, as in approve."""
    held = _begin_edit_review(article, by)
    if version is not None and version != article.version:
        raise WrongState("作者在你审阅期间修改了这篇文章，请重新阅读后再决定。")
    article.channel_id = held.channel_id
    article.title = held.title
    article.summary = held.summary
    article.body_md = held.body_md
    article.body_html = held.body_html
    article.tags = list(held.tags)
    article.cover = held.cover
    article.original = held.original
    article.repost_source, article.repost_url = held.repost_source, held.repost_url
    article.statements = list(held.statements)
    article.slug = url_slug(None, held.title)
    article.lang = detect_lang(f"{held.title} {held.body_md[:4000]}")
    article.edited_at = timezone.now()
    # Judged when it was held; anything published since that it matches goes to the queue.
    matches = originality.judge(article, None, on_match="review")
    store(article, [*CONTENT_FIELDS, "edited_at"])
    originality.record_matches(article, matches)
    write_references(article, references_from_snapshot(held.references))
    held.delete()
    audit.record(by, "article.approve_edit", article, reason, version=article.version)
    _tell_creator(article, by, "article.approve_edit", reason)
    return article


@transaction.atomic
def reject_edit(article: Article, by: User | None, reason: str) -> Article:
    """An editor turns down the edit held for review, with a reason its creator sees; the live
    text stays public as it was (the edit remains in the article's revisions)."""
    _begin_edit_review(article, by).delete()
    audit.record(by, "article.reject_edit", article, reason)
    _tell_creator(article, by, "article.reject_edit", reason)
    return article


def _recheck_original(article: Article) -> None:
    """An article going public through an editor's approval or the scheduler: its 原创 is judged
    again against what was published since it was submitted. A match goes to the 原创核查 queue
    (as an import's) instead of refusing what an editor or the clock has already decided."""
    if not article.original or article.original_check in (Check.UPHELD, Check.MATCHED, Check.REFUSED):
        return
    check = article.original_check
    matches = originality.judge(article, None, on_match="review")
    if article.original_check != check:
        Article.objects.filter(pk=article.pk).update(original_check=article.original_check)
    originality.record_matches(article, matches)


@transaction.atomic
def decide_original(article: Article, by: User | None, uphold: bool, reason: str = "") -> Article:
    """An editor decides a 原创 declaration that matched an earlier article of another creator
    (an import's, in the review queue): 确认原创 (UPHELD) or 取消原创 (REFUSED, and the article is
    no longer 原创). Not a status change (not in TRANSITIONS). The article's creator and each
    earlier article's creator are told in 消息中心; the audit entry names the earlier articles."""
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    if by is None or not is_editor(by):
        raise NotAllowed("只有编辑可以核查原创。")
    if article.original_check != Check.MATCHED:
        raise WrongState("这篇文章的原创核查已经处理过，请刷新审核队列。")
    article.original_check = Check.UPHELD if uphold else Check.REFUSED
    fields = ["original_check"]
    if not uphold:
        article.original = False
        fields.append("original")
    store(article, fields)
    matches = list(
        OriginalityMatch.objects.select_for_update().filter(article=article, decided_at__isnull=True).order_by("pk")
    )
    OriginalityMatch.objects.filter(pk__in=[m.pk for m in matches]).update(
        decided_at=timezone.now(), decided_by=by, decision=article.original_check
    )
    action = "article.original_upheld" if uphold else "article.original_refused"
    audit.record(by, action, article, reason, earlier=[m.earlier_id for m in matches])
    _tell_creator(article, by, action, reason)
    verdict = "编辑核查后确认其为原创" if uphold else "编辑核查后取消了它的原创声明"
    for earlier in Article.objects.filter(pk__in=[m.earlier_id for m in matches]).only("id", "title", "creator_id"):
        owner = _owner_user_id(earlier)
        if owner is not None and owner != _owner_user_id(article):
            # Another creator's article is named and linked only once it is public.
            which = f"《{article.title}》" if article.is_public else "一篇声明原创的文章"
            notify(
                owner,
                Kind.MODERATION,
                actor=by,
                article=earlier,
                text=f"{which}与你更早发表的《{earlier.title}》高度重合，{verdict}。",
                reason=reason,
                tone=Tone.BAD if uphold else Tone.GOOD,
                url=article.get_absolute_url() if article.is_public else "",
                action="article.original_match",
            )
    return article


@transaction.atomic
def publish(article: Article, by: User | None, published_at: dt.datetime | None = None, reason: str = "") -> Article:
    """An editor (admin) or the site (importer) publishes: at `published_at` (or the article's own
    time, or now); a time ahead schedules it. An editor's publishing lifts a take-down."""
    actor = _begin("publish", article, by)
    previous = article.status
    now = timezone.now()
    when = published_at or article.published_at or now
    fields = _set(article, S.SCHEDULED if when > now else S.PUBLISHED, when)
    if actor == Actor.EDITOR:
        fields += _clear_take_down(article)
    store(article, fields)
    action = "article.schedule" if article.status == S.SCHEDULED else "article.publish"
    audit.record(by, action, article, reason, previous=previous, publish_at=_iso(when))
    return article


@transaction.atomic
def to_draft(article: Article, by: User | None, reason: str = "") -> Article:
    _begin("to_draft", article, by)
    previous = article.status
    store(article, _set(article, S.DRAFT, None))
    audit.record(by, "article.to_draft", article, reason, previous=previous)
    return article


@transaction.atomic
def delete(article: Article, by: User | None, reason: str = "") -> Article:
    """Soft delete: hidden everywhere (a once-public article answers 410, others 404); the row,
    revisions and audit stay."""
    _begin("delete", article, by)
    previous = article.status
    article.deleted_at = timezone.now()
    fields = ["deleted_at"]
    if previous in (S.PUBLISHED, S.SCHEDULED, S.PENDING):
        fields += _set(article, S.WITHDRAWN)
    store(article, fields)
    audit.record(by, "article.delete", article, reason, previous=previous)
    return article


def publish_due(now: dt.datetime) -> list[tuple[Article, dt.timedelta]]:
    """The scheduler: publish every SCHEDULED article whose time is at or before `now`.

    Each row is claimed with a conditional UPDATE (scheduled → published WHERE still scheduled and
    due), so two workers never publish one article twice; the audit entry says how late it ran."""
    done: list[tuple[Article, dt.timedelta]] = []
    due = list(Article.objects.scheduled_due(now).order_by("published_at", "pk").values_list("pk", "published_at"))
    for pk, at in due:
        assert at is not None  # scheduled_due filters on published_at <= now
        with transaction.atomic():
            claimed = Article.objects.scheduled_due(now).filter(pk=pk).update(status=S.PUBLISHED)
            if not claimed:
                continue  # another worker got there first, or the creator withdrew it meanwhile
            article = Article.objects.select_related("creator", "channel").get(pk=pk)
            _recheck_original(article)
            store(article)
            late = max(dt.timedelta(0), now - at)
            audit.record(
                None,
                "article.publish_scheduled",
                article,
                scheduled_for=at.isoformat(),
                published=now.isoformat(),
                late_seconds=int(late.total_seconds()),
            )
        done.append((article, late))
    return done


@transaction.atomic
def purge(queryset: QuerySet[Article], by: User | None) -> int:
    """The admin's hard delete: rows gone, and with them their search rows, counts and cached
    pages (derived data has no foreign key to the article), each deletion in the audit log."""
    rows = list(queryset.values_list("pk", "creator_id", "title", "status"))
    for pk, _, title, status in rows:
        entry = Article(pk=pk)
        audit.record(by, "article.purge", entry, title=title, previous=status)
    queryset.delete()
    refresh_creator_counts({creator for _, creator, _, _ in rows})
    refresh_derived(pk for pk, *_ in rows)
    transaction.on_commit(invalidate_site)
    return len(rows)


# --------------------------------------------------------------------------------------------
# The admin's change form: a new status chosen in the form is one of the transitions above.

BY_TARGET: dict[str, str] = {
    S.PUBLISHED: "publish",
    S.SCHEDULED: "publish",
    S.WITHDRAWN: "withdraw",
    S.REJECTED: "reject",
    S.DRAFT: "to_draft",
}


def editor_change_problem(article: Article, target: str, by: User | None) -> str:
    """Why an editor cannot move the stored article to `target` in the admin ("" when they can)."""
    if target == article.status:
        return ""
    name = BY_TARGET.get(target)
    if name is None:
        return f"不能在这里把文章改为「{S(target).label}」。"
    if article.deleted_at is not None:
        return "这篇文章已删除：先清空删除时间。"
    if not allowed(name, article, by):
        return f"不能把「{S(article.status).label}」的文章改为「{S(target).label}」。"
    return ""


def change_by_editor(article: Article, target: str, by: User | None, reason: str = "") -> Article:
    """Carry out the admin form's status change through its transition."""
    name = BY_TARGET[target]
    if name == "publish":
        return publish(article, by, article.published_at, reason)
    if name == "withdraw":
        return withdraw(article, by, reason or "管理后台撤回")
    if name == "reject":
        return reject(article, by, reason or "管理后台退回")
    return to_draft(article, by, reason)
