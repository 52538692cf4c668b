-- What is loaded: one row per canonical table with its row count and date range.
-- grain: one row per table; key: table_name. No parameters.
with counts as (
    select 'communities' as table_name, count(*) as n_rows,
           cast(null as date) as first_on, cast(null as date) as last_on
    from communities
    union all
    select 'buildings', count(*), null, null from buildings
    union all
    select 'business_halls', count(*), null, null from business_halls
    union all
    select 'service_rooms', count(*), min(opened_on), max(opened_on) from service_rooms
    union all
    select 'counter_tickets', count(*), cast(min(issued_at) as date), cast(max(issued_at) as date) from counter_tickets
    union all
    select 'hotline_orders', count(*), cast(min(received_at) as date), cast(max(received_at) as date) from hotline_orders
    union all
    select 'room_visits', count(*), cast(min(visited_at) as date), cast(max(visited_at) as date) from room_visits
    union all
    select 'staff', count(*), min(assigned_on), max(assigned_on) from staff
    union all
    select 'customers', count(*), null, null from customers
)
select * from counts
