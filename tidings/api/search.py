"""GET /api/v1/search: the /search page as JSON (added to tidings.api.api as a router)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tidings.api.errors import Error, SchemaError
from tidings.search import service
from tidings.search.text import MAX_QUERY_CHARS

router = Router(tags=["search"])


# The schema states what service.read checks (it answers 400 outside these): a day in the years
# 1900–9998 (or empty: no bound), a page in 1–MAX_PAGE, a query of at most MAX_QUERY_CHARS characters.
DAY: dict[str, Any] = {
    "pattern": r"^((19[0-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9][0-9]|99[0-8][0-9]|999[0-8])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$",
}


class SearchParams(Schema):
    q: str = Field(
        "",
        description="Words to find; whitespace separates terms, all must match.",
        json_schema_extra={"maxLength": MAX_QUERY_CHARS},
    )
    page: int = Field(
        1,
        description=f"1 to {service.MAX_PAGE}; {service.PAGE_SIZE} results a page.",
        json_schema_extra={"minimum": 1, "maximum": service.MAX_PAGE},
    )
    channel: str = Field("", description="Channel slug.", max_length=40)
    from_: str = Field(
        "",
        alias="from",
        description="Published on or after this day (YYYY-MM-DD, site time).",
        json_schema_extra=DAY,
    )
    to: str = Field(
        "",
        description="Published on or before this day (YYYY-MM-DD, site time).",
        json_schema_extra=DAY,
    )


class Ref(Schema):
    name: str
    url: str


class ChannelRef(Ref):
    slug: str


class SearchItem(Schema):
    id: int
    url: str
    title: str
    title_html: str = Field(description="The title, HTML-escaped, with the query's words in <mark>.")
    snippet: str = Field(description="Text around the first match, HTML-escaped, words in <mark>.")
    creator: Ref
    channel: ChannelRef
    published_at: dt.datetime | None


class SearchPage(Schema):
    query: str
    total: int
    page: int
    page_size: int
    items: list[SearchItem]


@router.get(
    "",
    response={200: SearchPage, 400: Error, 422: SchemaError},
    operation_id="tidings_search_api_search",  # as published before the module moved into tidings.api
    summary="Full-text search of published articles (Chinese and English)",
    description="Title hits first, then relevance and recency. 400 with a readable `detail` for a bad "
    "page number, unknown channel, malformed date or a query that is too long.",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, object]:
    try:
        req = service.read(params.q, params.page, params.channel, params.from_, params.to)
    except service.BadInput as exc:
        raise HttpError(400, f"{exc.field}: {exc.message}") from None
    results = service.run(req) if req.query.terms else service.Results(req, 0)
    return {
        "query": params.q,
        "total": results.total,
        "page": req.page,
        "page_size": service.PAGE_SIZE,
        "items": [
            {
                "id": h.item.id,
                "url": h.item.url,
                "title": h.item.title,
                "title_html": str(h.title_html),
                "snippet": str(h.snippet),
                "creator": {"name": h.item.creator_name, "url": h.item.creator_url},
                "channel": {
                    "name": h.item.channel_name,
                    "url": h.item.channel_url,
                    "slug": h.item.channel_url.split("/")[2],
                },
                "published_at": h.item.published_at,
            }
            for h in results.hits
        ],
    }
