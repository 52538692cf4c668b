"""A WKB codec for 2-D LineStrings, straight from and to numpy coordinate arrays.

The network's edges are stored as WKB; writing and reading them without shapely objects
keeps a city's ~300k edges in the seconds budget of an import and of a page load.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pack_wkb", "linestring_wkb", "parse_linestring_wkb"]


def linestring_wkb(coords: np.ndarray, npts: np.ndarray) -> np.ndarray:
    """2-D little-endian WKB LineStrings written straight from coordinates.

    The inverse of :func:`parse_linestring_wkb` and byte for byte what
    ``shapely.to_wkb(shapely.linestrings(...))`` gives, without a shapely object per line.

    Parameters
    ----------
    coords
        ``(m, 2)`` vertices, line after line.
    npts
        ``(n,)`` vertices per line (each at least 2).

    Returns
    -------
    numpy.ndarray
        Object array of ``n`` ``bytes``.
    """
    npts = np.asarray(npts, dtype=np.int64)
    n = len(npts)
    if n == 0:
        return np.empty(0, dtype=object)
    size = 9 + 16 * npts
    off = np.concatenate([[0], np.cumsum(size)])
    buf = np.zeros(int(off[-1]), dtype=np.uint8)
    start = off[:-1]
    buf[start] = 1                                            # little endian
    head = np.empty((n, 2), dtype="<u4")
    head[:, 0] = 2                                            # LineString
    head[:, 1] = npts
    buf[start[:, None] + np.arange(1, 9)] = head.view(np.uint8).reshape(n, 8)
    body = np.ascontiguousarray(coords, dtype="<f8").view(np.uint8).ravel()
    nb = 16 * npts
    pos = np.repeat(start + 9 - (np.cumsum(nb) - nb), nb) + np.arange(int(nb.sum()), dtype=np.int64)
    buf[pos] = body
    raw = buf.tobytes()
    out = np.empty(n, dtype=object)
    out[:] = [raw[a:b] for a, b in zip(off[:-1].tolist(), off[1:].tolist(), strict=True)]
    return out


# ---------------------------------------------------------------- loading
def parse_linestring_wkb(data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Coordinates of packed 2-D little-endian WKB LineStrings, without shapely objects.

    Parameters
    ----------
    data
        ``uint8`` bytes of all geometries, one after the other.
    offsets
        ``(n + 1,)`` start of each geometry in ``data``.

    Returns
    -------
    (coords, index) or None
        ``(m, 2)`` coordinates and the geometry index of each; ``None`` when any
        geometry is not a plain 2-D little-endian LineString (the caller then parses
        with shapely).
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    if n == 0:
        return np.empty((0, 2)), np.empty(0, np.int64)
    starts = offsets[:-1]
    size = offsets[1:] - starts
    if size.min() < 9 or not np.all(data[starts] == 1):
        return None
    head = data[starts[:, None] + np.arange(1, 9)].copy().view("<u4")
    if not np.all(head[:, 0] == 2):
        return None
    npts = head[:, 1].astype(np.int64)
    if not np.array_equal(size, 9 + 16 * npts):
        return None
    # the doubles of geometry i start at byte starts[i] + 9: gather them as 8-byte rows of
    # a strided view of the buffer (row k = bytes k..k+7), then read the rows as float64
    from numpy.lib.stride_tricks import as_strided

    data = np.ascontiguousarray(data, dtype=np.uint8)
    nd = 2 * npts
    cs = np.cumsum(nd)
    pos = np.repeat(starts + 9 - 8 * (cs - nd), nd) + 8 * np.arange(int(cs[-1]), dtype=np.int64)
    rows = as_strided(data, shape=(len(data) - 7, 8), strides=(1, 1), writeable=False)
    coords = rows[pos].view("<f8").reshape(-1, 2)
    return coords, np.repeat(np.arange(n, dtype=np.int64), npts)


def pack_wkb(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An object array of WKB ``bytes`` as one byte buffer plus offsets."""
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return np.frombuffer(b"".join(bytes(v) for v in values), dtype=np.uint8), offsets
