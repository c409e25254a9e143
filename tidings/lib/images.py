"""Image intake: check the header, decode with Pillow, re-encode (EXIF stripped, orientation
applied) into responsive WebP + JPEG variants.

`process_image` works in memory and writes nothing: a refused image leaves no file, and the
caller writes the accepted one with `ProcessedImage.save()` only once the rest of its action has
succeeded (removing it again with `discard(processed.written)` if the database write then fails).

Limits, checked on the header before any pixel is decoded: bytes, format, each side, the aspect
ratio and the area. Decoding and encoding run under a per-process cap (`IMAGE_CONCURRENCY`
settings), so a burst of uploads cannot multiply the memory one image may take.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import secrets
import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from PIL import Image as PILImage
from PIL import ImageOps

MAX_BYTES = 20 * 1024 * 1024  # a 20 MB upload is already an unusually large photo
MAX_PIXELS = 40_000_000  # 40 MP: more than any phone camera; decompression bombs exceed it
MAX_SIDE = 16_000  # WebP cannot encode a side over 16,383 px; a 1080 × 16,000 长图 still fits
MAX_ASPECT = 20  # a phone's long screenshot is about 1:15
WIDTHS = (480, 960, 1600)
# List thumbnails (issue 13.2): 3:2 centre crops, WebP only, at 1× and 2× of the largest size a list
# shows them (a 3-in-a-row thumbnail on a desktop is about 240 CSS pixels wide).
THUMBS = ((240, 160), (480, 320))
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


class ImageRejected(ValueError):
    """The file is not an acceptable image.

    Each kind of refusal is a subclass with its Chinese `reason`; `message` is that reason with
    the numbers that help (sizes, limits), and str(error) the English details with the file name
    (the importer's reports and the API's logs read those).
    """

    reason = "图片无法使用"
    status = 400

    def __init__(self, name: str, detail: str, zh: str = "") -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.message = f"{self.reason}（{zh}）" if zh else self.reason


class ImageTooBig(ImageRejected):
    reason = "文件太大"


class ImageEmpty(ImageRejected):
    reason = "文件是空的"


class ImageUnreadable(ImageRejected):
    reason = "这不是可以识别的图片文件"


class ImageFormatRefused(ImageRejected):
    reason = "不支持这种图片格式"


class ImageTooManyPixels(ImageRejected):
    reason = "图片像素太多（可能是“解压炸弹”）"


class ImageBadShape(ImageRejected):
    reason = "图片太长或太窄"


class ImageDamaged(ImageRejected):
    reason = "图片数据已损坏"


class ImageBusy(ImageRejected):
    """Every image slot of this process stayed taken while the request waited: try again soon."""

    reason = "服务器正在处理其他图片，请几秒后再试"
    status = 503


@dataclass
class ProcessedImage:
    sha256: str
    width: int
    height: int
    path: str  # largest fallback variant, relative to MEDIA_ROOT
    variants: list[dict[str, object]] = field(default_factory=list)
    thumbs: list[dict[str, object]] = field(default_factory=list)  # [{"w", "h", "webp"}], smallest first
    files: dict[str, bytes] = field(default_factory=dict, repr=False)  # relative path → encoded bytes
    written: list[Path] = field(default_factory=list)

    def save(self, only: Iterable[str] | None = None) -> list[Path]:
        """Write the variant files (or just `only`) that are not there yet; returns the new ones,
        also added to `written`. On an error, what this call wrote is removed and it re-raises."""
        media = Path(settings.MEDIA_ROOT)
        new: list[Path] = []
        try:
            for rel in only if only is not None else self.files:
                target = media / rel
                if target.exists():
                    continue  # the same bytes, already there (identical uploads share names)
                target.parent.mkdir(parents=True, exist_ok=True)
                # Write beside, then rename: a reader never sees half a file.
                # (mkstemp would make it private; nginx serves these files.)
                tmp = target.with_name(f".incoming-{secrets.token_hex(8)}-{target.name}")
                try:
                    with tmp.open("xb") as out:
                        out.write(self.files[rel])
                    os.replace(tmp, target)
                except BaseException:
                    tmp.unlink(missing_ok=True)
                    raise
                new.append(target)
        except BaseException:
            discard(new)
            raise
        self.written.extend(new)
        return new


def check_size(size: int | None, name: str) -> None:
    """Refuse by size alone, before a byte of the upload is read into memory."""
    if size is not None and size > MAX_BYTES:
        mb, limit = f"{size / 1e6:.1f}", MAX_BYTES // 1_000_000
        raise ImageTooBig(name, f"file is {mb} MB; the limit is {limit} MB.", zh=f"文件有 {mb} MB，上限是 {limit} MB")


def check_header(width: int, height: int, name: str) -> None:
    """Refuse by the dimensions the header declares: area, each side, aspect ratio."""
    if width * height > MAX_PIXELS:
        mp, limit = f"{width * height / 1e6:.0f}", MAX_PIXELS // 1_000_000
        raise ImageTooManyPixels(
            name,
            f"{width}×{height} is {mp} megapixels (too many pixels); the limit is {limit}.",
            zh=f"{width}×{height} 有 {mp} 百万像素，上限是 {limit} 百万",
        )
    if max(width, height) > MAX_SIDE:
        raise ImageBadShape(
            name,
            f"{width}×{height} has a side over {MAX_SIDE} pixels.",
            zh=f"{width}×{height} 像素，每边最多 {MAX_SIDE} 像素",
        )
    if min(width, height) < 1 or max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageBadShape(
            name,
            f"{width}×{height} is longer than {MAX_ASPECT}:1.",
            zh=f"{width}×{height} 像素，长边最多是短边的 {MAX_ASPECT} 倍",
        )


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


@contextlib.contextmanager
def image_slot(name: str = "image") -> Iterator[None]:
    """One of the process's IMAGE_CONCURRENCY slots for decoding and encoding, waited for up to
    IMAGE_WAIT_SECONDS; ImageBusy (503) if none frees up."""
    size = max(1, int(getattr(settings, "IMAGE_CONCURRENCY", 2)))
    with _slots_lock:
        slots = _slots.setdefault(size, threading.BoundedSemaphore(size))
    if not slots.acquire(timeout=float(getattr(settings, "IMAGE_WAIT_SECONDS", 15))):
        raise ImageBusy(name, "too many images are being processed; try again in a few seconds.")
    try:
        yield
    finally:
        slots.release()


def process_image(data: bytes, *, name: str = "image") -> ProcessedImage:
    """Validate and re-encode image bytes in memory; raises an ImageRejected subclass saying why.
    Nothing is written: call `.save()` on the result once the image is to be kept."""
    check_size(len(data), name)
    if not data:
        raise ImageEmpty(name, "file is empty.")
    digest = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            probe = PILImage.open(io.BytesIO(data))  # reads the header only
            fmt = probe.format or ""
            width, height = probe.size
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ImageTooManyPixels(name, "image has too many pixels.") from exc
    except (PILImage.UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageUnreadable(name, "not a readable image (JPEG, PNG, WebP or GIF expected).") from exc
    if fmt not in ALLOWED_FORMATS:
        raise ImageFormatRefused(name, f"{fmt or 'unknown'} images are not accepted (JPEG, PNG, WebP or GIF).")
    check_header(width, height, name)
    with image_slot(name):
        image = _decode(probe, name)
        return _encode(image, digest, name)


def _decode(opened: PILImage.Image, name: str) -> PILImage.Image:
    """The pixels, upright, as RGB on white; JPEGs decoded at a reduced scale where the largest
    variant does not need them all."""
    try:
        if opened.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale as long as the result stays at least WIDTHS[-1] wide.
            rotated = opened.getexif().get(0x0112) in ROTATED
            w, h = opened.size
            top = WIDTHS[-1]
            opened.draft("RGB", (math.ceil(top * w / h), top) if rotated else (top, math.ceil(top * h / w)))
        opened.load()
        ImageOps.exif_transpose(opened, in_place=True)  # in place: no second full-size copy
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageDamaged(name, "the image data is damaged and cannot be decoded.") from exc
    if opened.mode == "RGB":
        return opened
    if opened.mode in ("RGBA", "LA", "P", "PA"):
        rgba = opened.convert("RGBA")
        opened.close()  # frees the decoded pixels now, not when the caller returns
        flat = PILImage.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        rgba.close()
        return flat
    rgb = opened.convert("RGB")
    opened.close()
    return rgb


def _encode(image: PILImage.Image, digest: str, name: str) -> ProcessedImage:
    """JPEG + WebP at each width of WIDTHS below the image's own (and its own, up to the
    largest): the largest from the full image, each smaller one from the one before."""
    folder = Path("img") / digest[:2]
    full_w, full_h = image.size
    widths = sorted({w for w in WIDTHS if w < full_w} | {min(full_w, WIDTHS[-1])}, reverse=True)
    out = ProcessedImage(sha256=digest, width=0, height=0, path="")
    source = image
    for w in widths:
        h = max(1, round(full_h * w / full_w))
        resized = source if (w, h) == source.size else source.resize((w, h), PILImage.Resampling.LANCZOS)
        if source is not resized:
            source.close()
        source = resized
        if not out.thumbs and (w <= 960 or w == widths[-1]):  # crops from a mid-size copy: cheaper, as sharp
            out.thumbs, thumb_files = encode_thumbs(resized, digest, name)
            out.files.update(thumb_files)
        jpg, webp = folder / f"{digest[:20]}-{w}.jpg", folder / f"{digest[:20]}-{w}.webp"
        for rel, fmt_out, opts in (
            (jpg, "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
            (webp, "WEBP", {"quality": 80, "method": 4}),
        ):
            buf = io.BytesIO()
            try:
                resized.save(buf, fmt_out, **opts)  # no exif= argument: metadata is dropped
            except (OSError, ValueError) as exc:
                raise ImageDamaged(name, f"the image cannot be re-encoded ({exc}).") from exc
            out.files[str(rel)] = buf.getvalue()
        out.variants.insert(0, {"w": w, "h": h, "jpg": str(jpg), "webp": str(webp)})
    source.close()
    out.path = str(out.variants[-1]["jpg"])
    out.width, out.height = int(out.variants[-1]["w"]), int(out.variants[-1]["h"])  # type: ignore[call-overload]
    return out


def thumb_path(digest: str, w: int, h: int) -> str:
    return str(Path("img") / digest[:2] / f"{digest[:20]}-{w}x{h}.webp")


def encode_thumbs(
    image: PILImage.Image, digest: str, name: str = "image"
) -> tuple[list[dict[str, object]], dict[str, bytes]]:
    """The list thumbnails of THUMBS: centre-cropped to 3:2 and resized (never more than the
    picture has: a small picture gets smaller thumbnails), WebP. Returns their descriptions and
    their bytes by path; writes nothing."""
    thumbs: list[dict[str, object]] = []
    files: dict[str, bytes] = {}
    for w, h in THUMBS:
        scale = min(1.0, image.width / w, image.height / h)
        tw, th = max(1, round(w * scale)), max(1, round(h * scale))
        if thumbs and tw <= int(thumbs[-1]["w"]):  # type: ignore[call-overload]
            continue  # the picture is too small for a larger one
        crop = ImageOps.fit(image, (tw, th), PILImage.Resampling.LANCZOS, centering=(0.5, 0.4))
        buf = io.BytesIO()
        try:
            crop.save(buf, "WEBP", quality=78, method=4)
        except (OSError, ValueError) as exc:
            raise ImageDamaged(name, f"the thumbnail cannot be encoded ({exc}).") from exc
        finally:
            crop.close()
        rel = thumb_path(digest, tw, th)
        files[rel] = buf.getvalue()
        thumbs.append({"w": tw, "h": th, "webp": rel})
    return thumbs, files


def thumbs_from_file(path: Path, digest: str) -> tuple[list[dict[str, object]], dict[str, bytes]]:
    """Thumbnails for an image already in the library, from its largest stored variant (the
    backfill of images uploaded before thumbnails existed: tidings.articles.thumbs)."""
    with image_slot(path.name), PILImage.open(path) as opened:
        opened.load()
        rgb = opened if opened.mode == "RGB" else opened.convert("RGB")
        return encode_thumbs(rgb, digest, path.name)


def discard(paths: list[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)
