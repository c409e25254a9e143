"""Which files an import reads: the Markdown files under the paths named (`collect_files`), and
the local images they show, which may not leave the import root (`local_image_path`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tidings.importers.front_matter import REMOTE, ImportRejectedError

MARKDOWN_SUFFIXES = (".md", ".markdown")


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
