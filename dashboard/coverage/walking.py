"""Which ways people walk: the OSM tag rules of the street network.

Rules (shared/spec/exports.md, "street network"): keep the ways people can walk —
footways, paths, steps, pedestrian streets, residential, service and other roads; drop
motorways, trunk roads (unless foot is explicitly allowed or a sidewalk is mapped), ways
not built yet, and ways closed to people on foot (``foot=no``; ``access=no`` without a
foot permission). ``access=private`` is kept: residents walk their own compound's paths
to its gate. One-way rules are ignored (people walk both ways).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["tag", "is_walkable"]

# ---------------------------------------------------------------- walking rules
EXCLUDED_HIGHWAY: frozenset[str] = frozenset({
    "motorway", "motorway_link", "motor",
    "construction", "proposed", "planned", "abandoned", "razed", "disused", "no",
    "raceway", "bus_guideway", "busway", "rest_area", "services",
})
"""``highway`` values never walked."""

TRUNK_HIGHWAY: frozenset[str] = frozenset({"trunk", "trunk_link"})
"""Kept only with an explicit foot permission or a mapped sidewalk."""

FOOT_ALLOWED: frozenset[str] = frozenset({"yes", "designated", "permissive", "destination", "official"})
FOOT_CLOSED: frozenset[str] = frozenset({"no", "use_sidepath"})
SIDEWALK_PRESENT: frozenset[str] = frozenset({"both", "left", "right", "yes"})


def tag(tags: Mapping[str, Any], key: str) -> str | None:
    value = tags.get(key)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    value = str(value).strip().lower()
    return value or None


def _values(value: str | None) -> set[str]:
    return {p.strip() for p in value.split(";")} if value else set()


def is_walkable(tags: Mapping[str, Any]) -> bool:
    """Whether a way with these OSM tags is one people can walk.

    Parameters
    ----------
    tags
        The way's tags (``highway``, ``foot``, ``access``, ``sidewalk``, ``area``...).
        A missing ``highway`` (plain street lines) counts as walkable.

    Returns
    -------
    bool
        ``False`` for motorways, unbuilt ways, areas, ``foot=no`` and ``access=no``
        without a foot permission; trunk roads only with ``foot=yes`` or a sidewalk.
    """
    highway = _values(tag(tags, "highway"))
    foot = _values(tag(tags, "foot"))
    access = _values(tag(tags, "access"))
    if tag(tags, "area") == "yes":
        return False
    if foot & FOOT_CLOSED:
        return False
    if highway & EXCLUDED_HIGHWAY:
        return False
    foot_ok = bool(foot & FOOT_ALLOWED)
    if highway & TRUNK_HIGHWAY:
        sidewalks = {tag(tags, k) for k in ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")}
        if not (foot_ok or sidewalks & SIDEWALK_PRESENT):
            return False
    if "no" in access and not foot_ok:
        return False
    return True
