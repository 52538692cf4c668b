"""A command's failure is one line on stderr and an exit code (``commands.exit_on``)."""

from __future__ import annotations

import io

import pytest
import typer
from rich.console import Console

from dashboard import warehouse
from dashboard.commands import exit_on
from dashboard.i18n import t
from dashboard.ingest import ImportRefused


def _run(exc: BaseException, prefix: str) -> tuple[int, str]:
    buf = io.StringIO()
    with pytest.raises(typer.Exit) as info:
        exit_on(exc, Console(file=buf, width=400), "en", prefix)
    return info.value.exit_code, buf.getvalue().strip()


def test_codes_and_lines():
    code, line = _run(TimeoutError("another import holds data/w.duckdb.lock"), "data.cli")
    assert code == 3 and line == t("data.cli.locked", "en", msg="another import holds data/w.duckdb.lock")
    code, line = _run(ValueError("boom"), "refresh")
    assert code == 1 and line == t("refresh.failed", "en", msg="ValueError: boom")
    code, line = _run(warehouse.WarehouseMissing("warehouse x.duckdb does not exist"), "engines.cli")
    assert code == 2 and line == "warehouse x.duckdb does not exist"
    assert "\n" not in line and "Traceback" not in line


def test_a_refusal_names_the_file_and_exits_2():
    exc = ImportRefused("tickets.csv: missing 取号时间", key="data.refused.missing_columns",
                        params={"file": "tickets.csv", "missing": "取号时间", "found": "流水号"})
    code, line = _run(exc, "data.cli")
    assert code == 2 and line == t("data.cli.refused", "en", msg=exc.localized("en"))
    assert "tickets.csv" in line
    code, line = _run(exc, "demo.cli")  # a command without its own refusal text
    assert code == 2 and line == t("demo.cli.failed", "en", msg=exc.localized("en"))
