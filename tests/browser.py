"""Shared by the browser tests: Debian's chromium under Playwright, with the flags this closed
network needs (../shared/TESTING.md), and a CSP-safe wait."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# happen between browser steps, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def launch(playwright: Any) -> Any:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run the README's test command, which installs it.")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def wait_until(page: Any, expression: str, seconds: float = 5.0) -> None:
    """Poll with page.evaluate: the site's CSP forbids the eval that wait_for_function uses."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {expression}")
