-- Demo rows still stored: one row per canonical table; key table_name.
-- A row the demo stored (demo_rows) counts while a row with exactly its values is in the
-- table; an import that replaces it with other values, or a new street network, removes
-- it. When no demo row is left anywhere, the demo flag (meta key 'demo') and the row
-- hashes are dropped: a warehouse of real data only is no longer marked as demo data.
-- In a warehouse the demo never wrote, demo_rows is empty and every count is 0. The
-- counts themselves are kept by 88_demo_left_facts.sql (by month) and 89_demo_left_dims.sql.
create or replace table demo_rows_left as
select * from demo_left_dims
union all
select 'counter_tickets' as table_name, coalesce(sum(n_rows), 0) as n_rows from demo_left_counter_tickets
    union all
    select 'hotline_orders' as table_name, coalesce(sum(n_rows), 0) as n_rows from demo_left_hotline_orders
    union all
    select 'room_visits' as table_name, coalesce(sum(n_rows), 0) as n_rows from demo_left_room_visits;

delete from meta
where key = 'demo' and (select coalesce(sum(n_rows), 0) from demo_rows_left) = 0;

delete from demo_rows
where not exists (select 1 from meta where key = 'demo');
