"""Articles → Markdown files with YAML front matter, in the format `tidings import` reads.

Layout: `DIR/<channel-slug>/<id>-<slug>.md` (`<id>.md` when the article has no URL slug), the
images it uses copied to `DIR/<channel-slug>/images/` (file names are content hashes, so an
image shared by articles is copied once) and linked relatively (`images/….jpg`).

Front matter: title, slug, date (ISO 8601 with the site zone's offset), author, author_name,
channel (slug), tags, summary, cover, original, repost_source/repost_url, statements, lang, references, and `draft: true` for an
article that is not published (those are exported only with include_drafts / --all).
"Published" means status published, including articles scheduled for later, which keep their date.

Identity (what a re-import updates). Every file has a `slug`, and `tidings import` updates
the article whose identity is that slug:
- an article imported with a slug keeps it, so its export and its source file are the same
  article to the importer, on this site and on any other;
- an article written on the site gets `tidings-<id>`, and export records `slug:tidings-<id>` as
  its import key (the one database write an export makes), so editing an exported file and
  importing it updates the article instead of copying it;
- an article imported from a file without a slug keeps that file as its identity (re-importing
  the original file must keep updating it); its export gets `slug: tidings-<id>`, so importing
  that export into the same site makes a copy. Give source files a slug to avoid this.
Into an empty site, `tidings import DIR` recreates every exported article (new ids; custom
channels must exist, or be created with --create-channels, which names them by slug).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.utils.text import slugify

from tidings.articles.models import Article
from tidings.lib.markdown_scan import rewrite_image_sources

IMAGES_FOLDER = "images"


@dataclass
class ExportSummary:
    articles: int = 0
    images: int = 0
    missing_media: list[str] = field(default_factory=list)  # "<article url>: <media path>"


def iso_date(article: Article) -> str:
    moment = article.published_at or article.created_at
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat()


def identity_slug(article: Article) -> str:
    """The slug that makes a re-import of the exported file find this article (see module doc)."""
    if article.import_key and article.import_key.startswith("slug:"):
        return article.import_key.removeprefix("slug:")
    return f"tidings-{article.pk}"


def claim_identity(article: Article) -> None:
    """Give an article written on the site the import key its export names, if still free."""
    key = f"slug:{identity_slug(article)}"
    if article.import_key is None and not Article.objects.filter(import_key=key).exists():
        Article.objects.filter(pk=article.pk, import_key__isnull=True).update(import_key=key)
        article.import_key = key


def front_matter(article: Article, *, cover: str = "") -> dict[str, Any]:
    """The YAML keys of an exported file, in a reader-friendly order; empty optional keys omitted."""
    zone = ZoneInfo(settings.TIME_ZONE)
    data: dict[str, Any] = {
        "title": article.title,
        "slug": identity_slug(article),
        "date": iso_date(article),
        "author": article.creator.handle,
        "author_name": article.creator.name,
        "channel": article.channel.slug,
    }
    if article.tags:
        data["tags"] = list(article.tags)
    if article.summary:
        data["summary"] = article.summary
    if cover:
        data["cover"] = cover
    data["original"] = article.original
    if article.is_repost:
        data["repost_source"] = article.repost_source
        data["repost_url"] = article.repost_url
    if article.statements:
        data["statements"] = list(article.statements)
    data["lang"] = article.lang
    if article.status != Article.Status.PUBLISHED:
        data["draft"] = True
    references = []
    for ref in article.references.all():
        entry: dict[str, str] = {"title": ref.title}
        if ref.source:
            entry["source"] = ref.source
        if ref.url:
            entry["url"] = ref.url
        if ref.published_at:
            entry["date"] = ref.published_at.astimezone(zone).isoformat()
        references.append(entry)
    if references:
        data["references"] = references
    return data


def render_file(data: dict[str, Any], body: str) -> str:
    # Dates are strings already, so YAML quotes them and the importer parses them itself.
    yaml_text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    # Only blank lines are trimmed: leading spaces can be Markdown (an indented code block).
    return f"---\n{yaml_text}---\n\n{body.strip(chr(10))}\n"


def file_path(article: Article) -> Path:
    """`<channel-slug>/<id>-<slug>.md`; slugified again because nothing here may name a path."""
    channel = slugify(article.channel.slug) or f"channel-{article.channel_id}"
    slug = slugify(article.slug)
    return Path(channel) / (f"{article.pk}-{slug}.md" if slug else f"{article.pk}.md")


class _MediaCopier:
    """Copies media files next to the exported articles, once each, refusing paths outside MEDIA_ROOT."""

    def __init__(self, summary: ExportSummary) -> None:
        self.media_root = Path(settings.MEDIA_ROOT).resolve()
        self.summary = summary

    def copy(self, media_path: str, folder: Path, article: Article) -> str | None:
        """Copy MEDIA_ROOT/media_path into folder/images/; the relative link, or None if missing."""
        source = (self.media_root / media_path).resolve()
        if not source.is_relative_to(self.media_root) or not source.is_file():
            self.summary.missing_media.append(f"{article.get_absolute_url()}: {media_path}")
            return None
        name = source.name
        target = folder / IMAGES_FOLDER / name
        if target.exists() and not _same_bytes(source, target):
            # Our variants are named by content hash; other media may share a base name.
            digest = hashlib.sha1(media_path.encode(), usedforsecurity=False).hexdigest()[:8]
            name = f"{source.stem}-{digest}{source.suffix}"
            target = folder / IMAGES_FOLDER / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self.summary.images += 1
        return f"{IMAGES_FOLDER}/{name}"


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def export_articles(
    folder: Path,
    *,
    include_drafts: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Write every published article (every article with include_drafts) under folder.

    Existing files of the same names are overwritten; other files in folder are left alone.
    `progress(done, total)` is called after each article.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    articles = Article.objects.select_related("creator", "channel").prefetch_related("references").order_by("pk")
    if not include_drafts:
        articles = articles.filter(status=Article.Status.PUBLISHED)
    summary = ExportSummary()
    copier = _MediaCopier(summary)
    media_url = settings.MEDIA_URL
    total = articles.count()
    for n, article in enumerate(articles.iterator(chunk_size=200), 1):
        target = folder / file_path(article)
        channel_folder = target.parent
        channel_folder.mkdir(parents=True, exist_ok=True)

        def relative(src: str, channel_folder: Path = channel_folder, article: Article = article) -> str | None:
            if not src.startswith(media_url):
                return None
            return copier.copy(unquote(src[len(media_url) :]), channel_folder, article)

        body = rewrite_image_sources(article.body_md, relative)
        cover = (copier.copy(article.cover, channel_folder, article) or "") if article.cover else ""
        claim_identity(article)
        text = render_file(front_matter(article, cover=cover), body)
        target.write_text(text, encoding="utf-8")
        summary.articles += 1
        if progress:
            progress(n, total)
    return summary
