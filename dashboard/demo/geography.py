"""Geography of the demo city: districts, communities, compounds, villages, halls, streets.

Each district has an urban core of square blocks, one gated compound (社区) per block,
and a ring of villages (村) on a coarse lattice of country roads. A compound's inner
paths meet the street only at one or two gates (there is no way through the wall), so
walking distance is well above straight-line distance. A river crosses each district
east-west; streets and country roads cross it only at a few bridges. One motorway
runs across every district: it links both banks, and a network import must leave it
out (people may not walk on it).

All positions are metres in a local plane centred on Tangshan (东 +x, 北 +y);
:func:`to_lonlat` converts them to WGS-84. Everything is drawn from the ``Generator``
passed in, in a fixed order, so a seed fixes the city.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from dashboard.demo.config import CENTRE_LAT, CENTRE_LON, DemoConfig, District

__all__ = ["Geography", "build_geography", "to_lonlat"]

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0 * float(np.cos(np.radians(CENTRE_LAT)))

_URBAN_A = (
    "新华", "建设", "光明", "学院", "友谊", "文化", "南湖", "龙泉", "幸福", "和平",
    "复兴", "胜利", "钢城", "凤凰", "翔云", "永红", "长宁", "福安", "惠民", "康乐",
    "育才", "朝阳", "金桥", "银河", "西山", "北新", "东风", "红旗", "民主", "团结",
    "振兴", "华岩", "广场", "兴源", "裕华", "滨河", "铁路", "陶瓷", "缸窑", "启新",
    "唐城", "乐园", "梧桐", "紫荆", "丹枫", "青龙", "丰泽", "瑞祥", "安泰", "德胜",
    "花园", "碧水", "御景", "怡和", "盛世", "锦绣", "汇丰", "君安", "馨园", "恒通",
)
_URBAN_B = ("", "东", "西", "南", "北", "里", "新村", "花园", "园", "苑")
_SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "田", "董", "袁", "潘", "蒋", "蔡", "于", "杜",
)
_VILLAGE_B = (
    "家庄", "各庄", "官庄", "庄子", "家营", "家坨", "集", "店", "屯", "家峪", "家坊",
    "家铺", "家寨", "家楼", "家洼", "家泊", "家套", "家口", "家湾", "家河",
)
_VILLAGE_PRE = ("", "东", "西", "南", "北", "前", "后", "大", "小")
_STREETS = (
    "学院南路", "友谊", "广场", "永红桥", "小山", "文化北路", "钱营", "女织寨", "稻地",
    "机场路", "乔屯", "吉祥路", "河北路", "翔云道", "龙东", "大里", "缸窑", "果园",
)
_TOWNS = (
    "稻地", "女织寨", "胥各庄", "黄各庄", "小集", "钱营", "王兰庄", "大齐各庄", "唐坊",
    "柳树酄", "岔河", "南孙庄", "东田庄", "尖字沽", "黑沿子", "大新庄", "泗河", "左家坞",
)


@dataclass
class Geography:
    """The generated geography (local metres; see :func:`to_lonlat`).

    Attributes
    ----------
    communities
        One row per community: ``community_id, name, district, district_code,
        subdistrict, kind, households, population, elderly, disabled, x, y, polygon``
        (a shapely polygon in metres), ``block`` ((row, col) for urban, else None),
        ``neighbours`` (list of row positions of neighbouring communities) and
        ``hall_idx`` (row position of its nearest hall).
    halls
        One row per hall: ``hall_id, name, district, x, y``.
    edges
        One row per street segment: ``x1, y1, x2, y2, highway``.
    buildings
        Compound gates and residential buildings: ``building_id, community_id, kind,
        households, population, elderly, x, y``.
    rivers
        One row per district: ``district, y_south, y_north`` (the river strip).
    """

    communities: pd.DataFrame
    halls: pd.DataFrame
    edges: pd.DataFrame
    buildings: pd.DataFrame
    rivers: pd.DataFrame


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local metres → WGS-84 lon/lat (equirectangular around the centre; <1 m error
    within the city's extent, which is all the demo needs)."""
    return (
        CENTRE_LON + np.asarray(x, dtype=float) / _M_PER_DEG_LON,
        CENTRE_LAT + np.asarray(y, dtype=float) / _M_PER_DEG_LAT,
    )


class _Net:
    """Street segments with shared nodes (positions rounded to 0.1 m).

    Streets are collected as end points and cut into pieces all at once in
    :meth:`frame` (the same arithmetic as ``numpy.linspace`` per street, vectorised:
    the city has ~90k streets).
    """

    def __init__(self) -> None:
        self.lines: list[tuple[float, float, float, float, float]] = []
        self.highways: list[str] = []

    def line(self, p: tuple[float, float], q: tuple[float, float], step: float, highway: str) -> None:
        """Add the straight street p→q cut into pieces of about ``step`` metres."""
        self.lines.append((float(p[0]), float(p[1]), float(q[0]), float(q[1]), float(step)))
        self.highways.append(highway)

    def frame(self) -> pd.DataFrame:
        cols = ["x1", "y1", "x2", "y2", "highway"]
        if not self.lines:
            return pd.DataFrame({c: pd.Series([], dtype=float if c != "highway" else object) for c in cols})
        a = np.array(self.lines, dtype=np.float64)
        px, py, qx, qy, step = a.T
        n = np.maximum(1, np.rint(np.hypot(qx - px, qy - py) / step).astype(np.int64))
        # points 0..n of every street: i * (delta / n) + start, the last one exactly q
        street = np.repeat(np.arange(len(n)), n + 1)
        first = np.cumsum(n + 1) - (n + 1)
        i = np.arange(len(street)) - first[street]
        last = i == n[street]
        xs = i * ((qx - px) / n)[street] + px[street]
        ys = i * ((qy - py) / n)[street] + py[street]
        xs[last] = qx[street][last]
        ys[last] = qy[street][last]
        xs, ys = np.round(xs, 1), np.round(ys, 1)
        seg = ~last  # a piece runs from each point that is not the street's last to the next
        hw = np.asarray(self.highways, dtype=object)[street[seg]]
        return pd.DataFrame({
            "x1": xs[seg], "y1": ys[seg], "x2": xs[1:][seg[:-1]], "y2": ys[1:][seg[:-1]], "highway": hw,
        })


def _names(rng: np.random.Generator, a: tuple[str, ...], b: tuple[str, ...], pre: tuple[str, ...],
           suffix: str, n: int) -> list[str]:
    combos = [p + x + y + suffix for p in pre for x in a for y in b]
    if n > len(combos):
        raise ValueError(f"need {n} names, only {len(combos)} combinations")
    order = rng.permutation(len(combos))[:n]
    return [combos[i] for i in order]


def _district(
    cfg: DemoConfig, d: District, rng: np.random.Generator, net: _Net,
    urban_names: list[str], village_names: list[str],
) -> tuple[list[dict], list[dict], list[dict], list[tuple[float, float]]]:
    """Build one district; returns communities, buildings, halls and its lattice nodes."""
    B, W, step, k = cfg.block_m, cfg.river_gap_m, cfg.road_step_m, cfg.compound_grid
    R, C = d.rows, d.cols
    cx, cy = d.offset_km[0] * 1000.0, d.offset_km[1] * 1000.0
    x0, y0 = cx - C * B / 2.0, cy - (R * B + W) / 2.0
    rl = max(1, R // 2)  # the river runs between block rows rl-1 and rl
    y_bank = y0 + rl * B

    def yb(j: int) -> float:  # bottom of block row j (rows >= rl sit north of the river)
        return y0 + j * B + (W if j >= rl else 0.0)

    # --- streets of the urban core: vertical lines, bank lines, bridges
    bridge_cols = set(rng.choice(C + 1, size=min(cfg.bridges, C + 1), replace=False).tolist())
    for i in range(C + 1):
        x = x0 + i * B
        net.line((x, yb(0)), (x, y_bank), step, "primary")
        net.line((x, y_bank + W), (x, yb(R - 1) + B), step, "primary")
        if i in bridge_cols:
            net.line((x, y_bank), (x, y_bank + W), W, "primary")
    hlines = [y0 + j * B for j in range(rl + 1)] + [y0 + j * B + W for j in range(rl, R + 1)]
    for y in hlines:
        net.line((x0, y), (x0 + C * B, y), step, "primary")

    comms: list[dict] = []
    blds: list[dict] = []
    n_sub_urban = max(1, C // 3)
    inner = np.linspace(40.0, B - 40.0, k)
    mid = k // 2
    for j in range(R):
        for i in range(C):
            bx, by = x0 + i * B, yb(j)
            sub = min(i * n_sub_urban // C, n_sub_urban - 1)
            hh = int(np.clip(rng.lognormal(np.log(3000.0), 0.35), 1200, 7000) * cfg.households_factor)
            pop = int(hh * rng.uniform(2.5, 3.0))
            comms.append({
                "name": urban_names.pop(),
                "sub_idx": sub,
                "subdistrict": _STREETS[(int(d.code[-2:]) * 3 + sub) % len(_STREETS)] + "街道",
                "kind": "urban",
                "households": hh,
                "population": pop,
                "elderly": int(pop * rng.uniform(0.16, 0.27)),
                "disabled": int(pop * rng.uniform(0.012, 0.022)),
                "x": bx + B / 2.0,
                "y": by + B / 2.0,
                "polygon": shapely.box(bx + 10.0, by + 10.0, bx + B - 10.0, by + B - 10.0),
                "block": (j, i),
            })
            # compound paths: a k x k grid inside the wall
            gx, gy = bx + inner, by + inner
            for a in range(k):
                for b in range(k - 1):
                    axis = a == mid
                    for p, q in (((gx[a], gy[b]), (gx[a], gy[b + 1])), ((gx[b], gy[a]), (gx[b + 1], gy[a]))):
                        u = rng.random()
                        hw = ("service" if axis else
                              "steps" if u < 0.04 else "path" if u < 0.10 else
                              "residential" if u < 0.30 else "footway")
                        net.line(p, q, 1e9, hw)
            # gates: one or two, at the middle of a side, to the street node there
            n_gates = 1 if rng.random() < 0.55 else 2
            sides = rng.choice(4, size=n_gates, replace=False)
            for g, s in enumerate(sorted(sides.tolist())):
                inside, street = {
                    0: ((gx[mid], gy[0]), (bx + B / 2.0, by)),
                    1: ((gx[-1], gy[mid]), (bx + B, by + B / 2.0)),
                    2: ((gx[mid], gy[-1]), (bx + B / 2.0, by + B)),
                    3: ((gx[0], gy[mid]), (bx, by + B / 2.0)),
                }[s]
                # only middles of sides are street nodes when B/step is even
                net.line(street, inside, 1e9, "service")
                blds.append({"comm": len(comms) - 1, "key": f"G{g + 1}", "kind": "gate",
                             "x": inside[0], "y": inside[1], "share": 0.0})
            # residential buildings on every other inner node
            pts = [(gx[a], gy[b]) for a in range(0, k, 2) for b in range(1, k, 2)]
            w = rng.dirichlet(np.ones(len(pts)))
            for n_b, ((px, py), share) in enumerate(zip(pts, w)):
                blds.append({"comm": len(comms) - 1, "key": f"B{n_b + 1:02d}", "kind": "building",
                             "x": px + 8.0, "y": py + 8.0, "share": float(share)})

    # --- villages on a lattice of country roads around the core
    S = 1500.0
    half_w, half_h = C * B / 2.0 + S / 2.0, (R * B + W) / 2.0 + S / 2.0
    def lat_xy(a: int, b: int) -> tuple[float, float]:
        y = y_bank + (b + 0.5) * S
        return cx + a * S, y + (W if b >= 0 else 0.0)

    def in_core(a: int, b: int) -> bool:
        px, py = lat_xy(a, b)
        return abs(px - cx) < half_w and abs(py - cy) < half_h

    L = 1
    while True:
        cand = [(a, b) for b in range(-L, L) for a in range(-L, L + 1) if not in_core(a, b)]
        if len(cand) >= int(d.villages * 1.4) + 4:
            break
        L += 1

    cand_set = set(cand)
    rural_bridges = {-L, L}
    for a, b in cand:
        for da, db in ((1, 0), (0, 1)):
            nb = (a + da, b + db)
            if nb not in cand_set:
                continue
            if db == 1 and b == -1 and a not in rural_bridges:
                continue  # the river: country roads cross it only at the outermost columns
            net.line(lat_xy(a, b), lat_xy(*nb), cfg.rural_step_m, "primary")
    # link the lattice to the core: each lattice node next to the core box → nearest corner
    corners = [(x0 + i * B, y) for i in range(C + 1) for y in (hlines[0], hlines[-1])] + \
              [(x, y0 + j * B) for x in (x0, x0 + C * B) for j in range(1, rl + 1)] + \
              [(x, y0 + j * B + W) for x in (x0, x0 + C * B) for j in range(rl, R)]
    corners_arr = np.array(corners)
    for a, b in cand:
        px, py = lat_xy(a, b)
        if abs(px - cx) < half_w + S and abs(py - cy) < half_h + S:
            same_side = (corners_arr[:, 1] > y_bank) == (py > y_bank)
            dd = np.hypot(corners_arr[:, 0] - px, corners_arr[:, 1] - py) + np.where(same_side, 0, 1e12)
            q = corners_arr[int(np.argmin(dd))]
            if dd.min() < 2.5 * S:
                net.line((px, py), (float(q[0]), float(q[1])), cfg.rural_step_m, "primary")
    pick = rng.choice(len(cand), size=d.villages, replace=False)
    angles = []
    for idx in sorted(pick.tolist()):
        a, b = cand[idx]
        px, py = lat_xy(a, b)
        vx, vy = px + 120.0, py + 120.0  # the village sits beside its crossroads
        net.line((px, py), (vx, py), 1e9, "residential")
        net.line((vx, py), (vx, vy), 1e9, "residential")
        for ex, ey in ((150.0, 0.0), (-150.0, 0.0), (0.0, 150.0)):
            net.line((vx, vy), (vx + ex, vy + ey), 75.0, "path")
        hh = int(np.clip(rng.lognormal(np.log(550.0), 0.35), 200, 1400) * cfg.households_factor)
        pop = int(hh * rng.uniform(2.8, 3.4))
        angles.append(np.arctan2(vy - cy, vx - cx))
        comms.append({
            "name": village_names.pop(),
            "sub_idx": -1,
            "subdistrict": "",
            "kind": "rural",
            "households": hh,
            "population": pop,
            "elderly": int(pop * rng.uniform(0.20, 0.32)),
            "disabled": int(pop * rng.uniform(0.014, 0.026)),
            "x": vx,
            "y": vy,
            "polygon": shapely.Point(vx, vy).buffer(300.0, quad_segs=4),
            "block": None,
        })
        blds.append({"comm": len(comms) - 1, "key": "B01", "kind": "building",
                     "x": vx + 10.0, "y": vy + 10.0, "share": 1.0})
    # towns (乡镇): sectors of the ring
    n_towns = max(1, min(8, d.villages // 12 + 1))
    t0 = int(d.code[-2:]) * 5
    v_rows = [c for c in comms if c["kind"] == "rural"]
    for c, ang in zip(v_rows, angles):
        sector = int((ang + np.pi) / (2 * np.pi) * n_towns) % n_towns
        c["sub_idx"] = 100 + sector
        c["subdistrict"] = _TOWNS[(t0 + sector) % len(_TOWNS)] + ("镇" if sector % 2 == 0 else "乡")

    # the motorway: across the district from the SW to the NE lattice corner,
    # touching the streets only at its two ends (interchanges)
    sw, ne = lat_xy(-L, -L), lat_xy(L, L - 1)
    net.line(sw, ne, 500.0, "motorway")

    # halls: spread over the core by farthest-point sampling of blocks
    urban = [c for c in comms if c["kind"] == "urban"]
    pts = np.array([(c["x"], c["y"]) for c in urban])
    chosen = [int(rng.integers(len(urban)))]
    while len(chosen) < min(d.halls, len(urban)):
        dist = np.min(np.hypot(pts[:, None, 0] - pts[None, chosen, 0], pts[:, None, 1] - pts[None, chosen, 1]), axis=1)
        chosen.append(int(np.argmax(dist)))
    halls = []
    for h, ci in enumerate(chosen):
        c = urban[ci]
        halls.append({"x": c["x"] - B / 2.0 + 15.0, "y": c["y"] - B / 2.0 + 15.0,
                      "street": _STREETS[(h * 5 + int(d.code[-2:])) % len(_STREETS)]})
    lattice = [lat_xy(a, b) for a, b in cand]
    halls.append({"river": (y_bank, y_bank + W)})
    return comms, blds, halls, lattice


def build_geography(cfg: DemoConfig, rng: np.random.Generator) -> Geography:
    """Generate the city's geography for a configuration.

    Parameters
    ----------
    cfg
        The demo configuration (districts, block size, compound grid, river...).
    rng
        The random generator (consumed in a fixed order).

    Returns
    -------
    Geography
        Communities (with polygons, counts, neighbours and nearest hall), halls,
        street segments and gate / building points, in local metres.
    """
    n_urban = sum(d.rows * d.cols for d in cfg.districts)
    n_vill = sum(d.villages for d in cfg.districts)
    urban_names = _names(rng, _URBAN_A, _URBAN_B, ("",), "社区", n_urban)
    village_names = _names(rng, _SURNAMES, _VILLAGE_B, _VILLAGE_PRE, "村", n_vill)
    net = _Net()
    all_c: list[dict] = []
    all_b: list[dict] = []
    all_h: list[dict] = []
    lattices: list[list[tuple[float, float]]] = []
    rivers: list[dict] = []
    for d in cfg.districts:
        comms, blds, halls, lattice = _district(cfg, d, rng, net, urban_names, village_names)
        y_s, y_n = halls.pop()["river"]
        rivers.append({"district": d.name, "y_south": y_s, "y_north": y_n})
        base = len(all_c)
        seq: dict[int, int] = {}
        for c in comms:
            s = c.pop("sub_idx")
            seq[s] = seq.get(s, 0) + 1
            c["community_id"] = f"{d.code}{s + 1:03d}{seq[s]:03d}"
            c["district"] = d.name
            c["district_code"] = d.code
        for b in blds:
            b["comm"] += base
        for h, hall in enumerate(halls):
            hall["hall_id"] = f"YYT{d.code[-4:]}{h + 1:02d}"
            hall["name"] = f"{d.name}{hall.pop('street')}营业厅"
            hall["district"] = d.name
        all_c += comms
        all_b += blds
        all_h += halls
        lattices.append(lattice)

    # join the districts' networks along a minimum spanning tree of their centres
    if len(cfg.districts) > 1:
        cen = np.array([d.offset_km for d in cfg.districts]) * 1000.0
        in_tree = [0]
        while len(in_tree) < len(cen):
            best = None
            for i in in_tree:
                for j in range(len(cen)):
                    if j in in_tree:
                        continue
                    dd = float(np.hypot(*(cen[i] - cen[j])))
                    if best is None or dd < best[0]:
                        best = (dd, i, j)
            _, i, j = best
            li, lj = np.array(lattices[i]), np.array(lattices[j])
            dmat = np.hypot(li[:, None, 0] - lj[None, :, 0], li[:, None, 1] - lj[None, :, 1])
            a, b = np.unravel_index(int(np.argmin(dmat)), dmat.shape)
            net.line(tuple(li[a]), tuple(lj[b]), 500.0, "primary")
            in_tree.append(j)

    communities = pd.DataFrame(all_c)
    cols = ["community_id", "name", "district", "district_code", "subdistrict", "kind", "households",
            "population", "elderly", "disabled", "x", "y", "polygon", "block"]
    communities = communities[cols]
    halls = pd.DataFrame(all_h)[["hall_id", "name", "district", "x", "y"]]

    # neighbours: adjacent blocks of the same district; for villages the 2 nearest villages
    xy = communities[["x", "y"]].to_numpy()
    neigh: list[list[int]] = []
    key = {(r.district_code, r.block): i for i, r in enumerate(communities.itertuples()) if r.block is not None}
    rural_idx = np.flatnonzero(communities["kind"].to_numpy() == "rural")
    for i, r in enumerate(communities.itertuples()):
        if r.block is not None:
            j, c = r.block
            nb = [key[(r.district_code, (j + dj, c + dc))] for dj, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
                  if (r.district_code, (j + dj, c + dc)) in key]
        else:
            same = rural_idx[(communities["district_code"].to_numpy()[rural_idx] == r.district_code) & (rural_idx != i)]
            dd = np.hypot(xy[same, 0] - r.x, xy[same, 1] - r.y)
            nb = same[np.argsort(dd, kind="stable")[:2]].tolist()
        neigh.append(nb)
    communities["neighbours"] = neigh
    hxy = halls[["x", "y"]].to_numpy()
    dist = np.hypot(xy[:, None, 0] - hxy[None, :, 0], xy[:, None, 1] - hxy[None, :, 1])
    communities["hall_idx"] = np.argmin(dist, axis=1)

    b = pd.DataFrame(all_b)
    hh = communities["households"].to_numpy()[b["comm"].to_numpy()]
    pop = communities["population"].to_numpy()[b["comm"].to_numpy()]
    eld = communities["elderly"].to_numpy()[b["comm"].to_numpy()]
    share = b["share"].to_numpy()
    is_b = (b["kind"] == "building").to_numpy()
    buildings = pd.DataFrame({
        "building_id": communities["community_id"].to_numpy()[b["comm"].to_numpy()] + "-" + b["key"].to_numpy(),
        "community_id": communities["community_id"].to_numpy()[b["comm"].to_numpy()],
        "kind": b["kind"].to_numpy(),
        "households": np.where(is_b, np.floor(hh * share), 0).astype(np.int64),
        "population": np.where(is_b, np.floor(pop * share), 0).astype(np.int64),
        "elderly": np.where(is_b, np.floor(eld * share), 0).astype(np.int64),
        "x": b["x"].to_numpy(),
        "y": b["y"].to_numpy(),
    })
    return Geography(communities=communities, halls=halls, edges=net.frame(), buildings=buildings,
                     rivers=pd.DataFrame(rivers))
