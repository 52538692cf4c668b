"""Room planning: where K new rooms cover the most uncovered households, and what-ifs.

Maximum coverage on a sparse coverage matrix ``A`` (candidate site × demand point,
true when the walk is within the limit):

* :func:`greedy` — pick the site adding the most uncovered weight, K times. Greedy is
  within a factor ``1 - 1/e`` of the optimum (Nemhauser, Wolsey & Fisher 1978) and fast.
* :func:`exact` — the MILP ``max Σ w_j y_j`` s.t. ``y_j <= Σ_i A_ij x_i``,
  ``Σ x_i <= K``, ``x`` binary, ``0 <= y <= 1``, solved by HiGHS through
  ``scipy.optimize.milp`` when the instance is small; its bound gives the optimality gap
  of greedy (``(bound - greedy) / bound``).

Weight of a demand point: its uncovered households, plus ``elderly_weight`` times its
elderly (option "weight elderly more"). Candidate sites come from a file the user
uploads (community centres, village committees) or from the street network's nodes
near uncovered households.

Each candidate is attached to the graph without rebuilding it: a site snapped onto the
street between consecutive graph nodes ``a`` and ``b`` reaches ``x`` in
``min(off_a + d(a, x), off_b + d(b, x))``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.spatial import cKDTree

from dashboard import settings
from dashboard.coverage import solvers
from dashboard.coverage.engine import CoverageResult, compute
from dashboard.coverage.inputs import CoverageData
from dashboard.coverage.projection import to_lonlat, to_xy
from dashboard.coverage.routing import attach_points, reach

__all__ = [
    "PlanError",
    "PlanResult",
    "candidates_from_network",
    "exact",
    "named_sites",
    "greedy",
    "plan",
    "plan_geojson",
    "plan_table",
    "read_candidates",
    "suggest",
    "what_if",
]

Progress = Callable[[str, float], None] | None

EXACT_MAX_CANDIDATES = 1500
EXACT_MAX_COLUMNS = 5000
EXACT_TIME_LIMIT_S = 20.0


class PlanError(ValueError):
    """Bad planner input (the message names the file, row and field where it applies)."""


# ---------------------------------------------------------------- algorithms
def greedy(A: sparse.spmatrix, w: np.ndarray, k: int) -> tuple[list[int], list[float]]:
    """Greedy maximum coverage.

    Parameters
    ----------
    A
        ``(n_sites, n_demand)`` boolean coverage matrix.
    w
        Weight of each demand point (``>= 0``).
    k
        Number of sites to pick.

    Returns
    -------
    chosen, gains
        Picked site indices in order, and the weight each one added. Stops early when
        no site adds anything. Ties go to the lowest index.
    """
    A = sparse.csr_matrix(A, dtype=float)
    w = np.asarray(w, float).copy()
    state = {"gain": A @ w}

    def take(j: int) -> None:
        cols = A.indices[A.indptr[j]:A.indptr[j + 1]]
        cols = cols[w[cols] > 0]
        if len(cols):  # the picked site's households are covered: the gains of the others drop
            delta = np.zeros(len(w))
            delta[cols] = w[cols]
            state["gain"] = state["gain"] - A @ delta
            w[cols] = 0.0

    return solvers.greedy_picks(lambda: state["gain"], take, k)


def exact(A: sparse.spmatrix, w: np.ndarray, k: int, time_limit_s: float = EXACT_TIME_LIMIT_S
          ) -> tuple[list[int], float, float, bool]:
    """Exact maximum coverage by MILP (HiGHS through ``scipy.optimize.milp``).

    Parameters
    ----------
    A, w, k
        As in :func:`greedy`.
    time_limit_s
        HiGHS time limit.

    Returns
    -------
    chosen, value, bound, optimal
        The best sites found, their covered weight, an upper bound on the optimum
        (equal to ``value`` when ``optimal``) and whether optimality was proven.
    """
    A = sparse.csr_matrix(A, dtype=float)
    w = np.asarray(w, float)
    n, m = A.shape
    if n == 0 or m == 0 or k <= 0:
        return [], 0.0, 0.0, True
    c = np.concatenate([np.zeros(n), -w])
    # y_j - sum_i A_ij x_i <= 0
    cover = sparse.hstack([-A.T, sparse.identity(m)], format="csr")
    budget = sparse.csr_matrix(np.concatenate([np.ones(n), np.zeros(m)])[None, :])
    cons = [
        LinearConstraint(cover, -np.inf, 0.0),
        LinearConstraint(budget, 0.0, float(min(k, n))),
    ]
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0.0, 1.0),
               options={"time_limit": float(time_limit_s), "disp": False})
    if res.x is None:
        return [], 0.0, float(w.sum()), False
    x = res.x[:n]
    chosen = [int(i) for i in np.flatnonzero(x > 0.5)]
    covered = np.asarray(A[chosen].sum(axis=0)).ravel() > 0 if chosen else np.zeros(m, bool)
    value = float(w[covered].sum())
    optimal = res.status == 0
    bound = value if optimal else float(-getattr(res, "mip_dual_bound", -w.sum()))
    return chosen, value, max(bound, value), optimal


# ---------------------------------------------------------------- candidates
_ID_HEADERS = ("site_id", "候选点编号", "编号", "站点编号", "id", "ID")
_NAME_HEADERS = ("name", "名称", "候选点名称", "站点名称")
_LON_HEADERS = ("lon", "lng", "longitude", "经度", "x", "X")
_LAT_HEADERS = ("lat", "latitude", "纬度", "y", "Y")


def _pick(cols: Sequence[str], names: Sequence[str]) -> str | None:
    low = {str(c).strip().lower(): c for c in cols}
    for n in names:
        if n.lower() in low:
            return low[n.lower()]
    return None


def read_candidates(source: str | Path | bytes, filename: str | None = None, crs: str = "wgs84") -> pd.DataFrame:
    """Read candidate sites from CSV / XLSX (id, name, lon, lat) or GeoJSON / GPKG points.

    Parameters
    ----------
    source
        A path, or the bytes of an uploaded file (then ``filename`` gives its name).
    filename
        Name used for the format and in error messages.
    crs
        ``wgs84``, ``gcj02`` or ``bd09`` (converted with :mod:`dashboard.ingest.coords`).

    Returns
    -------
    DataFrame
        ``site_id, name, lon, lat`` (WGS-84).

    Raises
    ------
    PlanError
        Unknown format, missing lon/lat column, or a row whose lon/lat is not a number
        inside China (the message names the file, the row and the field).
    """
    name = filename or (Path(source).name if not isinstance(source, bytes) else "upload")
    low = name.lower()
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    if low.endswith((".geojson", ".json", ".gpkg")):
        import geopandas as gpd

        try:
            gdf = gpd.read_file(io.BytesIO(raw))
        except Exception as exc:
            raise PlanError(f"{name}: not a readable point file ({exc})") from None
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            gdf = gdf.to_crs("EPSG:4326")
        bad = [i for i, g in enumerate(gdf.geometry.values) if g is None or g.geom_type != "Point"]
        if bad:
            raise PlanError(f"{name}: row {bad[0] + 1}, field geometry: candidate sites must be points")
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df["lon"] = gdf.geometry.x.to_numpy()
        df["lat"] = gdf.geometry.y.to_numpy()
    elif low.endswith((".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")):
        try:
            df = pd.read_excel(io.BytesIO(raw), dtype=str, engine="calamine")
        except Exception as exc:
            raise PlanError(f"{name}: not a readable workbook ({exc})") from None
    elif low.endswith((".csv", ".txt")):
        text = None
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise PlanError(f"{name}: neither UTF-8 nor GBK text")
        df = pd.read_csv(io.StringIO(text), dtype=str)
    else:
        raise PlanError(f"{name}: unknown candidate format (use CSV, XLSX, GeoJSON or GeoPackage)")
    lon_c = _pick(df.columns, _LON_HEADERS)
    lat_c = _pick(df.columns, _LAT_HEADERS)
    if lon_c is None or lat_c is None:
        raise PlanError(f"{name}: field lon/lat: no longitude/latitude column (经度/纬度, lon/lat)")
    id_c = _pick(df.columns, _ID_HEADERS)
    name_c = _pick(df.columns, _NAME_HEADERS)
    lon = pd.to_numeric(df[lon_c], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(df[lat_c], errors="coerce").to_numpy(float)
    x0, y0, x1, y1 = settings.CHINA_BBOX
    for field_name, vals, lo, hi in (("lon", lon, x0, x1), ("lat", lat, y0, y1)):
        bad = np.flatnonzero(~np.isfinite(vals) | (vals < lo) | (vals > hi))
        if len(bad):
            col = lon_c if field_name == "lon" else lat_c
            raise PlanError(
                f"{name}: row {bad[0] + 1}, field {col}: {df[col].iloc[bad[0]]!r} is not a "
                f"{'longitude' if field_name == 'lon' else 'latitude'} in China"
            )
    crs = (crs or "wgs84").lower()
    if crs not in ("wgs84", "epsg:4326"):
        from dashboard.ingest import coords as conv

        fn = getattr(conv, f"{crs}_to_wgs84", None)
        if fn is None:
            raise PlanError(f"{name}: unknown coordinate system {crs!r}")
        lon, lat = (np.asarray(a, float) for a in fn(lon, lat))
    ids = df[id_c].astype(str).to_numpy() if id_c else np.array([f"S{i + 1:04d}" for i in range(len(df))])
    if len(set(ids)) != len(ids):
        dup = pd.Series(ids).duplicated()
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise PlanError(f"{name}: row {i + 1}, field {id_c}: duplicate site id {ids[i]!r}")
    names = df[name_c].astype(str).to_numpy() if name_c else ids
    return pd.DataFrame({"site_id": ids, "name": names, "lon": lon, "lat": lat})


def _node_demand_pairs(data: CoverageData, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """(street node, located demand point) pairs within ``limit`` in a straight line
    (cached per walk length on the data object)."""
    key = ("node_demand_pairs", round(float(limit), 6))
    c = data.cache.get(key)
    if c is None:
        net = data.network
        dem = data.demand[data.located]
        tree = cKDTree(np.column_stack([dem["x"].to_numpy(float), dem["y"].to_numpy(float)]))
        ntree = cKDTree(np.column_stack([net.node_x, net.node_y]))
        pairs = ntree.sparse_distance_matrix(tree, limit, output_type="coo_matrix")
        c = data.cache[key] = (pairs.row.astype(np.int32), pairs.col.astype(np.int32))
    return c


def candidates_from_network(data: CoverageData, result: CoverageResult, max_candidates: int = 2000,
                            cell_m: float | None = None) -> pd.DataFrame:
    """Candidate sites at street-network nodes near uncovered households.

    Nodes within the walking limit (straight line) of an uncovered demand point are
    scored by the uncovered households in that radius; one node per grid cell
    (``cell_m``, default a third of the limit) is kept, best first, up to
    ``max_candidates``.

    Returns
    -------
    DataFrame
        ``site_id ('N<node>'), name, lon, lat, node``.
    """
    limit = result.limit_m
    dem = result.demand[data.located]
    net = data.network
    cols = ["site_id", "name", "lon", "lat", "node"]
    unc = (~dem["covered"].to_numpy(bool)) & (dem["households"].to_numpy(float) > 0)
    if not unc.any():
        return pd.DataFrame(columns=cols)
    rows, dcol = _node_demand_pairs(data, limit)
    hit = unc[dcol]
    if not hit.any():
        return pd.DataFrame(columns=cols)
    hh = np.where(unc, dem["households"].to_numpy(float), 0.0)
    score_all = np.bincount(rows, weights=hh[dcol], minlength=net.n_nodes)
    cand = np.flatnonzero(np.bincount(rows[hit], minlength=net.n_nodes) > 0)
    score = score_all[cand]
    cell = cell_m or limit / 3.0
    gx = np.floor(net.node_x[cand] / cell).astype(np.int64)
    gy = np.floor(net.node_y[cand] / cell).astype(np.int64)
    # best first (ties: lowest node), then the first node of each grid cell
    order = np.lexsort((cand, -score))
    cell_key = (gx - gx.min()) * (int(gy.max() - gy.min()) + 1) + (gy - gy.min())
    _, first = np.unique(cell_key[order], return_index=True)
    keep = cand[order[np.sort(first)][:max_candidates]].astype(np.int64)
    return pd.DataFrame({
        "site_id": [f"N{n}" for n in keep],
        "name": [f"N{n}" for n in keep],
        "lon": net.node_lon[keep],
        "lat": net.node_lat[keep],
        "node": keep,
    })


def _attach(data: CoverageData, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Graph nodes (a, b) and offsets (off_a, off_b) through which each candidate is reached."""
    n = len(cands)
    if "node" in cands.columns and cands["node"].notna().all():
        nodes = cands["node"].to_numpy(np.int64)
        z = np.zeros(n)
        return nodes, nodes, z, z
    x, y = to_xy(data.network.proj, cands["lon"].to_numpy(float), cands["lat"].to_numpy(float))
    a, b, oa, ob, _ = attach_points(data.model, x, y)
    return a, b, oa, ob


def coverage_matrix(data: CoverageData, cands: pd.DataFrame, columns: np.ndarray, limit: float | np.ndarray,
                    progress: Progress = None) -> sparse.csr_matrix:
    """``(n_candidates, len(columns))`` boolean matrix: candidate reaches demand point.

    ``columns`` are indices into the located demand points of the model; ``limit`` is
    the walk in metres, one for all or one per column (thresholds by community kind).
    The walks come from :func:`dashboard.coverage.routing.reach` (bounded Dijkstra on
    local subgraphs).
    """
    src, col, _ = candidate_pairs(data, cands, columns, limit, progress)
    return sparse.csr_matrix((np.ones(len(src), bool), (src, col)), shape=(len(cands), len(columns)))


def candidate_pairs(data: CoverageData, cands: pd.DataFrame, columns: np.ndarray, limit: float | np.ndarray,
                    progress: Progress = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate → demand pairs within the walk: candidate index, position in ``columns``
    and walking distance (``limit`` one for all or one per column)."""
    m = data.model
    columns = np.asarray(columns, dtype=np.int64)
    lim = np.broadcast_to(np.asarray(limit, float), columns.shape)
    a, b, oa, ob = _attach(data, cands)
    prog = (lambda msg, f: progress(msg, 0.1 + 0.6 * f)) if progress else None
    src, col, dist = reach(m, a, b, oa, ob, float(lim.max(initial=0.0)), progress=prog)
    colmap = np.full(len(m.demand_node), -1, dtype=np.int64)
    colmap[columns] = np.arange(len(columns))
    keep = colmap[col] >= 0
    keep[keep] = dist[keep] <= lim[colmap[col[keep]]]
    return src[keep], colmap[col[keep]], dist[keep]


# ---------------------------------------------------------------- plan
@dataclass
class PlanResult:
    """The answer of :func:`plan`.

    Attributes
    ----------
    added
        ``site_id, name, lon, lat, new_households, new_elderly, gain`` in pick order.
    share_before, share_after
        Household share within the walk before and after adding the sites (both from
        the coverage engine).
    optimality_gap
        ``(bound - greedy) / bound`` from the exact MILP, ``None`` when the instance
        was too large for the check.
    """

    added: pd.DataFrame
    share_before: float | None
    share_after: float | None
    optimality_gap: float | None
    greedy_value: float
    exact_value: float | None
    exact_bound: float | None
    exact_optimal: bool | None
    n_candidates: int
    n_columns: int
    before: CoverageResult
    after: CoverageResult
    candidates: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The ``servicecircle plan --json`` object (keys of the issue)."""
        return {
            "added": [
                {"site_id": str(r.site_id), "lon": round(float(r.lon), 7), "lat": round(float(r.lat), 7),
                 "new_households": int(r.new_households), "new_elderly": int(r.new_elderly)}
                for r in self.added.itertuples(index=False)
            ],
            "share_before": self.share_before,
            "share_after": self.share_after,
            "optimality_gap": None if self.optimality_gap is None else round(self.optimality_gap, 6),
            "objective": self.extra.get("objective", "coverage"),
            **{k: self.extra[k] for k in ("capacity", "mean_walk_before_m", "mean_walk_after_m") if k in self.extra},
        }


def plan(
    data: CoverageData,
    *,
    k: int,
    candidates: pd.DataFrame | None = None,
    minutes: float = settings.WALK_MINUTES,
    speed_m_s: float = settings.WALK_SPEED_M_S,
    elderly_weight: float = 0.0,
    on: dt.date | None = None,
    max_candidates: int = 2000,
    exact_check: bool = True,
    progress: Progress = None,
    minutes_by_kind: Mapping[str, float] | None = None,
    objective: str = "coverage",
    households_per_manager: float | None = None,
    managers_per_room: int = 1,
) -> PlanResult:
    """Suggest ``k`` new rooms that cover the most uncovered households.

    Parameters
    ----------
    data
        From :func:`dashboard.coverage.engine.load_data`.
    k
        Number of rooms to add (1..64).
    candidates
        ``site_id, name, lon, lat`` (from :func:`read_candidates`); ``None``: network
        nodes near uncovered households (:func:`candidates_from_network`).
    minutes, speed_m_s
        The walk.
    elderly_weight
        Extra weight per uncovered elderly person (0: households only).
    on
        Rooms open on this date are the starting point (``None``: every room not closed).
    max_candidates
        Cap on network-node candidates.
    exact_check
        Run the MILP when the instance is small.
    minutes_by_kind
        Other walks for communities of a kind (e.g. ``{"rural": 15}``), as in
        :func:`~dashboard.coverage.engine.compute`.
    objective
        ``"coverage"`` (default): the most uncovered households within the walk;
        ``"mean_walk"``: the lowest mean walk of all households to their nearest room
        (p-median; walks beyond :data:`MEDIAN_SEARCH_FACTOR` times the walk count as that
        far), see :mod:`dashboard.coverage.solvers`.
    households_per_manager, managers_per_room
        With a cap, each new room serves at most ``cap x managers`` households
        (coverage objective; the gain of a site is what it can serve).

    Returns
    -------
    PlanResult
    """
    if not 1 <= int(k) <= 64:
        raise PlanError("k must be between 1 and 64")
    if elderly_weight < 0:
        raise PlanError("elderly weight must be >= 0")
    if objective not in OBJECTIVES:
        raise PlanError(f"objective must be one of {', '.join(OBJECTIVES)}")
    if households_per_manager is not None and (households_per_manager <= 0 or managers_per_room < 1):
        raise PlanError("households per manager and managers per room must be positive")
    if objective == "mean_walk":
        return _plan_mean_walk(data, k=k, candidates=candidates, minutes=minutes, speed_m_s=speed_m_s,
                               elderly_weight=elderly_weight, on=on, max_candidates=max_candidates,
                               exact_check=exact_check, minutes_by_kind=minutes_by_kind, progress=progress)
    before = compute(data, minutes=minutes, speed_m_s=speed_m_s, on=on, minutes_by_kind=minutes_by_kind)
    limit = before.limit_m
    if progress:
        progress("candidates", 0.05)
    cands = candidates_from_network(data, before, max_candidates) if candidates is None else candidates.reset_index(drop=True)
    dem_loc = before.demand[data.located].reset_index(drop=True)
    w_all = (dem_loc["households"].to_numpy(float) + elderly_weight * dem_loc["elderly"].to_numpy(float))
    w_all[dem_loc["covered"].to_numpy(bool)] = 0.0
    columns = np.flatnonzero(w_all > 0)
    w = w_all[columns]
    walks = np.full(len(dem_loc), limit)
    for kind, m in (minutes_by_kind or {}).items():
        walks[(dem_loc["community_id"].map(data.communities.set_index("community_id")["kind"]) == kind).to_numpy()] = \
            settings.walk_limit_m(m, speed_m_s)
    site, col, dist = candidate_pairs(data, cands, columns, walks[columns], progress) if len(cands) and len(columns) \
        else (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    A = sparse.csr_matrix((np.ones(len(site), bool), (site, col)), shape=(len(cands), len(columns)))
    if progress:
        progress("greedy", 0.75)
    if households_per_manager is not None:
        capacity = float(households_per_manager) * int(managers_per_room)
        return _finish_capacity(data, (site, col, dist), w, k, capacity, cands, dem_loc, columns, before, exact_check,
                                minutes=minutes, speed_m_s=speed_m_s, on=on, minutes_by_kind=minutes_by_kind,
                                progress=progress)
    chosen, gains = greedy(A, w, k)
    hh = dem_loc["households"].to_numpy(float)[columns]
    el = dem_loc["elderly"].to_numpy(float)[columns]
    done = np.zeros(len(columns), bool)
    rows = []
    for j, g in zip(chosen, gains, strict=True):
        cov = np.zeros(len(columns), bool)
        cov[A.indices[A.indptr[j]:A.indptr[j + 1]]] = True
        new = cov & ~done
        done |= cov
        c = cands.iloc[j]
        rows.append({"site_id": str(c["site_id"]), "name": str(c.get("name", c["site_id"])),
                     "lon": float(c["lon"]), "lat": float(c["lat"]),
                     "new_households": int(hh[new].sum()), "new_elderly": int(el[new].sum()), "gain": g})
    added = pd.DataFrame(rows, columns=["site_id", "name", "lon", "lat", "new_households", "new_elderly", "gain"])
    greedy_value = float(sum(gains))
    gap = ex_val = ex_bound = ex_opt = None
    used = np.asarray(A.sum(axis=0)).ravel() > 0
    n_cols = int(used.sum())
    # candidates that reach nobody new, or reach exactly the same people as another
    # candidate, cannot change the optimum: the exact check sees one of each kind only
    Ar = A.tocsr()
    row_keys: dict[bytes, int] = {}
    for r in range(Ar.shape[0]):
        idx = Ar.indices[Ar.indptr[r]:Ar.indptr[r + 1]]
        if len(idx):
            row_keys.setdefault(np.sort(idx).tobytes(), r)
    distinct_rows = np.array(sorted(row_keys.values()), dtype=np.int64)
    if exact_check and 0 < len(distinct_rows) <= EXACT_MAX_CANDIDATES and 0 < n_cols:
        # identical columns merge (same covering sites): fewer rows, same optimum
        Ac = A[distinct_rows][:, used].tocsc()
        wc = w[used]
        keyed: dict[bytes, int] = {}
        groups = np.empty(Ac.shape[1], np.int64)
        for col in range(Ac.shape[1]):
            key = Ac.indices[Ac.indptr[col]:Ac.indptr[col + 1]].tobytes()
            groups[col] = keyed.setdefault(key, len(keyed))
        if len(keyed) <= EXACT_MAX_COLUMNS:
            wm = np.bincount(groups, weights=wc, minlength=len(keyed))
            first = np.unique(groups, return_index=True)[1]
            Am = Ac[:, first]
            if progress:
                progress("exact check", 0.85)
            _, ex_val, ex_bound, ex_opt = exact(Am, wm, k)
            # greedy's choice is feasible for the merged instance, so the bound cannot be
            # below it: if it is, the merging is wrong, and a gap clamped at 0 would hide it
            if ex_bound < greedy_value - 1e-9 * max(1.0, greedy_value):
                raise RuntimeError(f"exact check: bound {ex_bound} below the greedy value {greedy_value}")
            gap = 0.0 if ex_bound <= 0 else (ex_bound - greedy_value) / ex_bound
    elif exact_check and n_cols == 0:
        gap, ex_val, ex_bound, ex_opt = 0.0, 0.0, 0.0, True
    after = _with_added(data, added, minutes=minutes, speed_m_s=speed_m_s, on=on, minutes_by_kind=minutes_by_kind)
    if progress:
        progress("done", 1.0)
    return PlanResult(added, before.totals["share"], after.totals["share"], gap, greedy_value, ex_val,
                      ex_bound, ex_opt, len(cands), len(columns), before, after, cands)


OBJECTIVES: tuple[str, ...] = ("coverage", "mean_walk")
"""What :func:`plan` optimises: households within the walk, or the mean walk."""
MEDIAN_SEARCH_FACTOR = 3.0
"""The mean-walk objective looks this many walks far (at least 1 km); farther walks count
as that far (a household beyond it is as badly served as one at it)."""


def _site_row(cands: pd.DataFrame, j: int, new_households: float, new_elderly: float, gain: float) -> dict[str, Any]:
    c = cands.iloc[j]
    return {"site_id": str(c["site_id"]), "name": str(c.get("name", c["site_id"])),
            "lon": float(c["lon"]), "lat": float(c["lat"]),
            "new_households": int(round(new_households)), "new_elderly": int(round(new_elderly)), "gain": gain}


_ADDED_COLUMNS = ["site_id", "name", "lon", "lat", "new_households", "new_elderly", "gain"]


def _checked(exact_check: bool, n_cands: int, n_pairs: int, greedy_value: float, solve: Callable[[], tuple],
             progress: Progress) -> tuple[float | None, float | None, float | None, bool | None]:
    """``(gap, exact value, bound, optimal)`` of an exact program when the instance is
    small enough (``None`` each otherwise)."""
    if not (exact_check and n_cands <= EXACT_MAX_CANDIDATES and n_pairs <= solvers.EXACT_MAX_PAIRS):
        return None, None, None, None
    if progress:
        progress("exact check", 0.85)
    ex = solve()
    return _exact_gap(greedy_value, ex), ex[1], ex[2], ex[3]


def _with_added(data: CoverageData, added: pd.DataFrame, **walk: Any) -> CoverageResult:
    """Coverage with the added sites open (the plan's "after")."""
    return compute(data, **walk, add=added.rename(columns={"site_id": "room_id"})[["room_id", "name", "lon", "lat"]])


def _exact_gap(greedy_value: float, ex: tuple[list[int], float, float, bool]) -> float:
    _, _, bound, _ = ex
    if bound < greedy_value - 1e-9 * max(1.0, greedy_value):
        raise RuntimeError(f"exact check: bound {bound} below the greedy value {greedy_value}")
    return 0.0 if bound <= 0 else (bound - greedy_value) / bound


def _finish_capacity(data: CoverageData, pairs: tuple[np.ndarray, np.ndarray, np.ndarray], w: np.ndarray, k: int,
                     capacity: float, cands: pd.DataFrame, dem_loc: pd.DataFrame, columns: np.ndarray,
                     before: CoverageResult, exact_check: bool, *, minutes: float, speed_m_s: float,
                     on: dt.date | None, minutes_by_kind: Mapping[str, float] | None,
                     progress: Progress) -> PlanResult:
    """:func:`plan` with a capacity per new room (see :mod:`dashboard.coverage.solvers`)."""
    site, col, dist = pairs
    chosen, served = solvers.greedy_capacity(site, col, dist, w, capacity, len(cands), k)
    hh_share = dem_loc["households"].to_numpy(float)[columns] / np.where(w > 0, w, 1.0)
    el_share = dem_loc["elderly"].to_numpy(float)[columns] / np.where(w > 0, w, 1.0)
    rows = []
    for j, g in zip(chosen, served, strict=True):
        mine = col[site == j]
        rows.append(_site_row(cands, j, g * float(np.mean(hh_share[mine])) if len(mine) else 0.0,
                              g * float(np.mean(el_share[mine])) if len(mine) else 0.0, g))
    added = pd.DataFrame(rows, columns=_ADDED_COLUMNS)
    greedy_value = float(sum(served))
    gap, ex_val, ex_bound, ex_opt = _checked(exact_check, len(cands), len(site), greedy_value, lambda: (
        solvers.exact_capacity(site, col, w, capacity, len(cands), k)), progress)
    after = _with_added(data, added, minutes=minutes, speed_m_s=speed_m_s, on=on, minutes_by_kind=minutes_by_kind)
    served_total = float(before.totals["households_covered"]) + float(added["new_households"].sum())
    share_after = round(served_total / before.totals["households_total"], 6) if before.totals["households_total"] else None
    return PlanResult(added, before.totals["share"], share_after, gap, greedy_value, ex_val, ex_bound, ex_opt,
                      len(cands), len(columns), before, after, cands,
                      extra={"objective": "coverage", "capacity": capacity, "share_within_walk_after": after.totals["share"]})


def _mean_walk(walk: np.ndarray, w: np.ndarray, far: float) -> float | None:
    tot = float(w.sum())
    return float((np.minimum(walk, far) * w).sum() / tot) if tot > 0 else None


def _plan_mean_walk(data: CoverageData, *, k: int, candidates: pd.DataFrame | None, minutes: float,
                    speed_m_s: float, elderly_weight: float, on: dt.date | None, max_candidates: int,
                    exact_check: bool, minutes_by_kind: Mapping[str, float] | None,
                    progress: Progress) -> PlanResult:
    """:func:`plan` with the mean-walk (p-median) objective."""
    before = compute(data, minutes=minutes, speed_m_s=speed_m_s, on=on, minutes_by_kind=minutes_by_kind)
    far = max(MEDIAN_SEARCH_FACTOR * before.limit_m, 1000.0)
    reach_far = compute(data, minutes=far / (60.0 * speed_m_s), speed_m_s=speed_m_s, on=on)
    cands = candidates_from_network(data, before, max_candidates) if candidates is None else candidates.reset_index(drop=True)
    dem_loc = reach_far.demand[data.located].reset_index(drop=True)
    w_all = dem_loc["households"].to_numpy(float) + elderly_weight * dem_loc["elderly"].to_numpy(float)
    columns = np.flatnonzero(w_all > 0)
    w = w_all[columns]
    cur = np.minimum(dem_loc["walk_m"].to_numpy(float)[columns], far)
    if progress:
        progress("candidates", 0.3)
    site, col, dist = candidate_pairs(data, cands, columns, far, progress) if len(cands) and len(columns) else \
        (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    chosen, saved = solvers.greedy_median(site, col, dist, w, cur, len(cands), k)
    walks_in = np.full(len(dem_loc), before.limit_m)
    kinds = dem_loc["community_id"].map(data.communities.set_index("community_id")["kind"])
    for kind, m in (minutes_by_kind or {}).items():
        walks_in[(kinds == kind).to_numpy()] = settings.walk_limit_m(m, speed_m_s)
    lim = walks_in[columns]
    hh = dem_loc["households"].to_numpy(float)[columns]
    el = dem_loc["elderly"].to_numpy(float)[columns]
    covered = cur <= lim
    rows = []
    for j, g in zip(chosen, saved, strict=True):
        mine = (site == j) & (dist <= lim[col])
        new = np.zeros(len(columns), bool)
        new[col[mine]] = True
        new &= ~covered
        covered |= new
        rows.append(_site_row(cands, j, hh[new].sum(), el[new].sum(), g))
    added = pd.DataFrame(rows, columns=_ADDED_COLUMNS)
    greedy_value = float(sum(saved))
    gap, ex_val, ex_bound, ex_opt = _checked(exact_check, len(cands), len(site), greedy_value, lambda: (
        solvers.exact_median(site, col, dist, w, cur, len(cands), k)), progress)
    after = _with_added(data, added, minutes=minutes, speed_m_s=speed_m_s, on=on, minutes_by_kind=minutes_by_kind)
    after_far = np.array(cur)
    for j in chosen:
        mine = site == j
        np.minimum.at(after_far, col[mine], dist[mine])
    extra = {"objective": "mean_walk", "far_m": far, "mean_walk_before_m": _mean_walk(cur, w, far),
             "mean_walk_after_m": _mean_walk(after_far, w, far)}
    if progress:
        progress("done", 1.0)
    return PlanResult(added, before.totals["share"], after.totals["share"], gap, greedy_value, ex_val, ex_bound,
                      ex_opt, len(cands), len(columns), before, after, cands, extra=extra)


# ---------------------------------------------------------------- what-if
def what_if(
    data: CoverageData,
    *,
    minutes: float = settings.WALK_MINUTES,
    speed_m_s: float = settings.WALK_SPEED_M_S,
    on: dt.date | None = None,
    add: pd.DataFrame | None = None,
    close: Sequence[str] = (),
    move: dict[str, tuple[float, float]] | None = None,
    minutes_by_kind: Mapping[str, float] | None = None,
) -> CoverageResult:
    """Coverage after adding, moving or closing rooms (no graph rebuild).

    Parameters
    ----------
    add
        New rooms ``room_id, name, lon, lat``.
    close
        Room ids to close.
    move
        ``{room_id: (lon, lat)}``: the room closes where it is and opens there.
    """
    move = move or {}
    rooms = data.rooms.set_index("room_id")
    moved = [
        {"room_id": rid, "name": str(rooms.loc[rid, "name"]) if rid in rooms.index else rid,
         "lon": float(lon), "lat": float(lat)}
        for rid, (lon, lat) in move.items()
    ]
    parts = [p for p in (add, pd.DataFrame(moved)) if p is not None and len(p)]
    extra = pd.concat(parts, ignore_index=True) if parts else None
    return compute(data, minutes=minutes, speed_m_s=speed_m_s, on=on,
                   close=list(close) + list(move), add=extra, minutes_by_kind=minutes_by_kind)


def named_sites(table: pd.DataFrame, default_name: Callable[[int], str]) -> tuple[pd.DataFrame, list[int]]:
    """What-if sites typed on the planner page: ``name, lon, lat`` rows → rooms to add.

    Rows without both coordinates are skipped silently (an empty row being typed); rows
    whose coordinates are not numbers or fall outside China are returned by number
    (1-based) so the page can say which. Ids are ``W1``, ``W2``... in row order; a blank
    name becomes ``default_name(i)``.

    Returns
    -------
    (DataFrame, list of int)
        ``room_id, name, lon, lat`` of the usable rows, and the numbers of the bad rows.
    """
    min_lon, min_lat, max_lon, max_lat = settings.CHINA_BBOX
    rows, bad = [], []
    for i, r in enumerate(table.reindex(columns=["name", "lon", "lat"]).itertuples(index=False), start=1):
        if pd.isna(r.lon) and pd.isna(r.lat):
            continue
        lon, lat = pd.to_numeric(pd.Series([r.lon, r.lat]), errors="coerce")
        if pd.isna(lon) or pd.isna(lat) or not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            bad.append(i)
            continue
        name = "" if pd.isna(r.name) else str(r.name).strip()
        rows.append({"room_id": f"W{i}", "name": name or default_name(i), "lon": float(lon), "lat": float(lat)})
    return pd.DataFrame(rows, columns=["room_id", "name", "lon", "lat"]), bad


# ---------------------------------------------------------------- export
def plan_table(result: CoverageResult, schedule: pd.DataFrame | None = None,
               added: pd.DataFrame | None = None, closed: Sequence[str] = ()) -> pd.DataFrame:
    """One row per room of a plan: the open rooms (kept / added / moved) and the closed.

    Returns
    -------
    DataFrame
        ``room_id, name, status, lon, lat, new_households, new_elderly, open_days, open_hours``.
    """
    rows = result.open_rooms.copy()
    rows["status"] = np.where(rows.get("status", "open") == "added", "added", "kept")
    if added is not None and len(added):
        gain = added.set_index("site_id")[["new_households", "new_elderly"]]
        rows = rows.merge(gain, left_on="room_id", right_index=True, how="left")
    for c in ("new_households", "new_elderly"):
        if c not in rows.columns:
            rows[c] = np.nan
    out = rows[["room_id", "name", "status", "lon", "lat", "new_households", "new_elderly"]].copy()
    if closed:
        out = pd.concat([out, pd.DataFrame({"room_id": list(closed), "status": "closed"})], ignore_index=True)
    if schedule is not None and len(schedule):
        s = schedule[["room_id", "days", "hours"]].copy()
        s["open_days"] = s["days"].map(lambda d: ",".join(d))
        out = out.merge(s[["room_id", "open_days", "hours"]].rename(columns={"hours": "open_hours"}),
                        on="room_id", how="left")
    else:
        out["open_days"] = None
        out["open_hours"] = None
    return out.reset_index(drop=True)


def plan_geojson(table: pd.DataFrame) -> str:
    """The plan table as a GeoJSON FeatureCollection of points (WGS-84)."""
    feats = []
    for r in table.to_dict("records"):
        lon, lat = r.get("lon"), r.get("lat")
        geom = None
        if lon is not None and lat is not None and np.isfinite(lon) and np.isfinite(lat):
            geom = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        props = {}
        for k, v in r.items():
            if k in ("lon", "lat"):
                continue
            if isinstance(v, float) and not np.isfinite(v):
                v = None
            elif isinstance(v, (np.integer,)):
                v = int(v)
            elif isinstance(v, (np.floating,)):
                v = float(v)
            elif v is not None and not isinstance(v, (str, int, float, bool)):
                v = str(v)
            props[k] = v
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False)


def site_lonlat_from_xy(data: CoverageData, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local metres back to lon/lat (for callers that work in metres)."""
    return to_lonlat(data.network.proj, x, y)


def suggest(data: CoverageData, k: int = 5, on: dt.date | None = None, **kwargs: Any) -> PlanResult:
    """:func:`plan` with network-node candidates (the briefing's plan section calls this)."""
    return plan(data, k=k, on=on, **kwargs)
