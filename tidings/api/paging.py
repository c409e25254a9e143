"""The list operations' paging, one rule for all: the pages' paginator (past the last page is 404,
and a page number past the end never reaches the database as an OFFSET), `page_size` 1–100, and
`next`/`previous` links that keep the list's filters, URL-encoded."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import HttpRequest
from ninja.errors import HttpError

MAX_PAGE_SIZE = 100


def check(number: int, size: int) -> None:
    if number < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise HttpError(400, f"page must be ≥ 1 and page_size between 1 and {MAX_PAGE_SIZE}.")


def page_of(qs: Any, number: int, size: int) -> Page[Any]:
    check(number, size)
    try:
        return Paginator(qs, size).page(number)
    except EmptyPage:
        raise HttpError(404, f"No page {number}.") from None


def links(request: HttpRequest, page: Page[Any], query: dict[str, Any]) -> dict[str, Any]:
    """`page`, `page_size`, `next` and `previous` of a list's answer. `query` is what the links
    repeat before `page` (page_size and the filters, in the order the list has always written
    them); empty values are left out."""
    kept = urlencode({k: v for k, v in query.items() if v not in ("", None)})
    at = f"{request.path}?{kept}&page="
    return {
        "page": page.number,
        "page_size": page.paginator.per_page,
        "next": f"{at}{page.next_page_number()}" if page.has_next() else None,
        "previous": f"{at}{page.previous_page_number()}" if page.has_previous() else None,
    }
