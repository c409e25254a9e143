"""Hostile input for the tests: the XSS corpus in ../shared/data (read in place, never copied into
the project) and a scan for anything executable left in rendered HTML."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest


class _Scan(HTMLParser):
    """Collects anything a browser could execute: script-ish tags, on* handlers, bad URLs, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base", "form"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            v = (value or "").strip().lower()
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src", "srcset", "action", "formaction", "xlink:href"} and (
                v.startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.found.append(f"{tag}[{name}={v[:20]}]")


def executable_parts(html: str) -> list[str]:
    scan = _Scan()
    scan.feed(html)
    return scan.found


XSS_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "xss-payloads.txt"


def xss_payloads() -> list[str]:
    if not XSS_CORPUS.exists():
        message = f"XSS corpus not found at {XSS_CORPUS} (it lives in ../shared/data beside the checkout)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message + ": the hostile-input corpus test did NOT run")
    return [line for line in XSS_CORPUS.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
