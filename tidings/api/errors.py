"""The API's error bodies, declared in the OpenAPI schema for every status an operation returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema


class Error(Schema):
    detail: str


class TooMany(Schema):
    """A rate limit was reached: try again after `retry_after` seconds (also the Retry-After header)."""

    detail: str
    retry_after: int


class InvalidInput(Schema):
    """The request broke a rule: `errors` names each field (references.N for the Nth reference)."""

    detail: str
    errors: dict[str, str] = {}


class SchemaError(Schema):
    """The request did not match the schema (a wrong type, a missing field): django-ninja's 422."""

    detail: list[dict[str, Any]]


class Invalid(Exception):
    """Raised by write operations; answered 400 with InvalidInput (see tidings.api.api)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# Headers that belong to an error answer whoever writes its body.
_KEPT = ("Allow", "Retry-After", "WWW-Authenticate", "Cache-Control", "Vary")


class JsonErrorsMiddleware:
    """Under /api/ every error is JSON `{"detail": …}`, whichever layer answered it: Django's 404
    for a path no operation has, a 405, the CSRF 403, a 400 for a body too big or a 500. The
    operations' own errors are JSON already and pass through untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        answer = JsonResponse({"detail": response.reason_phrase}, status=response.status_code)
        for header in _KEPT:
            if header in response:
                answer[header] = response[header]
        return answer
