"""Every write to comments goes through here: posting, voting, deleting, approving, pinning,
modes and bans. Pages, the API, the admin and the demo call these functions.

Counting rules (exact under concurrency on both databases):
- `Article.comments_count` is the number of VISIBLE comments; it moves by ±1 through
  tidings.articles.ranking.bump_article (which moves the hot score with it) exactly when a comment
  becomes visible or stops being visible; each such step happens under a row lock on the comment
  (SELECT … FOR UPDATE; SQLite's IMMEDIATE transactions serialise writers), so it happens once.
- `Thread.participants_count` ("M 人参与") counts readers with at least one visible comment:
  Participant.visible moves with each comment, and the count moves on its 0→1 and 1→0 steps,
  found by conditional UPDATEs.
- votes: one Vote row per reader and comment under a unique constraint; the comment's counters
  and rank change in the transaction that holds the comment's row lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from tidings import audit
from tidings.accounts.access import is_editor, is_signed_in
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.articles.ranking import bump_article
from tidings.comments import ranking
from tidings.comments.models import MAX_LENGTH, Ban, Comment, Mode, Participant, SiteSettings, Thread, Vote, Word
from tidings.lib import iploc, ratelimit
from tidings.lib.plaintext import has_link, snippet
from tidings.lib.wordfilter import Action as FilterAction
from tidings.lib.wordfilter import WordFilter
from tidings.notifications import actions as notifications

log = logging.getLogger(__name__)
ADDRESS_HASH_KEEP_DAYS = 30


class CommentError(Exception):
    """A refusal the writer can act on; `http_status` is the HTTP status a page or the API answers."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = status


# --- modes, bans, the word list ----------------------------------------------------------------


def site_mode() -> str:
    row = SiteSettings.objects.filter(pk=1).only("mode").first()
    return row.mode if row else Mode.OPEN


def thread_of(article: Article) -> Thread | None:
    return Thread.objects.filter(article=article).first()


def mode_for(article: Article) -> str:
    return mode_of(thread_of(article))


def mode_of(thread: Thread | None) -> str:
    """The mode of an article whose Thread (or None) the caller has already read."""
    return (thread.mode if thread and thread.mode else "") or site_mode()


def banned_until(user: User) -> dt.datetime | None:
    ban = Ban.objects.filter(user=user, until__gt=timezone.now()).order_by("-until").first()
    return ban.until if ban else None


def is_new_account(user: User) -> bool:
    return user.date_joined > timezone.now() - dt.timedelta(hours=settings.COMMENT_NEW_ACCOUNT_HOURS)


def word_filter() -> WordFilter:
    """The compiled automaton for the current word list, rebuilt in each process when the list
    changes (one aggregate query per call)."""
    state = Word.objects.aggregate(n=Count("pk"), changed=Max("updated_at"), top=Max("pk"))
    return _compiled(state["n"], state["changed"], state["top"])


@lru_cache(maxsize=2)
def _compiled(_n: int, _changed: object, _top: object) -> WordFilter:
    return WordFilter((w.word, FilterAction(w.action)) for w in Word.objects.only("word", "action"))


# --- posting --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    comment: Comment
    held: bool  # waiting for an editor (the page says so)


def clean_body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise CommentError("请输入跟帖内容。")
    if len(text) > MAX_LENGTH:
        raise CommentError(f"跟帖最多 {MAX_LENGTH} 字，现在有 {len(text)} 字，请删减后再发。")
    return text


def can_comment_on(article: Article) -> bool:
    return mode_for(article) != Mode.CLOSED


def post_comment(
    user: User, article: Article, body: str, *, parent: Comment | None = None, address: str = ""
) -> Posted:
    """Post a comment (or a reply to `parent`) as `user` from client `address`.

    Raises CommentError (with the message to show) or ratelimit.RateLimited; on either nothing
    is stored and nothing is counted against the limits."""
    if not is_signed_in(user):
        raise CommentError("请先登录再跟帖。", 403)
    if not Article.objects.published().filter(pk=article.pk).exists():
        raise CommentError("文章不存在或已下线。", 404)
    mode = mode_for(article)
    if mode == Mode.CLOSED:
        raise CommentError("本文已关闭跟帖。", 403)
    until = banned_until(user)
    if until is not None:
        local = timezone.localtime(until).strftime("%Y-%m-%d %H:%M")
        raise CommentError(f"你已被禁止跟帖，{local} 后恢复。", 403)
    text = clean_body(body)
    if parent is not None and (parent.article_id != article.pk or parent.status != Comment.Status.VISIBLE):
        raise CommentError("你回复的跟帖不存在或已删除。", 404)
    new_account = is_new_account(user)
    if new_account and has_link(text):
        raise CommentError(f"注册未满 {settings.COMMENT_NEW_ACCOUNT_HOURS} 小时的账号暂时不能在跟帖中发链接。")
    verdict = word_filter().check(text)
    if verdict.action == FilterAction.REFUSE:
        raise CommentError("跟帖含有不允许发布的内容，请修改后再发。")
    now = timezone.now()
    if Comment.objects.filter(author=user, created_at__gte=now - dt.timedelta(days=1), body=text).exists():
        raise CommentError("你在一天内发过相同的内容，请勿重复发布。")
    ratelimit.check("comment-hour", user.pk)
    ratelimit.check("comment-day", user.pk)
    ratelimit.cooldown("comment-interval", user.pk)
    ratelimit.count("comment-hour", user.pk)
    ratelimit.count("comment-day", user.pk)

    held_reason = ""
    if verdict.action == FilterAction.HOLD:
        held_reason = "命中敏感词：" + "、".join(verdict.words)
    elif new_account:
        held_reason = "新注册账号的跟帖先审后发"
    elif mode == Mode.REVIEW:
        held_reason = "本文跟帖先审后发"
    region = iploc.region_of(address) if address else "未知"
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            author=user,
            parent=parent,
            path=(f"{parent.path or '/'}{parent.pk}/" if parent else ""),
            depth=(parent.depth + 1 if parent else 0),
            body=text,
            status=Comment.Status.PENDING if held_reason else Comment.Status.VISIBLE,
            status_reason=held_reason,
            rank=ranking.rank(0, 0, now),
            ip_region=region,
            ip_hash=iploc.address_hash(address) if address else "",
            created_at=now,
            updated_at=now,
        )
        if not held_reason:
            _became_visible(comment)
    return Posted(comment=comment, held=bool(held_reason))


def _announce(comment: Comment) -> None:
    """Tell the people a newly visible comment concerns: the author of the comment it replies to
    (回复我的) and the article's creator (评论我的文章). Nobody is told of their own comment."""
    article = comment.article
    excerpt, url = snippet(comment.body), comment_url(comment)
    replied_to = None
    if comment.parent_id is not None:
        replied_to = Comment.objects.filter(pk=comment.parent_id).values_list("author_id", flat=True).first()
        if replied_to is not None:
            notifications.notify(
                replied_to,
                "reply",
                actor=comment.author,
                article=article,
                comment_id=comment.pk,
                excerpt=excerpt,
                url=url,
            )
    creator_user = article.creator.user_id
    if creator_user is not None and creator_user != replied_to:
        notifications.notify(
            creator_user,
            "comment",
            actor=comment.author,
            article=article,
            comment_id=comment.pk,
            excerpt=excerpt,
            url=url,
        )


def comment_url(comment: Comment) -> str:
    return f"/a/{comment.article_id}/comments/{comment.pk}/"


# --- visibility and counts ------------------------------------------------------------------------


def _became_visible(comment: Comment) -> None:
    """Inside the transaction that made `comment` visible (and holds its row)."""
    bump_article(comment.article_id, "comments_count")
    _participation(comment.article_id, comment.author_id, +1)
    changed(comment.article_id)
    transaction.on_commit(lambda: _announce(comment))


def _stopped_being_visible(comment: Comment) -> None:
    if comment.status in (Comment.Status.DELETED, Comment.Status.REMOVED):
        notifications.forget_comment([comment.pk])  # nobody is shown a deleted comment's words
    bump_article(comment.article_id, "comments_count", -1, floor=True)
    _participation(comment.article_id, comment.author_id, -1)
    changed(comment.article_id)


def _participation(article_id: int, user_id: int, step: int) -> None:
    Thread.objects.get_or_create(article_id=article_id)
    if step > 0:
        if not Participant.objects.filter(article_id=article_id, user_id=user_id).exists():
            try:
                with transaction.atomic():
                    Participant.objects.create(article_id=article_id, user_id=user_id, visible=0)
            except IntegrityError:
                pass  # a concurrent first comment by the same reader made it
        # 0 → 1 moves the article's participants; the conditional UPDATE lets one writer win.
        if Participant.objects.filter(article_id=article_id, user_id=user_id, visible=0).update(visible=1):
            Thread.objects.filter(article_id=article_id).update(participants_count=F("participants_count") + 1)
        else:
            Participant.objects.filter(article_id=article_id, user_id=user_id).update(visible=F("visible") + 1)
        return
    if Participant.objects.filter(article_id=article_id, user_id=user_id, visible=1).update(visible=0):
        Thread.objects.filter(article_id=article_id, participants_count__gt=0).update(
            participants_count=F("participants_count") - 1
        )
    else:
        Participant.objects.filter(article_id=article_id, user_id=user_id, visible__gt=1).update(
            visible=F("visible") - 1
        )


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().select_related("article", "article__creator").get(pk=comment.pk)


def _set_status(comment: Comment, status: str, reason: str = "") -> bool:
    """Move a locked comment to `status`, keeping the counts; False if nothing changed."""
    if comment.status == status:
        return False
    was_visible = comment.status == Comment.Status.VISIBLE
    comment.status, comment.status_reason, comment.updated_at = status, reason, timezone.now()
    if status != Comment.Status.VISIBLE:
        comment.pinned = False
    comment.save(update_fields=["status", "status_reason", "updated_at", "pinned"])
    if was_visible and status != Comment.Status.VISIBLE:
        _stopped_being_visible(comment)
    elif not was_visible and status == Comment.Status.VISIBLE:
        _became_visible(comment)
    else:
        changed(comment.article_id)
    return True


# --- who may do what --------------------------------------------------------------------------------


def owns_article(user: object, article: Article) -> bool:
    return is_signed_in(user) and article.creator.user_id is not None and article.creator.user_id == user.pk  # type: ignore[attr-defined]


def can_remove(user: object, comment: Comment) -> bool:
    """Editors anywhere; an article's creator on their own article."""
    return is_editor(user) or owns_article(user, comment.article)


# --- votes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    up: int
    down: int
    mine: int  # 1 顶, -1 踩, 0 none


def vote(user: User, comment: Comment, value: int) -> Tally:
    """顶 (1), 踩 (-1) or take the vote back (0). Switching moves one count to the other."""
    if value not in (1, -1, 0):
        raise CommentError("投票只能是顶、踩或取消。")
    if not is_signed_in(user):
        raise CommentError("请先登录。", 403)
    ratelimit.hit("comment-vote", user.pk)
    first_up = False
    with transaction.atomic():
        c = _locked(comment)
        if c.status != Comment.Status.VISIBLE or not Article.objects.published().filter(pk=c.article_id).exists():
            raise CommentError("这条跟帖不存在或已删除。", 404)
        if c.author_id == user.pk and value != 0:
            raise CommentError("不能给自己的跟帖投票。", 403)
        old = Vote.objects.filter(comment=c, user=user).first()
        before = old.value if old else 0
        if before == value:
            return Tally(c.up_count, c.down_count, value)
        if value == 0:
            Vote.objects.filter(pk=old.pk).delete()  # type: ignore[union-attr]
        elif old is None:
            Vote.objects.create(comment=c, user=user, value=value)
        else:
            Vote.objects.filter(pk=old.pk).update(value=value)
        c.up_count += (value == 1) - (before == 1)
        c.down_count += (value == -1) - (before == -1)
        c.rank = ranking.rank(c.up_count, c.down_count, c.created_at)
        c.save(update_fields=["up_count", "down_count", "rank"])
        changed(c.article_id)
        first_up = value == 1 and before != 1
    if first_up:
        notifications.notify_vote(
            c.author_id, comment_id=c.pk, article=c.article, actor=user, excerpt=snippet(c.body), url=comment_url(c)
        )
    return Tally(c.up_count, c.down_count, value)


def my_votes(user: object, comment_ids: list[int]) -> dict[int, int]:
    if not is_signed_in(user) or not comment_ids:
        return {}
    return dict(Vote.objects.filter(user=user, comment_id__in=comment_ids).values_list("comment_id", "value"))  # type: ignore[misc]


# --- deleting, approving, pinning, modes, bans ------------------------------------------------------


def delete_own(user: User, comment: Comment) -> None:
    """The author deletes their comment: the floor reads 该跟帖已删除 in every chain."""
    with transaction.atomic():
        c = _locked(comment)
        if c.author_id != user.pk:
            raise CommentError("只能删除自己的跟帖。", 403)
        _set_status(c, Comment.Status.DELETED, "作者删除")


REASON_MAX = 500  # Comment.status_reason and Ban.reason


def _reason(reason: str, missing: str) -> str:
    """A required reason, refused when longer than the column (PostgreSQL would fail the write)."""
    text = (reason or "").strip()
    if not text:
        raise CommentError(missing)
    if len(text) > REASON_MAX:
        raise CommentError(f"理由最多 {REASON_MAX} 字，现在有 {len(text)} 字。")
    return text


def remove(by: User, comment: Comment, reason: str) -> None:
    """An editor (anywhere) or the article's creator (on their own article) deletes a comment,
    with a reason that the author reads in their notices."""
    reason = _reason(reason, "请填写删除理由。")
    with transaction.atomic():
        c = _locked(comment)
        if not can_remove(by, c):
            raise CommentError("没有权限删除这条跟帖。", 403)
        if c.status in (Comment.Status.DELETED, Comment.Status.REMOVED):
            return
        _set_status(c, Comment.Status.REMOVED, reason)
        audit.record(by, "comment.remove", c, reason, article=c.article_id)
        _tell(c, by, "comment.remove", "bad", f"你在《{c.article.title}》下的跟帖已被删除。", reason)


def approve(by: User, comment: Comment, reason: str = "") -> None:
    """An editor lets a held comment appear."""
    if not is_editor(by):
        raise CommentError("只有编辑可以审核跟帖。", 403)
    with transaction.atomic():
        c = _locked(comment)
        if c.status != Comment.Status.PENDING:
            raise CommentError("这条跟帖不在待审核状态。", 409)
        _set_status(c, Comment.Status.VISIBLE)
        audit.record(by, "comment.approve", c, reason, article=c.article_id)
        _tell(c, by, "comment.approve", "good", f"你在《{c.article.title}》下的跟帖已通过审核。", reason)


def pin(by: User, comment: Comment, on: bool = True) -> None:
    """作者置顶: the article's creator pins one visible comment (pinning another unpins the first)."""
    with transaction.atomic():
        c = _locked(comment)
        if not owns_article(by, c.article):
            raise CommentError("只有文章作者可以置顶跟帖。", 403)
        if on and c.status != Comment.Status.VISIBLE:
            raise CommentError("只能置顶已显示的跟帖。", 409)
        if on:
            Comment.objects.filter(article_id=c.article_id, pinned=True).exclude(pk=c.pk).update(pinned=False)
        Comment.objects.filter(pk=c.pk).update(pinned=on)
        audit.record(by, "comment.pin" if on else "comment.unpin", c, article=c.article_id)
        changed(c.article_id)


def set_mode(by: User, article: Article, mode: str) -> None:
    """An editor sets any mode for one article ("" = the site's); the article's creator may only
    switch comments on (the site's mode) or off (关闭跟帖)."""
    if mode not in ("", *Mode.values):
        raise CommentError("未知的跟帖模式。")
    if not is_editor(by):
        if not owns_article(by, article):
            raise CommentError("没有权限设置这篇文章的跟帖。", 403)
        if mode not in ("", Mode.CLOSED):
            raise CommentError("作者只能开启或关闭跟帖。", 403)
    with transaction.atomic():
        thread, _ = Thread.objects.get_or_create(article=article)
        Thread.objects.filter(pk=thread.pk).update(mode=mode)
        audit.record(by, "comment.mode", article, mode=mode or "site")
        changed(article.pk)


def set_site_mode(by: User, mode: str) -> None:
    if not is_editor(by):
        raise CommentError("只有编辑可以设置全站跟帖模式。", 403)
    if mode not in Mode.values:
        raise CommentError("未知的跟帖模式。")
    SiteSettings.objects.update_or_create(pk=1, defaults={"mode": mode, "updated_at": timezone.now()})


def ban(by: User, user: User, days: int, reason: str) -> Ban:
    """禁言: an editor stops `user` from commenting for `days` days."""
    if not is_editor(by):
        raise CommentError("只有编辑可以禁言。", 403)
    reason = _reason(reason, "请填写禁言理由。")
    if not 1 <= days <= 3650:
        raise CommentError("禁言天数应在 1 到 3650 之间。")
    with transaction.atomic():
        row = Ban.objects.create(user=user, until=timezone.now() + dt.timedelta(days=days), reason=reason, by=by)
        audit.record(by, "comment.ban", user, reason, days=days)
        transaction.on_commit(
            lambda: notifications.notify(
                user,
                "moderation",
                actor=by,
                text=f"你已被禁止跟帖 {days} 天。",
                reason=reason,
                tone="bad",
                action="comment.ban",
            )
        )
    return row


def _tell(c: Comment, by: User, action: str, tone: str, text: str, reason: str) -> None:
    url = comment_url(c) if c.status == Comment.Status.VISIBLE else ""
    author = User(pk=c.author_id)

    def send() -> None:
        notifications.notify(
            author,
            "moderation",
            actor=by,
            article=c.article,
            comment_id=c.pk,
            text=text,
            reason=reason,
            tone=tone,
            url=url,
            action=action,
        )

    transaction.on_commit(send)


# --- the cached section, housekeeping ----------------------------------------------------------------


def generation_key(article_id: int) -> str:
    return f"comments:gen:{article_id}"


def changed(article_id: int) -> None:
    """The article's rendered comment section is stale from the commit on (tidings.comments.threads)."""

    def bump_generation() -> None:
        try:
            cache.incr(generation_key(article_id))
        except ValueError:
            cache.set(generation_key(article_id), 1, timeout=None)

    transaction.on_commit(bump_generation)


def prune_address_hashes(now: dt.datetime | None = None) -> int:
    """Forget the address hashes of comments older than 30 days (`tidings worker`, hourly)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=ADDRESS_HASH_KEEP_DAYS)
    return Comment.objects.filter(created_at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")
