"""The scorecard's rows against an independent pandas computation on the tiny demo (with
the hand-added rows of conftest): every count and metric of every room-month, the
per-manager rows, the red/green status of the scorecard month, and the breaches with the
month they began (a plain loop over months)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard import settings, warehouse
from dashboard.analysis import scorecard
from dashboard.analysis.filters import Filters

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTH = dt.date(2024, 9, 1)


def _span(t) -> tuple[dt.date, dt.date]:
    dates = pd.concat([pd.to_datetime(t["counter_tickets"]["issued_at"]),
                       pd.to_datetime(t["hotline_orders"]["received_at"]),
                       pd.to_datetime(t["room_visits"]["visited_at"])]).dt.date
    return dates.min(), dates.max()


def reference(t, upto: dt.date) -> pd.DataFrame:
    """Room-month rows computed with pandas from the raw tables."""
    first, last = _span(t)
    last = min(last, (pd.Timestamp(upto) + pd.offsets.MonthEnd(0)).date())
    days = pd.date_range(first, last, freq="D").date
    v = t["room_visits"].copy()
    v["day"] = pd.to_datetime(v["visited_at"]).dt.date
    v = v[(v["day"] >= first) & (v["day"] <= last)]
    v["month"] = [d.replace(day=1) for d in v["day"]]
    hh = t["communities"].set_index("community_id")["households"].fillna(0)
    staff = t["staff"]
    rows = []
    for r in t["service_rooms"].itertuples(index=False):
        opened = None if pd.isna(r.opened_on) else pd.Timestamp(r.opened_on).date()
        closed = None if pd.isna(r.closed_on) else pd.Timestamp(r.closed_on).date()
        sched = {d for d in days if (opened is None or d >= opened) and (closed is None or d < closed)
                 and DAYS[d.weekday()] in list(r.open_days)}
        rv = v[v["room_id"] == r.room_id]
        visit_days = set(rv["day"])
        months = {d.replace(day=1) for d in days
                  if (opened is None or d.replace(day=1) >= opened.replace(day=1)) and (closed is None or d.replace(day=1) < closed)}
        months |= set(rv["month"]) | {d.replace(day=1) for d in sched}
        served = set(r.served_community_ids) | {r.community_id}
        households = int(sum(hh.get(c, 0) for c in served))
        for m in sorted(months):
            m_end = (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date()
            mv = rv[rv["month"] == m]
            open_m = [d for d in sched if d.replace(day=1) == m]
            latest = staff[staff["assigned_on"].isna() | (pd.to_datetime(staff["assigned_on"]).dt.date <= m_end)]
            latest = latest.sort_values("assigned_on").groupby("staff_hash").tail(1)
            n_mgr = int(((latest["room_id"] == r.room_id) & (latest["current_role"] == "customer_manager")).sum())
            rows.append({
                "room_id": r.room_id, "month_on": m,
                "n_open_days": len(open_m),
                "n_idle_days": sum(1 for d in open_m if d not in visit_days),
                "n_closed_day_visits": int((~mv["day"].isin(sched)).sum()),
                "n_visits": len(mv),
                "n_vulnerable": int(mv["customer_group"].isin(settings.VULNERABLE_GROUPS).sum()),
                "n_home_visits": int((mv["mode"] == "home_visit").sum()),
                "n_resolved": int((mv["resolved"] == True).sum()),
                "households": households,
                "n_managers": n_mgr if n_mgr else int(r.managers),
                "is_full_month": (opened is None or opened <= m) and (closed is None or closed > m_end)
                and first <= m and last >= m_end,
            })
    return pd.DataFrame(rows).sort_values(["room_id", "month_on"]).reset_index(drop=True)


def _metrics(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["visits_per_open_day"] = np.where(df["n_open_days"] > 0, df["n_visits"] / df["n_open_days"], np.nan)
        out["vulnerable_share"] = np.where(df["n_visits"] > 0, df["n_vulnerable"] / df["n_visits"], np.nan)
        out["resolution_rate"] = np.where(df["n_visits"] > 0, df["n_resolved"] / df["n_visits"], np.nan)
        out["households_per_manager"] = np.where(df["n_managers"] > 0, df["households"] / df["n_managers"], np.nan)
    return out


@pytest.fixture(scope="module")
def con(tiny):
    c = warehouse.connect_read(tiny.db)
    yield c
    c.close()


def test_hand_added_rows_are_there(tiny):
    """The fixture's closed-day visits and the moved manager are in the raw tables."""
    assert {"XT1", "XT4"} <= set(tiny.tables["room_visits"]["visit_id"])
    assert ((tiny.tables["staff"]["staff_hash"] == tiny.moved_manager)
            & (tiny.tables["staff"]["room_id"] == tiny.moved_to)).sum() == 1


def test_room_months_equal_pandas(tiny, con):
    got = scorecard.room_months(con, Filters(), MONTH).sort_values(["room_id", "month_on"]).reset_index(drop=True)
    ref = _metrics(reference(tiny.tables, MONTH))
    assert len(got) == len(ref)
    assert got["room_id"].tolist() == ref["room_id"].tolist()
    assert got["month_on"].tolist() == ref["month_on"].tolist()
    for col in ("n_open_days", "n_idle_days", "n_closed_day_visits", "n_visits", "n_vulnerable", "n_home_visits",
                "n_resolved", "households", "n_managers", "is_full_month"):
        assert got[col].astype(int).tolist() == ref[col].astype(int).tolist(), col
    for col in ("visits_per_open_day", "vulnerable_share", "resolution_rate", "households_per_manager"):
        np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-12, err_msg=col)
    # the hand-added rows are counted where they belong
    sep = ref[(ref["room_id"] == tiny.closed_room) & (ref["month_on"] == MONTH)].iloc[0]
    assert sep["n_closed_day_visits"] == 3
    early = ref[(ref["room_id"] == tiny.early_room) & (ref["n_open_days"] == 0)]
    assert early["n_closed_day_visits"].sum() == 1
    to = ref[(ref["room_id"] == tiny.moved_to) & (ref["month_on"] == MONTH)].iloc[0]
    assert to["n_managers"] >= 2


def _ref_status(ref: pd.DataFrame, tg: settings.RoomTargets) -> pd.DataFrame:
    """Long table of (room, month, metric, ok) with ok None when not judged."""
    rows = []
    for r in ref.itertuples(index=False):
        vals = {
            "visits": (r.n_visits, tg.visits_min, ">=", r.is_full_month),
            "visits_per_open_day": (r.visits_per_open_day, tg.visits_per_open_day_min, ">=", True),
            "vulnerable_share": (r.vulnerable_share, tg.vulnerable_share_min, ">=", True),
            "home_visits": (r.n_home_visits, tg.home_visits_min, ">=", r.is_full_month),
            "resolution_rate": (r.resolution_rate, tg.resolution_rate_min, ">=", True),
            "closed_day_visits": (r.n_closed_day_visits, tg.closed_day_visits_max, "<=", True),
            "idle_open_days": (r.n_idle_days, tg.idle_open_days_max, "<=", True),
            "households_per_manager": (r.households_per_manager, tg.households_per_manager_max, "<=", True),
        }
        for metric, (v, goal, op, judged) in vals.items():
            ok = None
            if judged and not pd.isna(v):
                ok = bool(v >= goal) if op == ">=" else bool(v <= goal)
            rows.append({"room_id": r.room_id, "month_on": r.month_on, "metric": metric, "value": v, "ok": ok})
    return pd.DataFrame(rows)


def _ref_breaches(status: pd.DataFrame, month: dt.date) -> dict[tuple[str, str], dt.date]:
    out = {}
    for (room, metric), g in status.groupby(["room_id", "metric"]):
        g = g[g["ok"].notna() & (g["month_on"] <= month)].sort_values("month_on")
        if not len(g) or g.iloc[-1]["month_on"] != month or g.iloc[-1]["ok"]:
            continue
        since = month
        for rec in g.iloc[::-1].itertuples():
            if rec.ok:
                break
            since = rec.month_on
        out[(room, metric)] = since
    return out


@pytest.mark.parametrize("month", [MONTH, dt.date(2024, 7, 1)])
def test_status_and_breaches_equal_pandas(tiny, con, month):
    tg = settings.RoomTargets(visits_min=30, home_visits_min=10, vulnerable_share_min=0.5, idle_open_days_max=1,
                              households_per_manager_max=900)
    sc = scorecard.scorecard(con, Filters(), month, tg, with_coverage=False)
    ref = _metrics(reference(tiny.tables, month))
    status = _ref_status(ref, tg)
    assert sc["month"] == month
    rooms = sc["rooms"].set_index("room_id")
    cur = status[status["month_on"] == month]
    assert sorted(rooms.index) == sorted(cur["room_id"].unique())
    for rec in cur.itertuples():
        got = rooms.loc[rec.room_id, f"{rec.metric}_ok"]
        assert (None if pd.isna(got) else bool(got)) == rec.ok, (rec.room_id, rec.metric)
    want = _ref_breaches(status, month)
    got = {(b.room_id, b.metric): b.since for b in sc["breaches"].itertuples()}
    assert got == want
    assert len(want) >= 3  # the targets above make several rooms miss
    assert any(s < month for s in want.values())  # and some runs began before the month
    assert int(rooms["n_breaches"].sum()) == len(want)


def test_managers_share_their_room(tiny, con):
    sc = scorecard.scorecard(con, Filters(), MONTH, with_coverage=False)
    m = sc["managers"].set_index("staff_hash")
    ref = reference(tiny.tables, MONTH)
    ref = ref[ref["month_on"] == MONTH].set_index("room_id")
    # the moved manager now counts at the other room, sharing its households
    assert m.loc[tiny.moved_manager, "room_id"] == tiny.moved_to
    for h, r in m.iterrows():
        room = ref.loc[r["room_id"]]
        assert r["n_managers"] == room["n_managers"]
        assert r["households"] == pytest.approx(room["households"] / room["n_managers"])
        assert r["home_visits"] == pytest.approx(room["n_home_visits"] / room["n_managers"])
    assert m.groupby("room_id").size().to_dict() == ref.loc[m["room_id"].unique(), "n_managers"].to_dict()


def test_coverage_share_sums_the_served_communities(tiny, con):
    """Coverage of a room = covered / all households of its communities in the engine's
    answer on the month's last day (summed here by hand)."""
    from dashboard.coverage import engine, inputs

    data = inputs.read_data(con)
    sc = scorecard.scorecard(con, Filters(), MONTH, coverage_data=data)
    comm = engine.compute(data, on=dt.date(2024, 9, 30)).communities.set_index("community_id")
    rooms = sc["rooms"].set_index("room_id")
    for r in tiny.tables["service_rooms"].itertuples():
        ids = list(set(r.served_community_ids) | {r.community_id})
        want = comm.loc[ids, "households_covered"].sum() / comm.loc[ids, "households"].sum()
        assert rooms.loc[r.room_id, "coverage_share"] == pytest.approx(want)
    assert sc["coverage_note"] is None


def test_filters_select_rooms_by_their_community(tiny, con):
    comm = tiny.tables["communities"].set_index("community_id")
    rooms = tiny.tables["service_rooms"]
    district = comm.loc[rooms["community_id"].iloc[0], "district"]
    want = sorted(rooms.loc[rooms["community_id"].map(comm["district"]) == district, "room_id"])
    got = scorecard.room_months(con, Filters(districts=(district,)), MONTH)
    assert sorted(got["room_id"].unique()) == want
    none = scorecard.room_months(con, Filters(districts=("no such district",)), MONTH)
    assert none.empty
    # the service-type filter applies to visits, not to the schedule columns
    pay = scorecard.room_months(con, Filters(service_types=("payment",)), MONTH).set_index(["room_id", "month_on"])
    allv = scorecard.room_months(con, Filters(), MONTH).set_index(["room_id", "month_on"])
    v = tiny.tables["room_visits"]
    v = v[(pd.to_datetime(v["visited_at"]).dt.to_period("M") == "2024-09") & (v["service_type"] == "payment")]
    assert pay.loc[(tiny.closed_room, MONTH), "n_visits"] == (v["room_id"] == tiny.closed_room).sum() > 0
    assert (pay["n_closed_day_visits"] == allv["n_closed_day_visits"]).all()


def test_default_month_is_the_last_whole_month(con):
    # the data end on 2024-09-30: September is whole
    assert scorecard.default_month(con) == MONTH
    assert scorecard.default_month(con, Filters(date_to=dt.date(2024, 8, 30))) == dt.date(2024, 7, 1)
    assert scorecard.default_month(con, Filters(date_to=dt.date(2024, 8, 31))) == dt.date(2024, 8, 1)


def test_page_path_with_cached_coverage_equals_the_direct_one(tiny, con, monkeypatch):
    """The pages' scorecard (every room's coverage computed once per data version, then
    filtered) is the scorecard computed directly."""
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny.db))
    tg = settings.RoomTargets(coverage_share_min=0.3)
    for f in (Filters(), Filters(service_types=("payment",))):
        page = scorecard.page_scorecard(con, f, dt.date(2024, 8, 1), tg)
        direct = scorecard.scorecard(con, f, dt.date(2024, 8, 1), tg)
        pd.testing.assert_frame_equal(page["rooms"], direct["rooms"])
        pd.testing.assert_frame_equal(page["breaches"], direct["breaches"])
        assert page["rooms"]["coverage_share"].notna().all()
