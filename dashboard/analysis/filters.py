"""The global filters every page shares, and their SQL parameters.

A :class:`Filters` is what the sidebar sets and what the URL query string carries, so a
link reproduces a view. :meth:`Filters.params` gives the values bound to ``$params`` in
the named queries; an empty selection means "all" and is bound as ``NULL`` so SQL reads
``($districts is null or district = any($districts))``.

Roll-out wave: the calendar quarter in which a community's first room opened
(``'2024Q2'``); ``'none'`` for communities not served yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Filters:
    """Global filters (all optional).

    Attributes
    ----------
    date_from, date_to
        Inclusive date range; ``None`` for open ends.
    districts, hall_ids, waves, service_types
        Selected values; an empty tuple means no filter.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    districts: tuple[str, ...] = field(default_factory=tuple)
    hall_ids: tuple[str, ...] = field(default_factory=tuple)
    waves: tuple[str, ...] = field(default_factory=tuple)
    service_types: tuple[str, ...] = field(default_factory=tuple)

    def params(self) -> dict[str, Any]:
        """SQL parameters: ``$date_from``, ``$date_to``, ``$districts``, ``$hall_ids``,
        ``$waves``, ``$service_types`` (lists, or ``None`` for "all")."""
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "districts": list(self.districts) or None,
            "hall_ids": list(self.hall_ids) or None,
            "waves": list(self.waves) or None,
            "service_types": list(self.service_types) or None,
        }

    def with_dates(self, date_from: dt.date | None, date_to: dt.date | None) -> "Filters":
        return replace(self, date_from=date_from, date_to=date_to)

    def clamped(self, first_on: dt.date | None, last_on: dt.date | None) -> "Filters":
        """The same filters with dates moved inside ``[first_on, last_on]`` (the data's span).

        A link made on a warehouse with more (or other) data may carry dates outside the
        current span; date pickers refuse such values, so they are clamped, and a range
        whose ends cross is put back in order.
        """

        def _clamp(d: dt.date | None) -> dt.date | None:
            if d is None:
                return None
            if first_on is not None and d < first_on:
                return first_on
            if last_on is not None and d > last_on:
                return last_on
            return d

        lo, hi = _clamp(self.date_from), _clamp(self.date_to)
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        return replace(self, date_from=lo, date_to=hi)

    # -- URL query string -------------------------------------------------
    def to_query(self) -> dict[str, str]:
        """Encode as query-string values (lists joined with ``,``; empty ones left out)."""
        out: dict[str, str] = {}
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        for key, vals in (
            ("district", self.districts),
            ("hall", self.hall_ids),
            ("wave", self.waves),
            ("type", self.service_types),
        ):
            if vals:
                out[key] = ",".join(vals)
        return out

    @classmethod
    def from_query(cls, q: dict[str, str]) -> "Filters":
        """Decode :meth:`to_query`'s output; malformed dates are ignored."""

        def _date(s: str | None) -> dt.date | None:
            try:
                return dt.date.fromisoformat(s) if s else None
            except ValueError:
                return None

        def _list(s: str | None) -> tuple[str, ...]:
            return tuple(x for x in (s or "").split(",") if x)

        return cls(
            date_from=_date(q.get("from")),
            date_to=_date(q.get("to")),
            districts=_list(q.get("district")),
            hall_ids=_list(q.get("hall")),
            waves=_list(q.get("wave")),
            service_types=_list(q.get("type")),
        )
