"""The process ``servicecircle serve`` runs: load the program, then start Streamlit.

Streamlit imports a page's modules when the first visitor opens it; pandas, plotly, the
estimators and the figure code take seconds to import and to build their first figure.
This entry does that before the server listens, so the first visitor after a start (or
a restart by systemd after an import) does not wait for it. The pages' slow inputs are
already on disk (:mod:`dashboard.derived`, precomputed by the import or by ``serve``).
"""

from __future__ import annotations

import gc
import importlib
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


def main() -> None:
    """``python -m dashboard.server <streamlit run arguments>``."""
    preload()
    # what preload loaded lives as long as the server: out of the collector's generations,
    # so the collections Python runs while pages are served do not walk it every time
    gc.collect()
    gc.freeze()
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(stcli.main())


if __name__ == "__main__":
    main()
