"""Numbers from user input (query strings, form fields, cookies, stored feedback)."""

from __future__ import annotations


def ascii_int(value: str | None) -> int | None:
    """The non-negative integer written in ASCII digits, else None.

    `str.isdigit()` alone also accepts "²" and "٣", which `int()` refuses or reads differently.
    """
    return int(value) if value and value.isascii() and value.isdigit() else None
