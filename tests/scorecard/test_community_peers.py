"""The community profile's added figures and its peers against pandas on the tiny demo:
peers = same kind, households within ±30 %, itself left out; each peer median equals a
plain pandas median over the raw tables (walking figures over the engine's answer). And
the page shows them (AppTest)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings, warehouse
from dashboard.analysis import community_peers as cp
from dashboard.analysis.filters import Filters
from dashboard.i18n import t


def _reference(t_: dict, date_from: dt.date | None, date_to: dt.date | None, comm_cov: pd.DataFrame) -> pd.DataFrame:
    c = t_["communities"].copy()
    c["households"] = c["households"].fillna(0)
    days = pd.concat([pd.to_datetime(t_["counter_tickets"]["issued_at"]), pd.to_datetime(t_["hotline_orders"]["received_at"]),
                      pd.to_datetime(t_["room_visits"]["visited_at"])]).dt.date
    lo, hi = date_from or days.min(), date_to or days.max()
    months = ((hi - lo).days + 1) / (365.25 / 12)
    h = t_["hotline_orders"]
    h = h[(pd.to_datetime(h["received_at"]).dt.date >= lo) & (pd.to_datetime(h["received_at"]).dt.date <= hi)]
    v = t_["room_visits"].merge(t_["service_rooms"][["room_id", "community_id"]].rename(
        columns={"community_id": "room_comm"}), on="room_id", how="left")
    v["cid"] = v["community_id"].fillna(v["room_comm"])
    v = v[(pd.to_datetime(v["visited_at"]).dt.date >= lo) & (pd.to_datetime(v["visited_at"]).dt.date <= hi)]
    sat = h[h["satisfaction"].isin(["satisfied", "basically_satisfied"])].groupby("community_id").size()
    cb = h[h["satisfaction"].isin(["satisfied", "basically_satisfied", "dissatisfied"])].groupby("community_id").size()
    hh = c.set_index("community_id")["households"].astype(float)
    c = c.set_index("community_id")
    out = pd.DataFrame({
        "kind": c["kind"], "households": hh,
        "elderly_share": c["elderly"] / c["population"], "disabled_share": c["disabled"] / c["population"],
        "satisfaction_rate": sat.reindex(c.index).fillna(0) / cb.reindex(c.index).replace(0, np.nan),
        "visits_per_1k": v.groupby("cid").size().reindex(c.index).fillna(0) * 1000 / months / hh.replace(0, np.nan),
        "hotline_per_1k": h.groupby("community_id").size().reindex(c.index).fillna(0) * 1000 / months
        / hh.replace(0, np.nan),
        "walk_m": comm_cov["walk_m"].reindex(c.index),
        "coverage_share": comm_cov["households_covered"].reindex(c.index) / comm_cov["households"].reindex(c.index),
    })
    return out


@pytest.mark.parametrize("date_to", [None, dt.date(2024, 6, 30)])
def test_peers_and_medians_equal_pandas(tiny, date_to):
    from dashboard.coverage import engine, inputs

    f = Filters(date_from=dt.date(2024, 3, 1) if date_to else None, date_to=date_to)
    con = warehouse.connect_read(tiny.db)
    try:
        data = inputs.read_data(con)
        figs = cp.community_figures(con, f, data)
    finally:
        con.close()
    cov = engine.compute(data, on=date_to).communities.set_index("community_id")
    ref = _reference(tiny.tables, f.date_from, f.date_to, cov)
    checked = 0
    for cid in ref.index:
        me = ref.loc[cid]
        want_peers = sorted(i for i in ref.index if i != cid and ref.loc[i, "kind"] == me["kind"]
                            and abs(ref.loc[i, "households"] - me["households"]) <= 0.3 * me["households"])
        got = cp.compare(figs, cid)
        assert sorted(got["peer_ids"]) == want_peers, cid
        tab = got["table"].set_index("figure")
        for fig in cp.FIGURES:
            np.testing.assert_allclose(tab.loc[fig, "this"], float(me[fig]), rtol=1e-9, err_msg=f"{cid} {fig}")
            vals = ref.loc[want_peers, fig].astype(float).dropna()
            want = float(vals.median()) if len(vals) else np.nan
            np.testing.assert_allclose(tab.loc[fig, "peer_median"], want, rtol=1e-9, err_msg=f"{cid} {fig}")
        checked += len(want_peers) > 0
    assert checked >= 5  # most communities of the tiny city have peers
    assert (ref["kind"] == "rural").any() and (ref["kind"] == "urban").any()


def test_profile_page_shows_the_new_figures_and_peers(tiny, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny.db))
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=90)
    at = at.switch_page("screens/community.py").run()
    assert not at.exception, at.exception
    cid = at.selectbox(key="met_community").value
    con = warehouse.connect_read(tiny.db)
    try:
        cmp = cp.compare(cp.community_figures(con, Filters()), cid)
    finally:
        con.close()
    m = {x.label: x.value for x in at.metric}
    me = tiny.tables["communities"].set_index("community_id").loc[cid]
    assert m[t("sc.cp.disabled", "zh")] == f"{int(me['disabled']):,}"
    assert m[t("sc.cp.satisfaction", "zh")] == cp.fmt_figure("satisfaction_rate", cmp["this"]["satisfaction_rate"], "zh")
    assert m[t("sc.cp.coverage", "zh")] == cp.fmt_figure("coverage_share", cmp["this"]["coverage_share"], "zh")
    table = next(d.value for d in at.dataframe if t("sc.cp.col.peers", "zh") in d.value.columns)
    assert table[t("sc.cp.col.peers", "zh")].tolist() == cp.display_table(cmp, "zh")[t("sc.cp.col.peers", "zh")].tolist()
    assert len(table) == len(cp.FIGURES)


def test_peers_handworked():
    """Kind and the ±30 % band both bind: A (urban, 1000) has peers B (1300: in) and D
    (700: in), not C (rural, 1000), E (1301: out) nor F (699: out)."""
    figs = pd.DataFrame({
        "community_id": list("ABCDEF"),
        "kind": ["urban", "urban", "rural", "urban", "urban", "urban"],
        "households": [1000, 1300, 1000, 700, 1301, 699],
        **{f: [0.5, 0.2, 0.9, 0.4, 9.0, 9.0] for f in cp.FIGURES if f != "households"},
    })
    figs.loc[figs["community_id"] == "D", "satisfaction_rate"] = np.nan  # left out of the median
    got = cp.compare(figs, "A")
    assert sorted(got["peer_ids"]) == ["B", "D"]
    tab = got["table"].set_index("figure")
    assert tab.loc["households", "peer_median"] == 1000.0
    assert tab.loc["elderly_share", "peer_median"] == pytest.approx(0.3)
    assert tab.loc["satisfaction_rate", "peer_median"] == pytest.approx(0.2)
    assert tab.loc["walk_m", "this"] == 0.5
    assert cp.compare(figs, "C")["peer_ids"] == []
