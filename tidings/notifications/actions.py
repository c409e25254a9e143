"""Writes and reads of 消息中心 (tidings.notifications.models.Notification).

Who writes what, each at the moment it happens and inside its own transaction (docs/notifications.md):

| kind       | written by                                                     | through         |
|------------|----------------------------------------------------------------|-----------------|
| reply      | the comments app: someone replies to your comment              | `notify`        |
| comment    | the comments app: someone comments on your article (creators)  | `notify`        |
| vote       | the comments app: someone 顶 your comment (grouped per comment) | `notify_vote`   |
| follow     | `creators.actions.follow_creator` (and `unfollow_creator`)      | `notify_follow` |
| moderation | `moderation.actions` (applications), `articles.transitions`     | `notify_decision` (or `notify`) |

Rules every write keeps: nobody is told about what they did themselves (actor == user stores
nothing); a kind the person switched off is not stored at all; 系统通知 (moderation) cannot be
switched off, because a decision about someone's account or article must reach them. Reads and
marks go through `get_for_user` / `for_user`: another person's notification is 404, never 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from tidings.accounts.access import creator_of
from tidings.lib.urls import url_for
from tidings.notifications.models import Kind, Notification, NotificationQuerySet, NotificationSetting, Tone

# The kinds a person may switch off in 消息设置. 系统通知 always arrives (see the module docstring).
SWITCHABLE: tuple[str, ...] = (Kind.REPLY, Kind.COMMENT, Kind.VOTE, Kind.FOLLOW)
# Following again within this time after a 新粉丝 notice was sent (read or not) tells nothing new.
FOLLOW_QUIET = dt.timedelta(days=1)
# The header shows "99+" past this; counting stops there (a bounded index scan on every page).
UNREAD_CAP = 100
MAX_TEXT, MAX_EXCERPT, MAX_URL = 500, 140, 500


def _id(obj: Any) -> int | None:
    """A model instance or an id, as an id (None stays None)."""
    if obj is None or isinstance(obj, int):
        return obj
    return obj.pk  # type: ignore[no-any-return]


def _uid(user: Any) -> int:
    """The recipient's id (a User or an id; never None)."""
    uid = _id(user)
    if uid is None:
        raise ValueError("a notification needs a recipient")
    return uid


def _cut(text: str, limit: int) -> str:
    """One line of at most `limit` characters (a longer text ends with …)."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _path(url: str) -> str:
    """A link stays on this site: a path ("/a/1/"), never another host ("//x", "/\\x", "http:…")."""
    url = (url or "").strip()
    ok = url.startswith("/") and len(url) <= MAX_URL and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    return url if ok else ""


def display_name(user: Any) -> str:
    """How a person is named in a sentence: their creator name, else their user name."""
    if user is None or isinstance(user, int):
        return "有人"
    creator = creator_of(user)
    if creator is not None:
        return str(creator.name)
    return str(user.get_full_name() or user.get_username())


def _default_text(kind: str, actor: Any, article: Any) -> str:
    who = display_name(actor)
    title = getattr(article, "title", "")
    if kind == Kind.REPLY:
        return f"{who} 回复了你的跟帖"
    if kind == Kind.COMMENT:
        return f"{who} 评论了你的文章《{title}》" if title else f"{who} 评论了你的文章"
    if kind == Kind.FOLLOW:
        return f"{who} 关注了你"
    return ""


# --------------------------------------------------------------------------------------------
# 消息设置


def is_enabled(user: Any, kind: str) -> bool:
    if kind not in SWITCHABLE:
        return True
    return not NotificationSetting.objects.filter(user_id=_uid(user), kind=kind, enabled=False).exists()


def settings_for(user: Any) -> dict[str, bool]:
    """Each switchable kind → on (one query)."""
    off = set(NotificationSetting.objects.filter(user_id=_uid(user), enabled=False).values_list("kind", flat=True))
    return {kind: kind not in off for kind in SWITCHABLE}


def set_enabled(user: Any, kind: str, on: bool) -> None:
    """Switch a kind on or off for this person; while it is off nothing of that kind is stored
    (what arrived before stays). ValueError for 系统通知 or a kind that does not exist."""
    if kind not in SWITCHABLE:
        raise ValueError("系统通知不能关闭。" if kind == Kind.MODERATION else "没有这种消息。")
    NotificationSetting.objects.update_or_create(
        user_id=_uid(user), kind=kind, defaults={"enabled": on, "updated_at": timezone.now()}
    )


# --------------------------------------------------------------------------------------------
# Telling someone


def notify(
    user: Any,
    kind: str,
    *,
    actor: Any = None,
    article: Any = None,
    comment_id: int | None = None,
    text: str = "",
    excerpt: str = "",
    url: str = "",
    reason: str = "",
    tone: str = "",
    action: str = "",
) -> Notification | None:
    """Tell `user` (a User or an id) something of `kind`; None when nothing is stored: the actor
    is the user themselves, or the user switched this kind off.

    `text` is the sentence (for replies, comments and follows a default is made from the actor's
    name and the article's title); `excerpt` the words it quotes, such as a comment's first
    words; `url` a path on this site; `reason` an editor's words; `tone` good/bad for decisions.
    Call it inside the transaction of the action it reports."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if tone and tone not in Tone.values:
        raise ValueError(f"unknown tone {tone!r}")
    uid = _uid(user)
    if actor is not None and _id(actor) == uid:
        return None
    if not is_enabled(uid, kind):
        return None
    now = timezone.now()
    return Notification.objects.create(
        user_id=uid,
        kind=kind,
        action=action[:64],
        actor_id=_id(actor),
        article_id=_id(article),
        comment_id=comment_id,
        text=_cut(text or _default_text(kind, actor, article), MAX_TEXT),
        excerpt=_cut(excerpt, MAX_EXCERPT),
        reason=reason,
        tone=tone,
        url=_path(url),
        created_at=now,
        updated_at=now,
    )


def notify_vote(
    user: Any, *, comment_id: int, article: Any = None, actor: Any = None, excerpt: str = "", url: str = ""
) -> bool:
    """A 顶 on `user`'s comment: one more in the unread 顶 group of that comment ("你的跟帖收到了
    12 个顶"), or a new group when there is none (the last one was read). False when nothing was
    stored (one's own 顶, or 顶 switched off).

    Race-safe on both databases: the count moves by a conditional `UPDATE … SET count = count + 1`
    of the unread group; with none, an INSERT guarded by the partial unique constraint
    `notification_one_unread_vote_group`; when a concurrent 顶 inserted first, the INSERT fails
    (in its own savepoint) and the UPDATE, tried again, finds that row. Call it once for each
    reader whose 顶 lands (a vote made, or switched from 踩), not again for the same standing vote."""
    uid = _uid(user)
    if actor is not None and _id(actor) == uid:
        return False
    if not is_enabled(uid, Kind.VOTE):
        return False
    group = Notification.objects.filter(user_id=uid, kind=Kind.VOTE, comment_id=comment_id, read_at__isnull=True)
    for _ in range(3):  # update, insert, update: the third round is only for a group read meanwhile
        now = timezone.now()
        if group.update(count=F("count") + 1, updated_at=now, actor_id=_id(actor)):
            return True
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user_id=uid,
                    kind=Kind.VOTE,
                    action="comment.vote",
                    actor_id=_id(actor),
                    article_id=_id(article),
                    comment_id=comment_id,
                    excerpt=_cut(excerpt, MAX_EXCERPT),
                    url=_path(url),
                    created_at=now,
                    updated_at=now,
                )
            return True
        except IntegrityError:
            continue
    raise RuntimeError(f"could not count a 顶 for comment {comment_id}")  # pragma: no cover


def notify_follow(user: Any, *, actor: Any) -> bool:
    """`actor` now follows `user` (a creator's account): a 新粉丝 notice, at most one unread per
    follower (constraint `notification_one_unread_follow`), and none when the same follower was
    announced within FOLLOW_QUIET, so following, unfollowing and following again does not spam.
    False when nothing was stored."""
    uid, aid = _uid(user), _id(actor)
    if aid == uid or not is_enabled(uid, Kind.FOLLOW):
        return False
    now = timezone.now()
    mine = Notification.objects.filter(user_id=uid, kind=Kind.FOLLOW, actor_id=aid)
    if mine.filter(created_at__gte=now - FOLLOW_QUIET).exists():
        return False
    creator = creator_of(actor)
    try:
        with transaction.atomic():
            Notification.objects.create(
                user_id=uid,
                kind=Kind.FOLLOW,
                action="creator.follow",
                actor_id=aid,
                text=_cut(_default_text(Kind.FOLLOW, actor, None), MAX_TEXT),
                url=creator.get_absolute_url() if creator is not None else "",
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # a concurrent follow by the same person was announced first
        return False
    return True


def forget_follow(user: Any, *, actor: Any) -> int:
    """`actor` unfollowed `user`: an unread 新粉丝 notice about them goes (a read one was seen and stays)."""
    deleted, _ = Notification.objects.filter(
        user_id=_uid(user), kind=Kind.FOLLOW, actor_id=_id(actor), read_at__isnull=True
    ).delete()
    return deleted


def forget_comment(comment_ids: Iterable[int]) -> int:
    """Comments deleted (by their author or an editor): the replies, comments and 顶 notices about
    them go too, so nobody is shown the words of a deleted comment. For the comments app."""
    deleted, _ = Notification.objects.filter(
        kind__in=[Kind.REPLY, Kind.COMMENT, Kind.VOTE], comment_id__in=list(comment_ids)
    ).delete()
    return deleted


# --------------------------------------------------------------------------------------------
# Moderation outcomes (系统通知), written where each decision is made


def decision_words(
    action: str, title: str = "", *, scheduled: bool = False, on_reports: bool = False
) -> tuple[str, str]:
    """(tone, sentence) for an editor's decision, named as in the audit log."""
    if action == "application.approve":
        return Tone.GOOD, "你的入驻申请已通过，欢迎成为创作者！前几篇文章会先经编辑审核再发布。"
    if action == "application.reject":
        return Tone.BAD, "你的入驻申请未通过。你可以按审核意见修改后重新申请。"
    if action == "article.approve":
        return Tone.GOOD, f"《{title}》已通过审核，" + ("将按你设定的时间发布。" if scheduled else "已经发布。")
    if action == "article.approve_edit":
        return Tone.GOOD, f"《{title}》的修改已通过审核，读者现在看到新版本。"
    if action == "article.reject_edit":
        return Tone.BAD, f"《{title}》的修改未通过审核，读者仍看到原版本。"
    if action == "article.reject":
        return Tone.BAD, f"《{title}》未通过审核，请按审核意见修改。"
    if action == "article.original_upheld":
        return Tone.GOOD, f"《{title}》与更早文章的重合经编辑核查，确认为原创。"
    if action == "article.original_refused":
        return Tone.BAD, f"《{title}》与更早发表的文章高度重合，编辑核查后取消了原创声明；如为转载，请注明来源。"
    if action == "article.withdraw":
        if on_reports:
            return Tone.BAD, f"《{title}》因读者举报经编辑核实后已撤回。"
        return Tone.BAD, f"《{title}》已被编辑撤回，读者暂时看不到它。"
    raise ValueError(f"no notice for {action!r}")


def _decision_url(action: str, article_id: int | None, *, scheduled: bool) -> str:
    if action == "application.approve":
        return reverse("studio")
    if action == "application.reject":
        return reverse("join")
    if article_id is None:
        return ""
    if action in ("article.approve_edit", "article.reject_edit") or (action == "article.approve" and not scheduled):
        return url_for("article", article_id)  # public: the article page
    return reverse("studio-edit", args=[article_id])  # not public: where its creator can act on it


def notify_decision(
    user: Any,
    action: str,
    *,
    actor: Any = None,
    article: Any = None,
    title: str = "",
    reason: str = "",
    scheduled: bool = False,
    on_reports: bool = False,
) -> Notification | None:
    """Tell an applicant or a creator (a User or an id) of an editor's decision: 系统通知 with the
    sentence, the editor's reason and where to look next."""
    tone, text = decision_words(action, title, scheduled=scheduled, on_reports=on_reports)
    return notify(
        user,
        Kind.MODERATION,
        actor=actor,
        article=article,
        text=text,
        reason=reason,
        tone=tone,
        url=_decision_url(action, _id(article), scheduled=scheduled),
        action=action,
    )


# --------------------------------------------------------------------------------------------
# Reading and marking: one person's own, and nobody else's


def for_user(user: Any, kinds: Iterable[str] | None = None) -> NotificationQuerySet:
    """This person's notifications (of these kinds), latest activity first."""
    qs = Notification.objects.of(user)
    if kinds is not None:
        qs = qs.of_kinds(kinds)
    return qs.newest()


def get_for_user(user: Any, pk: int) -> Notification:
    """One of this person's notifications; anyone else's (or none) is Http404."""
    found = Notification.objects.of(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有这条消息。")
    return found


def unread_count(user: Any, cap: int | None = None) -> int:
    """How many unread (counting stops at `cap` when given: one bounded index scan)."""
    qs = Notification.objects.of(user).unread()
    return qs[:cap].count() if cap else qs.count()


def unread_by_kind(user: Any) -> dict[str, int]:
    """Unread per kind, in one query (the tabs of /notifications/)."""
    rows = Notification.objects.of(user).unread().order_by().values("kind").annotate(n=Count("pk"))
    return {row["kind"]: row["n"] for row in rows}


def mark_read(user: Any, pk: int) -> Notification:
    """Mark one of this person's notifications read (again is harmless); Http404 for anyone else's."""
    found = get_for_user(user, pk)
    if found.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=found.pk, read_at__isnull=True).update(read_at=now)
        found.read_at = now
    return found


def mark_all_read(user: Any, kinds: Iterable[str] | None = None) -> int:
    """Mark all of this person's unread notifications (of these kinds) read; returns how many."""
    qs = Notification.objects.of(user).unread()
    if kinds is not None:
        qs = qs.of_kinds(kinds)
    return qs.update(read_at=timezone.now())
