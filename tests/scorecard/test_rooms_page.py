"""AppTest of the Rooms page on the tiny demo: the table shows the library's statuses, the
breaches are listed, and the targets form writes the file (and refuses nothing valid)."""

from __future__ import annotations

import pytest

from dashboard import settings
from dashboard.analysis import room_targets, scorecard
from dashboard.i18n import t
from tests.scorecard.conftest import app_page, read


@pytest.fixture()
def app_env(tiny, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny.db))
    yield tiny
    settings.room_targets_path(tiny.db).unlink(missing_ok=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rooms_page_shows_the_scorecard(app_env, lang):
    at = app_page("rooms", lang).run()
    assert not at.exception, at.exception
    sc = read(app_env.db, scorecard.scorecard)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("sc.page.rooms", lang)] == str(len(sc["rooms"]))
    assert metrics[t("sc.page.n_breaches", lang)] == str(len(sc["breaches"]))
    table = at.dataframe[0].value
    assert len(table) == len(sc["rooms"])
    missed = table[t("sc.col.n_breaches", lang)].tolist()
    assert missed == sc["rooms"]["n_breaches"].tolist()
    red = sum(cell.startswith("🔴") for col in table.columns[1:-1] for cell in table[col])
    assert red == len(sc["breaches"])


def test_targets_form_writes_the_file(app_env):
    at = app_page("rooms").run()
    at.number_input(key="sc_t_visits_min").set_value(40.0)
    next(b for b in at.button if b.label == t("sc.targets.save", "zh")).click().run()
    assert not at.exception, at.exception
    assert room_targets.load(app_env.db).visits_min == 40.0
    metrics = {m.label: m.value for m in at.metric}
    sc = read(app_env.db, scorecard.scorecard, targets=room_targets.load(app_env.db))
    assert metrics[t("sc.page.n_breaches", "zh")] == str(len(sc["breaches"]))
    assert any(m == "visits" for m in sc["breaches"]["metric"])
