"""Parallel trends within kind: the staggered DiD per urban / rural stratum, combined.

Hand-built community-month panels whose kinds share a *relative* trend but start at
different levels, so in absolute terms villages fall faster (the demo's situation). The
data-generating process and the true ATT are written out here. The combination is
checked against an independent computation: each stratum fitted on its own with the same
library call (diff-diff's ``CallawaySantAnna``), combined by hand with weights counted
from the panel rows. A panel with one kind must give exactly the single fit.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from diff_diff import CallawaySantAnna
from scipy import stats

from dashboard.analysis import cs_influence as cs
from dashboard.analysis.effects import MIN_CONTROL, estimate_panel
from dashboard.analysis.robustness import assess_panel

from ._sim import simulate

OUT = "counter_visits_per_1k_households"
Z = stats.norm.ppf(0.975)
START = dt.date(2022, 1, 1)


def _month(k: int) -> pd.Timestamp:
    return pd.Timestamp(START) + pd.DateOffset(months=k - 1)


def two_kinds(seed: int, *, rural_waves: tuple[int, ...] = (), n_rural_never: int = 80,
              months: int = 30) -> tuple[pd.DataFrame, float, dict[str, float]]:
    """Urban compounds (level ~100) and villages (level ~200), both falling 2.5 % a month
    (a relative trend: the villages lose twice as many units a month). Urban: 60 served in
    waves 10 / 14 / 18, 50 never served; effect -8 from the opening month. Villages: 30
    served per wave of ``rural_waves`` (effect -15) and ``n_rural_never`` never served.

    Returns the panel (columns of the SQL panels plus ``t``, ``g``), the true ATT over
    all treated post-opening community-months and the true ATT per kind.
    """
    rng = np.random.default_rng(seed)
    rows = []
    kinds = (["urban"] * 110 + ["rural"] * (30 * len(rural_waves) + n_rural_never))
    g_urban = [10, 14, 18] * 20 + [0] * 50
    g_rural = [w for w in rural_waves for _ in range(30)] + [0] * n_rural_never
    cohort = np.array(g_urban + g_rural)
    level = np.where(np.array(kinds) == "urban", rng.normal(100, 8, len(kinds)), rng.normal(200, 8, len(kinds)))
    effect = np.where(np.array(kinds) == "urban", -8.0, -15.0)
    shocks = rng.normal(0, 1.0, months)
    tau_all: list[float] = []
    tau_kind: dict[str, list[float]] = {"urban": [], "rural": []}
    for i, (kind, g) in enumerate(zip(kinds, cohort)):
        opened = _month(int(g)) + pd.Timedelta(days=9) if g else pd.NaT
        for t in range(1, months + 1):
            tau = effect[i] if g and t >= g else 0.0
            if g and t >= g:
                tau_all.append(tau)
                tau_kind[kind].append(tau)
            y = level[i] * 0.975 ** t + shocks[t - 1] + tau + rng.normal(0, 1.5)
            rows.append((f"{kind[0]}{i:03d}", _month(t), opened, kind, y, t, int(g)))
    panel = pd.DataFrame(rows, columns=["community_id", "month_on", "first_opened_on", "kind", "y", "t", "g"])
    truth_kind = {k: float(np.mean(v)) for k, v in tau_kind.items() if v}
    return panel, float(np.mean(tau_all)), truth_kind


def _library_fit(d: pd.DataFrame):
    """The library call of the main estimate, made here on one stratum."""
    est = CallawaySantAnna(control_group="not_yet_treated", estimation_method="dr", alpha=0.05,
                           n_bootstrap=0, base_period="varying", allow_unbalanced_panel=True,
                           rank_deficient_action="silent")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(d[["community_id", "t", "g", "y"]], outcome="y", unit="community_id",
                       time="t", first_treat="g")


def _by_hand(strata: list[pd.DataFrame], *, shared: bool = False) -> dict:
    """Each stratum fitted on its own; the overall ATT and event study combined with
    weights = treated community-months counted from the rows."""
    fits = [_library_fit(d) for d in strata]
    post_rows = [float(((d["g"] > 0) & (d["t"] >= d["g"])).sum()) for d in strata]
    w = np.array(post_rows) / sum(post_rows)
    simple = [f.aggregate("simple") for f in fits]
    att = float(sum(wk * s.att[0] for wk, s in zip(w, simple)))
    parts = [wk * s.se[0] for wk, s in zip(w, simple)]
    se = float(sum(parts)) if shared else float(math.sqrt(sum(p * p for p in parts)))
    es = {}
    studies = [f.aggregate("event_study") for f in fits]
    events = sorted({int(e) for s in studies for e in s.event_time})
    for e in events:
        # treated community-months at event time e that have a cell (a base month: t >= 2)
        mass = [float(((d["g"] > 0) & (d["t"] - d["g"] == e) & (d["t"] >= 2)).sum()) for d in strata]
        vals = []
        for m, s in zip(mass, studies):
            hit = [j for j, x in enumerate(s.event_time) if int(x) == e]
            if m > 0 and hit:
                vals.append((m, float(s.att[hit[0]]), float(s.se[hit[0]])))
        tot = sum(m for m, _, _ in vals)
        a = sum(m / tot * v for m, v, _ in vals)
        s_e = math.sqrt(sum((m / tot * x) ** 2 for m, _, x in vals))
        es[e] = (a, s_e)
    return {"att": att, "se": se, "weights": list(w), "simple": simple, "event_study": es}


# ---------------------------------------------------------------- (1) bias and recovery
@pytest.fixture(scope="module")
def urban_only():
    return two_kinds(11)


def test_pooled_comparison_is_biased_and_within_kind_recovers_the_truth(urban_only):
    panel, truth, _ = urban_only
    pooled = estimate_panel(panel.drop(columns=["kind"]), OUT)
    within = estimate_panel(panel, OUT)
    assert pooled.ok and within.ok
    # the villages fall 2.5 units a month more than the compounds: read as a rise
    assert pooled.att - truth > 3.0, (pooled.att, truth)
    assert not pooled.ci_low <= truth <= pooled.ci_high
    assert within.ci_low <= truth <= within.ci_high, (within.att, truth)
    assert abs(within.att - truth) < 0.5
    # the villages are said to be left out, and the comparison is urban with urban
    assert within.excluded == {"other_kind": 80}
    assert within.n_treated == 60 and within.n_control == 50 + 40  # never + later waves
    assert [(s["kind"], s["comparison"], s["n_treated"]) for s in within.strata] == [("urban", "within_kind", 60)]
    assert any("80" in c["en"] and "same kind" in c["en"] for c in within.caveats)
    assert any("80" in c["zh"] and "同类社区" in c["zh"] for c in within.caveats)
    # one stratum: the numbers are the urban communities' own fit
    ref = _library_fit(panel[panel["kind"] == "urban"]).aggregate("simple")
    assert within.att == ref.att[0] and within.se == ref.se[0]


def test_event_study_before_opening_straddles_zero_only_within_kind(urban_only):
    panel, _, _ = urban_only
    pooled = estimate_panel(panel.drop(columns=["kind"]), OUT)
    within = estimate_panel(panel, OUT)
    pre = lambda r: [e for e in r.event_study if -6 <= e["event_time"] <= -1]
    # pooled: every month-on-month pre-opening change is a spurious rise
    assert all(e["att"] > 0 for e in pre(pooled))
    assert np.mean([e["att"] for e in pre(pooled)]) > 0.5
    # within kind they average out around 0
    assert abs(np.mean([e["att"] for e in pre(within)])) < 0.2


# ---------------------------------------------------------------- (1) the combination
@pytest.fixture(scope="module")
def both_kinds():
    return two_kinds(12, rural_waves=(12, 16), n_rural_never=40)


def test_combined_estimate_equals_strata_fitted_and_combined_by_hand(both_kinds):
    panel, truth, truth_kind = both_kinds
    res = estimate_panel(panel, OUT)
    assert res.ok and [s["kind"] for s in res.strata] == ["urban", "rural"]
    assert all(s["comparison"] == "within_kind" for s in res.strata)
    hand = _by_hand([panel[panel["kind"] == "urban"], panel[panel["kind"] == "rural"]])
    assert res.att == pytest.approx(hand["att"], rel=1e-12)
    assert res.se == pytest.approx(hand["se"], rel=1e-12)
    assert res.ci_low == pytest.approx(hand["att"] - Z * hand["se"], rel=1e-12)
    assert [s["weight"] for s in res.strata] == pytest.approx(hand["weights"], rel=1e-12)
    for s, ref in zip(res.strata, hand["simple"]):
        assert s["att"] == pytest.approx(ref.att[0], rel=1e-12) and s["se"] == pytest.approx(ref.se[0], rel=1e-12)
    got = {e["event_time"]: e for e in res.event_study}
    assert set(got) == set(hand["event_study"])
    for e, (a, s_e) in hand["event_study"].items():
        assert got[e]["att"] == pytest.approx(a, rel=1e-9, abs=1e-12)
        assert got[e]["ci_high"] - got[e]["att"] == pytest.approx(Z * s_e, rel=1e-9)
    # the counterfactual mean over the same cells: observed mean of the treated
    # post-opening community-months minus the (community-month weighted) effect
    post = panel[(panel["g"] > 0) & (panel["t"] >= panel["g"])]
    assert res.counterfactual_mean == pytest.approx(post["y"].mean() - hand["att"], rel=1e-9)
    assert res.relative_effect == pytest.approx(hand["att"] / (post["y"].mean() - hand["att"]), rel=1e-9)
    # and the combination recovers the truth of each kind and overall
    assert res.ci_low <= truth <= res.ci_high, (res.att, truth)
    for s in res.strata:
        assert abs(s["att"] - truth_kind[s["kind"]]) < 4 * s["se"]
    # the CLI object names the strata
    d = res.as_dict()
    assert [(s["kind"], s["comparison"]) for s in d["strata"]] == [("urban", "within_kind"), ("rural", "within_kind")]
    assert set(d["strata"][0]) == {"kind", "comparison", "att", "se", "n_treated"}


def test_kind_with_too_few_never_served_is_compared_across_kinds_and_said(both_kinds):
    panel, _, _ = both_kinds
    # keep only 3 never-served villages: the villages cannot be compared among themselves
    rural_never = panel[(panel["kind"] == "rural") & (panel["g"] == 0)]["community_id"].unique()
    p = panel[~panel["community_id"].isin(rural_never[3:])]
    res = estimate_panel(p, OUT)
    assert res.ok
    assert [(s["kind"], s["comparison"], s["n_treated"]) for s in res.strata] == [
        ("urban", "within_kind", 60), ("rural", "all_kinds", 60)]
    assert res.n_treated == 120 and res.excluded == {"kind_fallback": 60}
    cav = [c for c in res.caveats if "60" in c["en"]]
    assert len(cav) == 1 and f"fewer than {MIN_CONTROL}" in cav[0]["en"] and f"少于{MIN_CONTROL}个" in cav[0]["zh"]
    # the fallback stratum: the villages and every kind's never-served communities;
    # the strata share the urban never-served, so the SE is the upper bound sum w se
    never = p[p["g"] == 0]["community_id"].unique()
    fallback = p[(p["kind"] == "rural") | p["community_id"].isin(never)]
    hand = _by_hand([p[p["kind"] == "urban"], fallback], shared=True)
    assert res.att == pytest.approx(hand["att"], rel=1e-12)
    assert res.se == pytest.approx(hand["se"], rel=1e-12)


def test_a_refused_estimate_states_the_threshold_it_was_given(both_kinds):
    panel, _, _ = both_kinds
    res = estimate_panel(panel, OUT, min_control=1000)  # more never-served than any kind has
    assert res.status == "too_few_control" and res.excluded.get("kind_fallback")
    cav = [c for c in res.caveats if "fewer than" in c["en"]]
    assert cav and all("fewer than 1000" in c["en"] and "少于1000个" in c["zh"] for c in cav)


# ---------------------------------------------------------------- (2) one kind
@pytest.fixture(scope="module")
def sim_panel():
    return simulate(5, n=150, months=24, waves=(8, 12, 16)).panel


def test_one_kind_gives_exactly_the_single_fit(sim_panel):
    plain = estimate_panel(sim_panel, OUT)
    urban = estimate_panel(sim_panel.assign(kind="urban"), OUT)
    assert plain.ok and urban.ok
    for attr in ("att", "se", "ci_low", "ci_high", "relative_effect", "counterfactual_mean",
                 "naive_before_after", "n_treated", "n_control", "event_study", "excluded"):
        assert getattr(urban, attr) == getattr(plain, attr), attr
    pd.testing.assert_frame_equal(urban.counterfactual, plain.counterfactual)
    # ... which is the library's fit on the whole panel (the estimate before strata)
    d = sim_panel.copy()
    m = (d["month_on"].dt.year * 12 + d["month_on"].dt.month)
    d["t"] = m - m.min() + 1
    om = d["first_opened_on"].dt.year * 12 + d["first_opened_on"].dt.month
    d["g"] = (om - m.min() + 1).fillna(0).astype(int)
    fit = _library_fit(d)
    simple = fit.aggregate("simple")
    assert urban.att == simple.att[0] and urban.se == simple.se[0]
    assert (urban.ci_low, urban.ci_high) == (simple.conf_int_lower[0], simple.conf_int_upper[0])
    es = fit.aggregate("event_study")
    assert [r["att"] for r in urban.event_study] == [float(a) for a in es.att if math.isfinite(a)]
    assert urban.strata == [{"kind": "urban", "comparison": "within_kind", "att": urban.att, "se": urban.se,
                             "n_treated": urban.n_treated, "n_control": urban.n_control, "weight": 1.0}]
    assert plain.strata[0]["kind"] is None and plain.strata[0]["comparison"] == "all_kinds"


def test_one_kind_robustness_is_the_single_fit(sim_panel):
    plain = assess_panel(sim_panel, OUT, placebo_shift=4)
    urban = assess_panel(sim_panel.assign(kind="rural"), OUT, placebo_shift=4)
    assert plain.pretrend is not None and plain.honest is not None and plain.placebo is not None
    assert urban.pretrend == plain.pretrend and urban.honest == plain.honest and urban.placebo == plain.placebo
    # ... which are the single fit's: the pre-trend test on the whole matrix by hand
    d = sim_panel.copy()
    m = d["month_on"].dt.year * 12 + d["month_on"].dt.month
    om = d["first_opened_on"].dt.year * 12 + d["first_opened_on"].dt.month
    d["t"], d["g"] = m - m.min() + 1, (om - m.min() + 1).fillna(0).astype(int)
    Y = d.pivot(index="community_id", columns="t", values="y").to_numpy()
    g = d.drop_duplicates("community_id").set_index("community_id")["g"].sort_index().to_numpy()
    es = cs.event_study(cs.att_gt(Y, g, base_period="varying"), min_e=-6, max_e=-1)
    pre = es.att
    wald = float(pre @ np.linalg.solve(es.vcov, pre))
    assert urban.pretrend["df"] == 6 and urban.pretrend["wald"] == pytest.approx(wald, rel=1e-9)


# ---------------------------------------------------------------- robustness combined
def test_robustness_combines_the_strata_event_studies(both_kinds):
    panel, _, _ = both_kinds
    res = assess_panel(panel, OUT, placebo_shift=6)
    assert res.pretrend is not None and res.honest is not None and res.placebo is not None
    # by hand: each kind's event study (universal base) from its own matrix, combined
    # with weights = treated units per event time; covariance block-diagonal
    mats = {}
    for kind in ("urban", "rural"):
        d = panel[panel["kind"] == kind]
        Y = d.pivot(index="community_id", columns="t", values="y").to_numpy()
        g = d.drop_duplicates("community_id").set_index("community_id")["g"].sort_index().to_numpy()
        es = cs.event_study(cs.att_gt(Y, g, base_period="universal"), min_e=-7, max_e=5)
        mass = np.array([float(((d["g"] > 0) & (d["t"] - d["g"] == e)).sum()) for e in es.labels])
        mats[kind] = (es, mass)
    (eu, mu), (er, mr) = mats["urban"], mats["rural"]
    assert list(eu.labels) == list(er.labels)
    wu, wr = mu / (mu + mr), mr / (mu + mr)
    beta = wu * eu.att + wr * er.att
    V = np.diag(wu) @ eu.vcov @ np.diag(wu) + np.diag(wr) @ er.vcov @ np.diag(wr)
    post = eu.labels >= 0
    lv = np.full(post.sum(), 1.0 / post.sum())
    assert res.honest["theta"] == pytest.approx(float(lv @ beta[post]), rel=1e-10)
    se = math.sqrt(lv @ V[np.ix_(post, post)] @ lv)
    lo, hi = res.honest["original_ci"]
    assert (hi - lo) / 2 == pytest.approx(Z * se, rel=1e-6)


# ---------------------------------------------------------------- (3) vendored data
MPDTA = Path(__file__).parents[1] / "robustness" / "data" / "mpdta.csv"


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    """R ``did``'s ``mpdta`` (500 counties, 2003-2007) as a panel of the SQL shape, the
    years as consecutive months; the counties split by size (``lpop`` above the median:
    "urban") as two kinds with their own trends."""
    df = pd.read_csv(MPDTA)
    first = pd.Timestamp("2003-01-01")
    to_month = lambda y: first + pd.DateOffset(months=int(y) - 2003)
    big = df.groupby("countyreal")["lpop"].first()
    kind = np.where(big > big.median(), "urban", "rural")
    kinds = dict(zip(big.index, kind))
    return pd.DataFrame({
        "community_id": df["countyreal"].astype(str),
        "month_on": df["year"].map(to_month),
        "first_opened_on": df["first.treat"].map(lambda y: to_month(y) if y else pd.NaT),
        "kind": df["countyreal"].map(kinds),
        "y": df["lemp"],
        "t": df["year"] - 2002,
        "g": df["first.treat"].map(lambda y: int(y) - 2002 if y else 0),
    })


def test_mpdta_by_county_size_equals_the_strata_combined_by_hand(mpdta):
    res = estimate_panel(mpdta, OUT, min_months=5)
    assert res.ok and [s["comparison"] for s in res.strata] == ["within_kind", "within_kind"]
    assert res.n_treated == int((mpdta.drop_duplicates("community_id")["g"] > 0).sum())
    hand = _by_hand([mpdta[mpdta["kind"] == "urban"], mpdta[mpdta["kind"] == "rural"]])
    assert res.att == pytest.approx(hand["att"], rel=1e-12)
    assert res.se == pytest.approx(hand["se"], rel=1e-12)
    got = {e["event_time"]: e["att"] for e in res.event_study}
    assert got == pytest.approx({e: a for e, (a, _) in hand["event_study"].items()}, rel=1e-9)
    # the one-kind estimate on the same data is the library's fit of all 500 counties
    single = estimate_panel(mpdta.assign(kind="urban"), OUT, min_months=5)
    assert single.att == _library_fit(mpdta).aggregate("simple").att[0]


def test_mpdta_strata_event_studies_combined_with_their_covariance(mpdta):
    """R ``did``'s setting of the published figures (never-treated controls, varying
    base): the combined event study and covariance of the two county sizes by hand."""
    studies, masses, rows = [], [], []
    ids = np.sort(mpdta["community_id"].unique())
    for kind in ("urban", "rural"):
        d = mpdta[mpdta["kind"] == kind]
        Y = d.pivot(index="community_id", columns="t", values="y")
        g = d.drop_duplicates("community_id").set_index("community_id")["g"].reindex(Y.index).to_numpy()
        gt = cs.att_gt(Y.to_numpy(), g, control_group="never_treated", base_period="varying")
        es = cs.event_study(gt)
        studies.append(es)
        masses.append(np.array([float(((d["g"] > 0) & (d["t"] - d["g"] == e) & (d["t"] >= 2)).sum())
                                for e in es.labels]))
        rows.append(np.searchsorted(ids, Y.index.to_numpy()))
    both = cs.combine(list(zip(studies, masses, rows)), ids.size)
    (eu, mu), (er, mr) = (studies[0], masses[0]), (studies[1], masses[1])
    assert list(both.labels) == list(eu.labels) == list(er.labels) == [-3, -2, -1, 0, 1, 2, 3]
    wu, wr = mu / (mu + mr), mr / (mu + mr)
    assert both.att == pytest.approx(wu * eu.att + wr * er.att, rel=1e-12)
    V = np.diag(wu) @ eu.vcov @ np.diag(wu) + np.diag(wr) @ er.vcov @ np.diag(wr)
    np.testing.assert_allclose(both.vcov, V, rtol=1e-10, atol=1e-14)
    # all counties as one stratum: R did's published dynamic estimates
    Y = mpdta.pivot(index="community_id", columns="t", values="y")
    g = mpdta.drop_duplicates("community_id").set_index("community_id")["g"].reindex(Y.index).to_numpy()
    gt = cs.att_gt(Y.to_numpy(), g, control_group="never_treated", base_period="varying")
    one = cs.combine([(cs.event_study(gt), cs.cell_mass(gt, cs.event_study(gt).labels), np.arange(Y.shape[0]))],
                     Y.shape[0])
    assert one.att == pytest.approx([0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008], abs=5e-5)
