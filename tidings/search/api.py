"""GET /api/v1/search: the /search page as JSON (added to tidings.api.api as a router)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tidings.search import service

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field("", description="Words to find; whitespace separates terms, all must match.", max_length=1000)
    page: int = Field(1, description=f"1 to {service.MAX_PAGE}; {service.PAGE_SIZE} results a page.")
    channel: str | None = Field(None, description="Channel slug.")
    from_: str | None = Field(None, alias="from", description="Published on or after this day (YYYY-MM-DD, site time).")
    to: str | None = Field(None, description="Published on or before this day (YYYY-MM-DD, site time).")


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


class Error(Schema):
    detail: str


@router.get(
    "",
    response={200: SearchPage, 400: Error, 422: Error},
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
