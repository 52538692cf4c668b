"""The synthetic demo city (``servicecircle demo``): a Tangshan-like prefecture city.

Modules
-------
``config``     scales (``tiny`` for tests, ``small`` default, ``city``) and the true effects
``geography``  districts, gated compounds, villages, halls, streets with a river and bridges
``rollout``    service rooms in quarterly waves, open days, customer managers
``queue``      counter tickets from a first-come-first-served queue per hall and day
``hotline``    95598 work orders with fault times and callback satisfaction
``visits``     room visits (diverted counter business, home visits, promotion)
``exports``    the export files, shaped like the real systems' (plus planted messy rows)
``truth``      the true effects in the units of the effect panels
``build``      generate → write → import in one write → ``truth.json``

Public entry points: :func:`build_demo` and :func:`generate`.
"""

from dashboard.demo.build import DEFAULT_SEED, DemoCity, DemoExists, build_demo, generate
from dashboard.demo.config import SCALES, DemoConfig, TrueEffects, get_config

__all__ = [
    "DEFAULT_SEED", "DemoCity", "DemoConfig", "DemoExists", "SCALES", "TrueEffects",
    "build_demo", "generate", "get_config",
]
