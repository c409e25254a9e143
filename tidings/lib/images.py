"""Image intake: decode with Pillow, refuse what is not a real image or too big, re-encode
(EXIF stripped, orientation applied) into responsive WebP + JPEG variants under MEDIA_ROOT.

Files are written before the database row; callers that fail later remove them with
`discard(paths)`, so nothing is left half-imported.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from PIL import Image as PILImage
from PIL import ImageOps

MAX_BYTES = 20 * 1024 * 1024  # a 20 MB upload is already an unusually large photo
MAX_PIXELS = 40_000_000  # 40 MP: more than any phone camera; decompression bombs exceed it
WIDTHS = (480, 960, 1600)
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageRejected(ValueError):
    """The file is not an acceptable image; str(error) says why, for the person who sent it."""


@dataclass
class ProcessedImage:
    sha256: str
    width: int
    height: int
    path: str  # largest fallback variant, relative to MEDIA_ROOT
    variants: list[dict[str, object]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def process_image(data: bytes, *, name: str = "image") -> ProcessedImage:
    """Validate and re-encode image bytes; raises ImageRejected with a clear reason."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(f"{name}: file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 1_000_000} MB.")
    if not data:
        raise ImageRejected(f"{name}: file is empty.")
    digest = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            probe = PILImage.open(io.BytesIO(data))
            fmt = probe.format or ""
            width, height = probe.size
    except PILImage.DecompressionBombError as exc:
        raise ImageRejected(f"{name}: image has too many pixels ({exc}).") from exc
    except (PILImage.UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(f"{name}: not a readable image (JPEG, PNG, WebP or GIF expected).") from exc
    except PILImage.DecompressionBombWarning as exc:  # type: ignore[misc]
        raise ImageRejected(f"{name}: image has too many pixels.") from exc
    if fmt not in ALLOWED_FORMATS:
        raise ImageRejected(f"{name}: {fmt or 'unknown'} images are not accepted (JPEG, PNG, WebP or GIF).")
    if width * height > MAX_PIXELS:
        raise ImageRejected(
            f"{name}: {width}×{height} is {width * height / 1e6:.0f} megapixels; the limit is {MAX_PIXELS // 1_000_000}."
        )
    try:
        opened = PILImage.open(io.BytesIO(data))
        opened.load()
        image: PILImage.Image = ImageOps.exif_transpose(opened) or opened
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(f"{name}: the image data is damaged and cannot be decoded.") from exc

    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = PILImage.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")

    out = ProcessedImage(sha256=digest, width=image.width, height=image.height, path="")
    folder = Path("img") / digest[:2]
    (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    try:
        for w in sorted(set(widths)):
            h = max(1, round(image.height * w / image.width))
            resized = image if w == image.width else image.resize((w, h), PILImage.Resampling.LANCZOS)
            jpg = folder / f"{digest[:20]}-{w}.jpg"
            webp = folder / f"{digest[:20]}-{w}.webp"
            for rel, fmt_out, opts in (
                (jpg, "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
                (webp, "WEBP", {"quality": 80, "method": 4}),
            ):
                target = Path(settings.MEDIA_ROOT) / rel
                if not target.exists():
                    resized.save(target, fmt_out, **opts)  # no exif= argument: metadata is dropped
                    out.written.append(target)
            out.variants.append({"w": w, "h": h, "jpg": str(jpg), "webp": str(webp)})
    except OSError:
        discard(out.written)
        raise
    out.path = str(out.variants[-1]["jpg"])
    out.width, out.height = int(out.variants[-1]["w"]), int(out.variants[-1]["h"])  # type: ignore[call-overload]
    return out


def discard(paths: list[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)
