"""Markdown files with YAML front matter → articles (DESIGN.md, Contracts: "Import format").

One file is one article, imported completely or not at all:

1. read and check everything that needs no writing: UTF-8 text, front matter between leading
   `---` lines (PyYAML `safe_load`), every key's type, the channel and the author, every body
   image and the cover (present, inside the import root, a real file);
2. re-encode the images in memory (tidings.lib.images.process_image), then write their files;
3. in one transaction create what is missing (channel, creator, Image rows), write the article
   and its references through tidings.articles.actions.save_article.
If step 2 or 3 fails, the files step 2 wrote are deleted and the transaction rolls back.
Step 1 reports every problem it finds, not just the first, so one run shows what to fix.

Front matter keys (Hugo/Jekyll-compatible; unknown keys are ignored, as those tools do):

- `title` (required), `summary`: text; markup is dropped.
- `date`: ISO 8601 date or date-time, as a YAML timestamp or a string. No zone → the site's zone
  (settings.TIME_ZONE); a bare date is 00:00 there. Missing → now for a new article, and
  the article's own date on a re-import (so re-importing never bumps it to the top).
  A date in the future schedules the article (status scheduled; `tidings worker` publishes it
  then).
- `author`: a creator handle (letters, digits, `-`, `_`; at most 40). A missing creator is
  created, named `author_name` (or the handle). An existing creator keeps their name: a file
  does not rename a person. No `author` → `default_author` (the CLI's --default-author).
- `channel`: a channel's slug (any case), name (头条) or English name (Headlines). Unknown →
  an error, unless `create_channels` (--create-channels) creates it: slug `slugify(name)`
  for Latin names, `ch-<8 hex of sha1(name)>` for others (no pinyin here). No `channel` →
  `default_channel` (--default-channel).
- `tags`: a list (numbers become text); `original`: true/false; `lang`: a language tag,
  default `en` when the prose has almost no Han characters (< 5 % of letters), else zh-Hans.
- `cover`: a relative path to an image; stored as its mid-size (≤ 960 px) variant.
- `references`: a list of mappings with `title` (required), `source`, `url`, `date`.
- `slug`: the article's identity for re-imports and its URL slug (ASCII part). Without it the
  identity is the file's absolute path. Re-importing the same identity updates that article in
  place (same id; references replaced). Two files of one run may not share a slug.
- `draft: true` → saved as a draft (not published); the CLI line ends with ` (draft)`.
  Re-importing an article an editor withdrew or rejected updates its text but keeps that status.

Body images (Markdown `![alt](path)`, reference definitions too) with relative paths are read from
beside the file; `../` may climb only up to the import root (the directory named on the command
line, or the file's own folder when a file was named). Absolute paths are refused; URLs with a
scheme (https://…) or `//host/…` are kept as they are. Each local image becomes an Image row (one
per content hash) and its path is rewritten to MEDIA_URL + Image.path, so the page renders a
responsive <picture>. Bytes already in the library (the same file, or one of our own variant
files as `tidings export` copies them) reuse their Image instead of being encoded again. HTML
`<img>` tags with local paths are refused (they would not render). The image rules of
tidings.lib.images apply (JPEG, PNG, WebP or GIF; at most 20 MB, 40 megapixels, 16,000 px a side, 20:1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tidings.articles import transitions
from tidings.articles.actions import save_article
from tidings.articles.input import ReferenceInput, check_reference, write_references
from tidings.articles.models import Article, Image
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.lib.cjk import HAN, detect_lang, url_slug
from tidings.lib.dates import ISO_HINT_EN as ISO_HINT
from tidings.lib.dates import BadDate, parse_when
from tidings.lib.images import MAX_BYTES, ImageRejected, ProcessedImage, discard, process_image
from tidings.lib.markdown_scan import BodyScan, rewrite_image_sources, scan_body
from tidings.lib.markup import plain_text

MARKDOWN_SUFFIXES = (".md", ".markdown")
COVER_WIDTH = 960  # the cover shows in lists and link previews; the 1600 px variant is for bodies

HANDLE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # what /u/<slug:handle>/ matches; Creator.handle length
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$")
# A scheme (https:, data:, …) or a protocol-relative //host: not a file of ours.
REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
VARIANT_NAME = re.compile(r"^([0-9a-f]{20})-\d+\.jpg$")  # how tidings.lib.images names JPEG variants
HTML_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


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


@dataclass
class Imported:
    article: Article
    created: bool

    @property
    def line(self) -> str:
        """The CLI's stdout line: `imported /a/<id>/`, plus ` (<status>)` unless published."""
        suffix = "" if self.article.status == Article.Status.PUBLISHED else f" ({self.article.status})"
        return f"imported {self.article.get_absolute_url()}{suffix}"


# Reading ------------------------------------------------------------------------------------


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
    front, errors = _checked(data)
    if errors:
        raise ImportRejectedError(errors)
    return front


def _checked(data: Mapping[str, Any]) -> tuple[FrontMatter, list[str]]:
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


def local_image_path(src: str, *, folder: Path, root: Path, what: str = "image") -> Path | None:
    """The file an image src names, or None for a URL (kept as is). Raises ImportRejectedError.

    `folder` is the Markdown file's directory; the file must lie inside `root` (both resolved),
    after symlinks are followed, so neither `../` nor a link can reach other files.
    """
    if REMOTE.match(src):
        return None
    relative = unquote(urlsplit(src).path)
    if not relative:
        raise ImportRejectedError(f"{what} {src!r}: the path is empty")
    if relative.startswith(("/", "\\")):
        raise ImportRejectedError(f"{what} {src}: absolute paths are not allowed; use a path relative to the file")
    target = (folder / relative).resolve()
    if not target.is_relative_to(root):
        raise ImportRejectedError(f"{what} {src}: the path leads outside {root}")
    if not target.is_file():
        raise ImportRejectedError(f"{what} {src}: file not found ({target})")
    return target


def new_channel_slug(name: str) -> str:
    """A slug for a channel created by an import: slugify for Latin names, a hash otherwise."""
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()
    latin = slugify(name)[:40].strip("-")
    slug = latin if latin and not HAN.search(name) else f"ch-{digest[:8]}"
    if Channel.objects.filter(slug=slug).exists():
        # "Tech News" when a channel already has the slug tech-news under another name.
        slug = f"{latin[:31].strip('-')}-{digest[:8]}" if latin else f"ch-{digest[:12]}"
    return slug


def find_channel(name: str) -> Channel | None:
    """A channel by slug (any case), name, or English name (when only one channel has it)."""
    found = Channel.objects.filter(slug__iexact=name).first() or Channel.objects.filter(name=name).first()
    if found is None:
        by_english = list(Channel.objects.filter(name_en__iexact=name)[:2])
        found = by_english[0] if len(by_english) == 1 else None
    return found


# Importing ----------------------------------------------------------------------------------


@dataclass
class _Picture:
    """A local image of the file: where it is, as the file first names it, and what it became."""

    path: Path
    name: str
    processed: ProcessedImage | None = None
    existing: Image | None = None


class MarkdownImporter:
    """Imports files one at a time; remembers the slugs of this run to refuse duplicates."""

    def __init__(
        self,
        *,
        create_channels: bool = False,
        default_author: str | None = None,
        default_channel: str | None = None,
    ) -> None:
        self.create_channels = create_channels
        self.default_author = default_author
        self.default_channel = default_channel
        self._keys: dict[str, Path] = {}

    def import_file(self, path: Path, root: Path | None = None) -> Imported:
        """Import one file completely or not at all; raises ImportRejectedError naming the reasons.

        `root` bounds where relative image paths may lead (default: the file's folder).
        """
        path = Path(path)
        source = path.resolve()
        folder = path.parent.resolve()  # images are beside the file as named, even if it is a link
        root = Path(root).resolve() if root is not None else folder
        data, body = split_front_matter(read_text(path))
        # Everything that can be checked without writing is, so one run shows all of a file's problems.
        front, errors = _checked(data)

        key = f"slug:{front.slug}" if front.slug else f"path:{source}"
        if len(key) > 500:
            errors.append("the file's path is too long to identify it; add a slug to the front matter")
        elif self._keys.get(key, source) != source:
            errors.append(f"slug {front.slug!r} is also used by {self._keys[key]}, imported earlier in this run")

        channel_name = front.channel or self.default_channel
        channel = find_channel(channel_name) if channel_name else None
        if not channel_name:
            errors.append("channel is missing: add 'channel: <slug or name>' or pass --default-channel")
        elif channel is None and not self.create_channels:
            errors.append(f"unknown channel {channel_name!r} (use a channel's slug or name, or --create-channels)")

        handle = front.author or self.default_author
        creator = Creator.objects.filter(handle=handle).first() if handle else None
        if not handle:
            errors.append("author is missing: add 'author: <handle>' or pass --default-author")

        scan = scan_body(body)
        pictures: dict[Path, _Picture] = {}
        by_src: dict[str, Path] = {}
        named = [(src, "image") for src in scan.image_sources] + ([(front.cover, "cover")] if front.cover else [])
        for src, what in named:
            try:
                found = local_image_path(src, folder=folder, root=root, what=what)
            except ImportRejectedError as exc:
                errors.extend(exc.reasons)
                continue
            if found is not None:
                by_src[src] = found
                pictures.setdefault(found, _Picture(found, f"{what} {unquote(src)}"))
        errors.extend(_html_images(scan))
        if errors:
            raise ImportRejectedError(errors)

        written: list[Path] = []
        try:
            for picture in pictures.values():
                try:
                    _process(picture)
                except ImportRejectedError as exc:
                    errors.extend(exc.reasons)
                    continue
            if errors:
                raise ImportRejectedError(errors)
            for picture in pictures.values():
                if picture.processed:  # every image accepted: only now are files written
                    written.extend(picture.processed.save())
            with transaction.atomic():
                result = self._write(
                    front, body, scan, key=key, source=source, channel=channel, channel_name=channel_name or "",
                    creator=creator, handle=handle or "", pictures=pictures, by_src=by_src,
                )  # fmt: skip
        except BaseException:
            discard(written)
            raise
        self._keys[key] = source
        return result

    def _write(
        self,
        front: FrontMatter,
        body: str,
        scan: BodyScan,
        *,
        key: str,
        source: Path,
        channel: Channel | None,
        channel_name: str,
        creator: Creator | None,
        handle: str,
        pictures: dict[Path, _Picture],
        by_src: dict[str, Path],
    ) -> Imported:
        """The database half of an import; runs inside the caller's transaction."""
        if channel is None:
            channel = Channel.objects.create(slug=new_channel_slug(channel_name), name=channel_name)
        if creator is None:
            creator = Creator.objects.create(handle=handle, name=front.author_name or handle)
        rows = {p: _image_row(pic) for p, pic in pictures.items()}

        def media_src(src: str) -> str | None:
            found = by_src.get(src)
            return f"{settings.MEDIA_URL}{rows[found].path}" if found else None

        article = Article.objects.filter(import_key=key).first()
        created = article is None
        now = timezone.now()
        if article is None:
            article = Article(import_key=key, created_at=min(front.published_at or now, now))
        article.creator = creator
        article.channel = channel
        article.title = front.title
        article.slug = url_slug(front.slug, front.title)
        article.summary = front.summary
        article.body_md = rewrite_image_sources(body, media_src)
        article.tags = front.tags
        article.original = front.original
        article.lang = front.lang or detect_lang(f"{front.title} {scan.prose}")
        article.cover = _cover_variant(rows[by_src[front.cover]]) if front.cover and front.cover in by_src else ""

        kept = {Article.Status.WITHDRAWN, Article.Status.REJECTED, Article.Status.PENDING}
        if front.draft:
            article.published_at = None
            save_article(article)
            if article.status != Article.Status.DRAFT:
                transitions.to_draft(article, None, "imported as a draft")
        elif article.pk is not None and (article.taken_down_at is not None or article.status in kept):
            # An editor's decision (or one still to be made) outlives a re-import: the text
            # updates, the status stays.
            article.published_at = front.published_at or article.published_at
            save_article(article)
        else:
            # A future date schedules it: `tidings worker` publishes it then (tidings.web.worker).
            when = front.published_at or article.published_at or now
            unchanged = article.pk is not None and article.published_at == when
            article.published_at = when
            save_article(article)
            target = Article.Status.SCHEDULED if when > now else Article.Status.PUBLISHED
            if not (unchanged and article.status == target):
                transitions.publish(article, None, when, "imported")
        write_references(article, front.references)
        Image.objects.filter(pk__in=[r.pk for r in rows.values()], article__isnull=True).update(article=article)
        return Imported(article, created)


def _process(picture: _Picture) -> None:
    """Re-encode one image, or reuse the Image row of identical bytes whose files exist."""
    name = picture.name
    try:
        if picture.path.stat().st_size > MAX_BYTES:
            # Checked before reading, so a huge file is never loaded into memory.
            raise ImportRejectedError(f"{name}: larger than the {MAX_BYTES // 1_000_000} MB limit")
        data = picture.path.read_bytes()
    except OSError as exc:
        raise ImportRejectedError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    picture.existing = _library_image(data, picture.path.name)
    if picture.existing is not None:
        return  # re-imports (and exports imported back) skip re-encoding what the library has
    try:
        picture.processed = process_image(data, name=name)
    except ImageRejected as exc:
        raise ImportRejectedError(str(exc)) from exc


def _library_image(data: bytes, file_name: str) -> Image | None:
    """The Image these bytes already are: the same source file, or one of its variant files.

    Variant files are named `<first 20 hex of the sha256>-<width>.jpg`; an export copies them
    under that name, so importing the export back into this site finds the original Image.
    """
    media = Path(settings.MEDIA_ROOT)
    row = Image.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
    if row is not None and (media / row.path).is_file():
        return row
    if match := VARIANT_NAME.match(file_name):
        for row in Image.objects.filter(sha256__startswith=match.group(1)):
            for variant in row.variants:
                path = media / str(variant["jpg"])
                if path.name == file_name and path.is_file() and path.read_bytes() == data:
                    return row
    return None


def _image_row(picture: _Picture) -> Image:
    if picture.existing is not None:
        return picture.existing
    assert picture.processed is not None
    p = picture.processed
    row, _ = Image.objects.get_or_create(
        sha256=p.sha256, defaults={"path": p.path, "width": p.width, "height": p.height, "variants": p.variants}
    )
    return row


def _cover_variant(row: Image) -> str:
    """The largest JPEG variant no wider than COVER_WIDTH (variants are smallest first)."""
    fitting = [v for v in row.variants if int(v["w"]) <= COVER_WIDTH]
    chosen = fitting[-1] if fitting else (row.variants[0] if row.variants else None)
    return str(chosen["jpg"]) if chosen else row.path


def _html_images(scan: BodyScan) -> list[str]:
    """Errors for raw HTML <img> with a local path: it would not be imported, so it would break."""
    return [
        f"HTML <img src={src!r}> has a local path; write it as Markdown: ![](path)"
        for fragment in scan.html
        for src in HTML_IMG_SRC.findall(fragment)
        if not REMOTE.match(src)
    ]


# Finding files ------------------------------------------------------------------------------


def collect_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Path]], list[tuple[Path, str]]]:
    """The files to import, as (file, root) pairs in a stable order, and the arguments that failed.

    A directory yields its *.md and *.markdown files, recursively and sorted; hidden files and
    folders (.git, .obsidian) are skipped, and the directory is the root images may not leave.
    A file named directly is imported whatever its suffix; its own folder is its root. A file
    reached twice is imported once.
    """
    found: list[tuple[Path, Path]] = []
    failures: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            root = path.resolve()
            files = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in MARKDOWN_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                failures.append((path, "no *.md or *.markdown files in this directory"))
        elif path.is_file():
            root, files = path.resolve().parent, [path]
        else:
            failures.append((path, "no such file or directory"))
            continue
        for file in files:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                found.append((file, root))
    return found, failures
