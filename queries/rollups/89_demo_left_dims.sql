-- Demo rows still stored in the other canonical tables: one row per table; key
-- table_name (see 90_demo_rows_left.sql). Rebuilt only by a write that changes one of them.
create or replace table demo_left_dims as
select 'communities' as table_name, count(*) as n_rows
    from communities t semi join demo_rows d on d.table_name = 'communities' and d.row_hash = hash(t)
    union all
    select 'buildings' as table_name, count(*) as n_rows
    from buildings t semi join demo_rows d on d.table_name = 'buildings' and d.row_hash = hash(t)
    union all
    select 'business_halls' as table_name, count(*) as n_rows
    from business_halls t semi join demo_rows d on d.table_name = 'business_halls' and d.row_hash = hash(t)
    union all
    select 'service_rooms' as table_name, count(*) as n_rows
    from service_rooms t semi join demo_rows d on d.table_name = 'service_rooms' and d.row_hash = hash(t)
    union all
    select 'staff' as table_name, count(*) as n_rows
    from staff t semi join demo_rows d on d.table_name = 'staff' and d.row_hash = hash(t)
    union all
    select 'network_nodes' as table_name, count(*) as n_rows
    from network_nodes t semi join demo_rows d on d.table_name = 'network_nodes' and d.row_hash = hash(t)
    union all
    select 'network_edges' as table_name, count(*) as n_rows
    from network_edges t semi join demo_rows d on d.table_name = 'network_edges' and d.row_hash = hash(t)
    union all
    select 'customers' as table_name, count(*) as n_rows
    from customers t semi join demo_rows d on d.table_name = 'customers' and d.row_hash = hash(t);
