"""The briefing as one self-contained HTML file that opens offline and prints cleanly.

plotly.js is embedded once in the page head (no CDN, no network at all), the coverage
map is an inline ``data:`` PNG, and the styles are inline. Every text from the briefing
is HTML-escaped (community names are user data); tables go through
``DataFrame.to_html(escape=True)``. A report made from a demo warehouse says so at the
top (``#demo-flag``) and in the footer. Each headline number has its own element,
``id="<section>-kpi-<n>"`` (``coverage-kpi-0``: the coverage share). ``@media print`` rules keep each section on its own
page, drop shadows and fix the chart widths so the browser's "Print → PDF" looks right.
"""

from __future__ import annotations

import base64
import html as _html

import plotly.io as pio
from plotly.offline import get_plotlyjs

from dashboard.i18n import t
from dashboard.report.briefing import Briefing, Section
from dashboard.report.charts import FONT_FAMILY, to_figure

__all__ = ["build_html"]

_CSS = """
:root { --accent: #1f5fa8; --ink: #1f3a5f; --grey: #595959; }
* { box-sizing: border-box; }
body { font-family: %(font)s; color: var(--ink); margin: 0; background: #f4f6f9; }
header { background: var(--accent); color: #fff; padding: 32px 48px; }
header h1 { margin: 0 0 8px 0; font-size: 34px; }
header p { margin: 0; font-size: 18px; opacity: .92; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 48px 48px; }
section { background: #fff; border-radius: 10px; box-shadow: 0 1px 4px rgba(0,0,0,.08);
          padding: 24px 32px; margin: 24px 0; }
section h2 { margin: 0 0 16px 0; font-size: 26px; border-left: 6px solid var(--accent); padding-left: 12px; }
.kpis { display: flex; flex-wrap: wrap; gap: 24px; margin-bottom: 12px; }
.kpi { min-width: 220px; }
.kpi .label { color: var(--grey); font-size: 15px; }
.kpi .value { color: var(--accent); font-size: 40px; font-weight: 700; line-height: 1.2; }
.finding { font-size: 19px; line-height: 1.6; margin: 8px 0; }
.effect { font-size: 17px; line-height: 1.6; color: var(--grey); margin: 4px 0 12px; }
.unavailable { color: var(--grey); font-size: 18px; }
.map img { max-width: 100%%; height: auto; border: 1px solid #ddd; }
.map p { color: var(--grey); font-size: 14px; }
table.dataframe { border-collapse: collapse; font-size: 15px; margin-top: 8px; }
table.dataframe th, table.dataframe td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
table.dataframe th { background: #eef2f7; }
table.dataframe td:first-child { text-align: left; }
.demo-flag { color: #c0392b; font-weight: 700; }
header .demo-flag { display: inline-block; background: #fff; padding: 4px 12px; border-radius: 4px;
                    margin-bottom: 10px; font-size: 18px; }
footer { color: var(--grey); font-size: 13px; text-align: center; padding: 16px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { background: #fff; }
  header { -webkit-print-color-adjust: exact; print-color-adjust: exact; padding: 16px 24px; }
  main { max-width: none; padding: 0; }
  section { box-shadow: none; border: none; break-inside: avoid; page-break-inside: avoid;
            break-before: page; page-break-before: always; margin: 0; padding: 8px 0; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
  .chart { width: 100%% !important; }
  .modebar { display: none !important; }
}
""" % {"font": FONT_FAMILY}


def _esc(s: str) -> str:
    return _html.escape(str(s), quote=True)


def _section_html(section: Section, briefing: Briefing, chart_ids: list[int]) -> str:
    parts = [f'<section id="{_esc(section.key)}">', f"<h2>{_esc(section.title)}</h2>"]
    if not section.available:
        parts.append(f'<p class="unavailable">{_esc(section.finding)}</p></section>')
        return "\n".join(parts)
    parts.append('<div class="kpis">')
    for i, h in enumerate(section.headlines):
        parts.append(f'<div class="kpi" id="{_esc(section.key)}-kpi-{i}"><div class="label">{_esc(h.label)}</div>'
                     f'<div class="value">{_esc(h.value)}</div></div>')
    parts.append("</div>")
    parts.append(f'<p class="finding">{_esc(section.finding)}</p>')
    if section.effect:
        parts.append(f'<p class="effect">{_esc(section.effect)}</p>')
    for chart in (section.chart, section.effect_chart):
        if chart is None:
            continue
        chart_ids.append(len(chart_ids))
        fig = to_figure(chart, height=420, font_size=14)
        parts.append('<div class="chart">' + pio.to_html(
            fig, include_plotlyjs=False, full_html=False, div_id=f"chart-{len(chart_ids)}",
            config={"displayModeBar": False, "responsive": True},
        ) + "</div>")
    if section.key == "coverage" and briefing.map_png:
        b64 = base64.b64encode(briefing.map_png).decode("ascii")
        parts.append(f'<div class="map"><h3>{_esc(briefing.map_title)}</h3>'
                     f'<img alt="{_esc(briefing.map_title)}" src="data:image/png;base64,{b64}">'
                     f"<p>{_esc(briefing.map_legend)}</p></div>")
    if section.table is not None and len(section.table):
        if section.table_title:
            parts.append(f"<h3>{_esc(section.table_title)}</h3>")
        parts.append(section.table.to_html(index=False, escape=True, border=0, na_rep="–"))
    parts.append("</section>")
    return "\n".join(parts)


def build_html(briefing: Briefing) -> bytes:
    """Render a briefing as one self-contained, printable HTML document.

    Parameters
    ----------
    briefing
        The assembled briefing (its language decides every text and the ``lang``
        attribute).

    Returns
    -------
    bytes
        UTF-8 HTML (several MB: plotly.js is inside), no external resources.
    """
    lang_attr = "zh-CN" if briefing.lang == "zh" else "en"
    chart_ids: list[int] = []
    body = "\n".join(_section_html(s, briefing, chart_ids) for s in briefing.sections)
    demo = demo_foot = ""
    if briefing.demo_note:
        demo = f'<div class="demo-flag" id="demo-flag">{_esc(briefing.demo_note)}</div>'
        demo_foot = f' · <span class="demo-flag">{_esc(briefing.demo_note)}</span>'
    doc = f"""<!DOCTYPE html>
<html lang="{lang_attr}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(briefing.title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<header>{demo}<h1>{_esc(briefing.title)}</h1><p>{_esc(briefing.subtitle)}</p></header>
<main>
{body}
</main>
<footer>{_esc(briefing.generated)} · {_esc(t("rep.source", briefing.lang))}{demo_foot}</footer>
</body>
</html>
"""
    return doc.encode("utf-8")
