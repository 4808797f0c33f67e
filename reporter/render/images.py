"""Pictures as data: URIs, so the HTML is one file and WeasyPrint never fetches anything.

Thumbnails arrive as bytes from the fetcher (size, time and content-type limits are its job).
Here they are only trusted after Pillow decodes them; anything else (missing, truncated, not an
image, an SVG from the API) becomes the placeholder, never a failed report. Large pictures are
scaled down: a 1080-pixel photo in a 2 cm box only makes the PDF heavy.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from urllib.parse import quote

from PIL import Image, UnidentifiedImageError

MAX_EDGE = 320
_RASTER = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}

# Drawn, not fetched: a neutral tile with a picture glyph, and a head-and-shoulders avatar.
PLACEHOLDER = "data:image/svg+xml," + quote(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<rect width="100" height="100" fill="#E9ECEF"/>'
    '<path d="M28 68 44 48l10 12 8-9 12 17z" fill="#B8BDC6"/>'
    '<circle cx="63" cy="37" r="6" fill="#B8BDC6"/></svg>'
)
AVATAR = "data:image/svg+xml," + quote(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<rect width="100" height="100" fill="#E9ECEF"/>'
    '<circle cx="50" cy="40" r="17" fill="#B8BDC6"/>'
    '<path d="M18 92c4-20 18-28 32-28s28 8 32 28z" fill="#B8BDC6"/></svg>'
)


def data_uri(data: bytes | None, *, max_edge: int = MAX_EDGE) -> str | None:
    """A decoded raster image as a data: URI (scaled down when large), or None."""
    if not data:
        return None
    try:
        # verify() checks the file's structure (PNG chunks and CRCs) whatever the global
        # ImageFile.LOAD_TRUNCATED_IMAGES says: WeasyPrint sets it to True on import.
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in _RASTER:
                return None
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            image.load()
            if max(image.size) <= max_edge:
                return _encode(_RASTER[kind], data)
            image.thumbnail((max_edge, max_edge))
            buffer = io.BytesIO()
            if kind == "JPEG" or image.mode not in ("RGBA", "LA", "P"):
                image.convert("RGB").save(buffer, format="JPEG", quality=85)
                return _encode("image/jpeg", buffer.getvalue())
            image.save(buffer, format="PNG", optimize=True)
            return _encode("image/png", buffer.getvalue())
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def logo_uri(path: Path) -> str:
    """The branding logo (a file the spec's author chose) as a data: URI.

    Raster logos are decoded like thumbnails; an SVG logo is embedded as an image, where
    neither browsers nor WeasyPrint run its scripts or load what it links.
    """
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        return _encode("image/svg+xml", data)
    uri = data_uri(data, max_edge=800)
    if uri is None:
        raise ValueError(f"{path}: not a PNG, JPEG, GIF, WebP or SVG image")
    return uri


def _encode(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
