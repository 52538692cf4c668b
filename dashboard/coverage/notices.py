"""Printable A4 notice boards (服务公示牌): one sheet per room, with its own small map.

Each sheet holds the room's name and address (district, subdistrict, community: street
addresses are never stored), its open days and hours (from the proposed schedule,
:func:`dashboard.coverage.schedule.propose_schedule`), the number of customer managers,
the services it offers, the 95598 hotline, and a map of the streets around it with the
room and the communities it serves, drawn as inline SVG from the warehouse's own street
network (no tiles, works offline, prints sharp).

The manager's name and phone are filled in at print time (:class:`Contact`, typed on
the page) and exist only in the HTML handed to the browser: they are never stored.
Without them the sheet leaves lines to write on by hand.

The output is one self-contained HTML document (``@page { size: A4 }``, a page break
after each sheet) that the browser prints or saves as PDF. Every text from the data is
HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.coverage.inputs import CoverageData
from dashboard.coverage.projection import to_xy
from dashboard.coverage.schedule import days_text
from dashboard.i18n import t

__all__ = ["MAP_HALF_M", "Contact", "map_svg", "notice_sheets"]

MAP_HALF_M = 400.0
"""Half the side of the square each sheet's map shows (metres around the room)."""

_SVG_PX = 520


@dataclass(frozen=True)
class Contact:
    """Who answers for a room, typed at print time and never stored."""

    name: str = ""
    phone: str = ""


def map_svg(data: CoverageData, lon: float, lat: float, served: Sequence[str] = (),
            half_m: float = MAP_HALF_M, px: int = _SVG_PX) -> str:
    """An SVG map of the streets within ``half_m`` of a point, the point (a star) and the
    community points of ``served`` (dots), north up, with a 100 m scale bar.

    Parameters
    ----------
    data
        Coverage inputs (its street network and communities).
    lon, lat
        The room (WGS-84).
    served
        Community ids the room serves.
    half_m, px
        Metres from the room to the map's edge; the SVG's width and height in pixels.
    """
    net = data.network
    x0, y0 = (float(v[0]) for v in to_xy(net.proj, np.array([lon]), np.array([lat])))
    scale = px / (2 * half_m)

    def sx(x: np.ndarray) -> np.ndarray:
        return (x - x0 + half_m) * scale

    def sy(y: np.ndarray) -> np.ndarray:
        return (y0 + half_m - y) * scale

    coords, idx = net.coords_xy()
    near = (np.abs(coords[:, 0] - x0) <= 1.5 * half_m) & (np.abs(coords[:, 1] - y0) <= 1.5 * half_m)
    lines = []
    for e in np.unique(idx[near]):
        pts = coords[idx == e]
        xs, ys = sx(pts[:, 0]), sy(pts[:, 1])
        lines.append('<polyline points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True))
                     + '" fill="none" stroke="#9e9e9e" stroke-width="2" stroke-linecap="round"/>')
    dots = []
    comm = data.communities.set_index("community_id")
    for cid in served:
        if cid in comm.index and pd.notna(comm.loc[cid, "lon"]) and pd.notna(comm.loc[cid, "lat"]):
            cx, cy = to_xy(net.proj, np.array([float(comm.loc[cid, "lon"])]), np.array([float(comm.loc[cid, "lat"])]))
            a, b = float(sx(cx)[0]), float(sy(cy)[0])
            if 0 <= a <= px and 0 <= b <= px:
                dots.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="7" fill="#1e88e5" fill-opacity="0.8"/>'
                            f'<text x="{a + 10:.1f}" y="{b + 5:.1f}" font-size="14" fill="#1e3a5f">'
                            f"{html.escape(str(comm.loc[cid, 'name']))}</text>")
    c = px / 2
    star = " ".join(f"{c + r * np.sin(k * np.pi / 5):.1f},{c - r * np.cos(k * np.pi / 5):.1f}"
                    for k, r in zip(range(10), [16, 7] * 5, strict=True))
    bar = 100 * scale
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" viewBox="0 0 {px} {px}" '
            f'class="map"><rect width="{px}" height="{px}" fill="#fafafa" stroke="#bdbdbd"/>'
            f'<clipPath id="c"><rect width="{px}" height="{px}"/></clipPath><g clip-path="url(#c)">'
            + "".join(lines) + "".join(dots)
            + f'<polygon points="{star}" fill="#d32f2f" stroke="#ffffff" stroke-width="2"/></g>'
            f'<line x1="16" y1="{px - 18}" x2="{16 + bar:.1f}" y2="{px - 18}" stroke="#212121" stroke-width="3"/>'
            f'<text x="16" y="{px - 26}" font-size="13" fill="#212121">100 m</text>'
            f'<text x="{px - 24}" y="28" font-size="18" font-weight="bold" fill="#212121">N</text></svg>')


_CSS = """
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       color: #212121; margin: 0; }
.sheet { width: 182mm; min-height: 265mm; margin: 0 auto; page-break-after: always; break-after: page;
         padding: 6mm 4mm; }
.sheet:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 30pt; text-align: center; margin: 0 0 4mm; letter-spacing: 2pt; }
h2 { font-size: 20pt; text-align: center; margin: 0 0 6mm; font-weight: normal; }
table { width: 100%; border-collapse: collapse; font-size: 15pt; margin-bottom: 5mm; }
th { text-align: left; width: 30%; padding: 2.5mm 3mm; background: #eef3f8; border: 1px solid #c5d3e0; }
td { padding: 2.5mm 3mm; border: 1px solid #c5d3e0; }
td.blank { height: 11mm; }
.map { display: block; margin: 0 auto 4mm; width: 120mm; height: 120mm; }
.services { font-size: 13pt; line-height: 1.6; }
.hotline { font-size: 16pt; text-align: center; margin-top: 4mm; font-weight: bold; }
@media screen { body { background: #e0e0e0; } .sheet { background: #fff; margin: 8mm auto; } }
"""


def _address(comm: pd.DataFrame, cid: object, lang: str) -> str:
    if cid is None or cid not in comm.index:
        return "-"
    c = comm.loc[cid]
    parts = [c.get("district"), c.get("subdistrict"), c.get("name")]
    return ("" if lang == "zh" else " ").join(str(p) for p in parts if p is not None and not pd.isna(p)) or "-"


def notice_sheets(schedule: pd.DataFrame, rooms: pd.DataFrame, data: CoverageData,
                  contacts: Mapping[str, Contact] | None = None, lang: str = "zh") -> str:
    """One self-contained HTML document: an A4 notice sheet per room of ``schedule``.

    Parameters
    ----------
    schedule
        ``room_id, name, days, hours, n_managers`` (:func:`~dashboard.coverage.schedule.propose_schedule`).
    rooms
        ``room_id, community_id, lon, lat, served_community_ids``.
    data
        Coverage inputs (street network, communities).
    contacts
        Room id → :class:`Contact` typed at print time (never stored); rooms without
        one get blank lines to fill in by hand.
    lang
        ``zh`` (default: notices are posted in Chinese) or ``en``.
    """
    contacts = contacts or {}
    comm = data.communities.set_index("community_id")
    info = rooms.set_index("room_id")
    esc = html.escape
    sheets = []
    for r in schedule.itertuples(index=False):
        row = info.loc[r.room_id] if r.room_id in info.index else None
        served = list(row["served_community_ids"]) if row is not None and isinstance(
            row.get("served_community_ids"), (list, tuple, np.ndarray)) else []
        who = contacts.get(r.room_id, Contact())
        cells = [
            (t("cov.notice.sheet.address", lang), esc(_address(comm, None if row is None else row.get("community_id"), lang))),
            (t("cov.notice.sheet.days", lang), esc(days_text(r.days, lang))),
            (t("cov.notice.sheet.hours", lang), esc(str(r.hours))),
            (t("cov.notice.sheet.managers", lang), esc(str(r.n_managers))),
            (t("cov.notice.sheet.served", lang),
             esc(("、" if lang == "zh" else ", ").join(str(comm.loc[c, "name"]) if c in comm.index else str(c)
                                                      for c in served) or "-")),
        ]
        contact_rows = "".join(
            f"<tr><th>{esc(label)}</th>"
            + (f"<td>{esc(value.strip())}</td>" if value.strip() else '<td class="blank"></td>') + "</tr>"
            for label, value in ((t("cov.notice.sheet.contact", lang), who.name),
                                 (t("cov.notice.sheet.phone", lang), who.phone)))
        has_point = row is not None and pd.notna(row.get("lon")) and pd.notna(row.get("lat"))
        svg = map_svg(data, float(row["lon"]), float(row["lat"]), served) if has_point else ""
        sheets.append(
            f'<section class="sheet" id="room-{esc(str(r.room_id))}">'
            f"<h1>{esc(t('cov.notice.title', lang))}</h1><h2>{esc(str(r.name))}</h2>{svg}"
            "<table>" + "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in cells) + contact_rows + "</table>"
            f'<p class="services">{esc(t("cov.notice.services", lang))}</p>'
            f'<p class="hotline">{esc(t("cov.notice.hotline", lang))}</p></section>')
    title = esc(t("cov.notice.title", lang))
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{_CSS}</style></head><body>" + "".join(sheets) + "</body></html>")
