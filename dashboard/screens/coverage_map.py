"""Walking coverage map (五分钟服务圈): who lives within the walk of an open room.

Settings (minutes, speed) and a date slider that replays the roll-out; the offline WebGL
city map (:mod:`dashboard.figures.citymap`: the street network, buildings coloured by
their walk, gaps, rooms with their names, halls); the coverage KPIs beside the
straight-line answer; the uncovered households by community; the walking area and the
gaps as GeoJSON / KML / Shapefile; the rooms to check (no coordinates, or far from any
street). The settings and everything they change are one fragment: a change reruns that
part only. The map's JSON and the roll-out series are kept per data version and setting
for every session, and on disk for a fresh server (:func:`dashboard.ui.loaders.stored`;
the default view is precomputed at import).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import settings
from dashboard.coverage import engine, exports, views
from dashboard.figures import citymap, maps
from dashboard.i18n import fmt_count, fmt_date, t
from dashboard.ui import auth, coverage_data, loaders
from dashboard.ui.auditing import audited
from dashboard.ui.coverage_data import by_kind, data_or_stop, walk_settings
from dashboard.ui.state import lang
from dashboard.ui.tables import show_table


def _series(path: str, version: tuple, minutes: float, speed: float, village: float):
    return views.rollout_series(coverage_data.load(path, version), minutes, speed, by_kind(minutes, village))


@st.cache_resource(max_entries=32, show_spinner=False)
def _result(path: str, version: tuple, minutes: float, speed: float, on: dt.date, village: float) -> engine.CoverageResult:
    data = coverage_data.load(path, version)
    return engine.compute(data, minutes=minutes, speed_m_s=speed, on=on, minutes_by_kind=by_kind(minutes, village))


@st.cache_data(max_entries=8, show_spinner=False)
def _export(path: str, version: tuple, minutes: float, speed: float, on: dt.date, village: float, fmt: str) -> bytes:
    return exports.export_bytes(coverage_data.load(path, version), _result(path, version, minutes, speed, on, village),
                                fmt)


def _map(path: str, version: tuple, minutes: float, speed: float, on: dt.date, village: float, lang: str,
         streets: bool, basemap: bool, labels: bool) -> str:
    data = coverage_data.load(path, version)
    result = _result(path, version, minutes, speed, on, village)
    return citymap.spec_json(citymap.city_map(
        demand=result.demand, communities=data.communities, rooms=result.open_rooms,
        limit_m=result.limit_m, speed=speed, lang=lang, streets=citymap.network_streets(data) if streets else None,
        halls=data.halls, basemap=basemap, labels=labels))


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


L = lang()
st.title(t("cov.page.title", L))
st.caption(t("cov.page.intro", L))

path, version, data = data_or_stop(L)
if data.communities.empty:
    st.info(t("cov.no_communities", L))
    st.stop()


@st.fragment
def coverage_view() -> None:
    """Everything the walk and the date change: a change reruns this part only."""
    kpis = st.container()
    left, right = st.columns([1, 4])
    with left:
        minutes, speed, village = walk_settings(L, "cov")
        st.caption(t("cov.limit", L, m=f"{settings.walk_limit_m(minutes, speed):.0f}"))
        show_streets = st.toggle(t("cov.show_streets", L), value=True, key="cov_streets")
        labels = st.toggle(t("cov.show_labels", L), value=len(data.rooms) <= citymap.LABELS_ALL_MAX,
                           key="cov_labels", help=t("cov.show_labels_help", L))
        basemap = st.toggle(t("cov.basemap", L), value=False, key="cov_basemap")
    dates = views.rollout_dates(data.rooms)
    today = dt.date.today()
    if dates[-1] < today:
        dates = [*dates, today]
    with right:
        on = st.select_slider(t("cov.date", L), options=dates, value=dates[-1], format_func=lambda d: fmt_date(d, L),
                              help=t("cov.date_help", L), key="cov_on")
        limit = settings.walk_limit_m(minutes, speed)
        st.caption(citymap.legend(limit, L))
        st.pydeck_chart(citymap.to_deck(loaders.stored(_map, minutes, speed, on, village, L, show_streets, basemap, labels)),
                        width="stretch", height=650, key="cov_map")

    result = _result(path, version, minutes, speed, on, village)
    tot = result.totals
    cols = kpis.columns(7)
    cols[0].metric(t("cov.kpi.share", L), _pct(tot["share"]))
    cols[1].metric(t("cov.kpi.population", L), _pct(tot["population_share"]))
    cols[2].metric(t("cov.kpi.elderly", L), _pct(tot["elderly_share"]))
    cols[3].metric(t("cov.kpi.straight", L), _pct(tot["straight_share"]), help=t("cov.kpi.straight_help", L))
    cols[4].metric(t("cov.kpi.rooms", L), fmt_count(tot["rooms_open"], L))
    cols[5].metric(t("cov.kpi.uncovered", L), fmt_count(tot["households_uncovered"], L))
    cols[6].metric(t("cov.kpi.days_weighted", L), _pct(tot["days_weighted_share"]),
                   help=t("cov.kpi.days_weighted_help", L))

    st.plotly_chart(maps.growth_chart(loaders.stored(_series, minutes, speed, village), L, marker_date=on),
                    width="stretch", key="cov_growth")

    st.subheader(t("cov.gaps.title", L))
    gaps = views.gaps_table(result)
    if gaps.empty:
        st.success(t("cov.gaps.none", L))
    else:
        st.plotly_chart(maps.uncovered_bar(result.communities, L), width="stretch", key="cov_gap_bar")
        show_table(gaps, "cov_gaps", L, file_stem="coverage_gaps", columns={
            "community_id": t("cov.col.community_id", L), "name": t("cov.col.community", L),
            "district": t("cov.col.district", L), "households": t("cov.col.households", L),
            "households_uncovered": t("cov.col.households_uncovered", L), "walk_m": t("cov.col.walk_m", L),
            "straight_m": t("cov.col.straight_m", L),
        })

    if auth.can("download_tables"):  # data files: analysts and admins; each one made is audited
        with st.expander(t("cov.gis.title", L)):
            st.caption(t("cov.gis.help", L))
            stem = f"walking_{minutes:g}min_{on.isoformat()}"
            buttons = {"geojson": t("cov.gis.geojson", L), "kml": t("cov.gis.kml", L), "shp": t("cov.gis.shp", L)}
            for col, (fmt, suffix) in zip(st.columns(len(exports.FORMATS)), exports.FORMATS.items(), strict=True):
                make = audited(lambda fmt=fmt: _export(path, version, minutes, speed, on, village, fmt),
                               user=auth.current().name, kind=fmt, file_name=stem + suffix,
                               source=f"cov_export_{fmt}")
                col.download_button(buttons[fmt], data=make, file_name=stem + suffix, key=f"cov_export_{fmt}",
                                    on_click="ignore")


coverage_view()

flagged = views.flagged_rooms(data)
if not flagged.empty:
    st.subheader(t("cov.check.title", L))
    st.warning(t("cov.check.warning", L, n=fmt_count(len(flagged), L), m=f"{engine.FAR_ACCESS_M:.0f}"))
    shown = flagged.assign(
        status=[t(f"cov.check.status.{s}", L) for s in flagged["status"]],
        access_m=flagged["access_m"].round(0),
    )[["room_id", "status", "access_m"]]
    show_table(shown, "cov_check", L, file_stem="rooms_to_check", columns={
        "room_id": t("cov.col.room_id", L), "status": t("cov.col.issue", L), "access_m": t("cov.col.access_m", L),
    })
