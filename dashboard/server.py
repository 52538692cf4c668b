"""The process ``servicecircle serve`` runs: load the program, then start Streamlit.

Streamlit imports a page's modules when the first visitor opens it; pandas, plotly, the
estimators and the figure code take seconds to import and to build their first figure.
This entry does that before the server listens, so the first visitor after a start (or
a restart by systemd after an import) does not wait for it. The pages' slow inputs are
already on disk (:mod:`dashboard.derived`, precomputed by the import or by ``serve``).

The planning pages keep their default plan, what-if map and schedule in this process's
caches (``st.cache_resource``: a plan is not a stored result), so those pages are
rendered once here too (:func:`warm`, ``WARM_PAGES``), before the server listens: a first
visit to the planner then takes what a repeat visit takes.
"""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import sys
import time

PACKAGES = ("dashboard.ui", "dashboard.figures", "dashboard.analysis", "dashboard.coverage", "dashboard.report")
"""Packages whose every module the pages import."""


def preload() -> float:
    """Import every module the pages use and build one figure of each kind; returns seconds."""
    t0 = time.perf_counter()
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        for info in pkgutil.iter_modules(pkg.__path__, name + "."):
            importlib.import_module(info.name)
    import plotly.graph_objects as go
    import plotly.io as pio

    fig = go.Figure([go.Scatter(x=[1, 2], y=[1, 2]), go.Bar(x=[1], y=[1]), go.Heatmap(z=[[1]])])
    pio.to_json(fig, validate=True)  # loads plotly's validators and its JSON encoder
    return time.perf_counter() - t0


WARM_PAGES = ("planner", "coverage_map")
"""Pages whose defaults live in this process's caches, rendered by :func:`warm`."""


def warm(pages: tuple[str, ...] = WARM_PAGES) -> dict[str, str]:
    """Render ``pages`` of ``$SERVICECIRCLE_DB`` once in this process (headless, as
    :func:`dashboard.derived.precompute` does), so their ``st.cache_resource`` defaults are
    ready for the first visitor; returns the errors per page (a page that fails here is
    left to fail, with its message, for the visitor as before)."""
    from dashboard import derived, settings, warehouse

    db = os.environ.get("SERVICECIRCLE_DB")
    if not db or warehouse.data_version(db) is None or not settings.precompute_enabled():
        return {}
    _, errors = derived.render_pages(settings.db_path(db).resolve(), pages)
    return errors


def main() -> None:
    """``python -m dashboard.server <streamlit run arguments>``."""
    preload()
    t0 = time.perf_counter()
    errors = warm()
    print(f"ServiceCircle: planning pages warmed in {time.perf_counter() - t0:.1f} s"
          + (f"; not warmed: {errors}" if errors else ""), flush=True)
    # what preload loaded lives as long as the server: out of the collector's generations,
    # so the collections Python runs while pages are served do not walk it every time
    gc.collect()
    gc.freeze()
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(stcli.main())


if __name__ == "__main__":
    main()
