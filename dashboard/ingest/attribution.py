"""Attribution: a community for tickets, hotline orders and room visits through the customer list.

Queue systems and the 95598 system export the customer number (户号) and usually no
community. The customer list (table ``customers``, ``servicecircle import customers``)
maps each customer's keyed hash to a community; the fact tables hold the same keyed
hash in ``customer_hash``, so the two join without any clear 户号.

Each fact row records where its community came from in ``community_source``:

``'export'``
    the file gave it (a community column, or for the hotline an address matched to a
    community). Never changed by the customer list.
``'customer'``
    taken from the customer list through the row's customer hash.
``NULL``
    no community: the row has no customer number, or its customer is not on the list.

Attribution happens in two places, both set-based SQL inside the import's
:func:`dashboard.warehouse.writer` transaction (all or nothing):

* importing a fact table: the staged rows are joined to the stored customers
  (:func:`stage_join`, :func:`stage_columns`, used by
  :func:`dashboard.ingest.validate.stage_sql`);
* importing a customer list: the stored rows whose community came from the list or
  that have none are re-attributed (:func:`reattribute`), so a list that arrives after
  the tickets, or a customer who moved, updates exactly those rows, never a community
  the export gave.

Unattributed rows stay in every total; only per-community figures leave them out
(the pages say how many: :mod:`dashboard.ui.attribution`).
"""

from __future__ import annotations

import duckdb

from dashboard import parts, warehouse

__all__ = ["FACT_TABLES", "detach", "reattribute", "sentences", "stage_columns", "stage_join", "table_counts"]

FACT_TABLES: dict[str, str] = {
    "counter_tickets": "ticket_id",
    "hotline_orders": "order_id",
    "room_visits": "visit_id",
}
"""Fact tables attributed through the customer list → their key column."""

_CUSTOMER = '"cu_customers"'


def stage_join(hash_alias: str) -> tuple[str, str]:
    """SQL pieces joining a staged file to the stored customer list.

    Parameters
    ----------
    hash_alias
        Alias of the keyed-hash lookup of the file's 户号 (its column ``h`` is the hash).

    Returns
    -------
    (join, column)
        A ``left join`` clause and the select item ``"cu_community_id"`` (the customer's
        community, NULL when the customer is not on the list).
    """
    join = f"left join customers as {_CUSTOMER} on {_CUSTOMER}.customer_hash = {hash_alias}.h"
    return join, f'{_CUSTOMER}.community_id as "cu_community_id"'


def stage_columns(given: str, has_customer: bool) -> dict[str, str]:
    """Stored ``community_id`` and ``community_source`` of a staged fact row.

    Parameters
    ----------
    given
        SQL of the community the file itself gives (``NULL`` when it has none).
    has_customer
        The file has a 户号 column (then ``"cu_community_id"`` from :func:`stage_join`
        is available).
    """
    if not has_customer:
        return {
            "community_id": given,
            "community_source": f"case when ({given}) is not null then 'export' end",
        }
    return {
        "community_id": f'coalesce({given}, "cu_community_id")',
        "community_source": (
            f"case when ({given}) is not null then 'export' "
            "when \"cu_community_id\" is not null then 'customer' end"
        ),
    }


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Per fact table: rows, and how many have their community from the export, from the
    customer list, or none (``queries/data/attribution.sql``).

    Returns
    -------
    dict
        ``{table: {"rows", "from_export", "attributed", "unattributed"}}``;
        ``from_export + attributed + unattributed == rows``.
    """
    df = warehouse.query(con, "data/attribution")
    return {
        r.table_name: {
            "rows": int(r.n_rows),
            "from_export": int(r.n_export),
            "attributed": int(r.n_customer),
            "unattributed": int(r.n_none),
        }
        for r in df.itertuples(index=False)
    }


def reattribute(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Re-attribute the stored fact rows after the customer list changed (writer block).

    A row is (re)attributed when its community came from the customer list or it has
    none, its customer is on the list, and the list's community differs from the row's.
    Rows whose community the export gave are never touched. Tables with changed rows
    are marked for the rollup refresh (:func:`dashboard.warehouse.mark_changed`).

    Returns
    -------
    dict
        ``{table: {"changed", "attributed", "unattributed"}}``: rows this call changed,
        then the table's rows with a community from the list and without a community.
    """
    changed = _update_facts(
        con,
        """select f.* replace (c.community_id as community_id, 'customer' as community_source)
           from {table} as f join customers as c on f.customer_hash = c.customer_hash
           where (f.community_source = 'customer' or f.community_id is null)
             and f.community_id is distinct from c.community_id""",
    )
    counts = table_counts(con)
    return {
        t: {"changed": changed[t], "attributed": counts[t]["attributed"], "unattributed": counts[t]["unattributed"]}
        for t in FACT_TABLES
    }


def detach(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Un-attribute the fact rows whose customer has left the customer list (writer block).

    Only an undo removes customers from the list (:mod:`dashboard.ingest.undo`): a row
    whose community came from the list through such a customer gets no community again,
    as when it was imported without that customer on the list. Then
    :func:`reattribute` gives rows whose customer is (again) on the list its community.
    Tables with changed rows are marked for the rollup refresh.

    Returns
    -------
    dict
        ``{table: rows changed}``.
    """
    return _update_facts(
        con,
        """select f.* replace (cast(NULL as varchar) as community_id, cast(NULL as varchar) as community_source)
           from {table} as f anti join customers as c on f.customer_hash = c.customer_hash
           where f.community_source = 'customer'""",
    )


def _update_facts(con: duckdb.DuckDBPyConnection, rows: str) -> dict[str, int]:
    """Replace, in every fact table, the rows ``rows`` gives new versions of (a query over
    ``{table} as f`` giving whole rows, keyed like the table); mark the tables changed
    for the rollup refresh.

    The table names are the fixed ones of :data:`FACT_TABLES`; no value is formatted into
    the SQL. The new versions are staged once, then the stored versions of their keys are
    replaced (:func:`dashboard.parts.replace`: only the parts holding them are rewritten).

    Returns
    -------
    dict
        ``{table: rows changed}``.
    """
    changed: dict[str, int] = {}
    for table, key in FACT_TABLES.items():
        con.execute(f"create or replace temp table _sc_reattributed as {rows.format(table=table)}")
        n = int(con.execute("select count(*) from _sc_reattributed").fetchone()[0])
        if n:
            parts.replace(con, table, [key], delete=f'select "{key}" from _sc_reattributed',
                          insert="select * from _sc_reattributed")
            warehouse.mark_changed(con, table)
        con.execute("drop table _sc_reattributed")
        changed[table] = n
    return changed


def sentences(table: str, counts: dict | None, lang: str | None = None) -> list[str]:
    """The attribution of an import in words (the ``import`` command and the Data page).

    Parameters
    ----------
    table
        Warehouse table imported.
    counts
        :attr:`dashboard.ingest.ImportResult.attribution` (``None``: nothing to say).
    lang
        ``zh`` or ``en``.
    """
    from dashboard.i18n import t

    if not counts:
        return []
    if table in FACT_TABLES:
        return [t("customers.note.fact", lang, **counts)]
    return [
        t("customers.note.reattributed", lang, table=t(f"data.table.{name}", lang), **c)
        for name, c in counts.items()
    ]
