"""The load forecast: the estimator against R, the holiday calendar, MASE by hand, the
weekly series against pandas, and the backtest on simulated series with a known answer.

R anchor: ``forecast::auto.arima(AirPassengers)`` picks ARIMA(2,1,1)(0,1,0)[12] with
ar1 0.5960, ar2 0.2143, ma1 -0.9819, log likelihood -504.92, AIC 1017.85 (the forecast
package's documented output). The data (Box & Jenkins' airline passengers, R's
``AirPassengers``) is vendored in ``tests/analysis/data/air_passengers.csv``.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis import forecast as F

DATA = Path(__file__).parent / "data"


def test_sarimax_reproduces_r_auto_arima_on_air_passengers():
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = pd.read_csv(DATA / "air_passengers.csv")["Count"].to_numpy(float)
    assert len(y) == 144 and y[0] == 112 and y[-1] == 432
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SARIMAX(y, order=(2, 1, 1), seasonal_order=(0, 1, 0, 12)).fit(disp=False)
    assert fit.params[:3] == pytest.approx([0.5960, 0.2143, -0.9819], abs=6e-4)
    assert fit.llf == pytest.approx(-504.92, abs=0.01) and fit.aic == pytest.approx(1017.85, abs=0.01)


def test_spring_festival_moves_and_other_holidays_count_apart():
    weeks = [dt.date(2024, 2, 5), dt.date(2025, 1, 27), dt.date(2024, 7, 15), dt.date(2024, 9, 30)]
    h = F.holiday_features(weeks)
    # Spring Festival 2024: 10 Feb (a Saturday), 2025: 29 Jan (a Wednesday)
    assert h.loc[dt.date(2024, 2, 5), "spring_festival_days"] >= 2
    assert h.loc[dt.date(2025, 1, 27), "spring_festival_days"] >= 3
    assert h.loc[dt.date(2024, 7, 15)].tolist() == [0, 0]
    assert h.loc[dt.date(2024, 9, 30), "holiday_days"] >= 3 and h.loc[dt.date(2024, 9, 30), "spring_festival_days"] == 0


def test_mase_by_hand():
    # scale: seasonal naive (lag 1) in-sample errors |2-1|, |4-2| -> 1.5; MAE (1 + 2) / 2 = 1.5
    assert F.mase([3, 5], [2, 7], [1, 2, 4], season=1) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="more than 52"):
        F.mase([1], [1], np.arange(52.0))


def _weekly(n: int, seed: int, level_shift: float = 0.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 1000 * (1 + 0.3 * np.sin(2 * np.pi * t / F.YEAR_WEEKS)) * np.where(t >= n - 40, 1 + level_shift, 1.0)
    y = y * np.exp(rng.normal(0, 0.03, n))
    weeks = [dt.date(2022, 1, 3) + dt.timedelta(weeks=int(i)) for i in t]
    return pd.Series(y, index=weeks)


def test_backtest_beats_seasonal_naive_when_the_level_moves():
    # a 20 % fall 40 weeks before the end (the rooms' roll-out): last year's week is a bad guess
    y = _weekly(120, 1, level_shift=-0.2)
    m, m_naive, pts = F.backtest(y)
    assert len(pts) == F.HORIZON_WEEKS and pts["week_on"].tolist() == list(y.index[-26:])
    assert m < m_naive
    inside = ((pts["actual"] >= pts["low"]) & (pts["actual"] <= pts["high"])).mean()
    assert inside >= 0.8  # 95 % intervals on a well-specified series


def test_backtest_says_when_naive_wins():
    # an exact yearly repeat: the seasonal naive forecast is perfect on the held-out weeks
    base = _weekly(52, 2).to_numpy()
    y = pd.Series(np.concatenate([base, base, base[:26]]) * np.r_[np.ones(52), np.full(52, 1.01), np.ones(26)],
                  index=[dt.date(2022, 1, 3) + dt.timedelta(weeks=i) for i in range(130)])
    m, m_naive, _ = F.backtest(y)
    r = F.ForecastResult("hotline", 26, pd.DataFrame(), pd.DataFrame(), m, m_naive)
    assert m_naive < m and r.beats_naive is False


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from tests.tiny_demo import tiny_db

    return tiny_db(tmp_path_factory, "forecast")


def test_weekly_series_against_pandas(tiny):
    from dashboard import warehouse

    con = warehouse.connect_read(tiny)
    try:
        y = F.weekly_series(con, "hall_arrivals")
        t = con.execute("select issued_at from counter_tickets").df()["issued_at"]
        h = F.weekly_series(con, "hotline", categories=["consultation"])
        o = con.execute("select received_at, category from hotline_orders").df()
    finally:
        con.close()
    first, last = t.min().normalize(), t.max().normalize()
    monday = t.dt.normalize() - pd.to_timedelta(t.dt.weekday, unit="D")
    counts = monday.value_counts()
    full = [w for w in counts.index if w >= first and w + pd.Timedelta(days=6) <= last]
    assert dict(zip(pd.to_datetime(list(y.index)), y.to_numpy(), strict=True)) == {w: float(counts[w]) for w in full}
    c = o[o["category"] == "consultation"]["received_at"]
    cm = (c.dt.normalize() - pd.to_timedelta(c.dt.weekday, unit="D")).value_counts()
    assert all(h[w.date()] == float(cm.get(w, 0)) for w in pd.to_datetime(list(h.index)))


def test_cli_json(tiny):
    from typer.testing import CliRunner

    from dashboard.cli import app

    res = CliRunner().invoke(app, ["forecast", "--series", "hotline", "--db", str(tiny), "--json", "--rooms", "2"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.stdout)
    assert list(j)[:5] == ["series", "horizon_weeks", "mase", "mase_naive", "points"]
    # the scenario: the rooms `plan --add 2 --json` suggests, its orders avoided a month per week
    plan = json.loads(CliRunner().invoke(app, ["plan", "--add", "2", "--db", str(tiny), "--json"]).stdout)
    month = plan["impact"]["hotline_orders_avoided_per_month"]  # the tiny demo has a hotline effect
    days_a_month = 365.25 / 12
    week = {k: month[k] * 7 / days_a_month for k in ("value", "low", "high")}
    sc = j["scenario"]
    assert sc["rooms"] == 2 and sc["households_covered"] == plan["impact"]["households_covered"]
    assert sc["avoided_per_week"] == pytest.approx(week, abs=0.051)
    assert [p["week"] for p in sc["points"]] == [p["week"] for p in j["points"]]
    for p, q in zip(j["points"], sc["points"], strict=True):
        assert q["value"] == pytest.approx(max(p["value"] - week["value"], 0), abs=0.11)
        assert q["low"] == pytest.approx(max(p["low"] - week["high"], 0), abs=0.11)
        assert q["high"] == pytest.approx(max(p["high"] - week["low"], 0), abs=0.11)
    assert j["series"] == "hotline" and j["horizon_weeks"] == 26 and len(j["points"]) == 26
    assert j["mase"] is None  # nine months: too short for a backtest (said on stderr)
    assert all(p["low"] <= p["value"] <= p["high"] for p in j["points"])
    bad = CliRunner().invoke(app, ["forecast", "--series", "bills", "--db", str(tiny)])
    assert bad.exit_code == 2


def test_figure_traces():
    from dashboard.figures.forecast import forecast_figure

    y = _weekly(120, 3, level_shift=-0.1)
    m, m_naive, pts = F.backtest(y)
    res = F.ForecastResult("hall_arrivals", 26, pd.DataFrame({"week_on": list(y.index), "value": y.to_numpy()}),
                           F.fit_predict(y), m, m_naive, pts)
    fig = forecast_figure(res, "en")
    names = [tr.name for tr in fig.data]
    assert names == ["Actual", "Backtest forecast", "Last year's week (naive)", "95 % interval", "Forecast"]
    assert list(fig.data[0].y) == list(y.to_numpy())
    band = fig.data[3]
    assert len(band.x) == 52 and list(band.y[:26]) == list(res.points["high"])
    assert list(fig.data[1].y) == list(pts["value"]) and list(fig.data[2].y) == list(pts["naive"])
    no_backtest = forecast_figure(F.ForecastResult("hotline", 26, res.history, res.points), "zh")
    assert [tr.name for tr in no_backtest.data] == ["实际", "95% 区间", "预测"]


def _result() -> F.ForecastResult:
    weeks = [dt.date(2025, 1, 6), dt.date(2025, 1, 13)]
    pts = pd.DataFrame({"week_on": weeks, "value": [100.0, 5.0], "low": [80.0, 2.0], "high": [120.0, 10.0]})
    return F.ForecastResult("hall_arrivals", 2, pd.DataFrame({"week_on": [], "value": []}), pts)


# a month is 365.25 / 12 = 30.4375 days: 30.4375 visits a month are 7 a week
MONTH = {"value": 30.4375, "low": 15.21875, "high": 60.875}  # 7, 3.5 and 14 a week
IMPACT = {"rooms": 3, "households_covered": 1200, "counter_visits_avoided_per_month": MONTH,
          "hotline_orders_avoided_per_month": {
              **MONTH, "by_category": {"fault_repair": {"value": 30.4375, "low": 30.4375, "high": 30.4375},
                                       "consultation": {"value": 4.348214285714286, "low": 0.0,
                                                   "high": 8.696428571428571}}},
          "reasons": {}}


def test_scenario_by_hand():
    sc = F.scenario(_result(), IMPACT)["scenario"]
    assert sc["rooms"] == 3 and sc["households_covered"] == 1200
    assert sc["avoided_per_week"] == pytest.approx({"value": 7.0, "low": 3.5, "high": 14.0})
    # week 1: 100 - 7; low 80 - 14 (the largest reduction); high 120 - 3.5; week 2 floored at 0
    assert sc["points"] == [{"week": "2025-01-06", "value": 93.0, "low": 66.0, "high": 116.5},
                            {"week": "2025-01-13", "value": 0.0, "low": 0.0, "high": 6.5}]
    # half of the visits at the chosen halls
    half = F.scenario(_result(), IMPACT, hall_share=0.5)["scenario"]
    assert half["avoided_per_week"] == pytest.approx({"value": 3.5, "low": 1.75, "high": 7.0}, abs=0.051)  # to 0.1
    assert half["points"][0] == {"week": "2025-01-06", "value": 96.5, "low": 73.0, "high": 118.2}


def test_scenario_hotline_categories_by_hand():
    res = _result()
    res.series = "hotline"
    # fault repairs 7 a week (no spread), consultations 1 [0, 2] a week: 8 [7, 9]; the hall
    # share does not apply to orders
    sc = F.scenario(res, IMPACT, categories=["fault_repair", "consultation"], hall_share=0.1)["scenario"]
    assert sc["avoided_per_week"] == pytest.approx({"value": 8.0, "low": 7.0, "high": 9.0})
    assert sc["points"][0] == {"week": "2025-01-06", "value": 92.0, "low": 71.0, "high": 113.0}
    none = F.scenario(res, IMPACT, categories=["fault_repair", "complaint"])  # no complaint effect
    assert none["scenario"] is None
    assert none["scenario_reason"] == {"zh": "以下工单类别的效果无法估计：投诉",
                                       "en": "the effect on these categories could not be estimated: Complaint"}


def test_scenario_without_an_effect_says_why():
    why = {"zh": "原因", "en": "why"}
    imp = {**IMPACT, "counter_visits_avoided_per_month": None,
           "reasons": {"counter_visits_avoided_per_month": why}}
    assert F.scenario(_result(), imp) == {"scenario": None, "scenario_reason": why}


def test_hall_share_by_hand():
    changes = pd.DataFrame({"community_id": ["c1", "c2", "c3"], "households": [100.0, 300.0, 400.0]})
    catch = pd.DataFrame({"community_id": ["c1", "c1", "c2"], "hall_id": ["H1", "H2", "H1"],
                          "hall_share": [0.5, 0.5, 1.0]})
    # c3 has no tickets at any hall: it takes none; (100 * 0.5 + 300) / 800 at H1
    assert F.hall_share_of(changes, catch, ["H1"]) == pytest.approx(350 / 800)
    assert F.hall_share_of(changes, catch, ["H2"]) == pytest.approx(50 / 800)
    assert F.hall_share_of(changes, catch, None) == 1.0


def test_figure_scenario_traces():
    from dashboard.figures.forecast import forecast_figure

    sc = F.scenario(_result(), IMPACT)["scenario"]
    fig = forecast_figure(_result(), "zh", sc)
    band, line = fig.data[-2], fig.data[-1]
    assert line.name == "新增服务室后的预测" and list(line.y) == [93.0, 0.0]
    assert list(band.y) == [116.5, 6.5, 0.0, 66.0] and list(band.x) == ["2025-01-06", "2025-01-13"] * 1 + [
        "2025-01-13", "2025-01-06"]
    assert [tr.name for tr in forecast_figure(_result(), "zh").data] == ["实际", "95% 区间", "预测"]


def test_page_on_the_tiny_demo(tiny, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard import settings

    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny))
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "screens" / "forecast.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert any(i.value.startswith("No backtest:") for i in at.info)
    at.radio(key="fc_series").set_value("hotline").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == 26
