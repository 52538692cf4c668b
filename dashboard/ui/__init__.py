"""Streamlit-side helpers shared by the pages: language, warehouse access, caching.

Pages lay out widgets and call functions; anything that computes lives in
:mod:`dashboard.analysis`, :mod:`dashboard.coverage` or :mod:`dashboard.figures`.
"""
