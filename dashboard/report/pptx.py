"""The briefing as a PowerPoint deck with native, editable charts.

One title slide, then one slide per area (:data:`~dashboard.report.briefing.SECTIONS`):
the headline numbers in large type, a native chart (python-pptx chart objects with
their data embedded, so PowerPoint and WPS can edit them; never a picture), and the
plain-language finding with the causal estimate's sentence. A deck made from a demo
warehouse carries the "demo data" mark on every slide (:attr:`Briefing.demo_note`). The coverage slide also
carries the coverage map as a picture (:mod:`dashboard.report.mapimage`). Each slide's
finding is repeated in the speaker notes.

Fonts: every text run and every chart's text properties name a Latin *and* an
East-Asian typeface (``a:latin`` + ``a:ea``, Microsoft YaHei / 微软雅黑 by default), so
WPS and PowerPoint render Chinese with a CJK font instead of falling back to boxes or
a serif.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.i18n import t
from dashboard.report.briefing import Briefing, Chart, Section

__all__ = ["LATIN_FONT", "EA_FONT", "build_pptx", "iter_font_elements"]

LATIN_FONT = "Microsoft YaHei"
"""Latin typeface of every run (Windows' YaHei has good Latin glyphs too)."""
EA_FONT = "微软雅黑"
"""East-Asian typeface of every run; WPS and PowerPoint on Chinese Windows have it and
substitute a CJK sans elsewhere."""

_DARK = RGBColor(0x1F, 0x3A, 0x5F)
_GREY = RGBColor(0x59, 0x59, 0x59)
_ACCENT = RGBColor(0x1F, 0x5F, 0xA8)
_DEMO_RED = RGBColor(0xC0, 0x39, 0x2B)
_PALETTE = [RGBColor(0x1F, 0x5F, 0xA8), RGBColor(0xE0, 0x8A, 0x1E), RGBColor(0x2E, 0x9D, 0x5B),
            RGBColor(0xC0, 0x39, 0x2B)]

_W, _H = Inches(13.333), Inches(7.5)


# ---------------------------------------------------------------- fonts
def _set_typefaces(rpr, latin: str = LATIN_FONT, ea: str = EA_FONT) -> None:
    """Name the Latin, East-Asian and complex-script typefaces on an ``a:rPr``/``a:defRPr``."""
    lat = rpr.get_or_add_latin()
    lat.set("typeface", latin)
    nxt = lat
    for tag, face in (("a:ea", ea), ("a:cs", latin)):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            nxt.addnext(el)
        el.set("typeface", face)
        nxt = el


def _fonts_on_text_frame(tf) -> None:
    for p in tf.paragraphs:
        for r in p.runs:
            _set_typefaces(r._r.get_or_add_rPr())
        end = p._p.find(qn("a:endParaRPr"))
        if end is not None:
            _set_typefaces(end)


def _fonts_on_chart(chart) -> None:
    _set_typefaces(chart.font._rPr)  # chart-wide txPr: axes, ticks, legend, labels
    if chart.has_title:
        _fonts_on_text_frame(chart.chart_title.text_frame)
    for ax_name in ("category_axis", "value_axis"):
        try:
            ax = getattr(chart, ax_name)
        except (ValueError, AttributeError):
            continue
        if ax.has_title:
            _fonts_on_text_frame(ax.axis_title.text_frame)
        _set_typefaces(ax.tick_labels.font._rPr)
    if chart.has_legend:
        _set_typefaces(chart.legend.font._rPr)


def _apply_fonts(prs) -> None:
    """Set the typefaces on every run of every shape, table, chart and note."""
    for slide in prs.slides:
        shapes = list(slide.shapes)
        if slide.has_notes_slide:
            shapes += list(slide.notes_slide.shapes)
        for shape in shapes:
            if shape.has_text_frame:
                _fonts_on_text_frame(shape.text_frame)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        _fonts_on_text_frame(cell.text_frame)
            if getattr(shape, "has_chart", False) and shape.has_chart:
                _fonts_on_chart(shape.chart)


def iter_font_elements(prs) -> Iterator[tuple[str, object]]:
    """Yield ``(where, rPr)`` for every run and chart text property in a deck (for tests)."""
    for i, slide in enumerate(prs.slides, start=1):
        shapes = list(slide.shapes)
        if slide.has_notes_slide:
            shapes += list(slide.notes_slide.shapes)
        for shape in shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if getattr(shape, "has_table", False) and shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for tf in frames:
                for p in tf.paragraphs:
                    for r in p.runs:
                        yield f"slide {i} {shape.name} run {r.text[:20]!r}", r._r.find(qn("a:rPr"))
            if getattr(shape, "has_chart", False) and shape.has_chart:
                ch = shape.chart
                yield f"slide {i} chart txPr", ch.font._rPr
                if ch.has_title:
                    for p in ch.chart_title.text_frame.paragraphs:
                        for r in p.runs:
                            yield f"slide {i} chart title", r._r.find(qn("a:rPr"))


# ---------------------------------------------------------------- building blocks
def _text(slide, x, y, w, h, text: str, size: int, *, bold: bool = False, color: RGBColor = _DARK,
          align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    lines = text.split("\n")
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    return box


def _chart(slide, chart: Chart, x, y, w, h):
    data = CategoryChartData(number_format='0.0"%"' if chart.percent else "#,##0.0")
    data.categories = list(chart.categories)
    for s in chart.series:
        data.add_series(s.name, list(s.values))
    kind = {"line": XL_CHART_TYPE.LINE_MARKERS, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
            "bar": XL_CHART_TYPE.BAR_CLUSTERED}[chart.kind]
    gframe = slide.shapes.add_chart(kind, x, y, w, h, data)
    ch = gframe.chart
    ch.font.size = Pt(12)
    ch.has_title = True
    ch.chart_title.text_frame.text = chart.title
    for p in ch.chart_title.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(16)
            r.font.bold = True
    ch.has_legend = len(chart.series) > 1
    if ch.has_legend:
        ch.legend.position = XL_LEGEND_POSITION.BOTTOM
        ch.legend.include_in_layout = False
    va, ca = ch.value_axis, ch.category_axis
    va.has_major_gridlines = True
    va.tick_labels.number_format = '0"%"' if chart.percent else "#,##0.##"
    va.tick_labels.number_format_is_linked = False
    for ax, title in ((va, chart.y_title if chart.kind != "bar" else chart.x_title),
                      (ca, chart.x_title if chart.kind != "bar" else chart.y_title)):
        if title:
            ax.has_title = True
            ax.axis_title.text_frame.text = title
            for p in ax.axis_title.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(12)
                    r.font.bold = False
    for i, plot in enumerate(ch.plots):
        for j, series in enumerate(plot.series):
            color = _PALETTE[j % len(_PALETTE)]
            if chart.kind == "line":
                series.format.line.color.rgb = color
                series.format.line.width = Pt(2.5)
                series.smooth = False
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = color
    return gframe


def _title_bar(slide, title: str) -> None:
    bar = slide.shapes.add_shape(1, 0, 0, _W, Inches(0.12))  # MSO_SHAPE.RECTANGLE
    bar.fill.solid()
    bar.fill.fore_color.rgb = _ACCENT
    bar.line.fill.background()
    _text(slide, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.8), title, 30, bold=True)


def _headlines(slide, section: Section, top) -> None:
    n = max(len(section.headlines), 1)
    width = Emu(int((Inches(12.3)) / n))
    for i, h in enumerate(section.headlines):
        x = Inches(0.5) + width * i
        _text(slide, x, top, width - Inches(0.2), Inches(0.4), h.label, 13, color=_GREY)
        _text(slide, x, top + Inches(0.35), width - Inches(0.2), Inches(0.8), h.value, 36, bold=True, color=_ACCENT)


def _finding_box(slide, section: Section, x, y, w, h, lang: str) -> None:
    text = section.finding + (("\n" + section.effect) if section.effect else "")
    _text(slide, x, y, w, Inches(0.45), t("rep.finding", lang), 16, bold=True)
    _text(slide, x, y + Inches(0.45), w, h - Inches(0.45), text, 16, color=_DARK)


def _demo_stamp(slide, briefing: Briefing) -> None:
    """The "demo data" mark in the top right corner (slides of a demo warehouse only)."""
    if briefing.demo_note:
        _text(slide, Inches(8.3), Inches(0.18), Inches(4.8), Inches(0.45), briefing.demo_note, 16,
              bold=True, color=_DEMO_RED, align=PP_ALIGN.RIGHT)


def _section_slide(prs, section: Section, briefing: Briefing) -> None:
    lang = briefing.lang
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _title_bar(slide, section.title)
    if not section.available:
        _text(slide, Inches(0.5), Inches(2.5), Inches(12.3), Inches(1.5), section.finding, 22, color=_GREY)
    else:
        _headlines(slide, section, Inches(1.2))
        top = Inches(2.55)
        if section.key == "coverage" and briefing.map_png:
            if section.chart:
                _chart(slide, section.chart, Inches(0.4), top, Inches(6.2), Inches(3.6))
            pic_h = Inches(3.6)
            slide.shapes.add_picture(io.BytesIO(briefing.map_png), Inches(6.9), top, height=pic_h)
            _text(slide, Inches(6.9), top + pic_h + Inches(0.05), Inches(6.0), Inches(0.4),
                  briefing.map_legend, 11, color=_GREY)
            _finding_box(slide, section, Inches(0.5), Inches(6.25), Inches(6.2), Inches(1.2), lang)
        else:
            if section.chart:
                _chart(slide, section.chart, Inches(0.4), top, Inches(8.0), Inches(4.7))
            _finding_box(slide, section, Inches(8.7), top, Inches(4.2), Inches(4.7), lang)
    notes = section.finding + (("\n" + section.effect) if section.effect else "")
    slide.notes_slide.notes_text_frame.text = notes
    _text(slide, Inches(0.5), Inches(7.05), Inches(12.3), Inches(0.35),
          f"{briefing.subtitle} · {t('rep.source', lang)}", 10, color=_GREY)
    _demo_stamp(slide, briefing)


def build_pptx(briefing: Briefing) -> bytes:
    """Render a :class:`~dashboard.report.briefing.Briefing` as a 16:9 PowerPoint deck.

    Parameters
    ----------
    briefing
        The assembled briefing (its language decides every text in the deck).

    Returns
    -------
    bytes
        The ``.pptx`` file.
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = _W, _H
    # title slide
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, Inches(2.2), _W, Inches(2.6))
    band.fill.solid()
    band.fill.fore_color.rgb = _ACCENT
    band.line.fill.background()
    white = RGBColor(0xFF, 0xFF, 0xFF)
    _text(slide, Inches(0.8), Inches(2.4), Inches(11.7), Inches(1.2), briefing.title, 40, bold=True, color=white)
    _text(slide, Inches(0.8), Inches(3.6), Inches(11.7), Inches(0.8), briefing.subtitle, 24, color=white)
    _text(slide, Inches(0.8), Inches(5.3), Inches(11.7), Inches(0.5), briefing.generated, 14, color=_GREY)
    _text(slide, Inches(0.8), Inches(5.8), Inches(11.7), Inches(0.5), t("rep.source", briefing.lang), 14, color=_GREY)
    slide.notes_slide.notes_text_frame.text = briefing.subtitle
    _demo_stamp(slide, briefing)
    for section in briefing.sections:
        _section_slide(prs, section, briefing)
    _apply_fonts(prs)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
