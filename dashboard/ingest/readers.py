"""Readers: any supported export file → a DuckDB staging table of text columns.

Every reader loads one file into the temporary table ``_sc_raw`` of the given DuckDB
connection, with columns ``c0 .. cN`` (all VARCHAR, file order; the file's own headers
are returned separately so no user text is ever put into SQL) and rows in file order
(``rowid - min(rowid)`` is the 0-based data row index).

Header row and row numbers
--------------------------
Real exports often carry a title (``2024年3月城东营业厅排队叫号明细表``), an
``导出时间：...`` note or blank rows above the header. Given the names a table knows
(``header_names``: its normalised aliases), the readers look at the first
:data:`HEADER_SEARCH_ROWS` rows and take as header the row whose cells match the most
names (ties: the earliest; no match at all: the first row). The rows above it are
skipped and counted (:attr:`RawFile.skipped_preamble_rows`), never read as data.

Row numbers are the ones a spreadsheet shows: the header's line is
:attr:`RawFile.header_line` (1-based, title lines counted) and data row *k* (0-based)
is on line ``header_line + 1 + k``. In CSV this is exact unless fully empty lines
(not even delimiters) lie between data rows — DuckDB skips those; XLSX readers keep
each row's sheet row number in the extra column ``_line`` (blank rows are skipped
without shifting the numbers).

Formats
-------
CSV / TXT
    Encoding detected, not guessed by the user: a BOM (UTF-8, UTF-16), else a strict
    UTF-8 decode of the *whole* file, else GBK, else GB18030, else charset-normalizer.
    Non-UTF-8 files are transcoded to a UTF-8 temporary file in streamed chunks and
    read by DuckDB's ``read_csv`` (delimiter sniffed, everything as text).
XLSX / XLSM
    The first sheet or ``sheet`` (name or 0-based index). Cells with a date format
    become ``YYYY-MM-DD HH:MM:SS`` text; unformatted numbers stay numbers as text (an
    Excel serial time is then parsed by :mod:`dashboard.ingest.values`).
Parquet
    Every column cast to text.
GeoJSON / GeoPackage / Shapefile
    Attributes as text; geometry reprojected to WGS-84 (EPSG:4326) when the file has
    another CRS, then from ``crs`` (``gcj02`` / ``bd09``) to WGS-84. Points give the
    virtual columns ``lon`` / ``lat``; polygons give ``geometry_wkb`` (hex WKB) and
    their centroid as ``lon`` / ``lat``.
"""

from __future__ import annotations

import codecs
import concurrent.futures
import csv
import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dashboard.ingest.aliases import normalise_header

__all__ = [
    "HEADER_SEARCH_ROWS",
    "RawFile",
    "ReadError",
    "detect_encoding",
    "file_sha256",
    "find_header_row",
    "read_into",
    "RAW",
]

RAW = "_sc_raw"
"""Name of the temporary staging table the readers fill."""

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
GEO_SUFFIXES = {".geojson", ".gpkg", ".shp", ".json"}
_CHUNK = 16 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
"""How many rows from the top may hold the header (title and note rows above it)."""
_CSV_DELIMS = (",", "\t", ";", "|")


class ReadError(ValueError):
    """The file cannot be read at all (format, encoding, malformed CSV, missing sheet)."""


@dataclass
class RawFile:
    """What a reader loaded.

    Attributes
    ----------
    path
        The file.
    headers
        The file's headers in column order (``c0`` is ``headers[0]``).
    n_rows
        Data rows read.
    fmt
        ``csv``, ``xlsx``, ``parquet`` or ``geo``.
    encoding
        Detected text encoding (CSV only).
    wgs84
        Coordinates already converted to WGS-84 by the reader (geometry files).
    sha256
        Content hash of the file bytes.
    sheets
        Sheet names (XLSX).
    header_line
        1-based line (sheet row) of the header in the file; data start on the next one.
    skipped_preamble_rows
        Rows above the header (titles, notes, blank rows) that were skipped.
    line_column
        ``_sc_raw`` has a column ``_line`` with each row's exact line (XLSX).
    """

    path: Path
    headers: list[str]
    n_rows: int
    fmt: str
    encoding: str | None = None
    wgs84: bool = False
    sha256: str = ""
    sheets: list[str] = field(default_factory=list)
    header_line: int = 1
    skipped_preamble_rows: int = 0
    line_column: bool = False


def find_header_row(
    rows: Sequence[Sequence[object]], names: Collection[str] | None, limit: int = HEADER_SEARCH_ROWS
) -> int:
    """Index of the header among the first rows of a file.

    Parameters
    ----------
    rows
        The file's first rows (cells as read).
    names
        Normalised header names the table knows
        (:func:`dashboard.ingest.aliases.normalise_header` of its aliases).
    limit
        Only the first ``limit`` rows are looked at.

    Returns
    -------
    int
        0-based index of the row whose cells match the most names; ties go to the
        earliest row; 0 when no row matches any name (or ``names`` is empty).

    Examples
    --------
    >>> find_header_row([["2024年3月明细表"], ["导出时间：2024-04-01"], [], ["流水号", "营业厅"]],
    ...                 {"流水号", "营业厅"})
    3
    """
    if not names:
        return 0
    best, best_i = 0, 0
    for i, row in enumerate(rows[:limit]):
        score = sum(1 for c in row if c is not None and normalise_header(c) in names)
        if score > best:
            best, best_i = score, i
    return best_i


def file_sha256(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes (streamed)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- encodings
def _decodes(path: Path, encoding: str, skip: int = 0) -> bool:
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as fh:
            fh.seek(skip)
            while chunk := fh.read(_CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(path: str | os.PathLike) -> str:
    """Detect the text encoding of a CSV file.

    The whole file is checked (streamed), not just its first lines, so a GBK file whose
    first rows are plain digits is still recognised.

    Returns
    -------
    str
        ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gbk``, ``gb18030`` or what
        charset-normalizer proposes.

    Raises
    ------
    ReadError
        When no encoding decodes the file.
    """
    p = Path(path)
    bom = _bom_encoding(p)
    if bom is not None:
        return bom
    for enc in ("utf-8", "gbk", "gb18030"):
        if _decodes(p, enc):
            return enc
    try:
        from charset_normalizer import from_path

        best = from_path(p).best()
    except Exception:  # pragma: no cover - library failure
        best = None
    if best is not None and best.encoding:
        return str(best.encoding)
    raise ReadError(f"{p.name}: cannot tell the text encoding (not UTF-8, GBK or GB18030)")


def _transcode(src: Path, encoding: str, dst: Path) -> None:
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        while chunk := fi.read(_CHUNK):
            fo.write(dec.decode(chunk).encode("utf-8"))
        fo.write(dec.decode(b"", final=True).encode("utf-8"))


# ---------------------------------------------------------------- loaders
def _load_relation(con: duckdb.DuckDBPyConnection, select_from: str, params: dict) -> list[str]:
    """Create ``_sc_raw`` as ``c0..cN`` text columns from ``select * from <select_from>``."""
    desc = con.execute(f"describe select * from {select_from}", params).fetchall()
    headers = [str(r[0]) for r in desc]
    cols = ", ".join(f"cast(#{i + 1} as varchar) as c{i}" for i in range(len(headers)))
    con.execute(f"drop table if exists {RAW}")
    con.execute(f"create temp table {RAW} as select {cols} from {select_from}", params)
    return headers


_CSV_READ = (
    "read_csv($p, all_varchar = true, header = true, auto_detect = true, "
    "normalize_names = false, sample_size = 20480, null_padding = true)"
)
"""``null_padding``: a row with fewer cells than the header (a ``合计：120`` or
``制表人：...`` footer line without delimiters) is padded with NULLs and checked like
any row, instead of derailing DuckDB's dialect sniffer (which otherwise may take such
a last line for the header)."""


def _bom_encoding(path: Path) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _csv_head(src: Path, n: int = HEADER_SEARCH_ROWS + 1) -> list[str]:
    """The first ``n`` physical lines of a UTF-8 file (without line ends); the file's
    last line only when the whole file is shorter than the bytes read."""
    with open(src, "rb") as fh:
        data = fh.read(256 * 1024)
        complete = len(fh.read(1)) == 0
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    if not complete:
        lines = lines[:-1]  # may be cut in the middle
    return [ln.rstrip("\r") for ln in lines[:n]]


def _csv_header_search(lines: list[str], names: Collection[str] | None) -> tuple[int, str | None]:
    """(lines to skip before the header, its delimiter) from the first lines of a CSV.

    Each line is split with each usual delimiter; a line counts with the delimiter that
    makes the most of its cells known headers. Excel's ``sep=;`` first line is a
    preamble line. Returns ``(0, None)`` when the header is the first line (or none
    is found): DuckDB then sniffs the file exactly as before.
    """
    if not names:
        return 0, None
    best, best_i, best_d = 0, 0, None
    for i, line in enumerate(lines[:HEADER_SEARCH_ROWS]):
        if i == 0 and line.lower().startswith("sep=") and len(line) == 5:
            continue
        for d in _CSV_DELIMS:
            if d not in line:
                continue
            cells = next(csv.reader([line], delimiter=d), [])
            score = sum(1 for c in cells if normalise_header(c) in names)
            if score > best:
                best, best_i, best_d = score, i, d
    if best_i == 0:
        return 0, None
    return best_i, best_d


def _read_csv(
    con, path: Path, tmpdir: Path, header_names: Collection[str] | None = None
) -> tuple[list[str], str, int]:
    """Load a CSV file; the encoding is detected (:func:`detect_encoding`), never asked for.

    A file that is not UTF-8 is transcoded to UTF-8 in ``tmpdir`` first. (DuckDB would
    refuse a non-UTF-8 file by itself, but inside the import's transaction that refusal
    aborts the transaction, so the encoding is settled before DuckDB reads.) The header
    is searched in the first lines (:func:`_csv_header_search`); lines above it are
    skipped by DuckDB (``skip``). Returns headers, encoding and the lines skipped.
    """
    enc = detect_encoding(path)
    src = path
    if enc not in ("utf-8", "utf-8-sig"):
        src = tmpdir / "transcoded.csv"
        try:
            _transcode(path, enc, src)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ReadError(f"{path.name}: cannot decode as {enc}: {exc}") from None
    head = _csv_head(src)
    skip, delim = _csv_header_search(head, header_names)
    try:
        if skip and delim is not None:
            headers = _load_csv_below_preamble(con, src, head[skip], skip, delim)
        else:
            headers = _load_relation(con, _CSV_READ, {"p": str(src)})
    except duckdb.Error as exc:
        lines = str(exc).split("\n")
        # first line and the column count line; never the "Original Line" (the user's data)
        msg = "; ".join([lines[0], *(ln for ln in lines[1:6] if ln.startswith("Expected Number"))])
        raise ReadError(f"{path.name}: not a readable CSV file: {msg}") from None
    return headers, enc, skip


def _load_csv_below_preamble(con, src: Path, header_line: str, skip: int, delim: str) -> list[str]:
    """Load a CSV whose header is on line ``skip + 1``, with the dialect settled here.

    DuckDB's dialect sniffer is unreliable with ``skip`` when rows are ragged (a footer
    note), so the delimiter found on the header line is given, quoting is the CSV
    standard (``"``), and the columns are declared ``c0 .. cN`` (names made here, never
    the user's text). Short rows are padded with NULLs; a row with more cells than the
    header is an error naming its line.
    """
    cells = next(csv.reader([header_line], delimiter=delim), [])
    if not cells:
        raise ReadError(f"{src.name}: empty header line {skip + 1}")
    headers = [c.strip() or f"column{i}" for i, c in enumerate(cells)]
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers))) + "}"
    con.execute(f"drop table if exists {RAW}")
    con.execute(
        f"""create temp table {RAW} as select * from read_csv($p, auto_detect = false, columns = {columns},
            header = true, skip = $skip, delim = $delim, quote = '"', escape = '"', null_padding = true)""",
        {"p": str(src), "skip": skip, "delim": delim},
    )
    return headers


def _cell_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        if np.isnan(v):
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is pd.NaT:
        return None
    s = str(v)
    return s


def _column_text(values: np.ndarray) -> np.ndarray:
    """Cell values → text (object array); text cells pass through untouched, the rest
    (numbers, dates, booleans) go through :func:`_cell_text`."""
    is_text = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
    if is_text.all():
        return values
    out = values.copy()
    other = ~is_text
    out[other] = [_cell_text(v) for v in values[other]]
    return out


def _frame_to_raw(con, df: pd.DataFrame, lines: Sequence[int] | None = None) -> list[str]:
    headers = [str(c) for c in df.columns]
    data = {f"c{i}": _column_text(df.iloc[:, i].to_numpy(dtype=object)) for i in range(df.shape[1])}
    frame = pd.DataFrame(data, index=range(len(df)))
    if lines is not None:
        frame["_line"] = np.asarray(lines, dtype=np.int64)
    con.register("_sc_frame", frame)
    try:
        con.execute(f"drop table if exists {RAW}")
        cols = ", ".join(f"cast(c{i} as varchar) as c{i}" for i in range(len(headers))) or "1 as c_empty"
        if lines is not None:
            cols += ", cast(_line as bigint) as _line"
        con.execute(f"create temp table {RAW} as select {cols} from _sc_frame")
    finally:
        con.unregister("_sc_frame")
    return headers


def _read_xlsx(
    con, path: Path, sheet: str | int | None, header_names: Collection[str] | None = None
) -> tuple[list[str], list[str], int]:
    """Load a workbook sheet (``.xlsx``, ``.xlsm``, ``.xlsb``, old ``.xls``, ``.ods``).

    Read with calamine (Rust; ~15x faster than openpyxl: 200,000 rows in ~5 s instead of
    ~80 s), from cell A1 so row numbers are the sheet's. Date cells arrive as datetimes,
    other numbers as floats (an Excel serial in a number cell is parsed later, see
    :func:`dashboard.ingest.values.time_sql`). The header is searched in the first rows
    (:func:`find_header_row`); empty rows are skipped, their line numbers stay counted.
    """
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise ReadError(f"{path.name}: not a readable workbook: {exc}") from None
    try:
        names = list(wb.sheet_names)
        if not names:
            raise ReadError(f"{path.name}: the workbook has no sheet")
        if sheet is None or sheet == "":
            name = names[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
            i = int(sheet)
            if not 0 <= i < len(names):
                raise ReadError(f"{path.name}: no sheet number {i}; sheets: {', '.join(names)}")
            name = names[i]
        elif sheet in names:
            name = sheet
        else:
            raise ReadError(f"{path.name}: no sheet {sheet!r}; sheets: {', '.join(names)}")
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise ReadError(f"{path.name}: sheet {name!r} cannot be read: {exc}") from None
    finally:
        wb.close()
    blank = " \t\u3000\xa0"
    top = [[c for c in r if not (c is None or (isinstance(c, str) and not c.strip(blank)))]
           for r in rows[:HEADER_SEARCH_ROWS]]
    if not any(top):
        raise ReadError(f"{path.name}: sheet {name!r} is empty")
    skip = find_header_row(top, header_names)
    header = rows[skip]
    width = len(header)
    while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
        width -= 1
    headers = [str(h).strip() if h not in (None, "") else f"column{i}" for i, h in enumerate(header[:width])]
    body = []
    lines = []
    for line, r in enumerate(rows[skip + 1:], start=skip + 2):
        r = list(r[:width]) + [None] * max(0, width - len(r))
        if all(v is None or (isinstance(v, str) and not v.strip(blank)) for v in r):
            continue  # empty rows (their line numbers stay counted)
        body.append(r)
        lines.append(line)
    df = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame(
        {i: pd.Series([], dtype=object) for i in range(width)}
    )
    _frame_to_raw(con, df, lines)
    return headers, names, skip


def _read_parquet(con, path: Path) -> list[str]:
    try:
        return _load_relation(con, "read_parquet($p)", {"p": str(path)})
    except duckdb.Error as exc:
        raise ReadError(f"{path.name}: not a readable Parquet file: {str(exc).splitlines()[0]}") from None


def _read_geo(con, path: Path, crs: str) -> list[str]:
    import geopandas as gpd
    import shapely

    from dashboard.ingest.coords import to_wgs84

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise ReadError(f"{path.name}: not a readable geometry file: {exc}") from None
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    geom = gdf.geometry.values
    geom = shapely.transform(
        np.asarray(geom, dtype=object),
        lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], crs)) if len(xy) else xy,
    )
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    kinds = shapely.get_type_id(geom)
    is_point = kinds == 0
    is_poly = np.isin(kinds, (3, 6))
    lon = np.full(len(geom), np.nan)
    lat = np.full(len(geom), np.nan)
    if is_point.any():
        lon[is_point] = shapely.get_x(geom[is_point])
        lat[is_point] = shapely.get_y(geom[is_point])
    wkb = np.full(len(geom), None, dtype=object)
    if is_poly.any():
        cent = shapely.centroid(geom[is_poly])
        lon[is_poly] = shapely.get_x(cent)
        lat[is_poly] = shapely.get_y(cent)
        wkb[is_poly] = shapely.to_wkb(geom[is_poly], hex=True)
    for name in ("lon", "lat", "geometry_wkb"):
        if name in attrs.columns:
            attrs = attrs.drop(columns=name)
    attrs["lon"] = lon
    attrs["lat"] = lat
    attrs["geometry_wkb"] = wkb
    return _frame_to_raw(con, attrs.reset_index(drop=True))


def read_into(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    *,
    sheet: str | int | None = None,
    crs: str = "wgs84",
    tmpdir: str | os.PathLike | None = None,
    header_names: Collection[str] | None = None,
) -> RawFile:
    """Load one export file into the temporary table ``_sc_raw`` of ``con``.

    Parameters
    ----------
    con
        An open DuckDB connection (the writer's).
    path
        The file; the format follows the suffix.
    sheet
        XLSX sheet name or 0-based index (default the first sheet).
    crs
        Coordinate system of geometry files (``wgs84``, ``gcj02``, ``bd09``).
    tmpdir
        Where a transcoded CSV may be written (default: a fresh temporary directory).
    header_names
        Normalised header names the target table knows; CSV and XLSX readers look for
        the header among the first :data:`HEADER_SEARCH_ROWS` rows with them (default:
        the first row is the header).

    Returns
    -------
    RawFile

    Raises
    ------
    ReadError
        When the file cannot be read; the message names the file.
    """
    p = Path(path)
    if not p.is_file():
        raise ReadError(f"{p}: file not found")
    suffix = p.suffix.lower()
    # the content hash (the ledger's idempotence key) is computed beside DuckDB's read:
    # hashlib and DuckDB both release the GIL
    hasher = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sc-sha256")
    sha_future = hasher.submit(file_sha256, p)
    hasher.shutdown(wait=False)
    with tempfile.TemporaryDirectory(dir=tmpdir, prefix="sc-import-") as td:
        if suffix in CSV_SUFFIXES:
            headers, enc, skip = _read_csv(con, p, Path(td), header_names)
            info = RawFile(p, headers, 0, "csv", encoding=enc, header_line=skip + 1, skipped_preamble_rows=skip)
        elif suffix in XLSX_SUFFIXES:
            headers, names, skip = _read_xlsx(con, p, sheet, header_names)
            info = RawFile(
                p, headers, 0, "xlsx", sheets=names, header_line=skip + 1, skipped_preamble_rows=skip,
                line_column=True,
            )
        elif suffix in PARQUET_SUFFIXES:
            info = RawFile(p, _read_parquet(con, p), 0, "parquet")
        elif suffix in GEO_SUFFIXES:
            info = RawFile(p, _read_geo(con, p, crs), 0, "geo", wgs84=True)
        else:
            raise ReadError(
                f"{p.name}: unsupported file type {suffix!r}; expected CSV, XLSX, Parquet, "
                "GeoJSON, GeoPackage or Shapefile"
            )
    info.sha256 = sha_future.result()
    info.n_rows = int(con.execute(f"select count(*) from {RAW}").fetchone()[0])
    return info
