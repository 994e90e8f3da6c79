"""Portrait-like avatars for the demo personas, drawn with Pillow: a head-and-shoulders
silhouette on the persona's colour, with initials on the chest. No stock photos to license."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

SIZE = 256
RGB = tuple[int, int, int]


def _rgb(hex_color: str) -> RGB:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _mix(color: RGB, other: RGB, amount: float) -> RGB:
    red, green, blue = (round(a + (b - a) * amount) for a, b in zip(color, other, strict=True))
    return red, green, blue


def avatar_png(
    *, initials: str, background: str, skin: str, hair: str, shirt: str, long_hair: bool = False
) -> bytes:
    """A 256×256 PNG portrait. Colours are `#rrggbb`."""
    base = _rgb(background)
    image = Image.new("RGB", (SIZE, SIZE), base)
    draw = ImageDraw.Draw(image)
    # A soft vertical gradient so the flat colour reads as a studio backdrop.
    light = _mix(base, (255, 255, 255), 0.35)
    for y in range(SIZE):
        draw.line([(0, y), (SIZE, y)], fill=_mix(light, base, y / SIZE))

    skin_rgb, hair_rgb, shirt_rgb = _rgb(skin), _rgb(hair), _rgb(shirt)
    if long_hair:
        # Hair falling to the shoulders, drawn first so the torso overlaps its ends.
        draw.rounded_rectangle([70, 60, 186, 200], radius=40, fill=hair_rgb)
    # Shoulders and torso: a wide ellipse cut off by the bottom edge.
    draw.ellipse([28, 178, 228, 340], fill=shirt_rgb)
    # Neck, then a collar shadow where it meets the shirt.
    draw.rectangle([108, 146, 148, 190], fill=_mix(skin_rgb, (0, 0, 0), 0.12))
    draw.pieslice([100, 168, 156, 206], 0, 180, fill=_mix(skin_rgb, (0, 0, 0), 0.2))
    # Hair behind the head, the face, then the fringe over the forehead.
    draw.ellipse([74, 42, 182, 160], fill=hair_rgb)
    draw.ellipse([84, 58, 172, 166], fill=skin_rgb)
    draw.chord([80, 46, 176, 120], 180, 360, fill=hair_rgb)
    # Ears.
    draw.ellipse([76, 102, 92, 126], fill=skin_rgb)
    draw.ellipse([164, 102, 180, 126], fill=skin_rgb)

    font = ImageFont.load_default(size=34)
    draw.text((SIZE / 2, 236), initials, fill=(255, 255, 255), font=font, anchor="mm")

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
