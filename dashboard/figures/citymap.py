"""The city map: the walking coverage drawn in WebGL (deck.gl, through Streamlit's
``st.pydeck_chart``) on the city's own street network, offline.

What is drawn, bottom to top
----------------------------
- **Streets**: every edge of the stored walking network (``network_edges``), merged into
  long polylines (:func:`street_paths`: a path goes on through a node along an unused
  edge, so a shared node is written once instead of once per edge), coordinates rounded
  to 1e-5 degree (about 1 m) and written as integer offsets from an origin (scaled back
  by the layer's model matrix), so the city's 283k edges travel as a few megabytes of
  JSON, built once per data version (:class:`Streets`). A network above
  :data:`RASTER_VERTICES` vertices (a whole city) is sent as one picture instead
  (:func:`street_image`, a deck.gl ``BitmapLayer``): a browser without a graphics card
  (software WebGL) takes some 15 s to turn a city's 290k street vertices into lines on
  every draw, and a few milliseconds to draw one image.
- **Demand points** (buildings, or the community point where a community has no
  building), coloured by their walk to the nearest open room in bands of the walking
  limit (:data:`BANDS`); the gaps (beyond the walk or with no route) are drawn larger
  with an outline.
- **Halls** and **rooms** (by status: open, added, moved, closed), and the rooms' names
  as text, sized in metres so the labels appear as one zooms in instead of covering the
  city at once. The glyphs are drawn by the browser from its own fonts (deck.gl's font
  atlas, ``characterSet="auto"``: every character of the labels, Chinese included).

Every pickable object carries its hover text (``tip``), already translated; the tooltip
shows it as plain text (no HTML). No basemap is drawn unless asked for: the map style is
pydeck's "no style" sentinel, which Streamlit draws without any basemap (its default
would be a Carto style from the internet). ``basemap=True`` is the opt-in for Carto tiles.

:func:`city_map` returns the deck.gl JSON spec as a plain ``dict`` (tested on its layers'
data); :func:`to_deck` wraps it for ``st.pydeck_chart`` with a compact serialisation
(pydeck's own writes the JSON indented, several times larger).
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.i18n import fmt_count, t

__all__ = ["BANDS", "BAND_COLORS", "GAP_BAND", "RASTER_VERTICES", "SCALE", "Streets", "band_of", "chain_edges", "city_map",
           "legend", "network_streets", "spec_json", "street_image", "street_paths", "to_deck"]

SCALE = 100_000
"""Street coordinates are written as integers in 1 / SCALE degree (about 1.1 m)."""
BANDS = (1 / 3, 2 / 3, 1.0)
"""Walk bands as fractions of the walking limit: within a third, two thirds, the whole
walk, and beyond it (a gap: the coverage engine searches no farther than the walk)."""
BAND_COLORS = ([27, 94, 32], [67, 160, 71], [174, 213, 129], [198, 40, 40])
"""Fill colour of each band (dark, mid and light green, red)."""
GAP_BAND = 3
"""Bands from this one on are gaps (beyond the walk): drawn larger, with an outline."""
ROOM_COLORS = {"open": [21, 101, 192], "added": [239, 108, 0], "moved": [106, 27, 154], "closed": [117, 117, 117]}
HALL_COLOR = [33, 33, 33]
STREET_COLOR = [158, 158, 158]
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
NO_BASEMAP = "__MAP_STYLE__"
"""pydeck's default-style sentinel; with no map provider Streamlit draws no basemap."""
_DIGITS = 5
RASTER_VERTICES = 40_000
"""Street vertices above which the streets are drawn as one image (:func:`street_image`)."""
RASTER_PX = 4096
"""Longer side of the street image, pixels (a 40 km city: about 10 m a pixel)."""
LABELS_ALL_MAX = 150
"""Up to this many rooms every room's name is drawn by default (a district); above it
only the rooms a plan changes (a city): see :func:`city_map`."""


# ---------------------------------------------------------------- streets
def chain_edges(u: np.ndarray, v: np.ndarray, n_nodes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cover the edges ``(u[i], v[i])`` with walks that use each edge once.

    A walk starts at a node of odd degree while there is one (each such node must end a
    walk), then anywhere, and goes on through every node along an unused edge.

    Returns
    -------
    (order, reverse, first)
        Edge indices in walk order, whether each is walked ``v -> u``, and whether it
        starts a new walk.
    """
    m = len(u)
    ends = np.concatenate([u, v]).astype(np.int64)
    slot_edge = np.concatenate([np.arange(m), np.arange(m)])[np.argsort(ends, kind="stable")]
    ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n_nodes), out=ptr[1:])
    deg = np.diff(ptr)
    nxt = ptr[:-1].tolist()
    stop = ptr[1:].tolist()
    slots = slot_edge.tolist()
    uu, vv = u.tolist(), v.tolist()
    used = bytearray(m)
    order: list[int] = []
    rev: list[bool] = []
    first: list[bool] = []
    starts = np.concatenate([np.flatnonzero(deg % 2 == 1), np.flatnonzero(deg % 2 == 0)]).tolist()
    for s in starts:
        while True:
            cur, new = s, True
            while True:
                k = nxt[cur]
                while k < stop[cur] and used[slots[k]]:
                    k += 1
                nxt[cur] = k
                if k == stop[cur]:
                    break
                e = slots[k]
                used[e] = 1
                backwards = uu[e] != cur
                order.append(e)
                rev.append(backwards)
                first.append(new)
                new = False
                cur = uu[e] if backwards else vv[e]
            if new:  # no unused edge left at s
                break
    return np.array(order, dtype=np.int64), np.array(rev, dtype=bool), np.array(first, dtype=bool)


@dataclass(frozen=True)
class Streets:
    """The street layer's data, ready to send.

    Attributes
    ----------
    origin
        ``(lon, lat)`` the offsets are counted from.
    paths
        One flat ``int64`` array per polyline: ``x0, y0, x1, y1, ...`` in 1 / :data:`SCALE`
        degree from ``origin``.
    json
        The paths as a JSON array (written once).
    n_edges, n_vertices_in
        Edges and edge vertices of the network (before merging).
    """

    origin: tuple[float, float]
    paths: list[np.ndarray]
    json: str
    n_edges: int
    n_vertices_in: int
    _image: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_vertices(self) -> int:
        """Vertices sent (after merging)."""
        return int(sum(len(p) for p in self.paths) // 2)

    def lonlat(self, i: int) -> np.ndarray:
        """Path ``i`` as ``(k, 2)`` longitude / latitude."""
        return self.paths[i].reshape(-1, 2) / SCALE + np.asarray(self.origin)

    def image(self) -> StreetImage:
        """:func:`street_image` of these streets, drawn once."""
        cached = self._image.get("image")
        if cached is None:
            cached = self._image["image"] = street_image(self)
        return cached


def street_paths(coords: np.ndarray, edge_index: np.ndarray, edge_u: np.ndarray, edge_v: np.ndarray,
                 n_nodes: int) -> Streets:
    """Merge the network's edges into polylines (see the module docstring).

    Parameters
    ----------
    coords, edge_index
        Every vertex of every edge (lon, lat), in order from the edge's ``u`` end to its
        ``v`` end, and the edge it belongs to (``Network.coords_lonlat()``).
    edge_u, edge_v
        The edges' end nodes.
    n_nodes
        Number of nodes.

    Returns
    -------
    Streets
        Every edge's vertices, each edge exactly once; consecutive vertices that round
        to the same point are written once.
    """
    n_edges = len(edge_u)
    if n_edges == 0 or len(coords) == 0:
        return Streets((0.0, 0.0), [], "[]", 0, 0)
    origin = (round(float(np.nanmin(coords[:, 0])), 2), round(float(np.nanmin(coords[:, 1])), 2))
    q = np.rint((coords - np.asarray(origin)) * SCALE).astype(np.int64)
    start = np.searchsorted(edge_index, np.arange(n_edges))
    count = np.bincount(edge_index, minlength=n_edges)
    order, rev, first = chain_edges(np.asarray(edge_u), np.asarray(edge_v), n_nodes)
    # vertex positions of each walked edge, reversed where walked v -> u, the shared
    # first vertex of every edge but a walk's first left out
    n = count[order]
    take = np.where(first, n, n - 1)
    pos = np.repeat(np.cumsum(take) - take, take)
    k = np.arange(int(take.sum())) - pos  # 0.. within the edge's kept vertices
    skip = np.repeat(~first, take).astype(np.int64)
    rr = np.repeat(rev, take)
    s, c = np.repeat(start[order], take), np.repeat(n, take)
    j = k + skip
    vertex = np.where(rr, s + c - 1 - j, s + j)
    pts = q[vertex]
    starts = np.zeros(len(pts), dtype=np.int64)
    starts[(np.cumsum(take) - take)[first]] = 1  # a walk's first vertex
    walk = np.cumsum(starts) - 1
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = (pts[1:] != pts[:-1]).any(axis=1) | (walk[1:] != walk[:-1])
    pts, walk = pts[keep], walk[keep]
    cuts = np.flatnonzero(np.diff(walk)) + 1
    flat = pts.reshape(-1)
    paths = [p.reshape(-1) for p in np.split(pts, cuts)]
    text = flat.astype(str)
    bounds = np.r_[0, cuts, len(pts)] * 2
    body = ",".join("[" + ",".join(text[a:b]) + "]" for a, b in itertools.pairwise(bounds))
    return Streets(origin, paths, "[" + body + "]", n_edges, len(coords))


def _merc_y(lat: np.ndarray) -> np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


@dataclass(frozen=True)
class StreetImage:
    """The streets as one transparent PNG over ``bounds`` (west, south, east, north)."""

    url: str
    bounds: tuple[float, float, float, float]
    size: tuple[int, int]


def street_image(streets: Streets, px: int = RASTER_PX) -> StreetImage:
    """Draw every street of ``streets`` into one PNG (``data:`` URL: nothing to fetch).

    Pixels are spaced evenly in Web Mercator, as deck.gl's ``BitmapLayer`` lays an image
    over its ``bounds``, so the picture sits exactly on the demand points and rooms drawn
    above it. The longer side has ``px`` pixels; streets are one pixel wide in
    :data:`STREET_COLOR`, the rest transparent.
    """
    from PIL import Image, ImageDraw

    lonlat = [streets.lonlat(i) for i in range(len(streets.paths))]
    allp = np.concatenate(lonlat) if lonlat else np.zeros((0, 2))
    west, east = float(allp[:, 0].min()), float(allp[:, 0].max())
    south, north = float(allp[:, 1].min()), float(allp[:, 1].max())
    x_span = max(math.radians(east - west), 1e-9)
    y_top, y_bottom = _merc_y(np.array([north]))[0], _merc_y(np.array([south]))[0]
    y_span = max(y_top - y_bottom, 1e-9)
    scale = (px - 1) / max(x_span, y_span)
    w, h = max(int(round(x_span * scale)) + 1, 2), max(int(round(y_span * scale)) + 1, 2)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    color = (*STREET_COLOR, 255)
    for path in lonlat:
        x = np.radians(path[:, 0] - west) * scale
        y = (y_top - _merc_y(path[:, 1])) * scale
        draw.line(list(zip(x.tolist(), y.tolist(), strict=True)), fill=color, width=1)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    # pixel i covers [i - 0.5, i + 0.5] in the drawing's coordinates: the bounds are the
    # outer edges of the first and last pixels
    west_b = west - math.degrees(0.5 / scale)
    east_b = west_b + math.degrees(w / scale)
    y_north = y_top + 0.5 / scale

    def lat(y: float) -> float:
        return float(np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2))

    return StreetImage(url, (west_b, lat(y_north - h / scale), east_b, lat(y_north)), (w, h))


def network_streets(data: Any) -> Streets:
    """:func:`street_paths` of the street network of a
    :class:`~dashboard.coverage.inputs.CoverageData`, made once per loaded data (kept in
    its ``cache``: the map page and the planner share it)."""
    if "citymap.streets" not in data.cache:
        net = data.network
        coords, idx = net.coords_lonlat()
        data.cache["citymap.streets"] = street_paths(coords, idx, net.edge_u, net.edge_v, net.n_nodes)
    return data.cache["citymap.streets"]


# ---------------------------------------------------------------- points
def band_of(walk_m: np.ndarray, limit_m: float) -> np.ndarray:
    """Band of each walk (0..3, :data:`BANDS`); beyond the walk or no route (NaN, inf) is
    the last band, :data:`GAP_BAND`."""
    w = np.asarray(walk_m, dtype=float)
    b = np.searchsorted(np.asarray(BANDS) * limit_m, np.where(np.isfinite(w), w, np.inf), side="left")
    return np.minimum(b, len(BANDS)).astype(np.int64)


def _ll(lon: Any, lat: Any) -> list[float]:
    return [round(float(lon), _DIGITS), round(float(lat), _DIGITS)]


def demand_data(demand: pd.DataFrame, names: dict[str, str], limit_m: float, speed: float,
                lang: str) -> list[dict[str, Any]]:
    """The demand points' layer data: position ``p``, band ``b`` (:func:`band_of`) and
    hover text ``tip`` (community, building, households, walk or straight line, nearest
    room, gap)."""
    d = demand[demand["lon"].notna() & demand["lat"].notna()]
    walk = d["walk_m"].astype(float).to_numpy()
    straight = (d["straight_m"].astype(float).to_numpy() if "straight_m" in d.columns
                else np.full(len(d), np.nan))
    bands = band_of(walk, limit_m).tolist()
    comm = d["community_id"].astype(str)
    name = comm.map(names).fillna(comm).astype(str).tolist()
    near = [r if isinstance(r, str) else "–" for r in d["nearest_room_id"]]
    # templates filled per row with str.format (t() once per template, not per row)
    building = t("cmap.tip.building", lang, community="{0}", id="{1}")
    households = t("cmap.tip.households", lang, n="{0}")
    walk_t = t("cmap.tip.walk", lang, m="{0:.0f}", min="{1:.1f}")
    beyond = t("cmap.tip.beyond", lang, limit=f"{limit_m:.0f}")
    straight_t = t("cmap.tip.straight", lang, m="{0:.0f}")
    nearest = t("cmap.tip.nearest", lang, room="{0}")
    gap = "\n" + t("cmap.tip.gap", lang)
    lon = d["lon"].to_numpy(float).round(_DIGITS).tolist()
    lat = d["lat"].to_numpy(float).round(_DIGITS).tolist()
    rows = []
    for i, (lvl, did, hh, w, sl, b) in enumerate(zip(d["level"].tolist(), d["demand_id"].astype(str).tolist(),
                                                      d["households"].tolist(), walk.tolist(), straight.tolist(),
                                                      bands, strict=True)):
        head = name[i] if lvl == "community" else building.format(name[i], did)
        how = (walk_t.format(w, w / speed / 60) if math.isfinite(w)
               else beyond + straight_t.format(sl) if math.isfinite(sl) else beyond)
        tip = "\n".join((head, households.format(fmt_count(hh, lang)), how, nearest.format(near[i])))
        rows.append({"p": [lon[i], lat[i]], "b": b, "tip": tip + gap if b >= GAP_BAND else tip})
    return rows


def label_rooms(room: list[dict[str, Any]], labels: bool | None) -> list[dict[str, Any]]:
    """The rooms (of :func:`room_data`) whose names are drawn (see :func:`city_map`)."""
    if labels is None:  # every room of a district, the changed rooms of a city
        return list(room) if len(room) <= LABELS_ALL_MAX else [r for r in room if r["s"] != "open"]
    return list(room) if labels else []


def room_data(rooms: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Rooms with a point: position, status, colour, label and hover text."""
    if rooms is None or rooms.empty:
        return []
    r = rooms[rooms["lon"].notna() & rooms["lat"].notna()]
    status = (r["status"] if "status" in r.columns else pd.Series("open", index=r.index)).replace({"kept": "open"})
    titles = {"open": t("cmap.room.open", lang), "added": t("cmap.room.added", lang),
              "moved": t("cmap.room.moved", lang), "closed": t("cmap.room.closed", lang)}
    out = []
    for row, s in zip(r.itertuples(index=False), status, strict=True):
        s = s if s in ROOM_COLORS else "open"
        name = str(row.name) if isinstance(getattr(row, "name", None), str) and row.name else str(row.room_id)
        out.append({"p": _ll(row.lon, row.lat), "s": s, "c": ROOM_COLORS[s], "label": name,
                    "tip": f"{name}\n{titles[s]} {row.room_id}"})
    return out


def hall_data(halls: pd.DataFrame | None, lang: str) -> list[dict[str, Any]]:
    """Halls with a point: position and hover text."""
    if halls is None or halls.empty:
        return []
    h = halls[halls["lon"].notna() & halls["lat"].notna()]
    return [{"p": _ll(r.lon, r.lat), "tip": f"{r.name}\n{t('cmap.hall', lang)} {r.hall_id}"}
            for r in h.itertuples(index=False)]


def _view(lons: np.ndarray, lats: np.ndarray, height: int) -> dict[str, Any]:
    """A view that fits the points (a map 900 px wide by ``height``)."""
    if len(lons) == 0:
        return {"longitude": 120.0, "latitude": 30.0, "zoom": 10}
    lo0, lo1, la0, la1 = np.nanmin(lons), np.nanmax(lons), np.nanmin(lats), np.nanmax(lats)
    lat = (la0 + la1) / 2
    span_x = max(lo1 - lo0, 1e-3) / 360 * 512
    span_y = max(la1 - la0, 1e-3) / 360 * 512 / max(math.cos(math.radians(lat)), 0.1)
    zoom = math.log2(min(900 / span_x, height / span_y)) - 0.3
    return {"longitude": round(float((lo0 + lo1) / 2), 5), "latitude": round(float(lat), 5),
            "zoom": round(float(min(max(zoom, 3.0), 17.0)), 2)}


# ---------------------------------------------------------------- the spec
def city_map(*, demand: pd.DataFrame, communities: pd.DataFrame, rooms: pd.DataFrame, limit_m: float, speed: float,
             lang: str = "zh", streets: Streets | None = None, halls: pd.DataFrame | None = None,
             basemap: bool = False, height: int = 650, labels: bool | None = None) -> dict[str, Any]:
    """The deck.gl spec of the city map (see the module docstring).

    Parameters
    ----------
    demand
        ``CoverageResult.demand``: ``demand_id, community_id, level, households, lon,
        lat, walk_m, nearest_room_id``.
    communities
        ``community_id, name`` (hover).
    rooms
        ``room_id, name, lon, lat`` and optionally ``status`` (``open``/``kept``,
        ``added``, ``moved``, ``closed``).
    limit_m, speed
        The walking limit (metres) and speed (m/s): the bands and the minutes in the hover.
    streets
        :func:`street_paths` of the network (``None``: no street layer).
    halls
        ``hall_id, name, lon, lat``.
    basemap
        Opt-in: Carto tiles under the layers (needs the internet).
    labels
        Room names drawn on the map: ``True`` every room, ``False`` none, ``None``
        (default) every room up to :data:`LABELS_ALL_MAX` rooms, else only the rooms a plan
        changes (added, moved, closed). The browser builds a glyph for every distinct
        character it draws: the 823 names of a city cost about 2 s on each visit without a
        graphics card (``benchmarks/results/map_browser.md``). Every room keeps its name in
        the hover.

    Returns
    -------
    dict
        ``{"initialViewState", "views", "layers", "mapStyle", ...}``; the street layer's
        ``data`` is the :class:`Streets` object (written by :func:`to_deck`).
    """
    names = dict(zip(communities["community_id"], communities["name"].fillna(communities["community_id"]),
                     strict=True))
    dem = demand_data(demand, names, limit_m, speed, lang)
    room = room_data(rooms, lang)
    hall = hall_data(halls, lang)
    pts = [d["p"] for d in dem] + [r["p"] for r in room]
    view = _view(np.array([p[0] for p in pts]), np.array([p[1] for p in pts]), height)
    layers: list[dict[str, Any]] = []
    if streets is not None and streets.paths and streets.n_vertices > RASTER_VERTICES:
        image = streets.image()
        layers.append({"@@type": "BitmapLayer", "id": "streets", "image": image.url,
                       "bounds": [round(b, 7) for b in image.bounds], "pickable": False})
    elif streets is not None and streets.paths:
        layers.append({
            "@@type": "PathLayer", "id": "streets", "data": streets, "getPath": "@@=-", "positionFormat": "XY",
            "coordinateSystem": "lnglat-offsets", "coordinateOrigin": [*streets.origin, 0],
            "modelMatrix": [1 / SCALE, 0, 0, 0, 0, 1 / SCALE, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
            "getColor": STREET_COLOR, "getWidth": 1, "widthUnits": "pixels", "widthMinPixels": 1,
            "pickable": False})
    for b, color in enumerate(BAND_COLORS):  # one layer per band: no colour per point to send
        gap = b >= GAP_BAND
        layers.append({
            "@@type": "ScatterplotLayer", "id": f"band{b}", "data": [d for d in dem if d["b"] == b],
            "getPosition": "@@=p", "getFillColor": color, "getRadius": 12 if gap else 8, "radiusUnits": "meters",
            "radiusMinPixels": 1.5 if gap else 1, "radiusMaxPixels": 8 if gap else 6, "stroked": gap,
            "getLineColor": [255, 255, 255], "lineWidthUnits": "pixels", "getLineWidth": 1, "pickable": True,
            "autoHighlight": True})
    layers.append({
        "@@type": "ScatterplotLayer", "id": "halls", "data": hall, "getPosition": "@@=p",
        "getFillColor": HALL_COLOR, "getRadius": 7, "radiusUnits": "pixels", "stroked": True,
        "getLineColor": [255, 255, 255], "lineWidthMinPixels": 2, "pickable": True})
    layers.append({
        "@@type": "ScatterplotLayer", "id": "rooms", "data": room, "getPosition": "@@=p", "getFillColor": "@@=c",
        "getRadius": 6, "radiusUnits": "pixels", "stroked": True, "getLineColor": [255, 255, 255],
        "lineWidthMinPixels": 2, "pickable": True, "autoHighlight": True})
    named = label_rooms(room, labels)
    if named:
        layers.append({
            "@@type": "TextLayer", "id": "room_labels", "data": [{"p": r["p"], "label": r["label"]} for r in named],
            "getPosition": "@@=p", "getText": "@@=label",
            "characterSet": "auto", "fontFamily": FONT, "getSize": 40, "sizeUnits": "meters", "sizeMinPixels": 0,
            "sizeMaxPixels": 18, "getColor": [13, 71, 161], "getPixelOffset": [0, -14],
            "outlineWidth": 2, "outlineColor": [255, 255, 255], "fontSettings": {"sdf": True},
            "getTextAnchor": "middle", "getAlignmentBaseline": "bottom", "pickable": False})
    spec: dict[str, Any] = {
        "initialViewState": {**view, "pitch": 0, "bearing": 0},
        "views": [{"@@type": "MapView", "controller": True}],
        "layers": layers,
        "mapStyle": "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json" if basemap else NO_BASEMAP,
    }
    if basemap:
        spec["mapProvider"] = "carto"
    return spec


# ---------------------------------------------------------------- to Streamlit
class _SpecDeck(pdk.Deck):
    """A :class:`pydeck.Deck` that writes a ready spec compactly."""

    def __init__(self, text: str, tooltip: dict[str, str], height: int) -> None:
        super().__init__(layers=[], map_provider=None, tooltip=tooltip, height=height)
        self._text = text

    def to_json(self) -> str:  # pydeck's own indents: several times larger
        return self._text


def spec_json(spec: dict[str, Any]) -> str:
    """The spec as compact JSON; a :class:`Streets` layer data is written as its
    prepared text."""
    raw: list[str] = []

    def default(o: Any) -> Any:
        if isinstance(o, Streets):
            raw.append(o.json)
            return f"@@RAW{len(raw) - 1}@@"
        raise TypeError(f"cannot write {type(o).__name__} into the map spec")

    text = json.dumps(spec, separators=(",", ":"), ensure_ascii=False, default=default)
    for i, chunk in enumerate(raw):
        text = text.replace(f'"@@RAW{i}@@"', chunk, 1)
    return text


def to_deck(spec: dict[str, Any] | str, height: int = 650) -> pdk.Deck:
    """The spec (or its :func:`spec_json`) as a deck for ``st.pydeck_chart`` (hover: each
    object's ``tip`` as plain text)."""
    return _SpecDeck(spec if isinstance(spec, str) else spec_json(spec), {"text": "{tip}"}, height)


def legend(limit_m: float, lang: str) -> str:
    """The map's legend in words (the bands' limits in metres)."""
    return t("cmap.legend", lang, a=f"{limit_m * BANDS[0]:.0f}", b=f"{limit_m * BANDS[1]:.0f}",
             limit=f"{limit_m * BANDS[2]:.0f}")
