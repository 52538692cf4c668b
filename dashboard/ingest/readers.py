"""Readers: any supported export file → a DuckDB staging table of text columns.

Every reader loads one file into the temporary table ``_sc_raw`` of the given DuckDB
connection, with columns ``c0 .. cN`` (all VARCHAR, file order; the file's own headers
are returned separately so no user text is ever put into SQL) and rows in file order
(``rowid - min(rowid) + 1`` is the 1-based data row number used in ``rejects``).

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
import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

__all__ = ["RawFile", "ReadError", "detect_encoding", "file_sha256", "read_into", "RAW"]

RAW = "_sc_raw"
"""Name of the temporary staging table the readers fill."""

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
GEO_SUFFIXES = {".geojson", ".gpkg", ".shp", ".json"}
_CHUNK = 16 * 1024 * 1024


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
    """

    path: Path
    headers: list[str]
    n_rows: int
    fmt: str
    encoding: str | None = None
    wgs84: bool = False
    sha256: str = ""
    sheets: list[str] = field(default_factory=list)


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
    "normalize_names = false, sample_size = 20480)"
)


def _bom_encoding(path: Path) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _read_csv(con, path: Path, tmpdir: Path) -> tuple[list[str], str]:
    """Load a CSV file; the encoding is detected (:func:`detect_encoding`), never asked for.

    A file that is not UTF-8 is transcoded to UTF-8 in ``tmpdir`` first. (DuckDB would
    refuse a non-UTF-8 file by itself, but inside the import's transaction that refusal
    aborts the transaction, so the encoding is settled before DuckDB reads.)
    """
    enc = detect_encoding(path)
    src = path
    if enc not in ("utf-8", "utf-8-sig"):
        src = tmpdir / "transcoded.csv"
        try:
            _transcode(path, enc, src)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ReadError(f"{path.name}: cannot decode as {enc}: {exc}") from None
    try:
        headers = _load_relation(con, _CSV_READ, {"p": str(src)})
    except duckdb.Error as exc:
        msg = str(exc).split("\n")[0]
        raise ReadError(f"{path.name}: not a readable CSV file: {msg}") from None
    return headers, enc


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


def _frame_to_raw(con, df: pd.DataFrame) -> list[str]:
    headers = [str(c) for c in df.columns]
    data = {f"c{i}": df.iloc[:, i].map(_cell_text).astype(object) for i in range(df.shape[1])}
    frame = pd.DataFrame(data, index=range(len(df)))
    con.register("_sc_frame", frame)
    try:
        con.execute(f"drop table if exists {RAW}")
        cols = ", ".join(f"cast(c{i} as varchar) as c{i}" for i in range(len(headers))) or "1 as c_empty"
        con.execute(f"create temp table {RAW} as select {cols} from _sc_frame")
    finally:
        con.unregister("_sc_frame")
    return headers


def _read_xlsx(con, path: Path, sheet: str | int | None) -> tuple[list[str], list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(f"{path.name}: not a readable XLSX file: {exc}") from None
    try:
        names = list(wb.sheetnames)
        if sheet is None or sheet == "":
            ws = wb[names[0]]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
            i = int(sheet)
            if not 0 <= i < len(names):
                raise ReadError(f"{path.name}: no sheet number {i}; sheets: {', '.join(names)}")
            ws = wb[names[i]]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise ReadError(f"{path.name}: no sheet {sheet!r}; sheets: {', '.join(names)}")
        rows = ws.iter_rows(values_only=True)
        try:
            header = next(rows)
        except StopIteration:
            raise ReadError(f"{path.name}: sheet {ws.title!r} is empty") from None
        width = len(header)
        while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
            width -= 1
        headers = [str(h).strip() if h is not None else f"column{i}" for i, h in enumerate(header[:width])]
        body = []
        for r in rows:
            r = tuple(r[:width]) + (None,) * max(0, width - len(r))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
                continue  # Excel's trailing empty rows
            body.append(r)
    finally:
        wb.close()
    df = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame(
        {i: pd.Series([], dtype=object) for i in range(width)}
    )
    _frame_to_raw(con, df)
    return headers, names


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
            headers, enc = _read_csv(con, p, Path(td))
            info = RawFile(p, headers, 0, "csv", encoding=enc)
        elif suffix in XLSX_SUFFIXES:
            headers, names = _read_xlsx(con, p, sheet)
            info = RawFile(p, headers, 0, "xlsx", sheets=names)
        elif suffix in PARQUET_SUFFIXES:
            info = RawFile(p, _read_parquet(con, p), 0, "parquet")
        elif suffix in GEO_SUFFIXES:
            info = RawFile(p, _read_geo(con, p, crs), 0, "geo", wgs84=True)
        elif suffix == ".xls":
            raise ReadError(f"{p.name}: old .xls workbooks are not supported; save it as .xlsx or CSV")
        else:
            raise ReadError(
                f"{p.name}: unsupported file type {suffix!r}; expected CSV, XLSX, Parquet, "
                "GeoJSON, GeoPackage or Shapefile"
            )
    info.sha256 = sha_future.result()
    info.n_rows = int(con.execute(f"select count(*) from {RAW}").fetchone()[0])
    return info
