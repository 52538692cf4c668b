"""CSV / XLSX download converters: Excel-readable Chinese, no formula injection, round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd

from dashboard.report.tables import safe_filename, to_csv_bytes, to_xlsx_bytes


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "社区": ["幸福里社区", "=HYPERLINK(\"http://x\")", "-1+1", "@SUM(A1)", None],
        "户数": [1200, 35, 7, 0, 12],
        "覆盖率": [0.5, 0.25, None, 1.0, 0.0],
        "日期": pd.to_datetime(["2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08", "2024-03-09"]),
    })


def test_csv_has_bom_and_decodes_as_utf8():
    b = to_csv_bytes(_frame())
    assert b[:3] == b"\xef\xbb\xbf"
    text = b[3:].decode("utf-8")
    assert text.splitlines()[0] == "社区,户数,覆盖率,日期"
    assert "\r\n" in text


def test_csv_round_trip_and_formula_defused():
    df = _frame()
    rows = list(csv.reader(io.StringIO(to_csv_bytes(df).decode("utf-8-sig"), newline="")))
    assert len(rows) == len(df) + 1
    names = [r[0] for r in rows[1:]]
    assert names[0] == "幸福里社区"
    assert names[1] == "'=HYPERLINK(\"http://x\")"
    assert names[2] == "'-1+1"
    assert names[3] == "'@SUM(A1)"
    assert names[4] == ""
    assert [int(r[1]) for r in rows[1:]] == [1200, 35, 7, 0, 12]
    # numbers are not touched even when negative
    neg = to_csv_bytes(pd.DataFrame({"x": [-3, 4]})).decode("utf-8-sig")
    assert neg.split("\r\n")[1] == "-3"


def test_xlsx_round_trip_strings_stay_strings():
    df = _frame()
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df, sheet_name="覆盖/缺口")))
    ws = wb.active
    assert ws.title == "覆盖_缺口"
    assert [c.value for c in ws[1]] == ["社区", "户数", "覆盖率", "日期"]
    assert ws["A2"].value == "幸福里社区"
    assert ws["A3"].value == "=HYPERLINK(\"http://x\")"
    assert ws["A3"].data_type == "s"  # text, not a formula
    assert ws["A4"].data_type == "s"
    assert [ws.cell(row=r, column=2).value for r in range(2, 7)] == [1200, 35, 7, 0, 12]
    assert ws["C2"].value == 0.5 and ws["C4"].value is None
    assert ws["D2"].value == dt.datetime(2024, 3, 5)
    assert ws.freeze_panes == "A2"


def test_xlsx_timezone_aware_dates_are_written():
    df = pd.DataFrame({"t": pd.to_datetime(["2024-03-05 09:00"]).tz_localize("Asia/Shanghai")})
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert ws["A2"].value == dt.datetime(2024, 3, 5, 9, 0)


def test_empty_frame():
    df = pd.DataFrame({"a": pd.Series([], dtype="int64")})
    assert to_csv_bytes(df).decode("utf-8-sig").strip() == "a"
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert ws.max_row == 1


def test_safe_filename():
    assert safe_filename('覆盖/缺口:"x"', "csv", dt.date(2024, 3, 5)) == "覆盖_缺口__x__20240305.csv"
    assert safe_filename("", "xlsx", dt.date(2024, 1, 1)) == "table_20240101.xlsx"
