"""The Overview tells the truth (AppTest on the tiny demo): the zero-baseline KPIs show
as new services with no change arrow (no "+16.3 个百分点" / "+2,390.6/月"), the others
keep their change; with the toggle on, each causal estimate stands on its own labelled
line; the scorecard breaches are listed."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import warehouse
from dashboard.analysis import definitions, effects, metrics, overview_text, scorecard
from dashboard.analysis.filters import Filters
from dashboard.i18n import t
from tests.scorecard.conftest import app_page, read


@pytest.fixture()
def app_env(tiny, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny.db))
    return tiny


def _card(at: AppTest, key: str, lang: str):
    return next(m for m in at.metric if m.label == t(f"met.def.{key}.name", lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zero_baseline_kpis_are_new_services(app_env, lang):
    at = app_page("overview", lang).run()
    assert not at.exception, at.exception
    ov = read(app_env.db, metrics.overview_kpis, Filters())["kpis"].set_index("key")
    assert ov.loc["offload_share", "baseline"] == 0 and ov.loc["vulnerable_visits_per_month", "baseline"] == 0
    for key in metrics.NEW_SERVICE_KPIS:
        card = _card(at, key, lang)
        unit = definitions.get(key).unit
        assert card.value == t("sc.ov.new_service", lang, v=definitions.fmt_value(ov.loc[key, "value"], unit, lang))
        assert card.value.startswith("新服务" if lang == "zh" else "New service")
        assert card.delta is None or card.delta == ""
        # the old wording: the whole new service as a change against a zero baseline
        old = definitions.fmt_delta(ov.loc[key, "change"], unit, lang)
        assert old not in (card.value or "") and old not in (card.delta or "")
    for key in set(ov.index) - metrics.NEW_SERVICE_KPIS:
        if ov.loc[key, "change"] == ov.loc[key, "change"]:  # a change exists: it is still shown
            assert _card(at, key, lang).delta == t("met.overview.delta", lang, d=definitions.fmt_delta(
                ov.loc[key, "change"], definitions.get(key).unit, lang))


def test_causal_estimates_beside_the_plain_change(app_env):
    at = app_page("overview", "zh").run()
    captions = [c.value for c in at.caption]
    assert not any(c.startswith("因果估计（") for c in captions)  # off by default: no fits on load
    at.toggle(key="ov_causal").set_value(True).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    con = warehouse.connect_read(app_env.db)
    try:
        for key, outcome in metrics.CAUSAL_OUTCOMES.items():
            line = overview_text.causal_line(effects.estimate(con, outcome, Filters()), outcome, "zh")
            assert line in captions, key
            assert line.startswith("因果估计")
    finally:
        con.close()
    assert sum(c.startswith("因果估计") for c in captions) == len(metrics.CAUSAL_OUTCOMES)


def test_breaches_listed_on_the_overview(app_env):
    at = app_page("overview", "en").run()
    sc = read(app_env.db, scorecard.scorecard)
    assert len(sc["breaches"]) > 0
    table = next(d.value for d in at.dataframe if t("sc.col.since", "en") in d.value.columns)
    assert len(table) == min(8, len(sc["breaches"]))
    assert table[t("sc.col.room", "en")].tolist() == sc["breaches"]["name"].head(8).tolist()
