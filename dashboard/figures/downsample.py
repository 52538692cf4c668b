"""Thin a long series to what a chart can show, keeping every peak and trough.

A line chart is a few hundred pixels wide: a series with more points than that draws the
same picture as a thinned one but makes the page's JSON larger and the browser slower.
:func:`minmax_indices` cuts the series (by position) into equal slices and keeps, from
each, its first and last point and its smallest and largest value (the "M4" rule of
Jugel et al., VLDB 2014): the line through the kept points has the same extremes in every
slice, so no spike disappears. A slice with a gap (NaN) keeps its first NaN, so the line
still breaks there. Series no longer than the
limit come back unchanged. Pure numpy; the figure builders call :func:`thin` on their
``x`` / ``y`` before making a trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["MAX_POINTS", "minmax_indices", "thin"]

MAX_POINTS = 1200
"""Most points one trace sends: at most five per slice, 240 slices — about one slice per
three pixels of a full-width chart on a 1,440-pixel screen."""


def minmax_indices(y: Sequence[float] | np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Positions of the points to keep, ascending.

    Parameters
    ----------
    y
        The values, in drawing order (NaN: a gap).
    max_points
        At most this many positions are returned (at least 4).

    Returns
    -------
    numpy.ndarray
        ``arange(len(y))`` when ``len(y) <= max_points``; else, for each of
        ``max_points // 5`` slices of (nearly) equal length, its first and last position,
        the first position of its smallest and of its largest value, and its first NaN.
    """
    if max_points < 5:
        raise ValueError(f"max_points must be at least 5, got {max_points}")
    v = np.asarray(y, dtype=float)
    n = len(v)
    if n <= max_points:
        return np.arange(n)
    edges = np.linspace(0, n, max_points // 5 + 1).round().astype(int)
    nan = np.isnan(v)
    keep: list[int] = []
    for a, b in zip(edges[:-1], edges[1:]):
        part, gaps = v[a:b], nan[a:b]
        keep += [a, b - 1]
        if gaps.any():
            keep.append(a + int(np.argmax(gaps)))
        if not gaps.all():
            keep += [a + int(np.nanargmin(part)), a + int(np.nanargmax(part))]
    return np.unique(np.array(keep, dtype=int))


def thin(x: Any, y: Any, max_points: int = MAX_POINTS) -> tuple[Any, Any]:
    """``x`` and ``y`` at the positions :func:`minmax_indices` keeps (same types back for
    pandas Series, numpy arrays for the rest); unchanged when short enough."""
    idx = minmax_indices(y, max_points)
    if len(idx) == len(y):
        return x, y

    def take(a: Any) -> Any:
        return a.iloc[idx] if hasattr(a, "iloc") else np.asarray(a)[idx]

    return take(x), take(y)
