"""The PPTX deck: a title slide + one slide per area, native charts with the right data,
the map as the only picture, and a Latin + East-Asian typeface on every run."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from dashboard.report.briefing import SECTIONS, assemble
from dashboard.report.inputs import BriefingInputs
from dashboard.report.pptx import EA_FONT, LATIN_FONT, build_pptx, iter_font_elements


def _deck(inputs, lang="zh"):
    return Presentation(io.BytesIO(build_pptx(assemble(inputs, lang))))


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_slide_count_and_titles(inputs):
    prs = _deck(inputs)
    assert len(prs.slides) == 1 + len(SECTIONS)
    assert "社区供电服务室成效汇报" in _texts(prs.slides[0])
    assert "柜台业务分流" in _texts(prs.slides[1])
    assert "新增服务室建议" in _texts(prs.slides[-1])


def test_every_area_slide_has_a_native_chart_with_the_data(inputs):
    prs = _deck(inputs)
    b = assemble(inputs, "zh")
    for slide, section in zip(list(prs.slides)[1:], b.sections):
        charts = [s.chart for s in slide.shapes if s.has_chart]
        assert len(charts) == 1, section.key
        ch = charts[0]
        assert list(ch.plots[0].categories) == list(section.chart.categories)
        got = [tuple(s.values) for s in ch.plots[0].series]
        want = [tuple(v for v in s.values) for s in section.chart.series]
        assert got == want, section.key
        assert ch.chart_title.text_frame.text == section.chart.title
        # the chart carries its own workbook, which is what makes it editable
        assert ch.part.chart_workbook.xlsx_part is not None


def test_only_the_map_is_a_picture(inputs):
    prs = _deck(inputs)
    pics = [(i, s) for i, slide in enumerate(prs.slides) for s in slide.shapes
            if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pics) == 1
    idx = 1 + list(SECTIONS).index("coverage")
    assert pics[0][0] == idx
    assert pics[0][1].image.content_type == "image/png"


def test_findings_on_slide_and_in_notes(inputs):
    prs = _deck(inputs, "en")
    b = assemble(inputs, "en")
    hot = list(SECTIONS).index("hotline") + 1
    slide = prs.slides[hot]
    assert b.section("hotline").finding in _texts(slide)
    assert b.section("hotline").effect in _texts(slide)
    assert b.section("hotline").finding in slide.notes_slide.notes_text_frame.text


def test_every_run_has_latin_and_east_asian_typeface(inputs):
    prs = _deck(inputs)
    n = 0
    for where, rpr in iter_font_elements(prs):
        n += 1
        assert rpr is not None, where
        lat, ea = rpr.find(qn("a:latin")), rpr.find(qn("a:ea"))
        assert lat is not None and lat.get("typeface") == LATIN_FONT, where
        assert ea is not None and ea.get("typeface") == EA_FONT, where
    assert n > 50  # the walk really visited the deck


def test_xml_order_valid_latin_before_ea(inputs):
    prs = _deck(inputs)
    for where, rpr in iter_font_elements(prs):
        tags = [c.tag for c in rpr]
        assert tags.index(qn("a:latin")) < tags.index(qn("a:ea")) < tags.index(qn("a:cs")), where
        if qn("a:solidFill") in tags:
            assert tags.index(qn("a:solidFill")) < tags.index(qn("a:latin")), where


def test_unavailable_sections_still_make_a_slide():
    prs = Presentation(io.BytesIO(build_pptx(assemble(BriefingInputs(), "en"))))
    assert len(prs.slides) == 1 + len(SECTIONS)
    assert not any(s.has_chart for slide in prs.slides for s in slide.shapes)
    assert "No result for this part yet" in _texts(prs.slides[1])


def test_english_deck(inputs):
    prs = _deck(inputs, "en")
    assert "Counter offload" in _texts(prs.slides[1])
    ch = next(s.chart for s in prs.slides[1].shapes if s.has_chart)
    assert list(ch.plots[0].categories)[0] == "Jan 2024"
