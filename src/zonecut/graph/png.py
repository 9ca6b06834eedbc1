"""The SVG picture rasterised to PNG by resvg (a Rust renderer in a wheel: no system
library). Text uses the system's fonts, and matplotlib's DejaVu fonts when installed."""

from __future__ import annotations

import re
from pathlib import Path

from zonecut.errors import ZonecutError


class PngUnavailable(ZonecutError):
    """resvg-py is not installed."""


def _font_dirs() -> list[str]:
    found: list[str] = []
    try:
        import matplotlib  # optional: only for its bundled fonts
    except ImportError:
        return found
    fonts = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
    if fonts.is_dir():
        found.append(str(fonts))
    return found


MAX_PIXELS = 6000  # the longer side of a PNG; a wider picture is scaled down to fit


def _size(svg: str) -> tuple[float, float]:
    head = svg[: svg.find(">")]
    found = dict(re.findall(r'(width|height)="([0-9.]+)"', head))
    return float(found.get("width", 0)), float(found.get("height", 0))


def svg_to_png(svg: str, zoom: float | None = None) -> bytes:
    """PNG bytes of ``svg`` on a white background, at most MAX_PIXELS on a side."""
    if zoom is None:
        width, height = _size(svg)
        zoom = min(1.0, MAX_PIXELS / max(width, height, 1.0))
    try:
        import resvg_py
    except ImportError as exc:
        raise PngUnavailable("PNG output needs resvg-py: pip install 'zonecut[graph]' "
                             "(or choose -o svg)") from exc
    data = resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=zoom,
                                 font_dirs=_font_dirs() or None)
    return bytes(data)
