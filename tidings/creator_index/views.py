"""创作者指数 pages: the creator's own (/studio/index/) and the editors' distribution
(/review/creators/index/).

The creator's page takes the creator from the signed-in user (writer_required), so nobody sees
another creator's index; the editors' page is for the moderation role (one check:
tidings.moderation.access.can_review), like /review/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tidings.accounts.access import is_signed_in
from tidings.creator_index import compute
from tidings.creator_index.models import LEVELS, IndexRun, IndexSettings, Snapshot
from tidings.lib.svgchart import Series, line_chart
from tidings.moderation import access
from tidings.stats.reports import Table
from tidings.web.context import requested_page
from tidings.web.decorators import creator_of_request, writer_required

EDITOR_PAGE_SIZE = 50
SORTS = {"index": "-index", **{key: f"-{key}" for key, _ in compute.DIMENSIONS}}
BAND = 100  # the histogram's index bands: 0–99, 100–199, … 900–1000


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    top: int
    advice: str = ""

    @property
    def percent(self) -> float:
        return 100.0 * self.value / self.top if self.top else 0.0


def _bars(snapshot: Snapshot) -> list[Bar]:
    advice = compute.advice(snapshot)
    return [Bar(key, label, getattr(snapshot, key), compute.TOP, advice[key]) for key, label in compute.DIMENSIONS]


def _next_level(snapshot: Snapshot, thresholds: IndexSettings) -> tuple[int, int] | None:
    """The next level and the points it needs, or None at Lv5."""
    if snapshot.level >= 5:
        return None
    start = thresholds.thresholds[snapshot.level]  # where level + 1 begins (0-based tuple)
    return snapshot.level + 1, max(0, start - snapshot.index)


@require_GET
@writer_required
def studio_index(request: HttpRequest) -> HttpResponse:
    creator = creator_of_request(request)
    trend = compute.trend(creator)
    snapshot = trend[-1] if trend else None
    thresholds = IndexSettings.current()
    ctx: dict[str, Any] = {"creator": creator, "snapshot": snapshot, "thresholds": thresholds.thresholds}
    if snapshot is not None:
        days = [s.day for s in trend]
        bars = _bars(snapshot)
        weakest = min(bars, key=lambda b: b.value)
        ctx |= {
            "bars": bars,
            "summary": (
                f"创作者指数 {snapshot.index}（Lv{snapshot.level}）："
                + "，".join(f"{b.label} {b.value}" for b in bars)
                + f"（每项满分 {compute.TOP}）；最需要提高的是{weakest.label}。"
            ),
            "dimensions_table": Table(
                "dimensions",
                "五项得分",
                ["维度", "得分", "满分"],
                [[b.label, b.value, b.top] for b in bars],
            ),
            "next_level": _next_level(snapshot, thresholds),
            "trend_chart": line_chart(
                [d.strftime("%m-%d") for d in days], [Series("创作者指数", [s.index for s in trend])]
            )
            if len(trend) > 1
            else None,
            "trend_summary": _trend_summary(trend),
            "trend_table": Table(
                "trend",
                "每日创作者指数",
                ["日期", "指数", "等级", *(label for _, label in compute.DIMENSIONS)],
                [
                    [s.day.isoformat(), s.index, f"Lv{s.level}", *(getattr(s, key) for key, _ in compute.DIMENSIONS)]
                    for s in reversed(trend)
                ],
            ),
        }
    return render(request, "creator_index/studio.html", ctx)


def _trend_summary(trend: list[Snapshot]) -> str:
    if len(trend) < 2:
        return "只有一天的指数，明天起可以看到变化。"
    first, last = trend[0], trend[-1]
    change = last.index - first.index
    hi = max(trend, key=lambda s: s.index)
    moved = "持平" if change == 0 else f"{'上升' if change > 0 else '下降'} {abs(change)} 分"
    return (
        f"近 {len(trend)} 天（{first.day.isoformat()} 至 {last.day.isoformat()}）指数从 {first.index} 到 {last.index}，"
        f"{moved}；最高 {hi.index}（{hi.day.isoformat()}）。"
    )


# --------------------------------------------------------------------------------------------
# The editors' distribution


@dataclass(frozen=True)
class Bin:
    label: str
    count: int
    percent: float  # of all creators
    bar: float  # against the largest bin


def _bins(labels: list[str], counts: list[int]) -> list[Bin]:
    whole = sum(counts) or 1
    top = max(counts, default=0) or 1
    return [Bin(lb, n, 100.0 * n / whole, 100.0 * n / top) for lb, n in zip(labels, counts, strict=True)]


@require_GET
def editors_index(request: HttpRequest) -> HttpResponse:
    if not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    if not access.can_review(request.user):
        raise PermissionDenied("创作者指数分布只对编辑开放。")
    day = IndexRun.objects.filter(pk=1).values_list("last_day", flat=True).first()
    rows = Snapshot.objects.filter(day=day) if day else Snapshot.objects.none()
    by_level = dict(rows.order_by().values_list("level").annotate(n=Count("id")))
    indexes = list(rows.values_list("index", flat=True))
    band_counts = [0] * 10
    for v in indexes:
        band_counts[min(v // BAND, 9)] += 1
    level_bins = _bins([f"Lv{lv}" for lv in LEVELS], [by_level.get(lv, 0) for lv in LEVELS])
    band_labels = [f"{b * BAND}–{b * BAND + BAND - 1 if b < 9 else 1000}" for b in range(10)]
    band_bins = _bins(band_labels, band_counts)
    sort = request.GET.get("sort", "index")
    if sort not in SORTS:
        sort = "index"
    page = requested_page(
        request, rows.select_related("creator").order_by(SORTS[sort], "creator__handle"), EDITOR_PAGE_SIZE
    )
    ctx = {
        "day": day,
        "total": len(indexes),
        "level_bins": level_bins,
        "band_bins": band_bins,
        "levels_table": Table(
            "levels",
            "各等级创作者人数",
            ["等级", "人数", "占比(%)"],
            [[b.label, b.count, round(b.percent, 1)] for b in level_bins],
        ),
        "bands_table": Table(
            "bands",
            "各指数区间创作者人数",
            ["指数区间", "人数", "占比(%)"],
            [[b.label, b.count, round(b.percent, 1)] for b in band_bins],
        ),
        "levels_summary": _bins_summary("等级", level_bins, len(indexes)),
        "bands_summary": _bins_summary("指数区间", band_bins, len(indexes)),
        "page": page,
        "sort": sort,
        "sorts": [("index", "指数"), *compute.DIMENSIONS],
        "dimensions": compute.DIMENSIONS,
        "thresholds": IndexSettings.current().thresholds,
    }
    return render(request, "creator_index/editors.html", ctx)


def _bins_summary(what: str, bins: list[Bin], total: int) -> str:
    if not total:
        return "还没有创作者指数。"
    top = max(bins, key=lambda b: b.count)
    return f"共 {total} 位创作者；人数最多的{what}是 {top.label}（{top.count} 人，{top.percent:.1f}%）。"
