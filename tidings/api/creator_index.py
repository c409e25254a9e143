"""创作者指数 over the API: GET /api/v1/me/index, the signed-in (session) or token creator's own
index, its five dimensions, level and badge, how to raise each dimension, and the trend. Thin over
tidings.creator_index.compute, as /studio/index/ is. A reader without a creator profile gets 403,
as the write API's creator-only operations do; there is no way to ask for someone else's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from tidings.api.errors import Error
from tidings.api.write import BearerToken
from tidings.articles import access
from tidings.creator_index import compute
from tidings.creator_index.models import IndexSettings

router = Router(tags=["creator index"], auth=[BearerToken(), django_auth])

ERRORS = {401: Error, 403: Error}


class Dimension(Schema):
    key: str = Field(
        description="originality 原创度 · activity 活跃度 · focus 垂直度 · interaction 互动度 · health 健康度"
    )
    label: str
    score: int = Field(ge=0, le=200)
    advice: str = Field(description="How to raise it, from the creator's own numbers")


class TrendPoint(Schema):
    day: dt.date
    index: int = Field(ge=0, le=1000)
    level: int = Field(ge=1, le=5)


class MyIndex(Schema):
    computed: bool = Field(description="False until the nightly run has computed this creator's index")
    day: dt.date | None = Field(description="The day (site time) of the latest index")
    index: int | None = Field(description="创作者指数, 0–1000: the five dimensions summed", ge=0, le=1000)
    level: int | None = Field(description="Lv1–Lv5, by the thresholds set in the admin", ge=1, le=5)
    badge: str = Field(description='The incentive badge the level earns: "", rising, quality or star')
    badge_label: str
    thresholds: list[int] = Field(description="The index where Lv1 … Lv5 begin")
    dimensions: list[Dimension]
    trend: list[TrendPoint] = Field(description="The last 90 daily snapshots, oldest first")


@router.get("/me/index", response={200: MyIndex, **ERRORS}, summary="My 创作者指数, level and trend")
def my_index(request: HttpRequest) -> dict[str, Any]:
    creator = access.writer_profile(request.user)
    if creator is None:
        raise HttpError(403, "Only approved creators have a creator index (只有通过入驻审核的创作者有创作者指数).")
    trend = compute.trend(creator)
    latest = trend[-1] if trend else None
    advice = compute.advice(latest) if latest else {}
    return {
        "computed": latest is not None,
        "day": latest.day if latest else None,
        "index": latest.index if latest else None,
        "level": latest.level if latest else None,
        "badge": creator.badge,
        "badge_label": creator.get_badge_display() if creator.badge else "",
        "thresholds": list(IndexSettings.current().thresholds),
        "dimensions": [
            {"key": key, "label": label, "score": getattr(latest, key), "advice": advice[key]}
            for key, label in compute.DIMENSIONS
        ]
        if latest
        else [],
        "trend": [{"day": s.day, "index": s.index, "level": s.level} for s in trend],
    }
