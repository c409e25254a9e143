"""Shared by the browser tests: Debian's chromium under Playwright, with the flags this closed
network needs (../shared/TESTING.md), and a CSP-safe wait."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
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


def launch(playwright: Any, env: dict[str, str] | None = None) -> Any:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run the README's test command, which installs it.")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS, env=env)


def fontless_env(folder: Path) -> dict[str, str]:
    """The environment for a chromium that sees no Chinese font: fontconfig pointed at a font
    directory of its own, holding one Latin-only font from the machine (what a fresh machine
    without Debian's fonts-noto-cjk is like, and worse: not even a fallback sans). A directory
    with no font at all is not usable: chromium's browser process aborts (skia, "Not implemented")
    when its own UI finds no font."""
    fonts = folder / "fonts"
    fonts.mkdir(exist_ok=True)
    cjk = set(_fc_list(":lang=zh"))
    latin = [f for f in _fc_list(":lang=en:style=Regular") if f not in cjk and f.endswith((".ttf", ".otf"))]
    if not latin:
        pytest.fail("no Latin-only font on this machine for the font-less browser (fc-list :lang=en)")
    (fonts / Path(latin[0]).name).symlink_to(latin[0])
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _fc_list(pattern: str) -> list[str]:
    out = subprocess.run(["fc-list", pattern, "file"], capture_output=True, text=True, check=False).stdout
    return sorted(line.rstrip(": ").strip() for line in out.splitlines() if line.strip())


def wait_until(page: Any, expression: str, seconds: float = 5.0) -> None:
    """Poll with page.evaluate: the site's CSP forbids the eval that wait_for_function uses."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {expression}")
