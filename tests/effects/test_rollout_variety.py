"""Roll-outs the demo never makes: each gives a sound estimate or a plain refusal.

Scenarios (the issue's order): every community served in the same month; one wave with
a few never-served communities; a roll-out that started before the data; rooms that
close, overlap and re-open; monthly staggering with many small cohorts; communities
without households and a wave without data. Estimates are checked against the truth
injected by the generators below (written out here, independent of the code under
test); refusals by their reason code and their zh/en sentences. Every result must be
serialisable as strict JSON (no NaN shown as a number).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ._sim import month_on
from dashboard import warehouse
from dashboard.analysis.effects import MIN_CONTROL, EffectResult, estimate, estimate_panel
from dashboard.analysis.filters import Filters
from tests.warehouse_rows import write_tables

OUT = "hotline_per_1k_households"


def _strict_json(r: EffectResult) -> dict:
    """The CLI object, refusing NaN / inf (a NaN must never pass as a number)."""
    return json.loads(json.dumps(r.as_dict(), allow_nan=False))


def _covers(r: EffectResult, truth: float) -> bool:
    return r.ci_low <= truth <= r.ci_high


# ---------------------------------------------------------------- generators
def _panel(g: np.ndarray, *, seed: int, months: int = 24, effect: float = -2.0,
           growth: float = -0.05, early_growth: float = -0.6, noise: float = 1.0,
           never: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Community-month panel with opening month ``g`` per community (1-based month of
    the window, ``<= 1`` served at or before the first month; ``0`` is the month before
    the first) and ``never`` the never-served ones (default ``g == 0``).

    ``tau = effect + growth * e`` for ``e = t - g >= 0``; communities served before the
    window get ``effect + early_growth * e`` (a steep drift: used as controls they
    would bias the estimate). Returns the panel and the injected ``tau`` (n, months).
    """
    rng = np.random.default_rng(seed)
    n, T = len(g), months
    never = (g == 0) if never is None else never
    t = np.arange(1, T + 1)
    a = rng.normal(20.0, 3.0, n)
    common = rng.normal(0, 0.7, T) + 2.0 * np.sin(2 * np.pi * t / 12) + 0.08 * t
    e = t[None, :] - g[:, None]
    served = ~never[:, None] & (e >= 0)
    slope = np.where(g <= 1, early_growth, growth)[:, None]
    tau = np.where(served, effect + slope * np.clip(e, 0, None), 0.0)
    y = a[:, None] + common[None, :] + tau + rng.normal(0, noise, (n, T))
    opened = [None if nv else month_on(int(gi)) for gi, nv in zip(g, never)]
    panel = pd.DataFrame({
        "community_id": np.repeat([f"C{i:04d}" for i in range(n)], T),
        "month_on": pd.to_datetime([month_on(k) for k in t] * n),
        "first_opened_on": pd.to_datetime(np.repeat(np.array(opened, dtype=object), T)),
        "y": y.ravel(),
    })
    return panel, tau


def _truth(g: np.ndarray, tau: np.ndarray) -> float:
    """Mean injected effect over the cells the design can use: communities first served
    inside the window (g > 1), months from opening on."""
    t = np.arange(1, tau.shape[1] + 1)
    cells = (g[:, None] > 1) & (t[None, :] >= g[:, None])
    return float(tau[cells].mean())


START = dt.date(2023, 1, 1)


def _m(k: int) -> dt.date:
    """First day of month ``k`` (1-based) from :data:`START`."""
    y, m = divmod(START.month - 1 + k - 1, 12)
    return dt.date(START.year + y, m + 1, 1)


def _city(db: Path, *, g: dict[str, int], rooms: list[dict], households: dict[str, float | None],
          months: int = 18, drop: float = 0.3, seed: int = 0, no_faults: set[str] = frozenset()) -> dict:
    """Write a warehouse: Poisson 95598 orders per community-month at ``r_i * season``
    per 1,000 households, cut by ``drop`` from the community's *first* opening ``g``
    (intention to treat: closings do not restore the rate). 90 % of the orders are faults
    restored after U(1, 5) h, times 0.8 once served (so the true effect on restoration
    time is -0.6 h in every served cell). ``no_faults``: communities whose orders are
    all consultations (no restoration data).

    Returns the expected per-1,000 rate with and without rooms, for the truth.
    """
    rng = np.random.default_rng(seed)
    ids = sorted(households)
    hh = np.array([households[c] if households[c] else 0.0 for c in ids], float)
    gi = np.array([g.get(c, 0) for c in ids])
    r = rng.uniform(8, 14, len(ids))
    t = np.arange(1, months + 1)
    season = 1 + 0.2 * np.sin(2 * np.pi * t / 12)
    served = (gi[:, None] > 0) & (t[None, :] >= gi[:, None])
    rate0 = r[:, None] * season[None, :]
    rate = rate0 * np.where(served, 1 - drop, 1.0)
    n = rng.poisson(hh[:, None] / 1000 * rate)
    ci, ki = np.nonzero(n)
    reps = n[ci, ki]
    ci, ki = np.repeat(ci, reps), np.repeat(ki, reps)
    m0 = pd.to_datetime([_m(int(k) + 1) for k in range(months)])
    received = m0[ki] + pd.to_timedelta(rng.integers(0, 27 * 24 * 60, len(ci)), unit="min")
    comm = np.array(ids, dtype=object)[ci]
    fault = (rng.random(len(ci)) < 0.9) & ~np.isin(comm, list(no_faults))
    hours = rng.uniform(1, 5, len(ci)) * np.where(served[ci, ki], 0.8, 1.0)
    orders = pd.DataFrame({
        "order_id": [f"O{j}" for j in range(len(ci))],
        "received_at": received,
        "category": np.where(fault, "fault_repair", "consultation"),
        "community_id": comm,
        "restored_at": pd.Series(received + pd.to_timedelta(hours, unit="h")).where(fault),
    })
    communities = pd.DataFrame({
        "community_id": ids,
        "district": ["east"] * len(ids),
        "households": pd.array([households[c] for c in ids], dtype="Int64"),
    })
    room_df = pd.DataFrame({
        "room_id": [x["room_id"] for x in rooms],
        "community_id": [x["community_id"] for x in rooms],
        "served_community_ids": [x["served"] for x in rooms],
        "opened_on": [x.get("opened_on") for x in rooms],
        "closed_on": [x.get("closed_on") for x in rooms],
    })
    write_tables(db, {"communities": communities, "service_rooms": room_df, "hotline_orders": orders})
    return {"ids": ids, "g": gi, "rate0": rate0, "rate": rate, "served": served, "hh": hh}


def _hotline_truth(city: dict, keep: np.ndarray | None = None) -> float:
    """Expected effect per 1,000 households over served cells (communities in ``keep``)."""
    cells = city["served"].copy()
    if keep is not None:
        cells &= keep[:, None]
    return float((city["rate"] - city["rate0"])[cells].mean())


def _simple_rooms(g: dict[str, int]) -> list[dict]:
    return [{"room_id": f"R{c}", "community_id": c, "served": [c], "opened_on": _m(k)} for c, k in g.items()]


# ---------------------------------------------------------------- 1. all at once
def test_every_community_served_in_the_same_month_is_refused_with_why_and_what_helps(tmp_path):
    ids = [f"K{i:02d}" for i in range(24)]
    g = {c: 7 for c in ids}
    _city(tmp_path / "w.duckdb", g=g, rooms=_simple_rooms(g), households={c: 1500 for c in ids}, months=12)
    con = warehouse.connect_read(tmp_path / "w.duckdb")
    r = estimate(con, OUT)
    assert r.status == "no_control" and not r.ok
    assert r.att is None and r.ci_low is None and r.event_study == []
    assert r.n_treated == 24 and r.n_control == 0
    d = _strict_json(r)
    assert d["att"] is None and d["relative_effect"] is None
    # why (same month, which month) and what would help, in both languages
    assert "2023-07" in r.reason["zh"] and "2023-07" in r.reason["en"]
    assert "同一个月" in r.reason["zh"] and "尚未设服务室" in r.reason["zh"]
    assert "same month" in r.reason["en"] and "later or never" in r.reason["en"]
    # the synthetic-panel route says the same
    p, _ = _panel(np.full(30, 10), seed=1)
    assert estimate_panel(p, OUT).status == "no_control"


# ---------------------------------------------------------------- 2. one wave
def test_one_wave_with_a_few_never_served_estimates_and_covers_truth():
    hits = 0
    for seed in range(3):
        rng = np.random.default_rng(seed)
        g = np.where(np.arange(80) < 8, 0, 12)  # 8 never served, 72 in one wave
        rng.shuffle(g)
        p, tau = _panel(g, seed=seed, growth=-0.1)
        r = estimate_panel(p, OUT)
        assert r.ok, r.reason
        assert r.n_treated == 72 and r.n_control == 8
        hits += _covers(r, _truth(g, tau))
        # not covering by being uselessly wide: the interval excludes 0
        assert r.ci_high < 0
        _strict_json(r)
    assert hits >= 2


# ---------------------------------------------------------------- 3. roll-out before the data
def test_rollout_started_before_the_data_excludes_early_communities_from_both_sides():
    rng = np.random.default_rng(3)
    n = 150
    g = rng.choice([0, 8, 12, 16], n, p=[0.3, 0.2, 0.25, 0.25])
    never = g == 0
    # 30 communities served before the window: long before, the month just before the
    # first (month 0, which must not read as "never served"), and in the first month
    g[:10], g[10:20], g[20:30] = -6, 0, 1
    never[:30] = False
    p, tau = _panel(g, seed=3, never=never)
    assert p.loc[p["community_id"] == "C0010", "first_opened_on"].iloc[0] == pd.Timestamp("2021-12-01")
    r = estimate_panel(p, OUT)
    assert r.ok, r.reason
    assert r.excluded["served_before_window"] == 30
    rest_g, rest_never = g[30:], never[30:]
    assert r.n_treated == int((~rest_never).sum())
    assert r.n_control == int(rest_never.sum()) + int((~rest_never & (rest_g > rest_g[~rest_never].min())).sum())
    truth = _truth(np.where(never | (np.arange(n) < 30), 0, g), tau)
    assert _covers(r, truth), (r.att, r.ci_low, r.ci_high, truth)
    assert any(c["en"].startswith("30 communities were already served") for c in r.caveats)
    assert any(c["zh"].startswith("30个社区") for c in r.caveats)
    _strict_json(r)


def test_early_communities_used_as_controls_would_have_biased_it():
    """The check above can fail: the same panel with the early communities relabelled
    as never served (what the old code did for the month before the window) misses the
    truth."""
    rng = np.random.default_rng(3)
    g = rng.choice([0, 8, 12, 16], 150, p=[0.3, 0.2, 0.25, 0.25])
    g[:30] = -6
    p, tau = _panel(g, seed=3)
    truth = _truth(np.where(np.arange(150) < 30, 0, g), tau)
    right = estimate_panel(p, OUT)
    wrong = p.copy()
    wrong.loc[wrong["community_id"].isin([f"C{i:04d}" for i in range(30)]), "first_opened_on"] = pd.NaT
    bad = estimate_panel(wrong, OUT)
    assert _covers(right, truth) and not _covers(bad, truth)


# ---------------------------------------------------------------- 4. closing, overlap, re-opening
def test_closing_overlapping_and_reopening_rooms_first_opening_and_a_note(tmp_path):
    ids = [f"K{i:02d}" for i in range(36)]
    g = {c: 0 for c in ids[:12]}  # never served
    g.update({c: (7, 10, 13)[i % 3] for i, c in enumerate(ids[12:])})
    rooms = [r for r in _simple_rooms({c: k for c, k in g.items() if k}) if r["community_id"] not in
             ("K12", "K13", "K14", "K15")]
    g.update({"K12": 7, "K13": 7, "K14": 10, "K15": 7})
    rooms += [
        # overlap: RA serves K12 + K13 from month 7 and closes in month 11; RB serves
        # K13 + K14 from month 10 -> K13 first served by RA (7) and never without a room;
        # K12 has no room after RA closes (lost service)
        {"room_id": "RA", "community_id": "K12", "served": ["K12", "K13"], "opened_on": _m(7), "closed_on": _m(11)},
        {"room_id": "RB", "community_id": "K14", "served": ["K13", "K14"], "opened_on": _m(10)},
        # re-opening: RC closes in month 9, RC2 re-opens for the same community in month 12
        {"room_id": "RC", "community_id": "K15", "served": ["K15"], "opened_on": _m(7), "closed_on": _m(9)},
        {"room_id": "RC2", "community_id": "K15", "served": ["K15"], "opened_on": _m(12)},
        # a room that never opened, naming a never-served community: ignored
        {"room_id": "RX", "community_id": "K00", "served": ["K00"], "opened_on": None},
    ]
    db = tmp_path / "w.duckdb"
    city = _city(db, g=g, rooms=rooms, households={c: 2000 for c in ids}, seed=4)
    con = warehouse.connect_read(db)
    tr = con.execute("select * from community_treatment").df().set_index("community_id")
    first = {c: (None if pd.isna(v) else pd.Timestamp(v).date()) for c, v in tr["first_opened_on"].items()}
    assert first["K12"] == first["K13"] == first["K15"] == _m(7) and first["K14"] == _m(10)
    assert tr.loc["K13", "room_id"] == "RA" and tr.loc["K15", "room_id"] == "RC"
    assert first["K00"] is None and tr.loc["K00", "wave"] == "none"
    st = warehouse.query(con, "effects/community_status", Filters().params()).set_index("community_id")
    assert pd.Timestamp(st.loc["K12", "unserved_from"]).date() == _m(11) and pd.isna(st.loc["K12", "served_again_on"])
    assert pd.Timestamp(st.loc["K15", "unserved_from"]).date() == _m(9)
    assert pd.Timestamp(st.loc["K15", "served_again_on"]).date() == _m(12)
    assert pd.isna(st.loc["K13", "unserved_from"]) and int(st.loc["K13", "n_rooms"]) == 2
    assert st["unserved_from"].notna().sum() == 2

    r = estimate(con, OUT)
    assert r.ok, r.reason
    assert r.n_treated == 24 and r.n_control >= 12
    assert r.excluded.get("lost_service") == 2
    zh = [c["zh"] for c in r.caveats]
    assert any(s.startswith("2个已设服务室的社区") for s in zh)
    assert any("2 served communities later had no open room" in c["en"] for c in r.caveats)
    assert _covers(r, _hotline_truth(city)), (r.att, r.ci_low, r.ci_high, _hotline_truth(city))
    # a date window ending before the closings: nothing to report
    early = estimate(con, OUT, Filters(date_to=_m(8)))
    assert "lost_service" not in early.excluded
    # a window starting in month 7: the month-7 openers (K12, K15 among them) have no
    # month before; they are counted as served before the window, not as lost service
    late = estimate(con, OUT, Filters(date_from=_m(7)))
    assert late.excluded["served_before_window"] == sum(1 for k in g.values() if k == 7)
    assert "lost_service" not in late.excluded
    _strict_json(r)


# ---------------------------------------------------------------- 5. monthly staggering
def test_monthly_staggering_with_many_small_cohorts():
    rng = np.random.default_rng(5)
    sizes = rng.integers(2, 6, 24)  # 24 monthly cohorts of 2-5 communities
    g = np.concatenate([np.repeat(np.arange(7, 31), sizes), np.zeros(60, int)])
    p, tau = _panel(g, seed=5, months=36, growth=-0.03)
    r = estimate_panel(p, OUT)
    assert r.ok, r.reason
    assert r.n_treated == int(sizes.sum()) and r.n_control == 60 + int(sizes[1:].sum())
    truth = _truth(g, tau)
    assert _covers(r, truth), (r.att, r.ci_low, r.ci_high, truth)
    es = {row["event_time"]: row for row in r.event_study}
    t = np.arange(1, 37)
    hits = 0
    for e in range(0, 6):
        cells = (g[:, None] > 0) & (t[None, :] - g[:, None] == e)
        hits += es[e]["ci_low"] <= float(tau[cells].mean()) <= es[e]["ci_high"]
    assert hits >= 5
    pre = [row for row in r.event_study if -6 <= row["event_time"] < 0]
    assert len(pre) == 6 and sum(row["ci_low"] <= 0 <= row["ci_high"] for row in pre) >= 5
    _strict_json(r)


# ---------------------------------------------------------------- 6. no households, no data
def test_communities_without_households_and_a_wave_without_data(tmp_path):
    ids = [f"K{i:02d}" for i in range(36)]
    g = {c: 0 for c in ids[:12]}
    g.update({c: (6, 9, 12)[i % 3] for i, c in enumerate(ids[12:])})
    households: dict[str, float | None] = {c: 1800 for c in ids}
    households.update({"K00": 0, "K13": None, "K14": 0})  # a control and two served: no rate
    wave12 = {c for c in ids[12:] if g[c] == 12}
    db = tmp_path / "w.duckdb"
    city = _city(db, g=g, rooms=_simple_rooms({c: k for c, k in g.items() if k}), households=households,
                 seed=6, no_faults=wave12)
    con = warehouse.connect_read(db)

    r = estimate(con, OUT)
    assert r.ok, r.reason
    assert r.excluded.get("no_households") == 3
    keep = np.array([bool(households[c]) for c in city["ids"]])
    assert r.n_treated == 22 and r.n_control >= 11
    assert _covers(r, _hotline_truth(city, keep))
    assert any(c["en"].startswith("3 communities have no household count") for c in r.caveats)
    for v in (r.att, r.se, r.ci_low, r.ci_high, r.relative_effect, r.naive_before_after):
        assert math.isfinite(v)
    _strict_json(r)

    # restoration time: wave 12 reported no faults at all, the no-household ones had no
    # orders -> left out and counted; the rest still estimates the -0.6 h effect
    rest = estimate(con, "restoration_hours")
    assert rest.ok, rest.reason
    assert "no_households" not in rest.excluded  # not a rate: households not needed
    assert rest.excluded.get("no_data") == len(wave12 | {"K00", "K13", "K14"})
    assert "gappy" not in rest.excluded  # ~10 faults a month: no empty month
    assert rest.n_treated == 24 - len(wave12 | {"K13", "K14"})
    assert _covers(rest, -0.6), (rest.att, rest.ci_low, rest.ci_high)
    _strict_json(rest)


def test_every_served_community_without_households_is_refused_not_divided_by_zero(tmp_path):
    ids = [f"K{i:02d}" for i in range(20)]
    g = {c: 6 for c in ids[10:]}
    households = {c: (1500 if c in ids[:10] else 0) for c in ids}
    _city(tmp_path / "w.duckdb", g=g, rooms=_simple_rooms(g), households=households, months=12)
    r = estimate(warehouse.connect_read(tmp_path / "w.duckdb"), OUT)
    assert r.status == "too_few_treated" and r.n_treated == 0
    assert r.excluded["no_households"] == 10
    assert any("10个社区没有户数" in c["zh"] for c in r.caveats)
    assert _strict_json(r)["att"] is None
    assert MIN_CONTROL <= 10


# ---------------------------------------------------------------- the page block
def _panel_app(outcome: str, lang: str) -> None:
    from dashboard.analysis.filters import Filters
    from dashboard.ui.effect_panel import render_effect

    render_effect(outcome, Filters(), lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_effect_block_shows_refusal_and_what_was_left_out(tmp_path, monkeypatch, lang):
    from streamlit.testing.v1 import AppTest

    ids = [f"K{i:02d}" for i in range(20)]
    g = {c: 6 for c in ids[10:]}
    households = {c: (1500 if c in ids[:10] else 0) for c in ids}
    db = tmp_path / "w.duckdb"
    _city(db, g=g, rooms=_simple_rooms(g), households=households, months=12)
    monkeypatch.setenv("SERVICECIRCLE_DB", str(db))
    at = AppTest.from_function(_panel_app, args=(OUT, lang), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert len(at.metric) == 0  # no number
    assert at.info and ("无法估计效果" if lang == "zh" else "Cannot estimate") in at.info[0].value
    captions = " ".join(c.value for c in at.caption)
    assert ("10个社区没有户数" if lang == "zh" else "10 communities have no household count") in captions
