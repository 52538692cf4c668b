"""Briefing (汇报简报): the period's headline results in large type, for presenting upwards.

Each area shows its headline numbers and one plain sentence (the causal effect with its
95% CI, coverage share, the largest gaps), followed by four key charts and the coverage
map. Nothing to operate in the main area: the period and districts come from the shared
sidebar filters (kept in the URL and the session, so they follow the user from the
other pages). ``?present=1`` switches to presentation mode (wide, no sidebar, large type,
for a 1920x1080 projector); the page prints cleanly from the browser in either mode.
The PowerPoint and HTML downloads render the same :class:`~dashboard.report.briefing.Briefing`.

CSS is injected only from the constant strings below, never from data; data values
(community names in sentences) go through :func:`~dashboard.report.briefing.md_escape`.
"""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t
from dashboard.report.briefing import Briefing, assemble, key_charts, md_escape
from dashboard.report.charts import to_figure
from dashboard.report.collect import page_inputs
from dashboard.ui import auth, loaders
from dashboard.ui.auditing import download_button
from dashboard.ui.filters import sidebar
from dashboard.ui.state import lang
from dashboard.ui.tables import show_table

PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1.2rem 3rem 2rem 3rem !important; }
[data-testid="stMain"] h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] h2 { font-size: 2.3rem !important; }
[data-testid="stMain"] h3 { font-size: 1.9rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 3.6rem !important; line-height: 1.15 !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { font-size: 1.35rem !important; }
[data-testid="stMain"] [data-testid="stMarkdown"] [data-testid="stMarkdownContainer"] p { font-size: 1.5rem; line-height: 1.55; }
[data-testid="stCaptionContainer"] p { font-size: 1.2rem !important; }
</style>"""

BASE_CSS = """<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.6rem; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stStatusWidget"], [data-testid="stDownloadButton"],
  [data-testid="stButton"], [class*="st-key-brief-controls"] { display: none !important; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"] { overflow: visible !important; height: auto !important; }
  [class*="st-key-brief-sec-"], [class*="st-key-brief-chart-"] { break-inside: avoid; page-break-inside: avoid; }
  [class*="st-key-brief-charts"] { break-before: page; page-break-before: always; }
  .modebar-container { display: none !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>"""

def _exports(briefing: Briefing, L: str) -> None:
    from dashboard.report.html import build_html
    from dashboard.report.pptx import build_pptx

    with st.container(key="brief-controls"):
        c1, c2, c3, _ = st.columns([1.2, 1.2, 1.2, 3])
        stem = t("rep.title", L)
        user = auth.current().name  # each deck or page made is written to the audit trail
        with c1:
            download_button(t("rep.download_pptx", L), lambda: build_pptx(briefing), user=user, stem=stem,
                            ext="pptx", key="brief-pptx", icon=":material/slideshow:",
                            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation")
        with c2:
            download_button(t("rep.download_html", L), lambda: build_html(briefing), user=user, stem=stem,
                            ext="html", key="brief-html", mime="text/html", icon=":material/html:")
        with c3:
            if st.button(t("rep.present_on", L), help=t("rep.present_help", L), key="brief-present",
                         icon=":material/co_present:"):
                st.query_params["present"] = "1"
                st.rerun()


def main() -> None:
    L = lang()
    present = st.query_params.get("present") == "1"
    st.html(BASE_CSS)
    if present:
        st.html(PRESENT_CSS)
    # the shared sidebar filters (URL + session): the briefing follows the period and
    # districts chosen on any page; in presentation mode the sidebar is hidden
    filters = sidebar(L)
    if filters is None:  # no warehouse yet (the sidebar said so)
        return
    inputs = loaders.cached_call(page_inputs, filters)
    briefing = assemble(inputs, L)

    st.title(briefing.title)
    st.caption(md_escape(briefing.subtitle))
    if not present:
        _exports(briefing, L)

    for section in briefing.sections:
        with st.container(key=f"brief-sec-{section.key}", border=not present):
            st.subheader(section.title)
            if section.headlines:
                cols = st.columns(len(section.headlines))
                for col, h in zip(cols, section.headlines):
                    col.metric(h.label, h.value)
            st.markdown(md_escape(section.finding))
            if section.effect:
                st.markdown(md_escape(section.effect))

    font = 18 if present else 14
    height = 520 if present else 420
    with st.container(key="brief-charts"):  # the key charts, then the map
        figs = key_charts(briefing)
        for i in range(0, len(figs), 2):
            cols = st.columns(2)
            for j, chart in enumerate(figs[i:i + 2]):
                with cols[j], st.container(key=f"brief-chart-{i + j}"):
                    st.plotly_chart(to_figure(chart, height=height, font_size=font), key=f"brief-fig-{i + j}",
                                    config={"displaylogo": False})
        if briefing.map_png:
            with st.container(key="brief-chart-map"):
                st.subheader(briefing.map_title)
                st.image(briefing.map_png, caption=briefing.map_legend, width="stretch")
        gaps = next((s for s in briefing.sections if s.key == "coverage" and s.table is not None), None)
        if gaps is not None:
            st.subheader(gaps.table_title)
            if present:
                st.table(gaps.table)
            else:
                show_table(gaps.table, key="brief-gaps", lang=L, file_stem=gaps.table_title)

    if present:
        with st.container(key="brief-controls-exit"):
            if st.button(t("rep.present_exit", L), key="brief-present-exit", icon=":material/close:"):
                del st.query_params["present"]
                st.rerun()
    else:
        st.caption(md_escape(briefing.generated + " · " + t("rep.source", L)))


main()
