"""The briefing: the period's headline results as plain data, one section per area.

Two steps keep this testable:

* :func:`collect` reads the warehouse through the analysis and coverage functions (the
  same ones the pages and the CLI call, see :mod:`dashboard.report.collect`) and
  returns raw numbers in a :class:`~dashboard.report.inputs.BriefingInputs`. Any part
  whose analysis is missing or cannot run is left ``None`` with the reason recorded,
  so one broken part never blanks the briefing.
* :func:`assemble` is a pure function from ``BriefingInputs`` and a language to a
  :class:`Briefing`: titles, headline numbers formatted the Chinese or English way
  (万, 2024年3月, units in the labels), one plain sentence per section and the data of
  one chart per section (:class:`Chart`).

The briefing page, the PowerPoint deck (:mod:`dashboard.report.pptx`) and the HTML
file (:mod:`dashboard.report.html`) all render one :class:`Briefing`, so what a director
takes into a meeting is exactly what is on screen; the page's grid of key charts is
:func:`key_charts`.

Sections, in order: offload, waiting, hotline, faults, groups_staff, scorecard (the rooms'
breaches and since when), coverage, plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from dashboard.i18n import fmt_count, fmt_date, fmt_month, label, t
from dashboard.report.collect import collect_inputs
from dashboard.report.inputs import BriefingInputs

__all__ = [
    "SECTIONS",
    "Briefing",
    "Chart",
    "Headline",
    "Section",
    "Series",
    "KEY_CHARTS",
    "assemble",
    "build_briefing",
    "collect",
    "fmt_pct",
    "fmt_num",
    "key_charts",
]

SECTIONS: tuple[str, ...] = ("offload", "waiting", "hotline", "faults", "groups_staff", "scorecard", "coverage",
                             "plan")
"""Section keys in presentation order."""
KEY_CHARTS: tuple[str, ...] = ("offload", "hotline", "waiting", "coverage")
"""Sections whose chart may appear in the Briefing page's grid of key charts
(:func:`key_charts`)."""


# ---------------------------------------------------------------- output (for rendering)
@dataclass(frozen=True)
class Series:
    """One named series of a chart; ``None`` marks a missing value."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """Chart data that both python-pptx (native chart) and plotly can draw.

    Attributes
    ----------
    kind
        ``"line"``, ``"column"`` (vertical bars) or ``"bar"`` (horizontal bars).
    title, x_title, y_title
        Translated texts (units in the axis title).
    categories
        Category labels along the x axis (months already formatted).
    series
        One or more series, each as long as ``categories``.
    percent
        Values are percentages (0..100) shown with a ``%``.
    """

    kind: Literal["line", "column", "bar"]
    title: str
    x_title: str
    y_title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    percent: bool = False


@dataclass(frozen=True)
class Headline:
    """A headline number: its label (with unit) and the formatted value."""

    label: str
    value: str


@dataclass
class Section:
    """One area of the briefing (one slide, one HTML section).

    ``available`` is ``False`` when the area has no result; ``finding`` then says so
    in plain words and there is no chart.
    """

    key: str
    title: str
    available: bool
    headlines: list[Headline]
    finding: str
    effect: str | None = None
    chart: Chart | None = None
    effect_chart: Chart | None = None
    table: pd.DataFrame | None = None
    table_title: str | None = None


@dataclass
class Briefing:
    """The whole briefing in one language."""

    lang: str
    title: str
    subtitle: str
    generated: str
    sections: list[Section]
    map_png: bytes | None = None
    map_title: str = ""
    map_legend: str = ""
    demo_note: str | None = None
    """"Demo data" mark for every slide and the HTML report (``None``: real data)."""

    def section(self, key: str) -> Section:
        """The section with ``key`` (``KeyError`` if absent)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def key_charts(briefing: Briefing) -> list[Chart]:
    """The Briefing page's grid of key charts, in order: the charts of the first two
    sections of :data:`KEY_CHARTS` other than coverage (in section order), the hotline
    section's event-study chart, then the coverage chart (each only when there is one)."""
    charts = [s for s in briefing.sections if s.key in KEY_CHARTS and s.chart is not None]
    out = [s.chart for s in charts if s.key != "coverage"][:2]
    hot = next((s for s in briefing.sections if s.key == "hotline"), None)
    if hot is not None and hot.effect_chart is not None:
        out.append(hot.effect_chart)
    out += [s.chart for s in charts if s.key == "coverage"][:1]
    return out


# ---------------------------------------------------------------- formatting
def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_pct(share: float | None, digits: int = 1) -> str:
    """A share 0..1 as a percentage, ``0.625`` → ``62.5%`` (``–`` when missing)."""
    if _missing(share):
        return "–"
    return f"{share * 100:.{digits}f}%"


def fmt_num(x: float | None, digits: int = 1) -> str:
    """A measured value with ``digits`` decimals (``–`` when missing)."""
    if _missing(x):
        return "–"
    return f"{x:,.{digits}f}"


def _months(df: pd.DataFrame, lang: str) -> tuple[str, ...]:
    return tuple(fmt_month(pd.Timestamp(m).date(), lang) for m in df["month"])


def _vals(s: pd.Series, scale: float = 1.0) -> tuple[float | None, ...]:
    return tuple(None if _missing(v) else float(v) * scale for v in s.astype("float64"))


def _monthly_chart(monthly: pd.DataFrame | None, title_key: str, y_key: str, series: tuple[tuple[str, str], ...],
                   lang: str, kind: Literal["line", "column"] = "line") -> Chart | None:
    """A month-on-x chart (line or column), one series per (i18n label key, column); None
    without rows."""
    if monthly is None or not len(monthly):
        return None
    return Chart(
        kind=kind,
        title=t(title_key, lang),
        x_title=t("rep.chart.month", lang),
        y_title=t(y_key, lang),
        categories=_months(monthly, lang),
        series=tuple(Series(t(label, lang), _vals(monthly[col])) for label, col in series),
    )


def _unavailable(key: str, lang: str) -> Section:
    return Section(
        key=key,
        title=t(f"rep.section.{key}", lang),
        available=False,
        headlines=[],
        finding=t("rep.unavailable", lang, reason=t("rep.unavailable_missing", lang)),
    )


def _effect(inputs: BriefingInputs, key: str, lang: str) -> tuple[str | None, Chart | None]:
    eff = inputs.effects.get(key)
    if eff is None:
        return None, None
    sentence = eff.sentences.get(lang) or None
    chart = None
    es = eff.event_study
    if es is not None and len(es) and not _missing(eff.att):
        es = es.sort_values("event_time")
        chart = Chart(
            kind="line",
            title=t("rep.chart.event", lang),
            x_title=t("rep.chart.event_time", lang),
            y_title=t("rep.chart.effect", lang),
            categories=tuple(str(int(e)) for e in es["event_time"]),
            series=(
                Series(t("rep.chart.effect", lang), _vals(es["att"])),
                Series(t("rep.chart.ci_low", lang), _vals(es["ci_low"])),
                Series(t("rep.chart.ci_high", lang), _vals(es["ci_high"])),
            ),
        )
    return sentence, chart


def _metric_section(inp: BriefingInputs, key: str, lang: str,
                    content: Callable[[Any], tuple[Chart | None, list[Headline], str]]) -> Section:
    """The section of a metric: unavailable without its input (``inp.<key>``), else
    ``content(input)``'s chart, headlines and finding, with the effect estimate of the same
    key beside them (its sentence and event-study chart, see :func:`_effect`)."""
    x = getattr(inp, key)
    if x is None:
        return _unavailable(key, lang)
    chart, headlines, finding = content(x)
    effect, effect_chart = _effect(inp, key, lang)
    return Section(key=key, title=t(f"rep.section.{key}", lang), available=True, headlines=headlines,
                   finding=finding, effect=effect, chart=chart, effect_chart=effect_chart)


# ---------------------------------------------------------------- sections
def _offload(inp: BriefingInputs, lang: str) -> Section:
    return _metric_section(inp, "offload", lang, lambda x: (
        _monthly_chart(x.monthly, "rep.chart.offload", "rep.chart.transactions",
                       (("rep.chart.counter", "counter"), ("rep.chart.room", "room")), lang, kind="column"),
        [Headline(t("rep.kpi.offload_share", lang), fmt_pct(x.share))],
        t("rep.find.offload", lang, share=fmt_pct(x.share), room=fmt_count(x.room, lang),
          counter=fmt_count(x.counter, lang)),
    ))


def _waiting(inp: BriefingInputs, lang: str) -> Section:
    return _metric_section(inp, "waiting", lang, lambda x: (
        _monthly_chart(x.monthly, "rep.chart.waiting", "rep.chart.minutes",
                      (("rep.kpi.wait_mean", "wait_mean_min"),), lang),
        [Headline(t("rep.kpi.wait_mean", lang), fmt_num(x.mean_min)),
         Headline(t("rep.kpi.wait_within", lang), fmt_pct(x.within_share))],
        t("rep.find.waiting", lang, mean=fmt_num(x.mean_min), within=fmt_pct(x.within_share),
          target=fmt_num(x.target_min, 0)),
    ))


def _hotline(inp: BriefingInputs, lang: str) -> Section:
    return _metric_section(inp, "hotline", lang, lambda x: (
        _monthly_chart(x.monthly, "rep.chart.hotline", "rep.chart.per_1k",
                      (("rep.chart.served", "served"), ("rep.chart.not_served", "not_served")), lang),
        [Headline(t("rep.kpi.hotline_rate", lang), fmt_num(x.served_per_1k, 2))],
        t("rep.find.hotline", lang, served=fmt_num(x.served_per_1k, 2), not_served=fmt_num(x.not_served_per_1k, 2)),
    ))


def _faults(inp: BriefingInputs, lang: str) -> Section:
    return _metric_section(inp, "faults", lang, lambda x: (
        _monthly_chart(x.monthly, "rep.chart.faults", "rep.chart.hours",
                      (("rep.kpi.restoration", "restoration_h"),), lang),
        [Headline(t("rep.kpi.restoration", lang), fmt_num(x.restoration_h, 2)),
         Headline(t("rep.kpi.satisfaction", lang), fmt_pct(x.satisfaction_share))],
        t("rep.find.faults", lang, hours=fmt_num(x.restoration_h, 2), satisfaction=fmt_pct(x.satisfaction_share)),
    ))


def _groups_staff(inp: BriefingInputs, lang: str) -> Section:
    x = inp.groups_staff
    if x is None:
        return _unavailable("groups_staff", lang)
    from dashboard.settings import VULNERABLE_GROUPS

    vulnerable = sum(float(v) for g, v in x.by_group.items() if g in VULNERABLE_GROUPS)
    groups = [g for g in x.by_group]
    chart = None
    if groups:
        chart = Chart(
            kind="bar",
            title=t("rep.chart.groups", lang),
            x_title=t("rep.chart.visits", lang),
            y_title="",
            categories=tuple(label("group", g, lang) for g in groups),
            series=(Series(t("rep.chart.visits", lang), tuple(float(x.by_group[g]) for g in groups)),),
        )
    return Section(
        key="groups_staff",
        title=t("rep.section.groups_staff", lang),
        available=True,
        headlines=[Headline(t("rep.kpi.vulnerable_visits", lang), fmt_count(vulnerable, lang)),
                   Headline(t("rep.kpi.home_visits", lang), fmt_count(x.home_visits, lang)),
                   Headline(t("rep.kpi.former_readers", lang), fmt_count(x.former_readers, lang))],
        finding=t("rep.find.groups_staff", lang, vulnerable=fmt_count(vulnerable, lang),
                  home=fmt_count(x.home_visits, lang), readers=fmt_count(x.former_readers, lang)),
        chart=chart,
    )


def _scorecard(inp: BriefingInputs, lang: str, top: int = 10) -> Section:
    x = inp.scorecard
    if x is None or x.month is None:
        return _unavailable("scorecard", lang)
    from dashboard.analysis import scorecard_views

    month = fmt_month(x.month, lang)
    n_breaching = int(x.breaches["room_id"].nunique())
    headlines = [Headline(t("rep.kpi.rooms_scored", lang), fmt_count(x.n_rooms, lang)),
                 Headline(t("rep.kpi.rooms_breaching", lang), fmt_count(n_breaching, lang)),
                 Headline(t("rep.kpi.breaches", lang), fmt_count(len(x.breaches), lang))]
    if not len(x.breaches):
        return Section(key="scorecard", title=t("rep.section.scorecard", lang), available=True, headlines=headlines,
                       finding=t("rep.find.scorecard_none", lang, month=month, n_rooms=x.n_rooms))
    sc = {"breaches": x.breaches.sort_values(["since", "room_id", "metric"]).head(top), "targets": x.targets}
    per = x.breaches.groupby("metric")["room_id"].nunique()
    metrics = [m for m in scorecard_views.METRICS if m in per.index]
    chart = Chart(
        kind="bar",
        title=t("rep.chart.scorecard", lang, month=month),
        x_title=t("rep.kpi.rooms_breaching", lang),
        y_title="",
        categories=tuple(t(f"sc.metric.{m}", lang) for m in metrics),
        series=(Series(t("rep.kpi.rooms_breaching", lang), tuple(float(per[m]) for m in metrics)),),
    )
    return Section(
        key="scorecard",
        title=t("rep.section.scorecard", lang),
        available=True,
        headlines=headlines,
        finding=t("rep.find.scorecard", lang, month=month, n_rooms=x.n_rooms, n_breaching=n_breaching,
                  n=len(x.breaches)),
        chart=chart,
        table=scorecard_views.breaches_table(sc, lang),
        table_title=t("sc.breaches.title", lang),
    )


def _coverage(inp: BriefingInputs, lang: str, top_gaps: int) -> Section:
    x = inp.coverage
    if x is None:
        return _unavailable("coverage", lang)
    chart = None
    if x.by_district is not None and len(x.by_district):
        d = x.by_district.sort_values("share", ascending=True)
        chart = Chart(
            kind="bar",
            title=t("rep.chart.coverage", lang),
            x_title=t("rep.chart.share_pct", lang),
            y_title=t("rep.chart.district", lang),
            categories=tuple(str(v) for v in d["district"]),
            series=(Series(t("rep.kpi.coverage_share", lang), _vals(d["share"], 100.0)),),
            percent=True,
        )
    table = None
    finding_key = "rep.find.coverage_nogaps"
    gaps_text = ""
    if x.gaps is not None and len(x.gaps):
        g = x.gaps.sort_values("households_uncovered", ascending=False).head(top_gaps)
        gaps_text = t("rep.list_sep", lang).join(
            t("rep.gap_item", lang, name=str(r.name_), households=fmt_count(r.households_uncovered, lang))
            for r in g.rename(columns={"name": "name_"}).itertuples()
        )
        finding_key = "rep.find.coverage"
        table = pd.DataFrame({
            t("rep.col.community", lang): g["name"].astype(str).to_numpy(),
            t("rep.col.district", lang): g["district"].astype(str).to_numpy(),
            t("rep.col.households_uncovered", lang): g["households_uncovered"].astype("int64").to_numpy(),
            t("rep.col.walk_m", lang): g["walk_m"].round(0).to_numpy(),
        })
    finding = t(finding_key, lang, share=fmt_pct(x.share), covered=fmt_count(x.households_covered, lang),
                elderly=fmt_pct(x.elderly_share), **({"gaps": gaps_text} if gaps_text else {}))
    return Section(
        key="coverage",
        title=t("rep.section.coverage", lang),
        available=True,
        headlines=[Headline(t("rep.kpi.coverage_share", lang), fmt_pct(x.share)),
                   Headline(t("rep.kpi.elderly_share", lang), fmt_pct(x.elderly_share)),
                   Headline(t("rep.kpi.uncovered", lang),
                            fmt_count(x.households_total - x.households_covered, lang))],
        finding=finding,
        chart=chart,
        table=table,
        table_title=t("rep.top_gaps", lang) if table is not None else None,
    )


def _plan(inp: BriefingInputs, lang: str) -> Section:
    x = inp.plan
    if x is None or x.added is None:
        return _unavailable("plan", lang)
    if not len(x.added):
        return Section(
            key="plan", title=t("rep.section.plan", lang), available=True,
            headlines=[Headline(t("rep.kpi.coverage_share", lang), fmt_pct(x.share_before))],
            finding=t("rep.find.plan_none", lang),
        )
    a = x.added.reset_index(drop=True)
    chart = Chart(
        kind="column",
        title=t("rep.chart.plan", lang),
        x_title=t("rep.chart.site", lang),
        y_title=t("rep.chart.households", lang),
        categories=tuple(str(s) for s in a["site_id"]),
        series=(Series(t("rep.col.new_households", lang), _vals(a["new_households"])),),
    )
    table = pd.DataFrame({
        t("rep.col.site", lang): a["site_id"].astype(str).to_numpy(),
        t("rep.col.new_households", lang): a["new_households"].astype("int64").to_numpy(),
        t("rep.col.new_elderly", lang): a["new_elderly"].astype("int64").to_numpy(),
    })
    return Section(
        key="plan",
        title=t("rep.section.plan", lang),
        available=True,
        headlines=[Headline(t("rep.kpi.coverage_share", lang), fmt_pct(x.share_before)),
                   Headline(t("rep.kpi.plan_after", lang), fmt_pct(x.share_after))],
        finding=t("rep.find.plan", lang, k=len(a), before=fmt_pct(x.share_before), after=fmt_pct(x.share_after)),
        chart=chart,
        table=table,
        table_title=t("rep.section.plan", lang),
    )


def assemble(inputs: BriefingInputs, lang: str = "zh", *, top_gaps: int = 3) -> Briefing:
    """Turn raw inputs into a :class:`Briefing` in ``lang`` (pure; no I/O).

    Parameters
    ----------
    inputs
        Raw numbers from :func:`collect` (or built by hand in tests).
    lang
        ``"zh"`` or ``"en"``; every text, number and month follows it.
    top_gaps
        How many of the largest coverage gaps to name.

    Returns
    -------
    Briefing
        Sections in :data:`SECTIONS` order; unavailable parts say so plainly.
    """
    if inputs.date_from and inputs.date_to:
        period = t("rep.period", lang, start=fmt_date(inputs.date_from, lang), end=fmt_date(inputs.date_to, lang))
    else:
        period = t("rep.period_all", lang)
    scope = (t("rep.scope_districts", lang, districts=t("rep.list_sep", lang).join(inputs.districts))
             if inputs.districts else t("rep.scope_all", lang))
    sections = [
        _offload(inputs, lang),
        _waiting(inputs, lang),
        _hotline(inputs, lang),
        _faults(inputs, lang),
        _groups_staff(inputs, lang),
        _scorecard(inputs, lang),
        _coverage(inputs, lang, top_gaps),
        _plan(inputs, lang),
    ]
    return Briefing(
        lang=lang,
        title=t("rep.title", lang),
        subtitle=t("rep.subtitle", lang, period=period, scope=scope),
        generated=t("rep.generated", lang, date=fmt_date(inputs.generated_on, lang)),
        sections=sections,
        map_png=inputs.map_png,
        map_title=t("rep.map.title", lang),
        map_legend=t("rep.map.legend", lang),
        demo_note=t("flag.stamp", lang) if inputs.demo else None,
    )


def collect(con: Any, filters: Any = None, *, plan_k: int = 5, with_map: bool = True,
            coverage_data: Any = None, progress: Any = None) -> BriefingInputs:
    """Read the briefing's raw numbers from the warehouse (see :mod:`dashboard.report.collect`).

    Parameters
    ----------
    con
        A read connection (:func:`dashboard.warehouse.connect_read`).
    filters
        :class:`dashboard.analysis.filters.Filters` (``None``: everything).
    plan_k
        How many new rooms the plan section suggests.
    with_map
        Draw the coverage map PNG.
    coverage_data
        A loaded ``CoverageData`` to reuse (pages pass their cached one).
    progress
        Optional ``(message, fraction)`` callback.
    """
    return collect_inputs(con, filters, plan_k=plan_k, with_map=with_map, coverage_data=coverage_data,
                          progress=progress)


def build_briefing(con: Any, filters: Any = None, lang: str = "zh", **kwargs: Any) -> Briefing:
    """:func:`collect` then :func:`assemble` (what the page, the CLI and the exports call)."""
    return assemble(collect(con, filters, **kwargs), lang)


_MD_SPECIAL = set("\\`*_{}[]<>#|~$")


def md_escape(text: str) -> str:
    """Escape Markdown (and Streamlit's ``$`` LaTeX) so data shows as plain text.

    Findings name communities, which are user data: a name such as ``**x**`` or
    ``[a](javascript:..)`` must show literally when passed to ``st.markdown``.
    """
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
