"""One brand colour, and the shades that keep text on and beside it readable (WCAG AA, 4.5:1).

The page and the embed take their palette from here as CSS variables; `static/widget.js` does the
same sums for a blog's own `data-color` and hands the embed the result.
"""

from __future__ import annotations

from dataclasses import dataclass

WHITE, INK = "#ffffff", "#111827"
AA = 4.5  # WCAG AA for body text
# The lightest surfaces brand-coloured text sits on: the page, the bot bubble and the soft highlight.
SURFACES = ("#ffffff", "#f8fafc", "#f1f5f9")


@dataclass(frozen=True)
class Palette:
    brand: str  # buttons, the launcher, the avatar
    on_brand: str  # text on the brand colour
    ink: str  # brand-coloured text and links on light surfaces
    soft: str  # a pale tint for highlights and hover

    def css(self) -> str:
        return f"--brand:{self.brand};--on-brand:{self.on_brand};--brand-ink:{self.ink};--brand-soft:{self.soft};"


def rgb(color: str) -> tuple[int, int, int]:
    hex_ = color.lstrip("#")
    hex_ = "".join(c * 2 for c in hex_) if len(hex_) == 3 else hex_
    return int(hex_[0:2], 16), int(hex_[2:4], 16), int(hex_[4:6], 16)


def hex_of(channels: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in channels)


def luminance(color: str) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def mix(color: str, other: str, share: float) -> str:
    """`color` moved `share` of the way to `other`."""
    return hex_of(tuple(c + (o - c) * share for c, o in zip(rgb(color), rgb(other), strict=True)))


def palette(brand: str) -> Palette:
    """White text on the brand when it reads (else near-black), and the brand darkened in 4 % steps
    until it reads as text on every light surface."""
    on_brand = WHITE if contrast(brand, WHITE) >= AA else INK
    ink, step = brand, 0
    while min(contrast(ink, s) for s in SURFACES) < AA and step < 25:
        step += 1
        ink = mix(brand, "#000000", step * 0.04)
    return Palette(brand, on_brand, ink, mix(brand, WHITE, 0.88))
