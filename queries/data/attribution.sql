-- Where the fact tables' communities come from (dashboard.ingest.attribution).
-- grain: one row per fact table; key: table_name. No parameters.
-- n_export + n_customer + n_none = n_rows.
with sources as (
    select 'counter_tickets' as table_name, community_id, community_source from counter_tickets
    union all
    select 'hotline_orders', community_id, community_source from hotline_orders
    union all
    select 'room_visits', community_id, community_source from room_visits
),
counts as (
    select table_name,
           count(*) as n_rows,
           count(*) filter (where community_id is not null and community_source is distinct from 'customer') as n_export,
           count(*) filter (where community_id is not null and community_source = 'customer') as n_customer,
           count(*) filter (where community_id is null) as n_none
    from sources
    group by table_name
),
tables as (
    select * from (values ('counter_tickets', 1), ('hotline_orders', 2), ('room_visits', 3)) v(table_name, ord)
)
select t.table_name,
       coalesce(c.n_rows, 0) as n_rows,
       coalesce(c.n_export, 0) as n_export,
       coalesce(c.n_customer, 0) as n_customer,
       coalesce(c.n_none, 0) as n_none
from tables t left join counts c using (table_name)
order by t.ord
