"""Figure builders on fig.data: the traces carry the numbers they were given, labels are
translated, and every time axis has the room-opening markers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dashboard import settings
from dashboard.analysis import definitions, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import t

OPEN = [dt.date(2024, 3, 1), dt.date(2024, 7, 1)]
MONTHS = [dt.date(2024, m, 1) for m in (1, 2, 3, 4)]


def _opening_trace(fig, lang="zh"):
    tr = [d for d in fig.data if d.name == t("met.fig.opening", lang)]
    assert len(tr) == 1
    xs = [x for x in tr[0].x if x is not None]
    return sorted(set(xs))


def test_offload_figure_values_and_markers():
    monthly = pd.DataFrame({"month_on": MONTHS, "counter": [10, 8, 6, 4], "room": [0, 2, 4, 6]})
    monthly["share"] = monthly["room"] / (monthly["counter"] + monthly["room"])
    fig = figs.offload_figure(monthly, OPEN, "en")
    by = {d.name: d for d in fig.data}
    assert list(by[t("met.fig.counter", "en")].y) == [10, 8, 6, 4]
    assert list(by[t("met.fig.share", "en")].y) == pytest.approx([0, 20, 40, 60])
    assert _opening_trace(fig, "en") == OPEN
    assert fig.layout.title.text == t("met.fig.offload_title", "en")


def test_per_1k_figure_rates():
    df = pd.DataFrame({"month_on": [MONTHS[0]] * 4, "status": ["served", "served", "not_yet", "not_yet"],
                       "category": ["a", "b", "a", "b"], "households": [2000, 2000, 500, 500],
                       "n_orders": [3, 1, 2, 0]})
    fig = figs.per_1k_figure(df, "n_orders", OPEN, "zh", "met.fig.hotline_title")
    by = {d.name: d for d in fig.data}
    assert list(by[t("met.status.served", "zh")].y) == pytest.approx([4 * 1000 / 2000])
    assert list(by[t("met.status.not_yet", "zh")].y) == pytest.approx([2 * 1000 / 500])
    assert _opening_trace(fig) == OPEN


def test_heatmap_places_cells():
    heat = pd.DataFrame({"weekday": [1, 7], "hour_of_day": [9, 10], "n_tickets": [5, 6],
                         "arrivals_per_month": [5.0, 6.0], "wait_mean_min": [12.0, 3.0]})
    fig = figs.heatmap_figure(heat, "wait_mean_min", "en")
    z = fig.data[0].z
    assert z[0][0] == 12.0 and z[6][1] == 3.0 and z[0][1] is None
    assert list(fig.data[0].y)[0] == t("weekday.mon", "en")


def test_before_after_and_hall_figures():
    ba = pd.DataFrame({"period": ["before", "before", "after"], "minute": [5, 20, 5],
                       "n": [1, 1, 2], "share": [0.5, 0.5, 1.0]})
    fig = figs.before_after_figure(ba, 15, "zh")
    by = {d.name: d for d in fig.data}
    assert list(by[t("met.period.after", "zh")].y) == [100.0]
    assert list(by[t("met.fig.target", "zh", v="15")].x) == [15, 15]
    ph = pd.DataFrame({"hall_name": ["A", "B"], "wait_mean_min": [10.0, 20.0], "wait_median_min": [9.0, 18.0],
                       "wait_p90_min": [20.0, 40.0]})
    fig = figs.hall_wait_figure(ph, 15, "en")
    assert list({d.name: d for d in fig.data}[t("met.fig.p90", "en")].y) == [20.0, 40.0]


def test_map_colours_only_changed_communities():
    ch = pd.DataFrame({"community_id": ["C1", "C2"], "name": ["a", "b"], "lon": [117.0, 117.1],
                       "lat": [36.0, 36.1], "change": [-1.5, None]})
    fig = figs.community_map_figure(ch, "zh")
    grey, coloured = fig.data
    assert list(grey.x) == [117.1]
    assert list(coloured.marker.color) == [-1.5]


def test_faults_figure_commitment_lines():
    monthly = pd.DataFrame({"month_on": MONTHS[:2] * 2, "urban_rural": ["urban"] * 2 + ["rural"] * 2,
                            "arrival_mean_min": [30, 40, 70, 80], "restore_mean_h": [2.0, 2.5, 3.0, 3.5]})
    by_area = pd.DataFrame({"urban_rural": ["rural", "urban"], "arrival_target_min": [90.0, 45.0],
                            "restore_target_h": [4.0, 3.0]})
    fig = figs.faults_figure(monthly, by_area, OPEN, "zh", "restore")
    ys = {d.name: list(d.y) for d in fig.data}
    assert ys[t("met.area.urban", "zh")] == [2.0, 2.5]
    assert [3.0, 3.0] in ys.values() and [4.0, 4.0] in ys.values()
    assert _opening_trace(fig) == OPEN


def test_group_weekday_and_community_figures():
    df = pd.DataFrame({"month_on": MONTHS[:2] * 2, "customer_group": ["elderly"] * 2 + ["disabled"] * 2,
                       "n_visits": [1, 2, 3, 4]})
    fig = figs.by_group_figure(df, "customer_group", "group", OPEN, "zh", "met.fig.groups_title")
    assert list({d.name: d for d in fig.data}[t("group.disabled", "zh")].y) == [3, 4]
    wk = pd.DataFrame({"weekday": [2, 6], "visits_per_open_day": [1.5, 3.0]})
    fig = figs.weekday_figure(wk, "en")
    assert list(fig.data[0].x) == ["Tue", "Sat"] and list(fig.data[0].y) == [1.5, 3.0]
    cm = pd.DataFrame({"month_on": MONTHS[:2], "n_tickets": [1, 2], "n_hotline": [3, 4], "n_faults": [0, 1],
                       "n_visits": [5, 6]})
    fig = figs.community_monthly_figure(cm, [OPEN[0]], "zh")
    assert list({d.name: d for d in fig.data}[t("met.series.n_visits", "zh")].y) == [5, 6]
    assert _opening_trace(fig) == [OPEN[0]]


def test_definitions_registry_complete():
    keys = {m.key for m in definitions.METRICS}
    assert {k for k, _ in metrics.OVERVIEW_KPIS} <= keys
    for m in definitions.METRICS:
        for q in m.queries:
            assert (settings.QUERIES_DIR / f"{q}.sql").is_file(), q
        for lang in ("zh", "en"):
            assert t(f"met.def.{m.key}.text", lang)
    df = definitions.definitions_table("en")
    assert len(df) == len(definitions.METRICS) and df["name"].str.len().min() > 0


@pytest.mark.parametrize(
    "change, unit, text, colour",
    [
        (0.04, "minutes", "±0.0", "off"),           # rounds to 0.0 min: no rising arrow
        (-0.04, "minutes", "±0.0", "off"),
        (0.06, "minutes", "+0.1", "inverse"),       # lower is better: a rise is red
        (-1.25, "minutes", "-1.2", "inverse"),
        (0.0004, "share", "±0.0", "off"),           # 0.04 percentage points
        (0.012, "share", "+1.2", "inverse"),
    ],
)
def test_delta_sign_and_colour(change, unit, text, colour):
    key = "hall_wait_mean_min" if unit == "minutes" else "share_late"
    got = definitions.fmt_delta(change, unit, "en")
    assert got.startswith(text), got
    assert definitions.delta_color(key, change, unit) == colour
    assert definitions.delta_color(key) == "inverse"  # without a change: by direction only
