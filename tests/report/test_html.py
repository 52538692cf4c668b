"""The HTML export: self-contained (no network), escaped, printable, in the language."""

from __future__ import annotations

import base64
import re

from dashboard.report.briefing import SECTIONS, assemble
from dashboard.report.html import build_html


def test_self_contained_no_external_resources(inputs):
    doc = build_html(assemble(inputs, "zh")).decode("utf-8")
    assert not re.search(r"<script[^>]+src=", doc)
    assert not re.search(r"<link[^>]+href=", doc)
    assert not re.search(r"<img[^>]+src=\"(?!data:)", doc)
    assert "cdn.plot.ly" not in doc.split("</head>")[1]
    # plotly.js is inside (it is several MB) and each chart is drawn with it
    assert len(doc) > 3_000_000
    assert doc.count("Plotly.newPlot") >= 7


def test_sections_and_language(inputs):
    zh = build_html(assemble(inputs, "zh")).decode("utf-8")
    assert '<html lang="zh-CN">' in zh
    for key in SECTIONS:
        assert f'<section id="{key}">' in zh
    assert "营业厅平均等候12.3分钟" in zh
    en = build_html(assemble(inputs, "en")).decode("utf-8")
    assert '<html lang="en">' in en and "Customers waited 12.3 minutes" in en


def test_user_data_is_escaped(inputs):
    doc = build_html(assemble(inputs, "zh")).decode("utf-8")
    body = doc.split("</head>")[1]
    assert "<b>幸福里</b>" not in body.replace('\\u003cb\\u003e', "")
    assert "&lt;b&gt;幸福里&lt;/b&gt;" in body


def test_map_embedded_as_png(inputs):
    doc = build_html(assemble(inputs, "zh")).decode("utf-8")
    m = re.search(r'<div class="map">.*?src="data:image/png;base64,([A-Za-z0-9+/=]+)"', doc, re.S)
    assert m and base64.b64decode(m.group(1)) == inputs.map_png


def test_print_css(inputs):
    doc = build_html(assemble(inputs, "en")).decode("utf-8")
    assert "@media print" in doc and "break-inside: avoid" in doc
