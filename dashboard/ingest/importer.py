"""Import export files into the warehouse: read, map, validate, upsert, account for every row.

:func:`import_files` is what ``servicecircle import`` and the Data page's upload box
call. For each file it

1. loads the file as text columns (:mod:`~dashboard.ingest.readers`),
2. maps headers to canonical fields, refusing a file that lacks a required column
   (:class:`ImportRefused`, nothing written),
3. builds small lookup tables over *distinct* values only (category words incl. the
   profile's, keyed hashes of 户号 / 工号, open-day lists, address → community),
4. parses and checks every row in one DuckDB statement (:mod:`~dashboard.ingest.validate`),
   converts GCJ-02 / BD-09 points to WGS-84 and checks them against China's bounding box,
5. classifies each valid row against the warehouse and the rows before it in the same
   import (``stored`` new key, ``updated`` key with different values, ``duplicates``
   identical), writes the last version of each changed key, the rejected rows to
   ``rejects`` (without personal fields) and a ledger row to ``imports``; what undoing
   the file needs (the keys it wrote, the versions it replaced) is kept in the same
   transaction (:mod:`~dashboard.ingest.undo`).

Counts always satisfy ``read = stored + updated + duplicates + rejected``. ``read``
counts the data rows below the header: title / note rows above the header are not
read, they are counted apart (:attr:`FileResult.skipped_preamble_rows`); a total or
note row at the bottom (``合计``, ``制表人：...``) is read and rejected with the reason
``summary_row``. Row numbers in ``rejects`` are the file's line numbers as a
spreadsheet shows them (header on line 1 → first data row is 2; see
:mod:`~dashboard.ingest.readers`). A hall / room / community given by its unique name
instead of its id is mapped to the id. All files of
one call are written in one :func:`dashboard.warehouse.writer` block (or the caller's
``con``), so a refused file, a crash or ``kill -9`` leaves the warehouse as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import parts, privacy, warehouse
from dashboard.ingest import attribution, coords, undo
from dashboard.ingest.aliases import (
    CATEGORY_WORDS,
    TableSpec,
    normalise_header,
    table_spec,
)
from dashboard.ingest.crs_hint import crs_hint
from dashboard.ingest.profile import Profile, ProfileError, load_profile, profile_line
from dashboard.ingest.readers import RAW, RawFile, ReadError, read_into
from dashboard.ingest.validate import (
    REF_TABLE,
    HeaderMap,
    MissingColumns,
    clean_sql,
    coords_check_sql,
    map_headers,
    name_key_sql,
    stage_sql,
)
from dashboard.ingest.values import ids_sql, mask_sql, parse_open_days
from dashboard.rollup_months import FACT_DATES

__all__ = ["FileResult", "ImportRefused", "ImportResult", "import_files"]

Progress = Callable[[str, float], None]
CRS_CHOICES: tuple[str, ...] = ("wgs84", "gcj02", "bd09")
IMPORT_MEMORY_LIMIT = "2500MB"
"""DuckDB's memory limit while importing (it spills to disk beyond it), leaving headroom
under the 4 GB goal for Python and DuckDB's allocations outside its buffer pool."""


class ImportRefused(ValueError):
    """A whole import refused before anything was written (file unreadable, required
    column missing, bad profile, unknown table). The message names the file.

    ``key`` and ``params`` (when set) name an i18n string in ``dashboard/i18n/data.toml``
    so the CLI and the page can show the refusal in the user's language
    (:meth:`localized`).
    """

    def __init__(self, message: str, *, key: str | None = None, params: dict | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.params = params or {}

    def localized(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the English message when no translation applies)."""
        if self.key is None:
            return str(self)
        from dashboard.i18n import t

        return t(self.key, lang, **self.params)


@dataclass
class FileResult:
    """Counts for one imported file (one ``imports`` ledger row)."""

    file: str
    import_id: str
    read: int = 0
    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    unknown_words: list[dict] = field(default_factory=list)
    encoding: str | None = None
    fmt: str = ""
    unmapped_headers: list[str] = field(default_factory=list)
    header_line: int = 1
    """1-based line (sheet row) of the header in the file."""
    skipped_preamble_rows: int = 0
    """Title / note / blank rows above the header: skipped, not counted in ``read``."""
    names_mapped: dict[str, int] = field(default_factory=dict)
    """Per reference field, distinct names mapped to an id (``{"hall_id": 2}``)."""
    crs_hint: dict | None = None
    """Set when the points look like GCJ-02 / BD-09 read as WGS-84
    (:func:`dashboard.ingest.crs_hint.crs_hint`); the data is stored as given."""
    attribution: dict[str, int] | None = None
    """Fact tables: the file's valid rows by where their community came from
    (``from_export``, ``attributed`` through the customer list, ``unattributed``)."""


def _total(name: str) -> property:
    """A count of an :class:`ImportResult`: the :class:`FileResult` count ``name`` summed
    over its files."""
    return property(lambda self: sum(getattr(f, name) for f in self.files))


@dataclass
class ImportResult:
    """Counts of one import call (all its files)."""

    table: str
    files: list[FileResult] = field(default_factory=list)
    reattributed: dict[str, dict[str, int]] | None = None
    """A customer-list import: per fact table, rows re-attributed (``changed``) and the
    table's ``attributed`` / ``unattributed`` rows after it
    (:func:`dashboard.ingest.attribution.reattribute`)."""

    read = _total("read")
    stored = _total("stored")
    updated = _total("updated")
    duplicates = _total("duplicates")
    rejected = _total("rejected")

    @property
    def attribution(self) -> dict | None:
        """``{"attributed", "unattributed", "from_export"}`` over the valid rows of a fact
        import (they add up to stored + updated + duplicates); per fact table
        ``{"changed", "attributed", "unattributed"}`` for a customer list; else ``None``."""
        if self.reattributed is not None:
            return self.reattributed
        parts = [f.attribution for f in self.files if f.attribution is not None]
        if not parts:
            return None
        return {k: sum(p[k] for p in parts) for k in ("attributed", "unattributed", "from_export")}

    skipped_preamble_rows = _total("skipped_preamble_rows")
    """Rows above the headers (titles, notes) over all files; not part of ``read``."""

    @property
    def reasons(self) -> dict[str, int]:
        c: Counter = Counter()
        for f in self.files:
            c.update(f.reasons)
        return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def unknown_words(self) -> list[dict]:
        """Unknown category words over all files: field, vocabulary, word, count, profile line."""
        agg: dict[tuple, dict] = {}
        for f in self.files:
            for w in f.unknown_words:
                k = (w["field"], w["word"])
                if k in agg:
                    agg[k]["count"] += w["count"]
                else:
                    agg[k] = dict(w)
        return sorted(agg.values(), key=lambda w: (-w["count"], w["field"], w["word"]))

    def notes(self, lang: str | None = None) -> list[str]:
        """What the import did beyond the counts, one plain sentence each, in ``lang``:
        a header found below title rows, names mapped to ids, file columns not used."""
        from dashboard.i18n import CATALOGUE, t

        out: list[str] = []
        for f in self.files:
            if f.skipped_preamble_rows:
                out.append(t("data.note.header_below", lang, file=f.file, line=f.header_line,
                             n=f.skipped_preamble_rows))
            for name, n in sorted(f.names_mapped.items()):
                if n:
                    key = f"data.note.field.{name}"
                    out.append(t("data.note.names_mapped", lang, file=f.file, n=n,
                                 field=t(key, lang) if key in CATALOGUE else name))
            if f.crs_hint:
                h = f.crs_hint
                out.append(t(f"data.note.crs_hint.{h['test']}", lang, file=f.file, n=h["n"], given=h["given"],
                             converted=h["converted"], crs=h["crs"],
                             source=t(f"data.note.crs_source.{h['crs']}", lang)))
            if f.unmapped_headers:
                out.append(t("data.note.unused_columns", lang, file=f.file,
                             cols=", ".join(map(str, f.unmapped_headers))))
        return out

    def as_dict(self) -> dict:
        """The ``--json`` object: table, files (names), read, stored, updated, duplicates,
        rejected, reasons ({reason: n}); ``read = stored + updated + duplicates + rejected``.
        Fact tables and the customer list add ``attribution`` (see :attr:`attribution`)."""
        out = {
            "table": self.table,
            "files": [f.file for f in self.files],
            "read": self.read,
            "stored": self.stored,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "reasons": self.reasons,
        }
        if self.attribution is not None:
            out["attribution"] = self.attribution
        return out


# ---------------------------------------------------------------- helpers
def _types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where table_name = $t and schema_name = 'main' and database_name = current_database() "
        "order by column_index",
        {"t": table},
    ).fetchall()
    return {name: typ for name, typ in rows}


def _distinct(con, cols: list[int]) -> pd.Series:
    """Distinct cleaned values of raw columns (distinct raw texts first: cleaning runs
    on those only)."""
    parts = " union ".join(f"select distinct c{i} as r from {RAW}" for i in cols)
    return con.execute(f"select distinct {clean_sql('r')} as v from ({parts}) where v is not null").df()["v"]


def hash_unique(values: list[str]) -> list[str]:
    """Keyed hashes of distinct values, identical to :func:`dashboard.privacy.hash_value`.

    HMAC-SHA256 with the inner and outer key states computed once and copied per value
    (about twice as fast as ``hmac.new`` per value); values must be stripped, non-empty.
    """
    k = privacy.key()
    if len(k) > 64:
        k = hashlib.sha256(k).digest()
    k = k.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
    out = []
    prefix = privacy.PREFIX
    for v in values:
        i = inner.copy()
        i.update(v.encode("utf-8"))
        o = outer.copy()
        o.update(i.digest())
        out.append(prefix + o.hexdigest()[:32])
    return out


def _register_table(con, name: str, df: pd.DataFrame, schema: str) -> None:
    con.execute(f"drop table if exists {name}")
    con.execute(f"create temp table {name} ({schema})")
    if len(df):
        con.register("_sc_tmp_df", df)
        try:
            con.execute(f"insert into {name} select * from _sc_tmp_df")
        finally:
            con.unregister("_sc_tmp_df")


def _lookups(con, spec: TableSpec, hmap: HeaderMap, profile: Profile) -> None:
    # category words: built-in + profile (profile wins)
    rows = []
    for vocab, words in CATEGORY_WORDS.items():
        merged = dict(words)
        merged.update(profile.categories.get(vocab, {}))
        rows.extend((vocab, w, c) for w, c in merged.items())
    _register_table(
        con, "_sc_words", pd.DataFrame(rows, columns=["vocab", "word", "code"], dtype=object),
        "vocab varchar, word varchar, code varchar",
    )
    # keyed hashes of personal ids: unique values only
    hcols = [hmap.columns[f.name] for f in spec.fields if f.kind == "hash" and f.name in hmap.columns]
    if hcols:
        vals = _distinct(con, hcols).astype(object)
        df = pd.DataFrame({"v": vals, "h": hash_unique(vals.tolist())}, dtype=object)
    else:
        df = pd.DataFrame({"v": [], "h": []}, dtype=object)
    _register_table(con, "_sc_hash", df, "v varchar, h varchar")
    # open days
    dcols = [hmap.columns[f.name] for f in spec.fields if f.kind == "days" and f.name in hmap.columns]
    con.execute("drop table if exists _sc_days")
    con.execute("create temp table _sc_days (v varchar, d varchar[])")
    if dcols:
        for v in _distinct(con, dcols):
            con.execute("insert into _sc_days values ($v, $d)", {"v": v, "d": parse_open_days(v)})
    # address -> community (longest community name contained in the address)
    con.execute("drop table if exists _sc_addr")
    if "address" in hmap.columns and spec.field("address").kind == "address":
        con.execute(
            f"""create temp table _sc_addr as
            with a as (select distinct {clean_sql(f"c{hmap.columns['address']}")} as v from {RAW})
            select a.v, arg_max(c.community_id, length(c.name)) as community_id
            from a join communities c
              on a.v is not null and c.name is not null and length(c.name) >= 2 and contains(a.v, c.name)
            group by a.v"""
        )
    else:
        con.execute("create temp table _sc_addr (v varchar, community_id varchar)")


def header_names(spec: TableSpec, profile: Profile) -> set[str]:
    """Normalised headers the table knows (aliases, field names, the profile's headers):
    what the readers look for to find the header row below a title."""
    names = {normalise_header(a) for f in spec.fields for a in f.aliases}
    names |= {f.name for f in spec.fields}
    names |= set(profile.header_map(spec.name))
    return names


def _name_maps(con, spec: TableSpec, hmap: HeaderMap) -> dict[str, int]:
    """Lookup tables name → id for reference fields holding names instead of ids.

    Over the *distinct* values of the column that are not known ids (for a room's
    ``served_community_ids``: the distinct list elements): each is matched to the
    hall / room / community names (blanks ignored). Returns, per field with a
    table ``_sc_name_<field>(v, id, n, ids)``, how many distinct values matched a name
    (``n`` > 1: the name is ambiguous).
    """
    out: dict[str, int] = {}
    for f in spec.fields:
        if f.name not in hmap.columns:
            continue
        cell = clean_sql(f"c{hmap.columns[f.name]}")
        if f.ref:
            table, col = REF_TABLE[f.ref]
            # distinct raw texts first, then clean only those
            values = f"select distinct {clean_sql('r')} as v from (select distinct c{hmap.columns[f.name]} as r from {RAW})"
        elif spec.name == "service_rooms" and f.name == "served_community_ids":
            table, col = REF_TABLE["community"]
            values = f"select distinct unnest({ids_sql(cell)}) as v from {RAW}"
        else:
            continue
        name = f"_sc_name_{f.name}"
        con.execute(f'drop table if exists "{name}"')
        con.execute(
            f"""create temp table "{name}" as
            with d as ({values}),
            u as (select v from d where v is not null
                  and v not in (select {col} from {table} where {col} is not null))
            select u.v, min(t.{col}) as id, count(distinct t.{col}) as n,
                   string_agg(distinct t.{col}, ', ' order by t.{col}) as ids
            from u join {table} t on t.name is not null and {name_key_sql("t.name")} = {name_key_sql("u.v")}
            group by u.v"""
        )
        n = int(con.execute(f'select count(*) from "{name}"').fetchone()[0])
        if n:
            out[f.name] = n
        else:
            con.execute(f'drop table "{name}"')
    return out


def _convert_points(con, crs: str) -> None:
    df = con.execute("select _row, lon, lat from _sc_stage where lon is not null and lat is not null").df()
    if df.empty:
        return
    lon, lat = coords.to_wgs84(df["lon"].to_numpy(float), df["lat"].to_numpy(float), crs)
    conv = pd.DataFrame({"_row": df["_row"].to_numpy(), "lon": lon, "lat": lat})
    con.register("_sc_conv", conv)
    try:
        con.execute("update _sc_stage set lon = c.lon, lat = c.lat from _sc_conv c where _sc_stage._row = c._row")
    finally:
        con.unregister("_sc_conv")


def _values_json_sql(spec: TableSpec, hmap: HeaderMap) -> str:
    """json_object of the row's non-personal mapped fields (raw text) — never personal ones."""
    parts = []
    for f in spec.fields:
        if f.name not in hmap.columns or f.kind in ("hash", "drop", "address"):
            continue
        col = f"nullif(trim(r.c{hmap.columns[f.name]}), '')"
        if f.kind == "free_text":
            col = mask_sql(col)
        parts.append(f"'{f.name}', {col}")
    return f"json_object({', '.join(parts)})" if parts else "NULL"


def _unknown_words(con, spec: TableSpec, hmap: HeaderMap) -> list[dict]:
    """Every unknown category word of the file with its count (also in rows rejected for
    another reason), and the profile line that would map it."""
    out = []
    for f in spec.fields:
        if f.kind != "category" or f.name not in hmap.columns:
            continue
        cell = clean_sql(f"c{hmap.columns[f.name]}")
        got = con.execute(
            f"""select r.v, count(*) from (select {cell} as v from {RAW}) r
                left join _sc_words w on w.vocab = $vocab and w.word = lower(replace(trim(r.v), '\u3000', ''))
                where r.v is not null and w.code is null group by 1 order by 2 desc, 1""",
            {"vocab": f.category},
        ).fetchall()
        for word, n in got:
            out.append({
                "field": f.name, "vocabulary": f.category, "word": word, "count": int(n),
                "profile_line": profile_line(f.category, word),
            })
    return out


def _touched_months(con: duckdb.DuckDBPyConnection, spec: TableSpec, stored: str, written: bool,
                    replaced: bool) -> list:
    """The months (first days) of every date column the rollups group by
    (:data:`dashboard.rollup_months.FACT_DATES`), over the rows this file writes and the
    stored versions they replace (read from ``stored``, which holds them:
    :func:`dashboard.parts.with_keys`); called before the replaced rows are deleted."""
    if not written:
        return []
    cols = FACT_DATES[spec.name]
    months = ", ".join(f'cast(date_trunc(\'month\', "{c}") as date)' for c in cols)
    keys = ", ".join(f'"{k}"' for k in spec.key)
    selects = [f"""select unnest([{months}]) as m from _sc_stage
                 semi join (select _row from _sc_class where _write) c using (_row)"""]
    if replaced:
        selects.append(f"""select unnest([{months}]) as m from {stored}
                         semi join (select {", ".join(f's."{k}"' for k in spec.key)} from _sc_stage s
                                    join _sc_class c using (_row) where c._write and c._sh is not null) u
                         using ({keys})""")
    rows = con.execute(f"select distinct m from ({' union all '.join(selects)}) where m is not null").fetchall()
    return [r[0] for r in rows]


def _import_one(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    path: Path,
    profile: Profile,
    crs: str,
    sheet: str | int | None,
    report: Callable[[str, float], None],
    user: str | None = None,
) -> FileResult:
    started = dt.datetime.now()
    report("read", 0.0)
    try:
        raw: RawFile = read_into(con, path, sheet=sheet, crs=crs, header_names=header_names(spec, profile))
    except ReadError as exc:
        raise ImportRefused(
            str(exc), key="data.refused.unreadable", params={"file": path.name, "msg": str(exc)}
        ) from None
    try:
        hmap = map_headers(spec, raw.headers, profile, path.name)
    except MissingColumns as exc:
        raise ImportRefused(
            str(exc), key="data.refused.missing_columns",
            params={"file": path.name, "missing": "; ".join(exc.missing), "found": ", ".join(map(str, raw.headers))},
        ) from None
    res = FileResult(
        file=path.name, import_id=uuid.uuid4().hex, read=raw.n_rows, encoding=raw.encoding,
        fmt=raw.fmt, unmapped_headers=hmap.unmapped, header_line=raw.header_line,
        skipped_preamble_rows=raw.skipped_preamble_rows,
    )
    report("validate", 0.3)
    _lookups(con, spec, hmap, profile)
    res.names_mapped = _name_maps(con, spec, hmap)
    types = _types(con, spec.name)
    con.execute("drop table if exists _sc_stage")
    rowid0 = int(con.execute(f"select coalesce(min(rowid), 0) from {RAW}").fetchone()[0])

    def row_sql(alias: str = "") -> str:
        """The file line of a raw row (header_line + 1 is the first data row)."""
        if raw.line_column:
            return f"{alias}_line"
        return f"{alias}rowid - {rowid0} + {raw.header_line + 1}"

    con.execute(stage_sql(
        spec, hmap, types, row_sql=row_sql(), n_columns=len(raw.headers), name_maps=set(res.names_mapped),
    ))
    if spec.point and ("lon" in hmap.columns or "lat" in hmap.columns):
        if not raw.wgs84 and crs != "wgs84":
            _convert_points(con, crs)
        sql, params = coords_check_sql()
        con.execute(sql, params)
        if crs == "wgs84" and "community_id" in spec.columns and "community_id" in hmap.columns:
            res.crs_hint = crs_hint(
                con.execute("select lon, lat, community_id from _sc_stage where _rej is null").df(),
                con.execute("select community_id, lon, lat, geometry_wkb from communities").df(),
            )

    # ---- classify valid rows against the warehouse and earlier rows of this import
    report("compare", 0.6)
    cols = spec.columns
    keys = list(spec.key)
    qcols = ", ".join(f's."{c}"' for c in cols)
    tcols = ", ".join(f't."{c}"' for c in cols)
    on = " and ".join(f's."{k}" = t."{k}"' for k in keys)
    part = ", ".join(f's."{k}"' for k in keys)
    bare = ", ".join(f'"{k}"' for k in keys)
    con.execute("drop table if exists _sc_class")
    stored = parts.with_keys(con, spec.name, keys, f"select {part} from _sc_stage s where s._rej is null")
    con.execute(
        f"""create temp table _sc_class as
        with v as (
            select s._row, {part}, hash({qcols}) as _h,
                   case when t."{keys[0]}" is not null then hash({tcols}) end as _sh
            from _sc_stage s left join {stored} t on {on}
            where s._rej is null
        ), d as (  -- keys met more than once in this import: only they need ordering
            select {bare} from v as s group by {bare} having count(*) > 1
        ), w as (
            select _row, _h, _sh, lag(_h) over k as _prev, lead(_row) over k is null as _last
            from v as s semi join d using ({bare})
            window k as (partition by {bare} order by _row)
            union all
            select _row, _h, _sh, cast(NULL as ubigint) as _prev, true as _last
            from v as s anti join d using ({bare})
        )
        select _row, _last, _sh,
               case when coalesce(_prev, _sh) = _h then 'duplicate'
                    when _prev is null and _sh is null then 'stored'
                    else 'updated' end as status,
               _last and (_sh is null or _sh <> _h) as _write
        from w"""
    )
    counts = dict(con.execute("select status, count(*) from _sc_class group by status").fetchall())
    res.stored = int(counts.get("stored", 0))
    res.updated = int(counts.get("updated", 0))
    res.duplicates = int(counts.get("duplicate", 0))
    rej = con.execute(
        "select _rej.reason, count(*) from _sc_stage where _rej is not null group by 1 order by 2 desc, 1"
    ).fetchall()
    res.reasons = {r: int(n) for r, n in rej}
    res.rejected = sum(res.reasons.values())
    if res.reasons.get("unknown_category"):
        res.unknown_words = _unknown_words(con, spec, hmap)
    if "community_source" in spec.derived:
        n_exp, n_cust, n_none = con.execute(
            "select count(*) filter (where community_source = 'export'), "
            "count(*) filter (where community_source = 'customer'), "
            "count(*) filter (where community_id is null) from _sc_stage where _rej is null"
        ).fetchone()
        res.attribution = {"attributed": int(n_cust), "unattributed": int(n_none), "from_export": int(n_exp)}
    # ---- write: replace changed keys, insert new ones (undo data first: the replaced versions)
    report("write", 0.8)
    n_replace = con.execute("select count(*) from _sc_class where _write and _sh is not null").fetchone()[0]
    n_write = con.execute("select count(*) from _sc_class where _write").fetchone()[0]
    undo.keep(con, spec, res.import_id, all_new=not n_replace and n_write == res.read, user=user, stored=stored)
    if spec.name in FACT_DATES:  # the rollups are rebuilt for these months only
        warehouse.mark_changed(con, spec.name, months=_touched_months(con, spec, stored, bool(n_write), bool(n_replace)))
    written = "from _sc_stage s"
    if n_write != res.read:  # not every row is written: join the classification
        written += " semi join (select _row from _sc_class where _write) c using (_row)"
    parts.replace(
        con, spec.name, keys,
        delete=(f"select {part} from _sc_stage s join _sc_class c using (_row) where c._write and c._sh is not null"
                if n_replace else None),
        insert=f"select {qcols} {written}" if n_write else None,
    )
    # ---- rejects (personal fields never included) and the ledger
    con.execute(
        "delete from rejects where import_id in "
        "(select import_id from imports where table_name = $t and content_hash = $h)",
        {"t": spec.name, "h": raw.sha256},
    )
    if res.rejected:
        con.execute(
            f"""insert into rejects
                select $iid, $t, $f, s._row, s._rej.field, s._rej.reason, s._rej.detail,
                       case when s._rej.reason <> 'summary_row' then {_values_json_sql(spec, hmap)} end
                from _sc_stage s join {RAW} r on {row_sql("r.")} = s._row
                where s._rej is not null order by s._row""",
            {"iid": res.import_id, "t": spec.name, "f": path.name},
        )
    con.execute(
        "insert into imports values ($iid, $t, $f, $h, $r, $s, $u, $d, $x, $j, $a, $b)",
        {
            "iid": res.import_id, "t": spec.name, "f": path.name, "h": raw.sha256,
            "r": res.read, "s": res.stored, "u": res.updated, "d": res.duplicates, "x": res.rejected,
            "j": json.dumps(res.reasons, ensure_ascii=False), "a": started, "b": dt.datetime.now(),
        },
    )
    if stored != spec.name:
        con.execute(f'drop table if exists "{stored}"')
    for t in (RAW, "_sc_stage", "_sc_class", "_sc_words", "_sc_hash", "_sc_days", "_sc_addr",
              *(f"_sc_name_{n}" for n in res.names_mapped)):
        con.execute(f'drop table if exists "{t}"')
    if res.read != res.stored + res.updated + res.duplicates + res.rejected:  # pragma: no cover
        raise AssertionError(f"{path.name}: counts do not add up: {res}")
    report("done", 1.0)
    return res


def import_files(
    table: str,
    paths: Sequence[str | os.PathLike] | str | os.PathLike,
    *,
    db: str | os.PathLike | None = None,
    profile: str | os.PathLike | Profile | dict | None = None,
    crs: str = "wgs84",
    sheet: str | int | None = None,
    progress: Progress | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    user: str | None = None,
) -> ImportResult:
    """Import export files into one canonical table, all or nothing.

    Parameters
    ----------
    table
        ``communities``, ``halls``, ``rooms``, ``tickets``, ``hotline``, ``visits``,
        ``staff``, ``buildings`` or ``customers`` (warehouse names such as
        ``counter_tickets`` work too). A customer list re-attributes the stored fact rows
        (:mod:`dashboard.ingest.attribution`) in the same transaction.
    paths
        One file or several (CSV, XLSX, Parquet; GeoJSON / GeoPackage / Shapefile for
        tables with geometry).
    db
        Warehouse path (default: ``$SERVICECIRCLE_DB`` or ``data/warehouse.duckdb``).
    profile
        A TOML mapping profile (path), or an already loaded :class:`Profile`.
    crs
        Coordinate system of the files' coordinates: ``wgs84``, ``gcj02`` or ``bd09``.
    sheet
        XLSX sheet name or 0-based index (default the first sheet).
    progress
        ``progress(message, fraction)`` callback, fraction in 0..1.
    con
        An open writer connection (``warehouse.writer``); the import then joins the
        caller's transaction instead of opening its own.
    user
        Who runs the import (the signed-in or operating-system user), kept with the
        import's undo data (:mod:`dashboard.ingest.undo`).

    Returns
    -------
    ImportResult
        Counts; ``as_dict()`` is the CLI's ``--json`` object.

    Raises
    ------
    ImportRefused
        When a file cannot be read or lacks a required column, the profile is invalid,
        or the table or crs is unknown. Nothing is written.
    """
    try:
        spec = table_spec(table)
    except KeyError as exc:
        raise ImportRefused(str(exc.args[0])) from None
    if crs not in CRS_CHOICES:
        raise ImportRefused(f"unknown coordinate system {crs!r}; expected one of {', '.join(CRS_CHOICES)}")
    try:
        prof = load_profile(profile)
    except ProfileError as exc:
        raise ImportRefused(str(exc)) from None
    files = [Path(paths)] if isinstance(paths, (str, os.PathLike)) else [Path(p) for p in paths]
    if not files:
        raise ImportRefused("no files given")
    for p in files:
        if not p.is_file():
            raise ImportRefused(f"{p}: file not found", key="data.refused.not_found", params={"file": str(p)})
    result = ImportResult(table=spec.name)

    def run(c: duckdb.DuckDBPyConnection) -> None:
        n = len(files)
        for i, p in enumerate(files):
            def report(step: str, frac: float, i: int = i, name: str = p.name) -> None:
                if progress is not None:
                    progress(f"{name}: {step}", min(1.0, (i + frac) / n))

            result.files.append(_import_one(c, spec, p, prof, crs, sheet, report, user))
        if spec.name not in FACT_DATES:  # a fact table's months were marked file by file
            warehouse.mark_changed(c, spec.name)  # only rollups reading this table are rebuilt
        if spec.name == "customers":  # the stored tickets, orders and visits follow the list
            if progress is not None:
                progress("attribution", 1.0)
            result.reattributed = attribution.reattribute(c)

    if con is not None:
        run(con)
    else:
        with warehouse.writer(db, memory_limit=IMPORT_MEMORY_LIMIT) as c:
            run(c)
            if progress is not None:
                progress("publish", 1.0)
    return result
