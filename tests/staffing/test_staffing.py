"""The staffing table: a hand-worked hall-hour (M/G/c and Erlang A, with textbook formulas
written out here), every column against plain pandas on the tiny demo's raw tickets,
the quantile shortcut against drawing the effect, and the demo truth against the
warehouse."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from dashboard import warehouse
from dashboard.analysis import queueing, staffing

MON1, MON2 = dt.date(2024, 1, 1), dt.date(2024, 1, 8)


def _cell(hall, day, hour, n, busy_n, sum_wait, taken=0.0, counters=2, t_short=2.5, t_long=7.5):
    """A cell whose served tickets take ``t_short`` and ``t_long`` minutes, half each."""
    return {"hall_id": hall, "day_on": day, "weekday": day.weekday(), "hour_of_day": hour, "n_tickets": n,
            "n_arrivals": busy_n, "n_waited": busy_n, "sum_wait_min": sum_wait, "n_busy": busy_n,
            "sum_busy_min": busy_n * (t_short + t_long) / 2, "sumsq_busy_min2": busy_n * (t_short**2 + t_long**2) / 2,
            "n_counters": counters, "taken": taken}


def _textbook_erlang_c_wait(a: float, s: float, c: int) -> float:
    """Mean wait in M/M/c from the sum formula: C = (a^c/c! · c/(c−a)) / (Σ_{k<c} a^k/k! + that)."""
    if a >= c:
        return math.inf
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait * s / (c - a)


def _textbook_erlang_a_wait(lam: float, s: float, c: int, patience: float) -> float:
    """Mean wait of all arrivals in M/M/c+M: birth–death chain, state by state."""
    p = [1.0]
    for n in range(1, 2000):
        death = min(n, c) / s + max(n - c, 0) / patience
        p.append(p[-1] * lam / death)
        if p[-1] < 1e-18 * max(p):
            break
    z = sum(p)
    return sum(max(n - c, 0) * v for n, v in enumerate(p)) / z / lam


def test_hand_worked_hall_hour_mgc():
    # Mondays 9:00: 10 and 14 tickets (12 an hour), counter time 2.5 or 7.5 min (mean 5,
    # cv2 = 6.25 / 25 = 0.25), 2 and 3 counters calling, 2 and 4 tickets taken away (3 an hour)
    cells = pd.DataFrame([_cell("H", MON1, 9, 10, 10, 20.0, taken=2.0, counters=2),
                          _cell("H", MON2, 9, 14, 14, 28.0, taken=4.0, counters=3)])
    rows, halls, need = staffing.staffing_table(cells, 1.5, np.array([1.0]))
    r = rows.iloc[0]
    assert (r["weekday"], r["hour"], r["open_days"]) == (0, 9, 2)
    assert r["arrivals_per_hour"] == pytest.approx(12.0)
    assert r["handling_min"] == pytest.approx(5.0)
    assert r["counters_observed"] == pytest.approx(2.5)
    assert r["taken_per_hour"] == pytest.approx(3.0)
    h = halls.iloc[0]
    assert h["cv2"] == pytest.approx(0.25) and h["model"] == "mgc" and h["abandon_share"] == 0.0
    # with the rooms a = 12/60 × 5 = 1 erlang: c = 2 waits C·s/(c−a) = (1/3)·5 = 1.667 min,
    # × (1 + 0.25)/2 = 1.04 <= 1.5; without, a = 15/60 × 5 = 1.25: c = 2 waits 2.00 > 1.5
    assert _textbook_erlang_c_wait(1.0, 5.0, 2) * 0.625 == pytest.approx(1.0417, abs=1e-4)
    assert _textbook_erlang_c_wait(1.25, 5.0, 2) * 0.625 == pytest.approx(2.0032, abs=1e-4)
    assert _textbook_erlang_c_wait(1.25, 5.0, 3) * 0.625 < 1.5
    assert r["counters_needed_after"] == 2
    assert r["counters_needed_before"] == 3 and need[0, 0] == 3
    # at 2.5 minutes both need 2: nothing freed
    rows, _, need = staffing.staffing_table(cells, 2.5, np.array([1.0]))
    assert rows.iloc[0]["counters_needed_after"] == 2 and need[0, 0] == 2


def test_hand_worked_hall_hour_erlang_a():
    # Tuesdays 10:00: 10 tickets each day, 9 served (10 % never served > 5 %: Erlang A);
    # mean waits 2 and 4 min, so the time at risk is 18 + 1·2 + 36 + 1·4 = 60 min over 2
    # walk-aways: patience 30 min
    tue1, tue2 = dt.date(2024, 1, 2), dt.date(2024, 1, 9)
    cells = pd.DataFrame([_cell("A", tue1, 10, 10, 9, 18.0, t_short=8.0, t_long=8.0),
                          _cell("A", tue2, 10, 10, 9, 36.0, t_short=8.0, t_long=8.0)])
    rows, halls, _ = staffing.staffing_table(cells, 3.0, np.array([0.0]))
    h = halls.iloc[0]
    assert h["abandon_share"] == pytest.approx(0.1)
    assert h["patience_min"] == pytest.approx(30.0)
    assert h["model"] == "erlang_a"
    lam = 10 / 60.0
    expected = next(c for c in range(1, 50) if _textbook_erlang_a_wait(lam, 8.0, c, 30.0) <= 3.0)
    assert rows.iloc[0]["counters_needed_after"] == expected
    # Erlang C alone would ask for more (walk-aways shorten the wait of those who stay)
    erlang_c = next(c for c in range(1, 50) if _textbook_erlang_c_wait(lam * 8.0, 8.0, c) <= 3.0)
    assert expected < erlang_c


# ---------------------------------------------------------------- tiny demo vs pandas
@pytest.fixture(scope="module")
def tiny_result(tiny_city):
    con = warehouse.connect_read(tiny_city["db"])
    try:
        inputs = staffing.load_inputs(con)
        raw = con.execute("select * from counter_tickets").df()
        comm = con.execute("select community_id, households from communities").df()
        treat = con.execute("select community_id, first_opened_on from community_treatment").df()
    finally:
        con.close()
    return inputs, staffing.staffing(inputs, 15.0), raw, comm, treat


def _pandas_rows(raw: pd.DataFrame, comm: pd.DataFrame, treat: pd.DataFrame,
                 by_event: dict[int, float]) -> tuple[pd.DataFrame, dict]:
    """The staffing rows from the raw tickets, written independently with pandas."""
    t = raw.copy()
    last = t["issued_at"].max().to_period("M")
    months = pd.period_range(last - 2, last, freq="M")
    t["issue_day"] = t["issued_at"].dt.normalize()
    t["issue_month"] = t["issued_at"].dt.to_period("M")
    in_p = t[t["issue_month"].isin(months)].copy()
    in_p["weekday"] = in_p["issued_at"].dt.dayofweek
    in_p["hour"] = in_p["issued_at"].dt.hour
    open_days = in_p.groupby(["hall_id", "weekday"])["issue_day"].nunique().rename("open_days")
    n = in_p.groupby(["hall_id", "weekday", "hour"]).size().rename("n")
    ok = (in_p["outcome"] == "served") & (in_p["finished_at"] >= in_p["called_at"])
    busy = in_p[ok].assign(m=(in_p["finished_at"] - in_p["called_at"]).dt.total_seconds() / 60.0)
    handling = busy.groupby(["hall_id", "weekday", "hour"])["m"].mean().rename("handling")
    hall_s = busy.groupby("hall_id")["m"].agg(["mean", "var", "count"])
    cv2 = ((hall_s["var"] * (hall_s["count"] - 1) / hall_s["count"]) / hall_s["mean"] ** 2).to_dict()
    called = t[t["called_at"].notna() & t["counter_no"].notna()].copy()
    called = called[called["called_at"].dt.to_period("M").isin(months)]
    called["day"] = called["called_at"].dt.normalize()
    called["weekday"] = called["called_at"].dt.dayofweek
    called["hour"] = called["called_at"].dt.hour
    cnt = (called.groupby(["hall_id", "day", "weekday", "hour"])["counter_no"].nunique()
           .groupby(["hall_id", "weekday", "hour"]).sum().rename("counters"))
    out = pd.concat([n, handling, cnt], axis=1).fillna({"n": 0, "counters": 0}).reset_index()
    out = out.merge(open_days.reset_index(), on=["hall_id", "weekday"], how="inner")
    out["arrivals_per_hour"] = out["n"] / out["open_days"]
    out["counters_observed"] = out["counters"] / out["open_days"]
    out["handling_min"] = out["handling"].fillna(out["hall_id"].map(hall_s["mean"]))
    # tickets taken away: -effect(months since opening) x households / 1,000 x the
    # community's share of tickets at the hall; the hall-month total spread like the tickets
    last_e = max(by_event)
    att = t[t["community_id"].notna()]
    per_c = att.groupby(["hall_id", "community_id"]).size().rename("n_ch").reset_index()
    per_c["share"] = per_c["n_ch"] / per_c.groupby("community_id")["n_ch"].transform("sum")
    per_c = per_c.merge(comm, on="community_id", how="left").merge(treat, on="community_id", how="left")
    per_c["served_month"] = pd.to_datetime(per_c["first_opened_on"]).dt.to_period("M")
    month_k = {}
    for hall in in_p["hall_id"].unique():
        for m in months:
            pc = per_c[(per_c["hall_id"] == hall) & per_c["served_month"].notna()]
            pc = pc[pc["served_month"] <= m]
            effect = [-by_event[min((m - sm).n, last_e)] for sm in pc["served_month"]]
            month_k[(hall, m)] = float((pc["households"].fillna(0) / 1000.0 * pc["share"] * effect).sum())
    n_month = in_p.groupby(["hall_id", "issue_month"]).size()
    in_p["k"] = [month_k[(h, m)] / n_month[(h, m)] for h, m in zip(in_p["hall_id"], in_p["issue_month"])]
    taken = in_p.groupby(["hall_id", "weekday", "hour"])["k"].sum().rename("taken").reset_index()
    out = out.merge(taken, on=["hall_id", "weekday", "hour"], how="left").fillna({"taken": 0.0})
    out["taken_per_hour_unit"] = out["taken"] / out["open_days"]
    return out, cv2


def test_rows_equal_pandas_on_tiny_demo(tiny_result):
    _, res, raw, comm, treat = tiny_result
    assert res.status == "ok"
    exp, cv2 = _pandas_rows(raw, comm, treat, res.effect["by_event"])
    assert len(res.effect["by_event"]) > 3
    got = res.rows.merge(exp, on=["hall_id", "weekday", "hour"], how="outer", indicator=True,
                         suffixes=("", "_pd"))
    assert (got["_merge"] == "both").all(), got[got["_merge"] != "both"]
    assert len(got) == len(res.rows) > 50  # one hall, 7 weekdays, 8 to 10 hours each
    assert got["taken_per_hour_unit"].sum() > 0
    for col in ("arrivals_per_hour", "handling_min", "counters_observed", "taken_per_hour_unit"):
        np.testing.assert_allclose(got[col], got[f"{col}_pd"], rtol=1e-9, err_msg=col)
    h = res.halls.set_index("hall_id")
    for hall, v in cv2.items():
        assert h.loc[hall, "cv2"] == pytest.approx(v, rel=1e-9)
        assert h.loc[hall, "model"] == "mgc"  # the tiny demo's walk-aways are below 5 %
    # counters needed, from the pandas columns
    lam = got["arrivals_per_hour_pd"].to_numpy() / 60.0
    cv = got["hall_id"].map(cv2).to_numpy()
    after = queueing.servers_needed(lam, got["handling_min_pd"].to_numpy(), 15.0, cv2=cv)
    np.testing.assert_array_equal(got["counters_needed_after"].to_numpy(), after)
    taken = got["taken_per_hour_unit_pd"].to_numpy()
    before = queueing.servers_needed(lam + taken / 60.0, got["handling_min_pd"].to_numpy(), 15.0, cv2=cv)
    np.testing.assert_array_equal(got["counters_needed_before"].to_numpy().astype(int), before)
    assert res.freed["median"] == float((before - after).sum())
    assert res.period == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))


def test_quantiles_equal_drawing_the_effect(tiny_result):
    inputs, res, *_ = tiny_result
    eff = res.effect
    rng = np.random.default_rng(3)
    draws = rng.normal(1.0, eff["scale_se"], 301)
    rows, _, need = staffing.staffing_table(inputs.cells, 15.0, draws)
    freed_draws = (need - rows["counters_needed_after"].to_numpy()[:, None]).sum(axis=0)
    # freed hours never fall as more arrivals are taken away: the quantile shortcut is exact
    order = np.argsort(draws)
    assert np.all(np.diff(freed_draws[order]) >= 0)
    for p in (0.025, 0.5, 0.975):
        at_q = np.quantile(draws, p, method="inverted_cdf")
        _, _, need_q = staffing.staffing_table(inputs.cells, 15.0, np.array([at_q]))
        shortcut = (need_q[:, 0] - rows["counters_needed_after"].to_numpy()).sum()
        assert np.quantile(freed_draws, p, method="inverted_cdf") == shortcut
    lo, hi = np.quantile(freed_draws, [0.025, 0.975])
    assert res.freed["low"] <= res.freed["median"] <= res.freed["high"]
    assert abs(res.freed["low"] - lo) <= 2 and abs(res.freed["high"] - hi) <= 2


def test_no_arrival_effect_keeps_after_only(tiny_result):
    inputs, res, *_ = tiny_result
    bare = staffing.StaffingInputs(inputs.cells, inputs.hall_names, inputs.period, None)
    out = staffing.staffing(bare, 15.0)
    assert out.status == "no_arrival_effect" and out.freed is None
    assert out.rows["counters_needed_before"].isna().all()
    np.testing.assert_array_equal(out.rows["counters_needed_after"], res.rows["counters_needed_after"])
    d = out.as_dict()
    assert d["counter_hours_freed_per_week"] is None
    assert all(r["counters_needed_before"] is None for r in d["rows"])
    with pytest.raises(ValueError, match="above 0"):
        staffing.staffing(inputs, 0.0)


def test_truth_matches_the_warehouse(tiny_city, tiny_result):
    _, res, *_ = tiny_result
    truth = tiny_city["truth"]["counter_staffing"]
    # the same actual tickets reach both: from the simulation (truth) and through the
    # exports, the importer and the SQL rollup (product)
    assert truth["counter_hours_needed_with_rooms"] == int(res.rows["counters_needed_after"].sum())
    assert truth["counter_hours_observed"] == pytest.approx(float(res.rows["counters_observed"].sum()), rel=1e-6)
    assert truth["counter_hours_needed_without_rooms"] >= truth["counter_hours_needed_with_rooms"]
    assert truth["freed_per_week"] == (truth["counter_hours_needed_without_rooms"]
                                       - truth["counter_hours_needed_with_rooms"])
    assert truth["freed_per_week"] == sum(truth["by_hall"].values())
    # the estimate's interval covers the truth on the tiny city
    assert res.freed["low"] <= truth["freed_per_week"] <= res.freed["high"]


def test_halls_without_counter_time_are_left_out():
    # hall N has tickets but none with call and finish times: it cannot be staffed
    cells = pd.DataFrame([_cell("H", MON1, 9, 10, 10, 20.0), _cell("N", MON1, 9, 8, 0, 0.0)])
    rows, halls, _ = staffing.staffing_table(cells, 15.0)
    assert set(rows["hall_id"]) == {"H"} and set(halls["hall_id"]) == {"H", "N"}
    bare = staffing.StaffingInputs(cells[cells["hall_id"] == "N"], {}, (MON1, MON2), None)
    out = staffing.staffing(bare, 15.0)
    assert out.status == "no_handling" and out.rows.empty
    assert staffing.sentence(out, "en") == out.reason["en"]
