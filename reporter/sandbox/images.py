"""Small deterministic PNG images for ``media_url``, ``thumbnail_url`` and
``profile_picture_url``, written with the standard library (zlib + struct)."""

from __future__ import annotations

import hashlib
import struct
import zlib

SIZE = 48


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(key: str) -> bytes:
    """A SIZE×SIZE RGB image: two colours from the key's hash in diagonal stripes."""
    digest = hashlib.sha256(key.encode()).digest()
    first, second = digest[0:3], digest[3:6]
    rows = []
    for y in range(SIZE):
        row = bytearray(b"\x00")  # filter type 0 for this scanline
        for x in range(SIZE):
            row += first if ((x + y) // 8) % 2 == 0 else second
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


BROKEN_HTML = (
    b"<!DOCTYPE html><html><head><title>Instagram</title></head>"
    b"<body><p>Sorry, this content isn't available right now</p></body></html>"
)
