"""The front matter of an import file: reading the file as text, splitting the YAML off the body,
and checking every key (tidings.importers.markdown says what each key means). Every problem of a
file is reported at once, so one run shows what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tidings.articles.input import ArticleInput, ReferenceInput, check_reference, check_repost, check_statements
from tidings.articles.models import STATEMENTS
from tidings.lib.dates import ISO_HINT_EN as ISO_HINT
from tidings.lib.dates import BadDate, parse_when
from tidings.lib.markup import plain_text

HANDLE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # what /u/<slug:handle>/ matches; Creator.handle length
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$")
# A scheme (https:, data:, …) or a protocol-relative //host: not a file of ours.
REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


class ImportRejectedError(ValueError):
    """A file broke a rule of the import format; `reasons` say which, for the file's author."""

    def __init__(self, reasons: str | list[str]) -> None:
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__("; ".join(self.reasons))


@dataclass
class FrontMatter:
    """The checked, normalised front matter of one file."""

    title: str
    published_at: dt.datetime | None = None
    author: str | None = None
    author_name: str = ""
    channel: str | None = None
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    cover: str | None = None
    original: bool = False
    references: list[ReferenceInput] = field(default_factory=list)
    slug: str | None = None
    draft: bool = False
    lang: str | None = None
    repost_source: str = ""  # 转载: the source's name and http(s) URL
    repost_url: str = ""
    statements: list[str] = field(default_factory=list)  # 创作声明: codes of articles.models.STATEMENTS


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (a BOM is allowed), newlines normalised to \\n."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejectedError(f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejectedError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split `---\\n<YAML>\\n---\\n<body>` into the YAML mapping and the Markdown body.

    The closing line may also be `...` (YAML's document end). Line numbers in errors count
    from the top of the file, so they match what an editor shows.
    """
    lines = text.split("\n")
    first = lines[0].rstrip()
    if first == "+++":
        raise ImportRejectedError("TOML front matter (+++) is not supported; write YAML between --- lines")
    if first != "---":
        raise ImportRejectedError("no front matter: the file must start with a line '---', the YAML keys, then '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise ImportRejectedError("the front matter is not closed: no second '---' line")
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 2}" if mark else ""  # +1 for the opening ---, +1 as marks count from 0
        raise ImportRejectedError(f"the front matter is not valid YAML{where}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ImportRejectedError(f"the front matter is not valid YAML: {exc}") from exc
    except ValueError as exc:
        # PyYAML builds timestamps itself: `date: 2024-13-01` fails here, with no line number.
        raise ImportRejectedError(f"the front matter holds an impossible date or value ({exc}); {ISO_HINT}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ImportRejectedError(f"the front matter must be 'key: value' lines, not {_kind(data)}")
    body = "\n".join(lines[end + 1 :]).strip("\n")
    return data, body


def parse_date(value: object, what: str = "date") -> dt.datetime:
    """An ISO 8601 date or date-time (string, or as YAML already parsed it) as an aware UTC time,
    by the site's one date parser (tidings.lib.dates: no zone = the site's zone, years 1900–9998)."""
    try:
        moment = parse_when(value)
    except BadDate as exc:
        raise ImportRejectedError(f"{what} {exc.en}") from None
    if moment is None:
        raise ImportRejectedError(f"{what} must be a date, not {_kind(value)}: {ISO_HINT}")
    return moment


def check_front_matter(data: Mapping[str, Any]) -> FrontMatter:
    """Check every known key's type and limits; all problems are reported together."""
    front, errors = checked_front_matter(data)
    if errors:
        raise ImportRejectedError(errors)
    return front


def checked_front_matter(data: Mapping[str, Any]) -> tuple[FrontMatter, list[str]]:
    """The front matter with every bad value left at its default, and what was wrong."""
    errors: list[str] = []

    def text(key: str, limit: int) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            errors.append(f"{key} must be text, not {_kind(value)}")
            return ""
        clean = plain_text(str(value))
        if len(clean) > limit:
            errors.append(f"{key} is {len(clean)} characters long; the limit is {limit}")
        return clean

    def flag(key: str) -> bool:
        value = data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            errors.append(f"{key} must be true or false, not {value!r}")
            return False
        return value

    front = FrontMatter(title=text("title", 200))  # Article.title's max_length
    if not front.title and not errors:
        errors.append("title is missing or empty")
    if data.get("date") is not None:
        try:
            front.published_at = parse_date(data["date"])
        except ImportRejectedError as exc:
            errors.extend(exc.reasons)

    author = text("author", 40)
    if author and not HANDLE.match(author):
        errors.append(f"author {author!r} is not a valid handle: use letters, digits, '-' and '_' only")
    front.author = author or None
    front.author_name = text("author_name", 60)
    front.channel = text("channel", 40) or None
    front.summary = text("summary", 500)
    front.original = flag("original")
    front.draft = flag("draft")

    tags = data.get("tags")
    if tags is not None:
        if not isinstance(tags, list):
            errors.append(f"tags must be a list such as [体育, 奥运], not {_kind(tags)}")
        else:
            for i, tag in enumerate(tags):
                if isinstance(tag, bool) or not isinstance(tag, str | int | float):
                    errors.append(f"tags[{i}] must be text, not {_kind(tag)}")
                    continue
                clean = plain_text(str(tag))
                if clean and clean not in front.tags:
                    front.tags.append(clean)

    cover = data.get("cover")
    if cover is not None and cover != "":
        if not isinstance(cover, str):
            errors.append(f"cover must be a path to an image, not {_kind(cover)}")
        elif REMOTE.match(cover):
            errors.append(f"cover {cover}: remote images are not downloaded; put the image beside the file")
        else:
            front.cover = cover

    slug = data.get("slug")
    if slug is not None and slug != "":
        if isinstance(slug, bool) or not isinstance(slug, str | int):
            errors.append(f"slug must be text, not {_kind(slug)}")
        elif len(str(slug)) > 200:
            errors.append("slug is longer than 200 characters")
        else:
            front.slug = str(slug).strip()

    lang = data.get("lang")
    if lang is not None:
        if not isinstance(lang, str) or not LANG_TAG.match(lang):
            errors.append(f"lang must be a language tag such as zh-Hans or en, not {lang!r}")
        else:
            front.lang = lang

    _repost_and_statements(data, front, errors)

    refs = data.get("references")
    if refs is not None:
        if not isinstance(refs, list):
            errors.append(f"references must be a list of {{title, source, date}} entries, not {_kind(refs)}")
        else:
            for i, ref in enumerate(refs):
                try:
                    front.references.append(_reference(ref, f"references[{i}]"))
                except ImportRejectedError as exc:
                    errors.extend(exc.reasons)
    return front, errors


def _repost_and_statements(data: Mapping[str, Any], front: FrontMatter, errors: list[str]) -> None:
    """`repost_source` + `repost_url` (转载, both or neither, not with `original: true`) and
    `statements` (创作声明: a list of codes — ai, opinion, fiction, external — or their Chinese
    labels), checked by the studio's own rules (tidings.articles.input)."""
    raw = {
        "original": front.original,
        "repost_source": data.get("repost_source"),
        "repost_url": data.get("repost_url"),
        "statements": data.get("statements"),
    }
    for key in ("repost_source", "repost_url"):
        value = raw[key]
        if value is not None and (isinstance(value, bool) or not isinstance(value, str)):
            errors.append(f"{key} must be text, not {_kind(value)}")
            raw[key] = None
    if raw["statements"] is not None and not isinstance(raw["statements"], list):
        errors.append(f"statements must be a list such as [ai, opinion], not {_kind(raw['statements'])}")
        raw["statements"] = None
    problems: dict[str, str] = {}
    out = ArticleInput(original=front.original)
    check_repost(raw, out, problems)
    front.statements = check_statements(raw["statements"], problems)
    front.repost_source, front.repost_url = out.repost_source, out.repost_url
    english = {
        "repost_url": "repost_url must be a full http:// or https:// address (at most 500 characters), "
        "given together with repost_source",
        "repost_source": "repost_source (the source's name, at most 200 characters) must come with repost_url",
        "original": "original: true and repost_source/repost_url exclude each other (a repost is not original)",
        "statements": "statements may only hold " + ", ".join(STATEMENTS) + " (or their Chinese labels)",
    }
    errors.extend(english[key] for key in problems)


def _reference(ref: object, where: str) -> ReferenceInput:
    """One reference, by the rules the studio and the API use (tidings.articles.input)."""
    checked, problems = check_reference(ref)
    if problems:
        raise ImportRejectedError(
            [f"{where}.{p.en}" if p.field and p.en.startswith(p.field) else f"{where} {p.en}" for p in problems]
        )
    if checked is None:
        raise ImportRejectedError(f"{where} has no title")
    return checked


def _kind(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


# Markdown images ----------------------------------------------------------------------------
