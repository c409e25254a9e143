"""The API's error bodies, declared in the OpenAPI schema for every status an operation returns."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class Error(Schema):
    detail: str


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
