"""Outcome notices for applicants and creators, read from the audit log (the one record of every
decision): application approved/rejected, article approved/rejected/withdrawn, with the reason.

The studio includes templates/moderation/_notices.html with `notices_for(user)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse

from tidings.articles.models import Article
from tidings.audit.models import Entry
from tidings.lib.urls import url_for
from tidings.moderation.models import Application

APPLICATION_ACTIONS = {"application.approve", "application.reject"}
ARTICLE_ACTIONS = {
    "article.approve", "article.reject", "article.withdraw", "article.approve_edit", "article.reject_edit",
}  # fmt: skip


@dataclass(frozen=True)
class Notice:
    at: dt.datetime
    action: str
    tone: str  # "good" or "bad"
    text: str  # what happened, in one sentence
    reason: str  # the editor's words, shown as they wrote them
    url: str  # where to look next ("" when there is nowhere)


def _text(entry: Entry, title: str) -> tuple[str, str, str]:
    if entry.action == "application.approve":
        return "good", "你的入驻申请已通过，欢迎成为创作者！前几篇文章会先经编辑审核再发布。", reverse("studio")
    if entry.action == "application.reject":
        return "bad", "你的入驻申请未通过。你可以按审核意见修改后重新申请。", reverse("join")
    if entry.action == "article.approve":
        scheduled = entry.data.get("status") == Article.Status.SCHEDULED
        text = f"《{title}》已通过审核，" + ("将按你设定的时间发布。" if scheduled else "已经发布。")
        return "good", text, "" if scheduled else url_for("article", entry.target_id)
    if entry.action == "article.approve_edit":
        return "good", f"《{title}》的修改已通过审核，读者现在看到新版本。", url_for("article", entry.target_id)
    if entry.action == "article.reject_edit":
        return "bad", f"《{title}》的修改未通过审核，读者仍看到原版本。", url_for("article", entry.target_id)
    if entry.action == "article.reject":
        return "bad", f"《{title}》未通过审核，请按审核意见修改。", ""
    return "bad", f"《{title}》因读者举报经编辑核实后已撤回。", ""


def notices_for(user: Any, limit: int = 10) -> list[Notice]:
    """The newest moderation outcomes that concern this user, newest first (two queries)."""
    if not (user is not None and user.is_authenticated):
        return []
    apps = Application.objects.filter(user=user).values("pk")
    articles = Article.objects.filter(creator__user=user).values("pk")
    entries = list(
        Entry.objects.filter(
            Q(target_type="application", action__in=APPLICATION_ACTIONS, target_id__in=apps)
            | Q(target_type="article", action__in=ARTICLE_ACTIONS, target_id__in=articles)
        ).order_by("-at", "-pk")[:limit]
    )
    article_ids = [e.target_id for e in entries if e.target_type == "article"]
    titles = dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "title")) if article_ids else {}
    out = []
    for e in entries:
        tone, text, url = _text(e, titles.get(e.target_id, ""))
        out.append(Notice(at=e.at, action=e.action, tone=tone, text=text, reason=e.reason, url=url))
    return out
