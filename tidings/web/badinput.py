"""Control characters in a request are answered 400 before any view or lookup sees them.

PostgreSQL refuses NUL in text (psycopg raises DataError: a 500), and no URL, query parameter or
form field of Tidings has a use for one. The path and query string may hold no C0 control
character but tab, newline and carriage return; form values (urlencoded or multipart, not files)
may hold no NUL. JSON bodies are checked where they are read (articles.actions.clean_article_input).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MESSAGE = "请求中含有不允许的控制字符（如 NUL）。The request contains a control character (such as NUL)."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refused(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=400)
    return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")


class RejectControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if _CONTROL.search(request.path) or _CONTROL.search(query):
            return refused(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method != "POST" or not (request.content_type or "").startswith(FORM_TYPES):
            return None
        try:
            values = [v for vs in request.POST.lists() for v in vs[1]]
        except (MultiPartParserError, OSError):  # a malformed or cut-off body: left to the view
            return None
        if any("\x00" in v for v in values):
            return refused(request)
        return None
