"""Room planner (选址规划): suggest K new rooms, try what-ifs, schedule open days, export.

Greedy maximum coverage with the exact MILP check and its optimality gap; what-if
add / move / close with the coverage change at once; the open-day schedule with its
weekly timetable and the printable notice board (公示牌); CSV and GeoJSON downloads.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import settings, warehouse
from dashboard.analysis import definitions
from dashboard.coverage import notices, planner, schedule
from dashboard.figures import citymap
from dashboard.i18n import t
from dashboard.report.tables import safe_filename, to_csv_bytes
from dashboard.ui import auth, coverage_data
from dashboard.ui.auditing import audited
from dashboard.ui.coverage_data import by_kind, data_or_stop, walk_settings
from dashboard.ui.impact_section import render_impact
from dashboard.ui.state import lang
from dashboard.ui.tables import show_table


@st.cache_resource(max_entries=16, show_spinner=False)
def _plan(path: str, version: tuple, k: int, minutes: float, speed: float, weight: float,
          cand_key: str, _cands: pd.DataFrame | None, village: float, objective: str,
          per_manager: float) -> planner.PlanResult:
    return planner.plan(coverage_data.load(path, version), k=k, candidates=_cands, minutes=minutes, speed_m_s=speed,
                        elderly_weight=weight, minutes_by_kind=by_kind(minutes, village), objective=objective,
                        households_per_manager=per_manager or None)


@st.cache_data(max_entries=4, show_spinner=False)
def _managers(path: str, version: tuple) -> pd.DataFrame:
    con = warehouse.connect_read(path)
    try:
        return warehouse.query(con, "coverage/managers")
    finally:
        con.close()


@st.cache_resource(max_entries=16, show_spinner=False)
def _what_if(path: str, version: tuple, minutes: float, speed: float, village: float, add: pd.DataFrame | None,
             close: tuple[str, ...], shown_closed: tuple[str, ...], move: tuple[str, float, float] | None,
             lang: str) -> tuple[Any, pd.DataFrame, str]:
    """The what-if's coverage, its rooms (the moved one marked) and its map's JSON."""
    data = coverage_data.load(path, version)
    wi = planner.what_if(data, minutes=minutes, speed_m_s=speed, minutes_by_kind=by_kind(minutes, village), add=add,
                         close=list(close), move=None if move is None else {move[0]: (move[1], move[2])})
    rooms = wi.open_rooms.copy()
    if move is not None:
        rooms.loc[rooms["room_id"] == move[0], "status"] = "moved"
    closed = data.rooms[data.rooms["room_id"].isin(shown_closed)].assign(status="closed")
    spec = citymap.spec_json(citymap.city_map(
        demand=wi.demand, communities=data.communities, rooms=pd.concat([rooms, closed], ignore_index=True),
        limit_m=wi.limit_m, speed=speed, lang=lang, streets=citymap.network_streets(data), halls=data.halls))
    return wi, rooms, spec


@st.cache_resource(max_entries=16, show_spinner=False)
def _schedule(path: str, version: tuple, what_if_args: tuple, _rooms: pd.DataFrame, minutes: float, speed: float,
              days_per_room: int, weekend_share: float, lang: str) -> dict[str, Any]:
    """The open days of the what-if's rooms (``_rooms``; ``what_if_args`` are the
    arguments of :func:`_what_if` that produced them), their check, timetable and notice
    text: computed once per what-if and schedule settings, shared by every session (the
    proposal and its check take most of a planner visit's script otherwise)."""
    data = coverage_data.load(path, version)
    mgr = _managers(path, version)
    mgr = mgr[mgr["room_id"].isin(_rooms["room_id"])]
    missing = _rooms[~_rooms["room_id"].isin(mgr["room_id"])]
    if len(missing):
        mgr = pd.concat([mgr, schedule.infer_managers(missing, data.halls)], ignore_index=True)
    hh = schedule.room_households(_rooms, data.communities)
    limit = settings.walk_limit_m(minutes, speed)
    sched = schedule.propose_schedule(_rooms, mgr, hh, neighbour_m=2 * limit, weekend_share=weekend_share,
                                      days_per_room=days_per_room)
    return {
        "schedule": sched,
        "inferred": bool(len(missing)),
        "problems": schedule.check_schedule(sched, mgr, schedule.neighbours(_rooms, 2 * limit), weekend_share),
        "timetable": schedule.timetable(sched, lang),
        "notice": schedule.notice_text(sched, _rooms.assign(community_id=_rooms.get("community_id")),
                                       data.communities, "zh"),
    }


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


L = lang()
who = auth.require("plan", L).name  # analysts and admins: plans and what-ifs (downloads audited)
st.title(t("cov.plan.title", L))
st.caption(t("cov.plan.intro", L))

path, version, data = data_or_stop(L)

with st.sidebar:
    minutes, speed, village = walk_settings(L, "plan")

c1, c2 = st.columns(2)
k = int(c1.number_input(t("cov.plan.k", L), 1, 50, 5, 1, key="plan_k"))
weight = float(c2.number_input(t("cov.plan.elderly_weight", L), 0.0, 10.0, 0.0, 0.5,
                               help=t("cov.plan.elderly_help", L), key="plan_weight"))
o1, o2 = st.columns(2)
objective = o1.radio(t("cov.plan.objective", L), planner.OBJECTIVES, horizontal=True, key="plan_objective",
                     format_func=lambda o: t(f"cov.plan.objective.{o}", L), help=t("cov.plan.objective_help", L))
per_manager = float(o2.number_input(t("cov.plan.per_manager", L), 0.0, 100000.0, 0.0, 100.0,
                                    help=t("cov.plan.per_manager_help", L), key="plan_per_manager",
                                    disabled=objective != "coverage"))
up = st.file_uploader(t("cov.plan.candidates", L), type=["csv", "xlsx", "geojson", "json", "gpkg"],
                      help=t("cov.plan.candidates_help", L), key="plan_upload")
crs = st.selectbox(
    t("cov.plan.crs", L), ["wgs84", "gcj02", "bd09"],
    format_func=lambda c: t(f"data.crs.{c}", L), key="plan_crs",
)
cands = None
cand_key = "network"
if up is not None:
    raw = up.getvalue()
    try:
        cands = planner.read_candidates(raw, filename=up.name, crs=crs)
        cand_key = hashlib.sha256(raw).hexdigest() + crs
    except planner.PlanError as exc:
        st.error(t("cov.plan.bad_file", L, msg=str(exc)))

plan_key = (path, version, k, minutes, speed, weight, cand_key, village, objective,
            per_manager if objective == "coverage" else 0.0)
with st.spinner(t("cov.plan.run", L)):
    res = _plan(*plan_key[:7], cands, *plan_key[7:])
if objective == "mean_walk":
    st.caption(t("cov.plan.mean_walk", L, before=f"{res.extra['mean_walk_before_m']:.0f}",
                 after=f"{res.extra['mean_walk_after_m']:.0f}", far=f"{res.extra['far_m']:.0f}"))
m = st.columns(3)
m[0].metric(t("cov.plan.before", L), _pct(res.share_before))
m[1].metric(t("cov.plan.after", L), _pct(res.share_after))
m[2].metric(t("cov.plan.gap", L), _pct(res.optimality_gap) if res.optimality_gap is not None else
            t("cov.plan.gap_na", L), help=t("cov.plan.gap_help", L))
st.caption(t("cov.plan.candidates_n", L, n=res.n_candidates))

st.subheader(t("cov.plan.added", L))
if res.added.empty:
    st.info(t("cov.plan.none", L))
else:
    show_table(res.added[["site_id", "name", "lon", "lat", "new_households", "new_elderly"]], "plan_added", L,
               file_stem="plan_sites", columns={
                   "site_id": t("cov.col.site_id", L), "name": t("cov.col.name", L), "lon": t("cov.col.lon", L),
                   "lat": t("cov.col.lat", L), "new_households": t("cov.col.new_households", L),
                   "new_elderly": t("cov.col.new_elderly", L)})
render_impact(res, L, plan_key=plan_key, households_per_manager=(per_manager or None) if objective == "coverage" else None)

@st.fragment
def what_if_view() -> None:
    """The what-if, its map, the schedule and the exports: a change reruns this part only
    (the plan above stays)."""
    # ---------------------------------------------------------------- what-if
    st.subheader(t("cov.whatif.title", L))
    open_ids = list(res.before.open_rooms["room_id"])
    w1, w2 = st.columns(2)
    close = w1.multiselect(t("cov.whatif.close", L), open_ids, key="wi_close")
    add_suggested = w2.checkbox(t("cov.whatif.add_suggested", L), value=True, key="wi_add")
    none = t("cov.whatif.none", L)
    w3, w4, w5 = st.columns(3)
    move_id = w3.selectbox(t("cov.whatif.move", L), [none, *open_ids], key="wi_move")
    rooms_ix = data.rooms.set_index("room_id")
    lon0 = float(rooms_ix.loc[move_id, "lon"]) if move_id != none else float(data.network.node_lon.mean())
    lat0 = float(rooms_ix.loc[move_id, "lat"]) if move_id != none else float(data.network.node_lat.mean())
    move_lon = w4.number_input(t("cov.whatif.move_lon", L), value=lon0, format="%.6f", key=f"wi_mlon_{move_id}")
    move_lat = w5.number_input(t("cov.whatif.move_lat", L), value=lat0, format="%.6f", key=f"wi_mlat_{move_id}")
    typed = st.data_editor(
        pd.DataFrame({"name": pd.Series(dtype=str), "lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float)}),
        num_rows="dynamic", key="wi_sites", width="stretch",
        column_config={"name": st.column_config.TextColumn(t("cov.whatif.site_name", L)),
                       "lon": st.column_config.NumberColumn(t("cov.whatif.add_lon", L), format="%.6f"),
                       "lat": st.column_config.NumberColumn(t("cov.whatif.add_lat", L), format="%.6f")})
    st.caption(t("cov.whatif.sites_help", L))
    sites, bad_rows = planner.named_sites(typed, lambda i: t("cov.whatif.new_room", L, i=i))
    if bad_rows:
        st.warning(t("cov.whatif.bad_sites", L, rows=", ".join(map(str, bad_rows))))

    adds = []
    if add_suggested and not res.added.empty:
        adds.append(res.added.rename(columns={"site_id": "room_id"})[["room_id", "name", "lon", "lat"]])
    if len(sites):
        adds.append(sites)
    add_df = pd.concat(adds, ignore_index=True) if adds else None
    move = (move_id, float(move_lon), float(move_lat)) if move_id != none else None
    what_if_args = (minutes, speed, village, add_df, tuple(c for c in close if c != move_id), tuple(close), move, L)
    wi, rooms_map, spec = _what_if(path, version, *what_if_args)
    delta = (wi.totals["share"] or 0.0) - (res.share_before or 0.0)
    st.metric(t("cov.whatif.share", L), _pct(wi.totals["share"]), delta=definitions.fmt_delta(delta, "share", L),
              delta_color=definitions.delta_color("coverage_share", delta, "share"))
    st.markdown(f"**{t('cov.plan.map', L)}**")
    st.caption(citymap.legend(wi.limit_m, L))
    st.pydeck_chart(citymap.to_deck(spec), width="stretch", height=650, key="plan_map")

    # ---------------------------------------------------------------- schedule
    st.subheader(t("cov.sched.title", L))
    st.caption(t("cov.sched.intro", L))
    s1, s2 = st.columns(2)
    days_per_room = int(s1.number_input(t("cov.sched.days_per_room", L), 1, 3, 1, 1, key="sched_days"))
    weekend_share = float(s2.slider(t("cov.sched.weekend_share", L), 0.0, 0.5, 0.2, 0.05, key="sched_weekend"))
    sched_rooms = rooms_map.copy()
    if sched_rooms.empty:
        st.info(t("cov.sched.no_rooms", L))
        sched = None
    else:
        proposed = _schedule(path, version, what_if_args, sched_rooms, minutes, speed, days_per_room, weekend_share, L)
        sched, problems, notice = proposed["schedule"], proposed["problems"], proposed["notice"]
        if proposed["inferred"]:
            st.caption(t("cov.sched.inferred", L))
        if problems:
            st.warning(t("cov.sched.problems", L))
            st.text("\n".join(problems))
        else:
            st.success(t("cov.sched.ok", L))
        st.markdown(f"**{t('cov.sched.timetable', L)}**")
        show_table(proposed["timetable"], "sched_table", L, file_stem="open_days")
        st.markdown(f"**{t('cov.sched.notice', L)}**")
        st.code(proposed["notice"], language=None)
        with st.expander(t("cov.notice.print.title", L)):
            st.caption(t("cov.notice.print.help", L))
            with st.form("notice_print"):
                labels = dict(zip(sched["room_id"], sched["name"], strict=True))
                picked = st.multiselect(t("cov.notice.print.rooms", L), list(labels), default=list(labels)[:12],
                                        format_func=lambda rid: f"{labels[rid]} ({rid})", key="notice_rooms")
                typed = {}
                for rid in picked:
                    c1, c2 = st.columns(2)
                    typed[rid] = notices.Contact(
                        c1.text_input(t("cov.notice.print.name", L, room=labels[rid]), key=f"notice_name_{rid}"),
                        c2.text_input(t("cov.notice.print.phone", L, room=labels[rid]), key=f"notice_phone_{rid}"))
                made = st.form_submit_button(t("cov.notice.print.make", L))
            if made and picked:
                sheets = notices.notice_sheets(sched[sched["room_id"].isin(picked)], sched_rooms, data, typed, "zh")
                st.download_button(t("cov.notice.print.download", L),
                                   audited(lambda: sheets, user=who, kind="html", source="notice_sheets",
                                           file_name=safe_filename("notice_sheets", "html")),
                                   file_name=safe_filename("notice_sheets", "html"), mime="text/html",
                                   key="notice_sheets", on_click="ignore")

    # ---------------------------------------------------------------- export
    st.subheader(t("cov.export.title", L))
    table = planner.plan_table(wi, sched, added=res.added, closed=close)
    e1, e2, e3 = st.columns(3)
    e1.download_button(t("cov.export.csv", L), audited(lambda: to_csv_bytes(table), user=who, kind="csv", source="plan_csv",
                                                       file_name=safe_filename("plan", "csv")),
                       file_name=safe_filename("plan", "csv"),
                       mime="text/csv", key="plan_csv", on_click="ignore")
    e2.download_button(t("cov.export.geojson", L),
                       audited(lambda: planner.plan_geojson(table), user=who, kind="geojson", source="plan_geojson",
                               file_name=safe_filename("plan", "geojson")),
                       file_name=safe_filename("plan", "geojson"), mime="application/geo+json", key="plan_geojson",
                       on_click="ignore")
    if sched is not None:
        e3.download_button(t("cov.export.notice", L),
                           audited(lambda: notice, user=who, kind="txt", source="plan_notice",
                                   file_name=safe_filename("notice", "txt")),
                           file_name=safe_filename("notice", "txt"),
                           mime="text/plain", key="plan_notice", on_click="ignore")


what_if_view()
