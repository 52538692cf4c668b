"""The ``servicecircle`` command line.

The commands are thin: they parse options and call the same functions the pages call,
so a number printed with ``--json`` and a number on a page cannot disagree. Each area
registers its commands from its own module in :mod:`dashboard.commands`.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from dashboard import commands

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


# every module of dashboard.commands registers the commands of its area
for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    importlib.import_module(f"dashboard.commands.{_info.name}").register(app)


if __name__ == "__main__":
    app()
