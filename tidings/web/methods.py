"""HEAD is answered wherever GET is: the view runs as for GET and the body is dropped.

Django's require_GET (used by the pages) and django-ninja's GET operations answer HEAD with 405;
crawlers, link checkers and monitors send HEAD. The headers (Content-Type, Content-Length, ETag,
caching) are those the GET would carry, as RFC 9110 asks.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse


class HeadAsGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
