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
- `repost_source` and `repost_url` (转载: the source's name and its http(s) address, both or
  neither; not with `original: true`); `statements` (创作声明): a list of `ai` (含AI生成内容),
  `opinion` (个人观点仅供参考), `fiction` (虚构演绎), `external` (引用站外信息), or those labels.
- `original: true` is checked like a studio declaration (tidings.articles.originality); text that
  overlaps an earlier article of another creator is still imported, marked MATCHED and put in
  the editors' review queue with the match.
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

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tidings.articles import originality, transitions
from tidings.articles.actions import save_article
from tidings.articles.input import write_references
from tidings.articles.models import Article, Image
from tidings.articles.rendering import render_body
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.importers.files import local_image_path
from tidings.importers.front_matter import (
    REMOTE,
    FrontMatter,
    ImportRejectedError,
    checked_front_matter,
    read_text,
    split_front_matter,
)
from tidings.lib.cjk import HAN, detect_lang, url_slug
from tidings.lib.images import MAX_BYTES, ImageRejected, ProcessedImage, discard, process_image
from tidings.lib.markdown_scan import BodyScan, rewrite_image_sources, scan_body

COVER_WIDTH = 960  # the cover shows in lists and link previews; the 1600 px variant is for bodies

VARIANT_NAME = re.compile(r"^([0-9a-f]{20})-\d+\.jpg$")  # how tidings.lib.images names JPEG variants
HTML_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


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
        front, errors = checked_front_matter(data)

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
        article.repost_source, article.repost_url = front.repost_source, front.repost_url
        article.statements = list(front.statements)
        article.lang = front.lang or detect_lang(f"{front.title} {scan.prose}")
        article.cover = _cover_variant(rows[by_src[front.cover]]) if front.cover and front.cover in by_src else ""

        # 原创 declared over an earlier article of another creator's: imported, but MATCHED and in
        # the editors' review queue with the match (the page shows no 原创 until they uphold it).
        article.body_html = render_body(article.body_md)
        matches = originality.judge(article, None, on_match="review")

        kept = {Article.Status.WITHDRAWN, Article.Status.REJECTED, Article.Status.PENDING}
        if front.draft:
            article.published_at = None
            save_article(article, article.body_html)
            if article.status != Article.Status.DRAFT:
                transitions.to_draft(article, None, "imported as a draft")
        elif article.pk is not None and (article.taken_down_at is not None or article.status in kept):
            # An editor's decision (or one still to be made) outlives a re-import: the text
            # updates, the status stays.
            article.published_at = front.published_at or article.published_at
            save_article(article, article.body_html)
        else:
            # A future date schedules it: `tidings worker` publishes it then (tidings.web.worker).
            when = front.published_at or article.published_at or now
            unchanged = article.pk is not None and article.published_at == when
            article.published_at = when
            save_article(article, article.body_html)
            target = Article.Status.SCHEDULED if when > now else Article.Status.PUBLISHED
            if not (unchanged and article.status == target):
                transitions.publish(article, None, when, "imported")
        write_references(article, front.references)
        originality.record_matches(article, matches)
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
        sha256=p.sha256,
        defaults={"path": p.path, "width": p.width, "height": p.height, "variants": p.variants, "thumbs": p.thumbs},
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
