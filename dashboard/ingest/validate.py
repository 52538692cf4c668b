"""Row checks as SQL: header mapping, typed staging, and the reason each bad row is rejected.

Given the text columns ``c0..cN`` a reader loaded (:mod:`dashboard.ingest.readers`) and
the table's :class:`~dashboard.ingest.aliases.TableSpec`, this module

* maps the file's headers to canonical fields (:func:`map_headers`; a profile's headers
  first, then the spec's aliases) and refuses a file that lacks a required column;
* builds one ``create temp table _sc_stage as select ...`` statement
  (:func:`stage_sql`) that parses every field in DuckDB, composes the key, and gives
  each row at most one rejection as a struct ``_rej = {reason, field, detail}`` — the
  first failing check in this order: total / note row, key missing, value missing,
  value not parseable, unknown category word, negative count, wrong time order,
  unknown hall / room / community. Coordinates outside China are checked after
  conversion (:func:`coords_check_sql`).

Shapes of real exports handled here
-----------------------------------
* Cells are cleaned (:func:`clean_sql`): blanks, tabs, full-width and no-break spaces
  around the text are removed, a cell of only blanks is empty, and Excel's text-forcing
  forms ``="0012345"`` and ``'0012345`` become ``0012345``.
* A *total or note row* — its first non-empty cell among the first three columns starts
  with ``合计`` ``总计`` ``小计`` ``累计`` ``共计`` ``制表`` ``审核`` ``打印`` ``导出``
  ``备注`` ``说明`` ``负责人`` ``填报`` or ``Total`` — is rejected with the reason
  ``summary_row`` (detail: the word), before any other check, so it is neither stored
  (a ``合计`` row of a communities file would otherwise be a community) nor reported as
  an error; its values are not copied to ``rejects`` (a ``制表人：`` note names a person).
* A reference (hall, room, community) given by *name* instead of id is mapped to the id
  when exactly one hall / room / community has that name (blanks ignored); the lookup
  tables ``_sc_name_<field>(v, id, n, ids)`` are built by the importer over distinct
  values. A name shared by several is rejected ``unknown_<ref>`` with the candidates
  in the detail (``城东营业厅（重名 ambiguous: H01, H03）``). The community lists of
  ``served_community_ids`` may hold names too (each unique name becomes its id).

No value from a file is ever formatted into SQL: columns are referenced by position
(``c3``), words and hashes live in small temp tables that are joined.

Reasons (stable codes; their labels are translated in ``dashboard/i18n/data.toml``)
--------------------------------------------------------------------------------
``key_missing``, ``value_missing``, ``time_unparseable``, ``date_unparseable``,
``number_unparseable``, ``boolean_unparseable``, ``open_days_unparseable``,
``unknown_category``, ``negative_count``, ``called_before_issued``,
``finished_before_started``, ``unknown_hall``, ``unknown_room``, ``unknown_community``,
``coords_outside_china``, ``summary_row``, ``negative_duration``, ``duration_too_long``,
``repair_without_arrival``.

Durations instead of times (95598 fault orders)
-----------------------------------------------
City fault dashboards export 派工用时 / 到达现场时长 / 故障修复时长 in minutes rather than
times. They are turned into the times the warehouse keeps, so every metric has one
definition whichever form the file had: ``dispatched_at = received_at + 派工用时``,
``arrived_at = received_at + 到达现场时长`` (the arrival commitment is counted from the
report), ``restored_at = arrived_at + 故障修复时长`` (the repair stage starts when the crew
arrives: the restoration commitment of State Grid's 十项承诺 is counted from arrival on
site). A time given in the file wins over a duration. A duration below 0 is rejected
(``negative_duration``), one above :data:`MAX_DURATION_MIN` (``duration_too_long``: a
unit mix-up, seconds or hours read as minutes, far more often than a real week-long
repair), and a repair duration without any arrival (``repair_without_arrival``: it
cannot be placed in time).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.ingest import attribution
from dashboard.ingest import values as V
from dashboard.ingest.aliases import Field, TableSpec, normalise_header
from dashboard.ingest.profile import Profile
from dashboard.settings import CHINA_BBOX

__all__ = [
    "REASONS",
    "REF_TABLE",
    "HeaderMap",
    "MissingColumns",
    "clean_sql",
    "coords_check_sql",
    "map_headers",
    "name_key_sql",
    "stage_sql",
    "summary_sql",
]

REASONS: tuple[str, ...] = (
    "key_missing",
    "value_missing",
    "time_unparseable",
    "date_unparseable",
    "number_unparseable",
    "boolean_unparseable",
    "open_days_unparseable",
    "unknown_category",
    "negative_count",
    "called_before_issued",
    "finished_before_started",
    "unknown_hall",
    "unknown_room",
    "unknown_community",
    "coords_outside_china",
    "summary_row",
    "negative_duration",
    "duration_too_long",
    "repair_without_arrival",
)

MAX_DURATION_MIN: float = 7 * 24 * 60.0
"""Longest duration in minutes accepted for 派工用时 / 到达现场时长 / 故障修复时长 (a week)."""
_DURATION_OF = {"dispatch_min": "dispatched_at", "arrival_min": "arrived_at", "repair_min": "restored_at"}
"""Duration field → the time it gives (see the module docstring)."""

SUMMARY_WORDS: tuple[str, ...] = (
    "合计", "总计", "小计", "累计", "共计", "制表", "审核", "打印", "导出", "备注", "说明", "负责人", "填报",
)
"""Words that open a total or note row (first non-empty cell; blanks inside ignored)."""

REF_TABLE = {"hall": ("business_halls", "hall_id"), "room": ("service_rooms", "room_id"), "community": ("communities", "community_id")}
"""Reference kind → (warehouse table, id column); each of these tables has a ``name``."""
_REF_TABLE = REF_TABLE
_PARSE_REASON = {
    "time": "time_unparseable",
    "date": "date_unparseable",
    "int": "number_unparseable",
    "lon": "number_unparseable",
    "lat": "number_unparseable",
    "bool": "boolean_unparseable",
    "days": "open_days_unparseable",
    "minutes": "number_unparseable",
}


class MissingColumns(ValueError):
    """The file lacks required columns (message lists found and expected columns)."""

    def __init__(self, missing: list[str], message: str) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass
class HeaderMap:
    """Which file column (index) feeds which canonical field."""

    columns: dict[str, int]
    unmapped: list[str]

    def has(self, name: str) -> bool:
        return name in self.columns


def map_headers(spec: TableSpec, headers: list[str], profile: Profile, file_name: str = "") -> HeaderMap:
    """Map file headers to canonical fields; refuse a file missing required columns.

    A profile's mapping wins over the built-in aliases; when several headers match the
    same field, the one matching the earliest alias wins (``营业厅编号`` before ``营业厅``
    when the spec lists it first). A header equal to a canonical field name is accepted.

    Raises
    ------
    MissingColumns
        Listing the columns found and the ones expected.
    """
    prof = profile.header_map(spec.name)
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, column index)
    unmapped: list[str] = []
    for i, h in enumerate(headers):
        n = normalise_header(h)
        hit: tuple[str, int] | None = None
        if n in prof and spec.has(prof[n]):
            hit = (prof[n], -1)
        else:
            for f in spec.fields:
                names = [normalise_header(a) for a in f.aliases] + [f.name]
                if n in names:
                    rank = names.index(n)
                    if hit is None or rank < hit[1]:
                        hit = (f.name, rank)
                    if rank == 0:
                        break
        if hit is None:
            unmapped.append(h)
            continue
        name, rank = hit
        if name not in best or rank < best[name][0]:
            best[name] = (rank, i)
    columns = {k: v[1] for k, v in best.items()}
    missing = [f for f in spec.fields if f.required and f.name not in columns]
    missing_names = [f"{f.name} ({' / '.join(f.aliases[:3])})" for f in missing]
    if spec.name == "counter_tickets" and "ticket_id" not in columns and "ticket_no" not in columns:
        missing_names.append("ticket_id (流水号) or ticket_no (排队号 / 票号)")
    if missing_names:
        raise MissingColumns(missing_names,
            f"{file_name}: missing required column(s): {'; '.join(missing_names)}. "
            f"Columns found: {', '.join(map(str, headers)) or '(none)'}. "
            "Rename the header, or map it in a profile ([headers] \"your header\" = \"field\")."
        )
    return HeaderMap(columns, unmapped)


_BLANKS = "chr(32) || chr(9) || chr(12288) || chr(160) || chr(13) || chr(10)"


def clean_sql(c: str) -> str:
    """SQL: cell text with surrounding blanks removed, empty → NULL, Excel forms undone.

    Blanks are spaces, tabs, full-width spaces (U+3000), no-break spaces (U+00A0) and
    line ends; a cell of blanks only is NULL. Excel's text-forcing forms
    ``="0012345"`` and ``'0012345`` (a leading apostrophe) give ``0012345``.
    The slow path runs only on cells that start with a character below ``(`` (blanks,
    ``'``, ``"``, ...), ``=``, a full-width or no-break space, or end with a space, tab or
    full-width space (byte-wise ``prefix`` / ``suffix`` tests: much cheaper on millions
    of clean cells than trimming every one). A no-break space only at the end of a cell
    is not removed (testing for it costs more than it is seen).
    """
    trimmed = f"trim({c}, {_BLANKS})"
    unexcel = f"trim(regexp_replace({trimmed}, '^(?:=\"(.*)\"|''(.*))$', '\\1\\2'), {_BLANKS})"
    return (
        f"case when {c} = '' then NULL "
        f"when {c} < '(' or prefix({c}, '=') or prefix({c}, chr(12288)) or prefix({c}, chr(160)) "
        f"or suffix({c}, ' ') or suffix({c}, chr(9)) or suffix({c}, chr(12288)) "
        f"then nullif({unexcel}, '') else {c} end"
    )


def summary_sql(cols: list[str]) -> str:
    """SQL: the word opening a total / note row (``合计``, ``制表`` ...), else NULL.

    Parameters
    ----------
    cols
        Raw text columns to look at, in file order (the first three are used: the
        first non-empty one is tested).

    Notes
    -----
    The regular expression runs only on cells whose first character is a blank or the
    first character of one of :data:`SUMMARY_WORDS` (one ``ascii()`` code point test),
    or that start with ``Total``, keeping million-row files fast.
    """
    if not cols:
        return "cast(NULL as varchar)"
    first = f"coalesce({', '.join(f'nullif({c}, {chr(39)}{chr(39)})' for c in cols[:3])})"
    words = "|".join("\\s*".join(w) for w in SUMMARY_WORDS)
    pattern = f"^[\\s\u3000\u00a0]*({words}|(?i:total)\\b)"
    starts = sorted({ord(w[0]) for w in SUMMARY_WORDS} | {9, 32, 12288, 160})
    guard = (
        f"ascii({first}) in ({', '.join(map(str, starts))}) "
        f"or prefix({first}, 'Total') or prefix({first}, 'TOTAL') or prefix({first}, 'total')"
    )
    return (
        f"case when {guard} then "
        f"nullif(regexp_replace(regexp_extract({first}, '{pattern}', 1), '\\s', '', 'g'), '') end"
    )


def name_key_sql(c: str) -> str:
    """SQL: a name compared without any blanks (ASCII, full-width or no-break)."""
    return f"regexp_replace({c}, '[\\s\u3000\u00a0]+', '', 'g')"


def _typed(f: Field, r: str) -> str:
    """SQL for the parsed value of field ``f`` from raw text column ``r``."""
    k = f.kind
    if k == "text":
        return r
    if k == "free_text":
        return V.mask_sql(r)
    if k == "int":
        return V.int_sql(r)
    if k in ("lon", "lat", "minutes"):
        return V.float_sql(r)
    if k == "time":
        return V.time_sql(r)
    if k == "date":
        return V.date_sql(r)
    if k == "bool":
        return V.bool_sql(r)
    if k == "ids":
        return V.ids_sql(r)
    if k == "wkb":
        return f"from_hex({r})"
    if k == "category":
        return f'"w_{f.name}".code'
    if k == "hash":
        return f'"h_{f.name}".h'
    if k == "days":
        return f'"d_{f.name}".d'
    raise ValueError(k)


def _word_sql(r: str) -> str:
    return f"lower(replace(trim({r}), '\u3000', ''))"


def stage_sql(
    spec: TableSpec,
    hmap: HeaderMap,
    types: dict[str, str],
    raw: str = "_sc_raw",
    rowid0: int = 0,
    *,
    row_sql: str | None = None,
    n_columns: int = 0,
    name_maps: frozenset[str] | set[str] = frozenset(),
) -> str:
    """The ``create temp table _sc_stage`` statement for one file.

    Parameters
    ----------
    spec
        Table description.
    hmap
        Header mapping of the file.
    types
        Warehouse column → DuckDB type (values are cast to exactly these types, so a
        staged row and a stored row hash alike).
    raw
        Name of the raw text table.
    rowid0
        ``min(rowid)`` of the raw table (temporary tables made inside a transaction
        number their rows from a large offset); row ``rowid0`` is data row 1.
        Ignored when ``row_sql`` is given.
    row_sql
        SQL over the raw table giving each row's number in ``rejects`` (the importer
        gives the file's line numbers, see :mod:`dashboard.ingest.readers`).
    n_columns
        Number of raw columns ``c0 ..`` (the first three are searched for a total /
        note row; 0: no such check).
    name_maps
        Reference fields whose name → id lookup table ``_sc_name_<field>`` exists.

    Notes
    -----
    Expects the temp tables ``_sc_words(vocab, word, code)``, ``_sc_hash(v, h)``,
    ``_sc_days(v, d)`` and ``_sc_addr(v, community_id)`` to exist.
    """
    mapped = [f for f in spec.fields if f.name in hmap.columns]
    src_cols = ", ".join(f'{clean_sql("c" + str(hmap.columns[f.name]))} as "r_{f.name}"' for f in mapped)
    row = row_sql if row_sql is not None else f"rowid - {int(rowid0)} + 1"
    summary = summary_sql([f"c{i}" for i in range(min(3, n_columns))])
    src = f"select {row} as _row, {summary} as _summary{', ' + src_cols if src_cols else ''} from {raw}"

    joins: list[str] = []
    typed_cols: list[str] = []
    for f in mapped:
        r = f'"r_{f.name}"'
        if f.kind == "category":
            joins.append(
                f'left join _sc_words as "w_{f.name}" on "w_{f.name}".vocab = \'{f.category}\' '
                f'and "w_{f.name}".word = {_word_sql("src." + r)}'
            )
        elif f.kind == "hash":
            joins.append(f'left join _sc_hash as "h_{f.name}" on "h_{f.name}".v = src.{r}')
            if f.name == "customer_no" and "community_source" in spec.derived:
                join, col = attribution.stage_join(f'"h_{f.name}"')
                joins.append(join)
                typed_cols.append(col)
        elif f.kind == "days":
            joins.append(f'left join _sc_days as "d_{f.name}" on "d_{f.name}".v = src.{r}')
        elif f.kind == "address":
            joins.append(f'left join _sc_addr as "a_{f.name}" on "a_{f.name}".v = src.{r}')
            typed_cols.append(f'"a_{f.name}".community_id as "m_{f.name}"')
        if f.ref and f.name in name_maps:
            n = f'"n_{f.name}"'
            joins.append(f'left join "_sc_name_{f.name}" as {n} on {n}.v = src.{r}')
            typed_cols.append(f'{n}.n as "nn_{f.name}", {n}.ids as "ni_{f.name}"')
            if f.column:
                typed_cols.append(f'case when {n}.n = 1 then {n}.id else src.{r} end as "v_{f.name}"')
        elif f.kind == "ids" and f.name in name_maps:
            m = f'"nm_{f.name}"'
            joins.append(
                f"cross join (select map_from_entries(list(struct_pack(k := v, v := id))) as m "
                f'from "_sc_name_{f.name}" where n = 1) as {m}'
            )
            typed_cols.append(
                f'list_transform({_typed(f, "src." + r)}, lambda x: coalesce({m}.m[x], x)) as "v_{f.name}"'
            )
        elif f.column or f.kind == "minutes":
            typed_cols.append(f'{_typed(f, "src." + r)} as "v_{f.name}"')
    typed = f"select src.*{', ' + ', '.join(typed_cols) if typed_cols else ''} from ({src}) as src " + " ".join(joins)

    def v(name: str) -> str:
        """Typed value of a field, NULL literal when the file lacks it."""
        return f'"v_{name}"' if name in hmap.columns else "NULL"

    # ---- stored columns (cast to warehouse types)
    out: dict[str, str] = {}
    for f in spec.fields:
        if not f.column:
            continue
        out[f.column] = v(f.name)
    if spec.name == "counter_tickets":
        composite = (
            f"{v('hall_id')} || '-' || strftime({v('issued_at')}, '%Y%m%d') || '-' || {v('ticket_no')}"
            if "ticket_no" in hmap.columns
            else "NULL"
        )
        out["ticket_id"] = f"coalesce({v('ticket_id')}, {composite})"
    if spec.name == "service_rooms":
        cid = v("community_id")
        ids = f"coalesce({v('served_community_ids')}, [])"
        out["served_community_ids"] = (
            f"case when {cid} is null then NULL else "
            f"list_concat([{cid}], list_sort(list_filter(list_distinct({ids}), lambda x: x <> {cid}))) end"
        )
    if spec.name == "hotline_orders" and "address" in hmap.columns:
        out["community_id"] = f'coalesce({v("community_id")}, "m_address")'
    if spec.name == "hotline_orders":
        _durations_to_times(out, hmap, v)
    given_community = out.get("community_id")  # what the file itself says
    if "community_source" in spec.derived:
        out.update(attribution.stage_columns(given_community, "customer_no" in hmap.columns))
    final_cols = ", ".join(f'cast({expr} as {types[col]}) as "{col}"' for col, expr in out.items())

    # ---- checks, in order; the first that holds gives the reason
    checks: list[tuple[str, str, str | None, str]] = []  # (condition, reason, field, detail sql)
    checks.append(("_summary is not null", "summary_row", None, "_summary"))
    key_fields = {f.name for f in spec.fields if f.column in spec.key}
    for f in mapped:
        if f.not_null and f.name in key_fields:
            checks.append((f'"r_{f.name}" is null', "key_missing", f.name, "NULL"))
    for f in mapped:
        if f.not_null and f.name not in key_fields:
            checks.append((f'"r_{f.name}" is null', "value_missing", f.name, "NULL"))
    for f in mapped:
        if f.kind in _PARSE_REASON:
            checks.append((f'"r_{f.name}" is not null and "v_{f.name}" is null', _PARSE_REASON[f.kind], f.name, f'"r_{f.name}"'))
    if spec.name == "counter_tickets":
        checks.append((f'{out["ticket_id"]} is null', "key_missing", "ticket_id", "NULL"))
    for f in mapped:
        if f.kind == "category":
            checks.append((f'"r_{f.name}" is not null and "v_{f.name}" is null', "unknown_category", f.name, f'"r_{f.name}"'))
    for f in mapped:
        if f.kind == "int":
            checks.append((f'"v_{f.name}" < 0', "negative_count", f.name, f'"r_{f.name}"'))
    for f in mapped:
        if f.kind == "minutes":
            checks.append((f'"v_{f.name}" < 0', "negative_duration", f.name, f'"r_{f.name}"'))
            checks.append((f'"v_{f.name}" > {MAX_DURATION_MIN}', "duration_too_long", f.name, f'"r_{f.name}"'))
    if spec.name == "hotline_orders" and "repair_min" in hmap.columns:
        checks.append((f'"v_repair_min" is not null and ({out["arrived_at"]}) is null',
                       "repair_without_arrival", "repair_min", '"r_repair_min"'))

    def order(later: str, earlier: str, reason: str) -> None:
        if later in hmap.columns and earlier in hmap.columns:
            checks.append(
                (
                    f'"v_{later}" < "v_{earlier}"',
                    reason,
                    later,
                    f"cast(\"v_{later}\" as varchar) || ' < ' || cast(\"v_{earlier}\" as varchar)",
                )
            )

    if spec.name == "counter_tickets":
        order("called_at", "issued_at", "called_before_issued")
        order("finished_at", "started_at", "finished_before_started")
    if spec.name == "hotline_orders":
        for later in ("dispatched_at", "arrived_at", "restored_at", "closed_at"):
            order(later, "received_at", "finished_before_started")
    if spec.name == "service_rooms":
        order("closed_on", "opened_on", "finished_before_started")

    for f in mapped:
        if f.ref:
            table, col = _REF_TABLE[f.ref]
            val = given_community if f.name == "community_id" else f'"v_{f.name}"'
            detail = val
            if f.name in name_maps:
                detail = (
                    f'case when "nn_{f.name}" > 1 then {val} || \'（重名 ambiguous: \' || "ni_{f.name}" || \'）\' '
                    f"else {val} end"
                )
            checks.append(
                (
                    f"{val} is not null and {val} not in (select {col} from {table} where {col} is not null)",
                    f"unknown_{f.ref}",
                    f.name,
                    detail,
                )
            )
    if spec.name == "service_rooms" and "served_community_ids" in hmap.columns:
        bad = "list_filter(\"v_served_community_ids\", lambda x: not list_contains(_kc.known, x))"
        checks.append((f"len({bad}) > 0", "unknown_community", "served_community_ids", f"array_to_string({bad}, ';')"))

    if checks:
        whens = " ".join(
            f"when {cond} then struct_pack(reason := '{reason}', "
            f"field := {'cast(NULL as varchar)' if field is None else chr(39) + field + chr(39)}, detail := cast({detail} as varchar))"
            for cond, reason, field, detail in checks
        )
        rej = f"case {whens} end"
    else:
        rej = "cast(NULL as struct(reason varchar, field varchar, detail varchar))"
    kc = ""
    if spec.name == "service_rooms":
        kc = ", (select coalesce(list(community_id), []) as known from communities) as _kc"
    return (
        f"create temp table _sc_stage as select _row, {final_cols}, {rej} as _rej "
        f"from ({typed}) as t{kc}"
    )


def _durations_to_times(out: dict[str, str], hmap: HeaderMap, v) -> None:
    """Fill the fault times of ``out`` from the duration columns of the file (rule in the
    module docstring); a time column of the file wins over its duration."""
    def plus(start: str, minutes: str) -> str:
        return f"({start} + to_microseconds(cast(round({minutes} * 60000000.0) as bigint)))"

    for dur, col in _DURATION_OF.items():
        if dur not in hmap.columns:
            continue
        start = out["arrived_at"] if dur == "repair_min" else v("received_at")
        out[col] = f"coalesce({v(col)}, {plus(start, v(dur))})"


def coords_check_sql() -> tuple[str, dict]:
    """An UPDATE marking staged rows whose point lies outside China (or lacks half of it)."""
    lo_lon, lo_lat, hi_lon, hi_lat = CHINA_BBOX
    sql = (
        "update _sc_stage set _rej = case "
        "when (lon is null) <> (lat is null) then struct_pack(reason := 'value_missing', "
        "  field := case when lon is null then 'lon' else 'lat' end, detail := cast(NULL as varchar)) "
        "else struct_pack(reason := 'coords_outside_china', field := 'lon', "
        "  detail := cast(round(lon, 6) as varchar) || ',' || cast(round(lat, 6) as varchar)) end "
        "where _rej is null and ((lon is null) <> (lat is null) or (lon is not null and "
        "(lon < $lo_lon or lon > $hi_lon or lat < $lo_lat or lat > $hi_lat)))"
    )
    return sql, {"lo_lon": lo_lon, "lo_lat": lo_lat, "hi_lon": hi_lon, "hi_lat": hi_lat}
