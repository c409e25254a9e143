"""Pictures drawn with Pillow: abstract article images (gradients and shapes, no text) and
creator avatars (a coloured disc with an initial). Pure functions returning PNG bytes.

The article pool depends on a fixed seed, not the demo's: every demo run draws the same
pictures, so later runs (any seed) find them already in the media library by SHA-256.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from tidings.demo.words import COLOURS, SHAPES

POOL_SEED = 20_240_601
POOL_SIZE = 30
# Landscape photos dominate news pages; a few square and portrait ones keep layouts honest.
SIZES = ((1200, 800), (1200, 675), (1200, 800), (1200, 900), (1000, 1000), (800, 1040), (1440, 810))
AVATAR_SIZE = 240

# Fonts that can draw 汉字, if the system has one; otherwise avatars show a Latin initial.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class PictureSpec:
    """What one abstract picture shows; enough to draw it and to describe it in alt text."""

    width: int
    height: int
    angle: int
    start: int  # indexes into words.COLOURS
    end: int
    accent: int
    shape: int  # index into words.SHAPES
    count: int
    seed: int

    def alt(self, lang: str) -> str:
        c1, c2, c3 = COLOURS[self.start], COLOURS[self.end], COLOURS[self.accent]
        _, shape_zh, shape_en = SHAPES[self.shape]
        if lang == "en":
            return f"Abstract illustration: a {c1[1]} to {c2[1]} gradient with {c3[1]} {shape_en}"
        return f"抽象配图：{c1[0]}到{c2[0]}的渐变背景上，有几处{c3[0]}{shape_zh}"


def pool_specs(size: int = POOL_SIZE) -> list[PictureSpec]:
    rng = random.Random(POOL_SEED)
    specs = []
    for i in range(size):
        start, end, accent = rng.sample(range(len(COLOURS)), 3)
        w, h = SIZES[i % len(SIZES)]
        specs.append(
            PictureSpec(
                width=w,
                height=h,
                angle=rng.randrange(0, 360, 15),
                start=start,
                end=end,
                accent=accent,
                shape=rng.randrange(len(SHAPES)),
                count=rng.randint(3, 7),
                seed=rng.randrange(1 << 30),
            )
        )
    return specs


def draw_picture(spec: PictureSpec) -> bytes:
    """PNG bytes of the picture: a rotated two-colour gradient with translucent shapes on it."""
    w, h = spec.width, spec.height
    # A smooth ramp loses nothing drawn at 1/8 scale and enlarged; rotating full size is slow.
    sw, sh = math.ceil(w / 8), math.ceil(h / 8)
    side = math.ceil(math.hypot(sw, sh))
    ramp = Image.linear_gradient("L").resize((side, side)).rotate(spec.angle, resample=Image.Resampling.BICUBIC)
    left, top = (side - sw) // 2, (side - sh) // 2
    ramp = ramp.crop((left, top, left + sw, top + sh)).resize((w, h), Image.Resampling.BILINEAR)
    base = ImageOps.colorize(ramp, COLOURS[spec.start][2], COLOURS[spec.end][2]).convert("RGBA")
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    rng = random.Random(spec.seed)
    colour = COLOURS[spec.accent][2]
    kind = SHAPES[spec.shape][0]
    for _ in range(spec.count):
        fill = (*colour, rng.randint(110, 210))
        r = rng.randint(min(w, h) // 12, min(w, h) // 4)
        cx, cy = rng.randint(0, w), rng.randint(0, h)
        if kind == "circles":
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)
        elif kind == "rings":
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=fill, width=max(6, r // 5))
        elif kind == "triangles":
            turn = rng.random() * 2 * math.pi
            corners = (turn + k * 2 * math.pi / 3 for k in range(3))
            draw.polygon([(cx + r * math.cos(a), cy + r * math.sin(a)) for a in corners], fill=fill)
        elif kind == "stripes":
            x = rng.randint(-h, w)
            draw.polygon([(x, 0), (x + r // 2, 0), (x + r // 2 + h, h), (x + h, h)], fill=fill)
        else:
            draw.rectangle((cx - r, cy - r, cx + r, cy + r), fill=fill)
    out = Image.alpha_composite(base, layer).convert("RGB")
    return _png(out)


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    return next((p for p in CJK_FONTS if Path(p).exists()), None)


def draw_avatar(name: str, initials: str, colour: RGB) -> bytes:
    """PNG bytes of a round avatar: the name's first 汉字 in white on a coloured disc, or up to
    two Latin initials for Latin names and where no installed font can draw 汉字."""
    size = AVATAR_SIZE
    img = Image.new("RGB", (size, size), (246, 244, 240))
    draw = ImageDraw.Draw(img)
    draw.ellipse((8, 8, size - 8, size - 8), fill=colour)
    first = name[:1]
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    path = cjk_font_path()
    if first.isascii() or not path:
        text = (initials or first)[:2].upper()
        font = ImageFont.load_default(size=size // 2 if len(text) == 1 else size * 2 // 5)
    else:
        text, font = first, ImageFont.truetype(path, size // 2)
    draw.text((size / 2, size / 2), text, fill=(255, 255, 255), font=font, anchor="mm")
    return _png(img)


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    # Fast compression: process_image re-encodes these anyway, so size does not matter here.
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()
