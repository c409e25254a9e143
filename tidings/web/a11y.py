"""Accessible-browsing preferences (无障碍浏览): text size, colour scheme, line spacing, large
pointer, reading guide, read-aloud of what is focused, and whether the toolbar is open.

They live in one cookie that both the server (which renders the classes, so a page never
flashes unstyled) and static/js/a11y.js (which changes them in place) read and write. The
format is a dash-separated list of tokens, e.g. `t150-cdark-l-p-g-s-o`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tidings.lib.numbers import ascii_int
from tidings.web.pagecache import A11Y_COOKIE

COOKIE = A11Y_COOKIE
SCALES = (100, 110, 125, 150, 175, 200)  # text size steps, percent (1.0×–2.0×)
CONTRASTS = ("", "light", "dark")


@dataclass(frozen=True)
class Prefs:
    scale: int = 100
    contrast: str = ""
    spacing: bool = False
    pointer: bool = False
    guide: bool = False
    speak: bool = False
    open: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> Prefs:
        """Unknown or malformed tokens are ignored: a bad cookie gives the defaults, never an error."""
        prefs = cls()
        for token in (raw or "").split("-")[:12]:
            key, value = token[:1], token[1:]
            if key == "t" and ascii_int(value) in SCALES:
                prefs = replace(prefs, scale=int(value))
            elif key == "c" and value in CONTRASTS:
                prefs = replace(prefs, contrast=value)
            elif not value and key in FLAGS:
                prefs = prefs.with_flag(FLAGS[key], True)
        return prefs

    def serialize(self) -> str:
        tokens = [f"t{self.scale}"] if self.scale != 100 else []
        if self.contrast:
            tokens.append(f"c{self.contrast}")
        tokens += [key for key, name in FLAGS.items() if getattr(self, name)]
        return "-".join(tokens)

    def with_flag(self, name: str, value: bool) -> Prefs:
        flags = {n: getattr(self, n) for n in FLAGS.values()}
        flags[name] = value
        return Prefs(scale=self.scale, contrast=self.contrast, **flags)

    @property
    def is_default(self) -> bool:
        return self == Prefs()

    def html_class(self) -> str:
        # Text size scales the root font size, so every rem-based size follows it.
        return f"a11y-t-{self.scale}" if self.scale != 100 else ""

    def body_classes(self) -> str:
        classes = [f"a11y-c-{self.contrast}"] if self.contrast else []
        classes += [f"a11y-{name}" for name in ("spacing", "pointer", "guide", "speak") if getattr(self, name)]
        return " ".join(classes)

    def step_scale(self, direction: int) -> Prefs:
        i = SCALES.index(self.scale) + direction
        return replace(self, scale=SCALES[max(0, min(len(SCALES) - 1, i))])


FLAGS = {"l": "spacing", "p": "pointer", "g": "guide", "s": "speak", "o": "open"}


def apply_form(prefs: Prefs, data: dict[str, str]) -> Prefs:
    """The no-JavaScript path: one toolbar button's name=value pair changes the preferences."""
    if data.get("reset"):
        return Prefs(open=prefs.open)
    if data.get("t") in ("up", "down"):
        prefs = prefs.step_scale(1 if data["t"] == "up" else -1)
    if data.get("c") in ("light", "dark", "off"):
        wanted = "" if data["c"] == "off" else data["c"]
        prefs = replace(prefs, contrast="" if prefs.contrast == wanted else wanted)
    for key, name in FLAGS.items():
        if key in data and key != "o":
            prefs = prefs.with_flag(name, not getattr(prefs, name))
    if data.get("open") in ("0", "1"):
        prefs = replace(prefs, open=data["open"] == "1")
    return prefs
