"""A synthetic city written straight into a warehouse, for benchmarks at scale.

:func:`write_city` writes one city with SQL through an open
:func:`dashboard.warehouse.writer` connection: 1,500 communities in 12 districts, 40 halls,
700 rooms opening in staggered waves, 1,000 staff, ``n_tickets`` counter tickets over three
years, ``n_orders`` 95598 orders and ``n_visits`` room visits (the fact tables through
:func:`dashboard.parts.insert`, as Parquet parts). Hall, day, service type, community and
wait of a ticket are drawn independently (hash of the row number; 80% of a community's
tickets at its nearest hall), so the rollups have the cardinality real exports give them.

Every id, district and hall name starts with ``prefix``, so several cities can share one
warehouse (a province: ``K01-``, ``K02-``, ...) and be told apart by their districts
(:func:`districts`). The numbers drawn do not depend on the prefix: every city is the same
city under other names, which makes growth across sizes a measure of size alone.
"""

from __future__ import annotations

import duckdb

from dashboard import parts

__all__ = ["DISTRICTS", "districts", "write_city"]

DISTRICTS = 12
"""Districts per synthetic city."""

_DIMENSIONS = (
    """insert into communities
    select $p || 'C' || i, 'community ' || i, $p || 'D' || (i % 12), null,
           case when i % 3 = 0 then 'rural' else 'urban' end,
           200 + (i * 37) % 3000, 600 + (i * 91) % 9000, 100 + (i * 13) % 2000, (i * 7) % 50,
           117.0 + (i % 40) * 0.01, 36.0 + (i // 40) * 0.01, null
    from range(1500) t(i)""",
    """insert into business_halls
    select $p || 'H' || i, 'hall ' || i, $p || 'D' || (i % 12), 117.0 + i * 0.01, 36.0, 4 + i % 6
    from range(40) t(i)""",
    """insert into service_rooms
    select $p || 'R' || i, 'room ' || i, $p || 'C' || i, [$p || 'C' || i, $p || 'C' || (i + 800)], 117.0, 36.0,
           date '2023-07-01' + cast((i % 10) * 73 as integer), null,
           case when i % 4 = 0 then ['sat', 'sun'] else ['tue', 'thu'] end, '09:00-16:00', 1 + i % 2
    from range(700) t(i)""",
    """insert into staff
    select 'h1:s' || $p || i, case when i % 5 < 4 then 'meter_reader' else 'cashier' end, 'customer_manager',
           $p || 'R' || (i % 700), date '2023-06-01'
    from range(1000) t(i)""",
)

_TICKETS = """
select $p || i as ticket_id,
       -- 80% of a community's tickets go to its nearest hall, the rest anywhere
       $p || 'H' || case when hash(i * 17) % 10 < 8 and c is not null then c % 40 else hash(i * 19) % 40 end
           as hall_id,
       ['consultation','query','payment','fault_report','application','agency','complaint','promotion','other']
           [cast(1 + hash(i * 7) % 9 as bigint)] as service_type,
       ts as issued_at, ts + to_seconds(w) as called_at, ts + to_seconds(w) as started_at,
       ts + to_seconds(w + 300) as finished_at,
       case when hash(i * 29) % 20 = 0 then 'no_show' when hash(i * 29) % 33 = 0 then 'cancelled' else 'served' end
           as outcome,
       case when c is null then null else $p || 'C' || c end as community_id, false as is_appointment
from (
    select i,
        timestamp '2023-01-01 08:30:00' + to_seconds((hash(i * 23) % 1095) * 86400 + (hash(i) % 30600)) as ts,
        cast(-ln(1 - (hash(i * 3) % 100000) / 100000.0) * 720 as bigint) as w,
        case when hash(i * 31) % 10 = 0 then null else hash(i * 13) % 1500 end as c
    from range($n) t(i)
)"""

_ORDERS = """
select $p || 'O' || i as order_id, ts as received_at,
       ['consultation','fault_repair','complaint','report','opinion','praise','service_request','reminder']
           [cast(1 + hash(i * 5) % 8 as bigint)] as category,
       case when c is null then null else $p || 'C' || c end as community_id,
       case when coalesce(c, 0) % 3 = 0 then 'rural' else 'urban' end as urban_rural,
       ts + to_seconds(600 + hash(i * 11) % 6000) as arrived_at,
       ts + to_seconds(3600 + hash(i * 5) % 18000) as restored_at,
       ['satisfied','basically_satisfied','dissatisfied','no_callback'][cast(1 + hash(i * 37) % 4 as bigint)]
           as satisfaction
from (select i, timestamp '2023-01-01' + to_seconds(hash(i) % (1095 * 86400)) as ts,
             case when hash(i * 41) % 17 = 0 then null else hash(i * 7) % 1500 end as c
      from range($n) t(i))"""

_VISITS = """
select $p || 'V' || i as visit_id, $p || 'R' || r as room_id,
       timestamp '2023-07-01 09:00' + to_seconds((hash(i * 43) % 900) * 86400) as visited_at,
       ['consultation','query','payment','fault_report','application','agency'][cast(1 + hash(i * 47) % 6 as bigint)]
           as service_type,
       ['general','elderly','disabled','military_family','low_income'][cast(1 + hash(i * 53) % 5 as bigint)]
           as customer_group,
       case when hash(i * 59) % 9 = 0 then 'home_visit' else 'walk_in' end as mode, true as resolved
from (select i, hash(i * 61) % 700 as r from range($n) t(i))"""


def write_city(con: duckdb.DuckDBPyConnection, prefix: str = "", *, n_tickets: int = 20_000_000,
               n_orders: int = 3_000_000, n_visits: int = 2_000_000) -> None:
    """Write one synthetic city into the warehouse behind the writer connection ``con``.

    Parameters
    ----------
    prefix
        Start of every id and district name of this city (``""`` for a lone city).
    n_tickets, n_orders, n_visits
        Rows of each fact table.
    """
    for stmt in _DIMENSIONS:
        con.execute(stmt, {"p": prefix})
    for table, select, n in (("counter_tickets", _TICKETS, n_tickets), ("hotline_orders", _ORDERS, n_orders),
                             ("room_visits", _VISITS, n_visits)):
        parts.insert(con, table, select, {"p": prefix, "n": int(n)})


def districts(prefix: str = "") -> tuple[str, ...]:
    """The district names of the city written with ``prefix`` (a filter on one city)."""
    return tuple(f"{prefix}D{i}" for i in range(DISTRICTS))
