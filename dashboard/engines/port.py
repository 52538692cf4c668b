"""Port the warehouse's DuckDB SQL to Spark SQL: macros expanded, then sqlglot, then rules.

The rollups (``queries/rollups/*.sql``) and the effect panels (``queries/effects/*.sql``)
are written for DuckDB. To run them on Spark (:mod:`dashboard.engines.spark`) each
statement is

1. parsed with sqlglot's DuckDB dialect;
2. stripped of its DuckDB macros: every call of a ``create or replace macro`` of
   ``queries/macros/`` is replaced by the macro's body with the call's arguments put in
   place of its parameters (a scalar macro becomes a parenthesised expression, a table
   macro a subquery under the call's alias), repeatedly, since macros call macros. Spark
   has no macros, and a ``CREATE MACRO`` statement is registered here, never sent on;
3. rewritten by :data:`RULES`, one function per DuckDB construct that sqlglot (tested
   against 30.x) transpiles *silently* into wrong Spark SQL;
4. generated in sqlglot's Spark dialect. ``$name`` parameters become Spark's named
   markers ``:name``, bound by :meth:`pyspark.sql.SparkSession.sql` (never pasted in).

The rules (each has a test that executes DuckDB and Spark on the same rows,
``tests/engines/test_port_rules.py``):

- ``CREATE MACRO``: sqlglot writes a ``CREATE`` Spark cannot run → expanded at every call;
- ``list_aggregate(l, 'f')``: ``LIST_AGGREGATE``, no such Spark function → higher-order
  functions over the list;
- ``quantile_cont(x, p)``: ``PERCENTILE_CONT(x, p)``, invalid in Spark, and
  ``percentile_cont(p) within group (order by x)``: ``PERCENTILE_APPROX``, an
  approximation → the exact ``percentile(x, p)``;
- ``len(list)``: ``LENGTH``, a string length → ``size(list)``;
- ``* EXCLUDE (c)``: ``* EXCEPT (c)``, which not every Spark version accepts (4.3 does)
  → the columns listed, plain SQL;
- ``strftime(d, '%W')``: ``%W`` copied into the pattern as text → the Monday-week number;
- ``epoch(a - b)``: ``UNIX_TIMESTAMP(interval)`` → the difference of ``unix_micros``;
- ``isodow(d)``: ``DAYOFWEEK(d) % 7 + 1``, which makes Sunday 2 → ``weekday(d) + 1``;
- ``arg_min(x, (a, b))``: a row value (Spark 4.3 reads it as a struct, as DuckDB) →
  an explicit ``struct(a, b)``;
- ``list_contains(NULL, x)`` (a macro given a NULL list): an untyped NULL Spark refuses
  → ``NULL``, DuckDB's result.

Assumes a Spark session set up as :func:`dashboard.engines.spark.session` does: session
time zone UTC, Parquet timestamps read as ``TIMESTAMP`` (not ``TIMESTAMP_NTZ``), ANSI
mode off (DuckDB's NULL on division by zero).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import build_scope

from dashboard import settings

__all__ = [
    "Macro",
    "PortError",
    "RULES",
    "Statement",
    "expand_macros",
    "load_macros",
    "macro_statements",
    "parse_macros",
    "port_query",
    "port_script",
]


class PortError(ValueError):
    """A DuckDB construct this port cannot express in Spark SQL (said, never guessed)."""


@dataclass(frozen=True)
class Macro:
    """A DuckDB ``create or replace macro``: its parameters and its parsed body."""

    name: str
    params: tuple[str, ...]
    body: exp.Expression
    is_table: bool


@dataclass(frozen=True)
class Statement:
    """One ported statement of a script.

    ``kind`` is ``"table"`` (``create or replace table name as select``), ``"temp"``
    (a temporary table: a view for the rest of the script), ``"drop"`` (drop that view)
    or ``"query"`` (a bare select); ``sql`` is the Spark select (empty for ``drop``).
    """

    kind: str
    name: str | None
    sql: str


_MACRO_HEAD = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(?:temp\s+|temporary\s+)?macro\s+([a-z_][a-z0-9_]*)\s*"
    r"\(([^)]*)\)\s+as\s+(table\s+)?",
    re.I | re.S,
)


def _statements(text: str) -> list[str]:
    """Split SQL text on ``;`` outside quotes (comments removed first)."""
    out: list[str] = []
    buf: list[str] = []
    quote: str | None = None
    for line in text.splitlines(keepends=True):
        if quote is None:
            line = _strip_comment(line)
        for ch in line:
            if quote is not None:
                buf.append(ch)
                if ch == quote:
                    quote = None
                continue
            if ch in "'\"":
                quote = ch
            if ch == ";":
                out.append("".join(buf))
                buf = []
            else:
                buf.append(ch)
    out.append("".join(buf))
    return [s for s in (s.strip() for s in out) if s]


def _strip_comment(line: str) -> str:
    """``line`` without its ``--`` comment (one inside quotes is text, not a comment)."""
    quote = None
    for i, ch in enumerate(line):
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif line.startswith("--", i):
            return line[:i] + "\n"
    return line


def macro_statements(text: str) -> list[str]:
    """The ``create macro`` statements of a script, as DuckDB text (comments removed)."""
    return [stmt for stmt in _statements(text) if _MACRO_HEAD.match(stmt)]


def parse_macros(text: str) -> dict[str, Macro]:
    """The macros defined by ``create or replace macro`` statements in ``text``.

    Raises
    ------
    PortError
        When a macro's body cannot be parsed.
    """
    macros: dict[str, Macro] = {}
    for stmt in _statements(text):
        m = _MACRO_HEAD.match(stmt)
        if m is None:
            continue
        name = m.group(1).lower()
        params = tuple(p.strip().lower() for p in m.group(2).split(",") if p.strip())
        body_text = stmt[m.end():]
        try:
            body = sqlglot.parse_one(body_text, read="duckdb")
        except sqlglot.errors.ParseError as exc:
            raise PortError(f"macro {name}: cannot parse its body: {exc}") from None
        macros[name] = Macro(name, params, body, bool(m.group(3)))
    return macros


def load_macros(paths: Iterable[Path] | None = None) -> dict[str, Macro]:
    """Every macro of ``queries/macros/*.sql`` (or of ``paths``), by lower-case name."""
    files = sorted((settings.QUERIES_DIR / "macros").glob("*.sql")) if paths is None else list(paths)
    macros: dict[str, Macro] = {}
    for path in files:
        macros.update(parse_macros(Path(path).read_text(encoding="utf-8")))
    return macros


# ---------------------------------------------------------------- macro expansion
def _call_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    return None


def _substitute(macro: Macro, args: list[exp.Expression]) -> exp.Expression:
    if len(args) != len(macro.params):
        raise PortError(f"macro {macro.name} takes {len(macro.params)} arguments, got {len(args)}")
    bound = dict(zip(macro.params, args))
    body = macro.body.copy()

    def put(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.lower() in bound:
            return bound[node.name.lower()].copy()
        return node

    return body.transform(put, copy=False)


def expand_macros(tree: exp.Expression, macros: Mapping[str, Macro], *, max_depth: int = 20) -> exp.Expression:
    """Replace every macro call in ``tree`` by the macro's body (Spark has no macros).

    A table macro in a ``FROM`` / ``JOIN`` becomes a subquery under the call's alias (or
    the macro's name); a scalar macro a parenthesised expression. Repeated until no call
    is left (macros call macros); ``max_depth`` rounds guard against a macro calling itself.
    """
    for _ in range(max_depth):
        found = False

        def swap(node: exp.Expression) -> exp.Expression:
            nonlocal found
            if isinstance(node, exp.Table) and _call_name(node.this) in macros:
                macro = macros[_call_name(node.this)]
                if not macro.is_table:
                    raise PortError(f"scalar macro {macro.name} used as a table")
                found = True
                alias = node.alias or macro.name
                return exp.Subquery(
                    this=_substitute(macro, list(node.this.expressions)),
                    alias=exp.TableAlias(this=exp.to_identifier(alias)),
                )
            name = _call_name(node)
            if name in macros and not isinstance(node.parent, exp.Table):
                macro = macros[name]
                if macro.is_table:
                    raise PortError(f"table macro {macro.name} used as a value")
                found = True
                return exp.Paren(this=_substitute(macro, list(node.expressions)))
            return node

        tree = tree.transform(swap, copy=False)
        if not found:
            return tree
    raise PortError(f"macros nested deeper than {max_depth} levels (a macro calling itself?)")


# ---------------------------------------------------------------- rewrite rules
Rule = Callable[[exp.Expression, "Context"], exp.Expression]


@dataclass
class Context:
    """What a rule may need besides the node: the columns of the tables Spark knows."""

    schema: Mapping[str, Mapping[str, str]]
    root: exp.Expression


def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _unix_micros(e: exp.Expression) -> exp.Expression:
    return _fn("unix_micros", e.copy())


def rule_epoch(node: exp.Expression, ctx: Context) -> exp.Expression:
    """``epoch(a - b)`` (seconds of an interval, a double) → ``cast(unix_micros(a) -
    unix_micros(b) as double) / 1e6``; ``epoch(ts)`` → ``cast(unix_micros(ts) as double) / 1e6``. sqlglot writes ``UNIX_TIMESTAMP(a - b)``,
    which Spark rejects or reads as a time string."""
    if not isinstance(node, exp.TimeToUnix):
        return node
    inner = node.this
    if isinstance(inner, exp.Sub):
        micros = exp.Sub(this=_unix_micros(inner.this), expression=_unix_micros(inner.expression))
    else:
        micros = _unix_micros(inner)
    # a double, as DuckDB's epoch: a decimal quotient would round to 6 places, and then
    # ceil(restore_h * 60) of an exact 3.8 h differs from DuckDB's 228.00000000000003
    seconds = exp.Cast(this=exp.Paren(this=micros), to=exp.DataType.build("double"))
    return exp.Paren(this=exp.Div(this=seconds, expression=exp.Literal.number("1000000.0")))


def rule_isodow(node: exp.Expression, ctx: Context) -> exp.Expression:
    """``isodow(d)`` (Monday 1 .. Sunday 7) → ``weekday(d) + 1``; sqlglot writes
    ``DAYOFWEEK(d) % 7 + 1``, which gives Sunday 2 and Saturday 1."""
    if not isinstance(node, exp.DayOfWeekIso):
        return node
    return exp.Paren(this=exp.Add(this=_fn("weekday", node.this.copy()), expression=exp.Literal.number(1)))


def rule_tuple_struct(node: exp.Expression, ctx: Context) -> exp.Expression:
    """A row value ``(a, b)`` used as a value (``arg_min(x, (a, b))``) → ``struct(a, b)``."""
    if not isinstance(node, exp.Tuple) or isinstance(node.parent, (exp.In, exp.Values)):
        return node
    return _fn("struct", *[e.copy() for e in node.expressions])


_LIST_AGG = {"sum", "min", "max", "count", "avg", "mean"}


def rule_list_aggregate(node: exp.Expression, ctx: Context) -> exp.Expression:
    """``list_aggregate(l, 'sum' | 'min' | 'max' | 'count' | 'avg')`` → Spark
    higher-order functions over the non-NULL elements (NULL for an empty list, as DuckDB
    gives, except ``count``: 0). sqlglot copies ``LIST_AGGREGATE``, which Spark lacks."""
    if _call_name(node) not in ("list_aggregate", "array_aggregate", "list_aggr", "aggregate"):
        return node
    if _call_name(node) == "aggregate" and len(node.expressions) != 2:
        return node  # Spark's own aggregate(list, zero, merge)
    if len(node.expressions) != 2 or not isinstance(node.expressions[1], exp.Literal):
        raise PortError("list_aggregate needs a list and a constant function name")
    func = node.expressions[1].name.lower()
    if func not in _LIST_AGG:
        raise PortError(f"list_aggregate(..., {func!r}) has no Spark port (known: {', '.join(sorted(_LIST_AGG))})")
    lst = node.expressions[0]
    x = exp.to_identifier("x")
    acc = exp.to_identifier("acc")
    kept = sqlglot.parse_one("filter(l, x -> x IS NOT NULL)", read="spark")
    kept = kept.transform(lambda n: lst.copy() if isinstance(n, exp.Column) and n.name == "l" else n)
    n_kept = exp.Anonymous(this="size", expressions=[kept.copy()])
    if func == "count":
        return n_kept
    if func == "min":
        return _fn("array_min", lst.copy())
    if func == "max":
        return _fn("array_max", lst.copy())
    first = exp.Bracket(this=kept.copy(), expressions=[exp.Literal.number(0)], offset=0, safe=False)
    rest = _fn("slice", kept.copy(), exp.Literal.number(2), n_kept.copy())
    merge = exp.Lambda(this=exp.Add(this=exp.column(acc), expression=exp.column(x)), expressions=[acc, x])
    total = _fn("aggregate", rest, first, merge)
    value: exp.Expression = total
    if func in ("avg", "mean"):
        value = exp.Div(this=exp.Cast(this=total, to=exp.DataType.build("double")), expression=n_kept.copy())
    return exp.Case(
        ifs=[exp.If(this=exp.GT(this=n_kept.copy(), expression=exp.Literal.number(0)), true=value)],
        default=exp.null(),
    )


def rule_percentile_cont(node: exp.Expression, ctx: Context) -> exp.Expression:
    """DuckDB's ``quantile_cont(x, p)`` (sqlglot: ``PERCENTILE_CONT(x, p)``, which Spark
    does not accept) and ``percentile_cont(p) within group (order by x)`` (sqlglot:
    ``PERCENTILE_APPROX``, an approximation) → Spark's exact ``percentile(x, p)``: linear
    interpolation between ranks, as DuckDB (``order by x desc``: ``1 - p``)."""
    if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None \
            and not isinstance(node.parent, exp.WithinGroup):
        return _fn("percentile", node.this.copy(), node.expression.copy())
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        keys = node.expression.expressions if isinstance(node.expression, exp.Order) else []
        if len(keys) != 1:
            raise PortError("percentile_cont ... within group needs exactly one order key")
        q = node.this.this.copy()
        if keys[0].args.get("desc"):
            q = exp.Sub(this=exp.Literal.number(1), expression=q)
        return _fn("percentile", keys[0].this.copy(), q)
    return node


def rule_list_length(node: exp.Expression, ctx: Context) -> exp.Expression:
    """``len(list)`` / ``length(list)`` / ``array_length(list)`` → ``size(list)``: sqlglot
    writes ``LENGTH``, Spark's string length. A list is recognised by its expression
    (a list literal or list function) or by a column whose Spark type is an array."""
    if isinstance(node, exp.ArraySize) or isinstance(node, exp.Length) and _is_list(node.this, ctx):
        return _fn("size", node.this.copy())
    return node


_LIST_NODES = (exp.Array, exp.ArrayAgg, exp.ArrayConcat, exp.ArrayFilter, exp.Split, exp.ArrayAppend)


def _is_list(e: exp.Expression, ctx: Context) -> bool:
    if isinstance(e, _LIST_NODES):
        return True
    if isinstance(e, exp.Cast):
        return e.to.is_type(exp.DataType.Type.ARRAY)
    if isinstance(e, exp.Anonymous):
        return e.name.lower().startswith(("list_", "array_")) or e.name.lower() in ("split", "string_split")
    if isinstance(e, exp.Column):
        types = [cols.get(e.name.lower(), "") for cols in ctx.schema.values()]
        return any(t.lower().startswith("array") for t in types)
    return False


def rule_strftime_week(node: exp.Expression, ctx: Context) -> exp.Expression:
    """``strftime(d, fmt)`` with ``%W`` (week of the year, Monday first, 00-53) → the
    format's other parts by ``date_format`` and ``%W`` as
    ``lpad(floor((dayofyear(d) + 6 - weekday(d)) / 7), 2, '0')``. sqlglot copies ``%W``
    into the Spark pattern as literal text."""
    if not isinstance(node, exp.TimeToStr):
        return node
    fmt = node.args.get("format")
    if not isinstance(fmt, exp.Literal) or "%W" not in fmt.name:
        return node
    day = node.this
    week = sqlglot.parse_one(
        "lpad(cast(floor((dayofyear(d) + 6 - weekday(d)) / 7) as string), 2, '0')", read="spark"
    ).transform(lambda n: day.copy() if isinstance(n, exp.Column) and n.name == "d" else n)
    parts: list[exp.Expression] = []
    for i, piece in enumerate(fmt.name.split("%W")):
        if i:
            parts.append(week.copy())
        if piece:
            parts.append(exp.TimeToStr(this=day.copy(), format=exp.Literal.string(piece)))
    return parts[0] if len(parts) == 1 else exp.Concat(expressions=parts, safe=False)


def rule_star_exclude(node: exp.Expression, ctx: Context) -> exp.Expression:
    """``select [t.]* exclude (c, ...)`` → the source's columns without them, listed.
    sqlglot writes ``* EXCEPT (c)``, which not every Spark version accepts (4.3 does). The columns
    come from the source's select list (a CTE or subquery) or the Spark table's schema."""
    if not isinstance(node, exp.Select):
        return node
    if not any(_star_except(e) for e in node.expressions):
        return node
    scope = next((s for s in build_scope(ctx.root).traverse() if s.expression is node), None)
    if scope is None:
        raise PortError("* EXCLUDE: cannot find the query's sources")
    out: list[exp.Expression] = []
    for e in node.expressions:
        star = _star_except(e)
        if star is None:
            out.append(e)
            continue
        drop = {c.name.lower() for c in star.args.get("except_") or []}
        table = e.table if isinstance(e, exp.Column) else None
        names = list(scope.sources) if not table else [table]
        for alias in names:
            for col in _source_columns(scope.sources.get(alias), alias, ctx):
                if col.lower() not in drop:
                    out.append(exp.column(col, table=alias))
    node.set("expressions", out)
    return node


def _star_except(e: exp.Expression) -> exp.Star | None:
    star = e.this if isinstance(e, exp.Column) and isinstance(e.this, exp.Star) else e
    if isinstance(star, exp.Star) and star.args.get("except_"):
        return star
    return None


def _source_columns(source, alias: str, ctx: Context) -> list[str]:
    if source is None:
        raise PortError(f"* EXCLUDE: unknown source {alias!r}")
    if isinstance(source, exp.Table):
        cols = ctx.schema.get(source.name.lower())
        if cols is None:
            raise PortError(f"* EXCLUDE: the columns of table {source.name!r} are not known")
        return list(cols)
    names = source.expression.named_selects
    if "*" in names:
        raise PortError(f"* EXCLUDE over {alias!r}, whose columns are themselves a *")
    return names


def _is_null(e: exp.Expression | None) -> bool:
    while isinstance(e, exp.Paren):
        e = e.this
    return isinstance(e, exp.Null)


def rule_null_list(node: exp.Expression, ctx: Context) -> exp.Expression:
    """``list_contains(NULL, x)`` and ``x = any(NULL)`` (a macro called with a literal
    NULL list) → ``NULL``, DuckDB's result; Spark refuses an untyped NULL as a list."""
    if isinstance(node, exp.ArrayContains) and _is_null(node.this):
        return exp.null()
    if isinstance(node, (exp.EQ, exp.NEQ)) and isinstance(node.expression, exp.Any) \
            and _is_null(node.expression.this):
        return exp.null()
    return node


RULES: tuple[Rule, ...] = (
    rule_null_list,
    rule_star_exclude,
    rule_list_aggregate,
    rule_percentile_cont,
    rule_list_length,
    rule_strftime_week,
    rule_epoch,
    rule_isodow,
    rule_tuple_struct,
)
"""Applied in this order to every node (``* EXCLUDE`` first: it needs the intact scope)."""


def _apply_rules(tree: exp.Expression, schema: Mapping[str, Mapping[str, str]]) -> exp.Expression:
    for rule in RULES:
        ctx = Context(schema=schema, root=tree)
        tree = tree.transform(lambda n, rule=rule, ctx=ctx: rule(n, ctx), copy=False)
    return tree


def _spark_sql(tree: exp.Expression) -> str:
    for node in tree.walk():
        node.comments = None
    return tree.sql(dialect="spark")


def port_query(
    sql: str | exp.Expression,
    macros: Mapping[str, Macro] | None = None,
    schema: Mapping[str, Mapping[str, str]] | None = None,
    *,
    param_types: Mapping[str, str] | None = None,
) -> str:
    """Port one DuckDB ``select`` (macros expanded, :data:`RULES` applied) to Spark SQL.

    Parameters
    ----------
    sql
        DuckDB SQL text (one statement) or a parsed sqlglot tree.
    macros
        Macros to expand (default: :func:`load_macros`).
    schema
        The tables Spark knows, ``{table: {column: Spark type}}`` (lower case): the
        columns of ``* EXCLUDE`` over a table, and which columns are lists for ``len``.
    param_types
        Spark type of each ``$param`` (``{"districts": "array<string>"}``): its marker is
        written ``CAST(:districts AS ARRAY<STRING>)``, since a NULL bound to Spark has no
        type of its own. A parameter not named here is left untyped.
    """
    tree = sqlglot.parse_one(sql, read="duckdb") if isinstance(sql, str) else sql.copy()
    tree = expand_macros(tree, load_macros() if macros is None else macros)
    tree = _apply_rules(tree, schema or {})
    if param_types:
        tree = _type_params(tree, param_types)
    return _spark_sql(tree)


def _type_params(tree: exp.Expression, types: Mapping[str, str]) -> exp.Expression:
    def cast(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.name in types:
            return exp.Cast(this=node.copy(), to=exp.DataType.build(types[node.name], dialect="spark"))
        return node

    return tree.transform(cast, copy=False)


def port_script(
    text: str,
    macros: dict[str, Macro] | None = None,
    schema: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Statement]:
    """Port a DuckDB script (a rollup file) statement by statement.

    ``create or replace table x as select`` → ``Statement("table", "x", select)``;
    ``create temp table`` → ``"temp"``; ``drop table`` → ``"drop"``; a bare ``select`` →
    ``"query"``; a ``create macro`` is added to ``macros`` (in place) for the statements
    after it, in this script and in the scripts the caller ports next with the same dict
    (a rollup script may define a macro later ones call); it is never sent to Spark. Any
    other statement (``delete``, ``insert`` ...) raises :class:`PortError`: this port
    computes tables, it does not edit them.
    """
    known = load_macros() if macros is None else macros
    out: list[Statement] = []
    for stmt in _statements(text):
        if _MACRO_HEAD.match(stmt):
            known.update(parse_macros(stmt))
            continue
        tree = sqlglot.parse_one(stmt, read="duckdb")
        if isinstance(tree, exp.Create) and isinstance(tree.expression, exp.Query):
            temp = bool(tree.args.get("properties")) and any(
                isinstance(p, exp.TemporaryProperty) for p in tree.args["properties"].expressions
            )
            name = tree.this.name.lower()
            sql = port_query(tree.expression, known, schema)
            out.append(Statement("temp" if temp else "table", name, sql))
        elif isinstance(tree, exp.Drop):
            out.extend(Statement("drop", t.name.lower(), "") for t in tree.args.get("tables") or [tree.this])
        elif isinstance(tree, exp.Query):
            out.append(Statement("query", None, port_query(tree, known, schema)))
        else:
            raise PortError(f"statement not ported (only create table as / select / drop): {stmt[:80]!r}")
    return out
