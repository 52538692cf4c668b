"""The ``servicecircle`` command line.

The commands are thin: they parse options and call the same functions the pages call,
so a number printed with ``--json`` and a number on a page cannot disagree. Each area
registers its commands from its own module in :mod:`dashboard.commands`.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="servicecircle",
    help="ServiceCircle (服务圈): community power-supply service rooms analytics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _main() -> None:
    """ServiceCircle (服务圈): community power-supply service rooms analytics."""


for _area in ("app", "data", "demo", "metrics", "effects", "coverage", "report"):
    try:
        _mod = importlib.import_module(f"dashboard.commands.{_area}")
    except ModuleNotFoundError as exc:  # an area not built yet
        if exc.name != f"dashboard.commands.{_area}":
            raise
        continue
    _mod.register(app)


if __name__ == "__main__":
    app()
