"""Exports for people who present upwards: briefing content, PowerPoint, HTML, tables.

Modules
-------
inputs
    The briefing's raw numbers per section (:class:`~dashboard.report.inputs.BriefingInputs`).
collect
    Fills the inputs from the warehouse through the shared analysis functions.
briefing
    :func:`~dashboard.report.briefing.build_briefing` gathers the period's headline
    results from the analysis and coverage functions into plain data
    (:class:`~dashboard.report.briefing.Briefing`); the page, the PPTX and the HTML all
    render that one object, so they cannot disagree.
charts
    Plain chart data (:class:`~dashboard.report.briefing.Chart`) → plotly figure.
pptx
    A PowerPoint deck with native (editable) charts and Chinese fonts on every run.
html
    One self-contained, printable HTML file (plotly.js embedded, no CDN).
mapimage
    The coverage map as a PNG drawn with Pillow (no browser, no kaleido).
tables
    DataFrame → CSV (UTF-8 with BOM) and XLSX bytes for the download buttons.
"""
