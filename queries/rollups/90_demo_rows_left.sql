-- Demo rows still stored: one row per canonical table; key table_name.
-- A row the demo stored (demo_rows) counts while a row with exactly its values is in the
-- table; an import that replaces it with other values, or a new street network, removes
-- it. When no demo row is left anywhere, the demo flag (meta key 'demo') and the row
-- hashes are dropped: a warehouse of real data only is no longer marked as demo data.
-- In a warehouse the demo never wrote, demo_rows is empty and every join below is empty.
create or replace table demo_rows_left as
with demo_hashes as (
    select table_name, row_hash from demo_rows
),
counts as (
    select 'communities' as table_name, count(*) as n_rows
    from communities t semi join demo_hashes d on d.table_name = 'communities' and d.row_hash = hash(t)
    union all
    select 'buildings' as table_name, count(*) as n_rows
    from buildings t semi join demo_hashes d on d.table_name = 'buildings' and d.row_hash = hash(t)
    union all
    select 'business_halls' as table_name, count(*) as n_rows
    from business_halls t semi join demo_hashes d on d.table_name = 'business_halls' and d.row_hash = hash(t)
    union all
    select 'service_rooms' as table_name, count(*) as n_rows
    from service_rooms t semi join demo_hashes d on d.table_name = 'service_rooms' and d.row_hash = hash(t)
    union all
    select 'counter_tickets' as table_name, count(*) as n_rows
    from counter_tickets t semi join demo_hashes d on d.table_name = 'counter_tickets' and d.row_hash = hash(t)
    union all
    select 'hotline_orders' as table_name, count(*) as n_rows
    from hotline_orders t semi join demo_hashes d on d.table_name = 'hotline_orders' and d.row_hash = hash(t)
    union all
    select 'room_visits' as table_name, count(*) as n_rows
    from room_visits t semi join demo_hashes d on d.table_name = 'room_visits' and d.row_hash = hash(t)
    union all
    select 'staff' as table_name, count(*) as n_rows
    from staff t semi join demo_hashes d on d.table_name = 'staff' and d.row_hash = hash(t)
    union all
    select 'network_nodes' as table_name, count(*) as n_rows
    from network_nodes t semi join demo_hashes d on d.table_name = 'network_nodes' and d.row_hash = hash(t)
    union all
    select 'network_edges' as table_name, count(*) as n_rows
    from network_edges t semi join demo_hashes d on d.table_name = 'network_edges' and d.row_hash = hash(t)
    union all
    select 'customers' as table_name, count(*) as n_rows
    from customers t semi join demo_hashes d on d.table_name = 'customers' and d.row_hash = hash(t)
)
select * from counts;

delete from meta
where key = 'demo' and (select coalesce(sum(n_rows), 0) from demo_rows_left) = 0;

delete from demo_rows
where not exists (select 1 from meta where key = 'demo');
