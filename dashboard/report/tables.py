"""Table downloads: a DataFrame as CSV bytes (UTF-8 with BOM) or XLSX bytes.

Excel on Chinese Windows reads a CSV without a byte-order mark as GBK and garbles
Chinese text; with the BOM it reads UTF-8. Both converters also defuse spreadsheet
formula injection: community names and other text are user data, and a cell such as
``=HYPERLINK(...)`` must arrive as text, never as a formula. Text cells that begin with
``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading apostrophe in the CSV
(the OWASP recommendation); the XLSX writer stores every string as a string.

These functions are pure (no Streamlit) so they are tested directly;
:func:`dashboard.ui.tables.show_table` puts them behind download buttons.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

__all__ = ["CSV_MIME", "XLSX_MIME", "to_csv_bytes", "to_xlsx_bytes", "safe_filename"]

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])]


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Copy with timezone-aware datetimes made naive (Excel has no time zones)."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].dt.tz_localize(None)
    return out


def _width(value: object) -> int:
    """Display width of a cell: CJK characters count double."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def to_csv_bytes(df: pd.DataFrame, *, index: bool = False) -> bytes:
    """Encode ``df`` as CSV that Excel on Chinese Windows opens correctly.

    Parameters
    ----------
    df
        The table as shown (columns already carry their display labels).
    index
        Write the index as the first column.

    Returns
    -------
    bytes
        UTF-8 with a byte-order mark, comma-separated, ``\\r\\n`` line ends; text cells
        that would start a formula are prefixed with ``'``.
    """
    out = _plain(df)
    for c in _text_columns(out):
        out[c] = out[c].map(_defuse, na_action="ignore")
    text = out.to_csv(index=index, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, *, sheet_name: str = "Sheet1", index: bool = False) -> bytes:
    """Encode ``df`` as an XLSX workbook with one sheet.

    Parameters
    ----------
    df
        The table as shown.
    sheet_name
        Worksheet name; characters Excel forbids (``[]:*?/\\``) are replaced and the
        name is cut to 31 characters.
    index
        Write the index as the first column.

    Returns
    -------
    bytes
        The workbook. Strings are stored as strings (never formulas or links); the
        header row is frozen and columns are sized to their content.
    """
    name = "".join("_" if ch in '[]:*?/\\' else ch for ch in sheet_name)[:31] or "Sheet1"
    out = _plain(df)
    buf = io.BytesIO()
    with pd.ExcelWriter(
        buf,
        engine="xlsxwriter",
        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False}},
    ) as xw:
        out.to_excel(xw, sheet_name=name, index=index)
        ws = xw.sheets[name]
        ws.freeze_panes(1, 0)
        cols = ([out.index.name or ""] if index else []) + [str(c) for c in out.columns]
        samples = ([list(out.index[:200])] if index else []) + [list(out[c].head(200)) for c in out.columns]
        for i, (header, sample) in enumerate(zip(cols, samples)):
            w = max([_width(header)] + [_width(v) for v in sample])
            ws.set_column(i, i, min(max(w + 2, 8), 60))
    return buf.getvalue()


def safe_filename(stem: str, suffix: str, when: dt.date | None = None) -> str:
    """A download file name: ``stem`` with unsafe characters replaced, a date, the suffix.

    Parameters
    ----------
    stem
        Base name, may be Chinese (browsers handle UTF-8 names).
    suffix
        Extension without the dot, e.g. ``"csv"``.
    when
        Date stamped into the name (default: today).
    """
    clean = "".join("_" if (ch in '<>:"/\\|?*' or ord(ch) < 32) else ch for ch in stem).strip() or "table"
    when = when or dt.date.today()
    return f"{clean}_{when:%Y%m%d}.{suffix}"
