"""消息中心 (/notifications/): one's own notifications by tab, marking them read, and 消息设置.

Everything works without JavaScript. Nothing changes on a GET: following a notice's link from the
list is a POST (查看) that marks it read and then goes there; a read notice's link is a plain link.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from tidings.accounts.access import acting_user
from tidings.notifications import actions
from tidings.notifications.context import remember_unread
from tidings.notifications.models import Kind
from tidings.web.context import base_ctx, paginate

# The tabs: path segment → (label, kinds shown; None is every kind). 回复 holds the replies to
# one's comments and, for creators, the comments on their articles.
TABS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "": ("全部", None),
    "reply": ("回复", (Kind.REPLY, Kind.COMMENT)),
    "vote": ("顶", (Kind.VOTE,)),
    "follow": ("粉丝", (Kind.FOLLOW,)),
    "moderation": ("系统通知", (Kind.MODERATION,)),
}
SETTING_LABELS: dict[str, str] = {
    Kind.REPLY: "回复我的跟帖",
    Kind.COMMENT: "评论我的文章（创作者）",
    Kind.VOTE: "跟帖被顶",
    Kind.FOLLOW: "新粉丝（创作者）",
}


def tab_path(tab: str) -> str:
    return f"/notifications/{tab}/" if tab else "/notifications/"


def _back(request: HttpRequest, default: str) -> str:
    """Where a form came from (`next`), if it is on this site."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_GET
def index(request: HttpRequest, tab: str = "") -> HttpResponse:
    """One tab of 消息中心, latest activity first, 20 a page; the unread ones marked."""
    if tab not in TABS:
        raise Http404("没有这个分类。")
    user = acting_user(request)
    label, kinds = TABS[tab]
    unread = actions.unread_by_kind(user)
    remember_unread(request, min(sum(unread.values()), actions.UNREAD_CAP))  # the header's count, known now
    tabs = [
        (key, name, tab_path(key), sum(n for k, n in unread.items() if shown is None or k in shown))
        for key, (name, shown) in TABS.items()
    ]
    ctx = base_ctx(
        request,
        tab=tab,
        tab_label=label,
        tabs=tabs,
        unread_here=next(n for key, _, _, n in tabs if key == tab),
        path=tab_path(tab),
        settings=actions.settings_for(user),
        setting_labels=SETTING_LABELS,
        messages=messages.get_messages(request),
        kind_labels=dict(Kind.choices),
    )
    page = paginate(request, actions.for_user(user, kinds), ctx)
    ctx["rows"] = page.object_list
    return render(request, "notifications/index.html", ctx)


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read (someone else's: 404). With go=1 (the 查看 button), go on to where it points."""
    notice = actions.mark_read(acting_user(request), pk)
    target = notice.url if request.POST.get("go") == "1" else ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(_back(request, "/notifications/"))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    """全部标为已读: every unread one, or those of one tab (`tab`)."""
    tab = request.POST.get("tab") or ""
    if tab not in TABS:
        raise Http404("没有这个分类。")
    n = actions.mark_all_read(acting_user(request), TABS[tab][1])
    messages.success(request, f"已将 {n} 条消息标为已读。" if n else "没有未读消息。")
    return HttpResponseRedirect(tab_path(tab))


@login_required
@require_POST
def save_settings(request: HttpRequest) -> HttpResponse:
    """消息设置: each switchable kind on when its box is ticked, off when it is not."""
    user = acting_user(request)
    chosen = set(request.POST.getlist("on"))
    for kind in actions.SWITCHABLE:
        actions.set_enabled(user, kind, kind in chosen)
    off = [SETTING_LABELS[k] for k in actions.SWITCHABLE if k not in chosen]
    messages.success(request, "消息设置已保存。" + (f"不再接收：{'、'.join(off)}。" if off else "所有消息都会通知你。"))
    return HttpResponseRedirect(_back(request, "/notifications/") + "#settings-h")
