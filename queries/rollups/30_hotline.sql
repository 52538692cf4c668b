-- 95598 work-order rollups.
--
-- agg_hotline_day: grain (community_id, day_on, category, urban_rural); orders and
-- callback satisfaction counts, with the community's district and wave. Orders without a
-- community keep community_id NULL (they count in city-wide totals, not in any
-- per-household rate).
-- agg_fault: grain one row per fault-repair order (category 'fault_repair'), slim and
-- sorted by day, with its community's district and wave (no join at query time): arrival
-- minutes (arrived_at - received_at) and restoration hours (restored_at - received_at).
-- Lateness is judged at query time against settings.TARGETS (bound as $params), so
-- changing a target needs no re-import.
-- agg_fault_month: grain (month_on, urban_rural, measure 'arrival'|'restore', value_bin);
-- fault orders and the exact sum of the measure (arrival minutes / restoration hours).
-- value_bin = the measure in whole minutes rounded up (NULL when not recorded), so for a
-- target that is a whole number of minutes, late (value > target) iff value_bin > target
-- in minutes: exact. Read for whole months when no district or wave filter is set.
-- agg_hotline_cell: grain (month_on, district, wave, status, in_units, category); orders
-- and callbacks. status = 'served' from the calendar month of the community's first room
-- opening on, else 'not_yet' (NULL for orders without a known community); in_units =
-- the order's community is known and has households (the per-1,000 rates count those).
-- ~10x fewer rows than the community grain; the pages' monthly rates and totals read it.
-- agg_hotline_comm_month: grain (community_id, month_on); orders and fault orders (the
-- hotline map and the community profile).
-- agg_hotline_units: grain (month_on, district, wave, status); the per-1,000 household
-- denominators: communities with households in every month with an order, by status.
-- incremental: day_on
create or replace table agg_hotline_day as
select
    o.community_id,
    c.district,
    c.wave,
    cast(o.received_at as date) as day_on,
    coalesce(o.category, 'other') as category,
    coalesce(o.urban_rural, c.kind, 'urban') as urban_rural,
    count(*) as n_orders,
    count(*) filter (where o.satisfaction in ('satisfied', 'basically_satisfied', 'dissatisfied'))
        as n_callback,
    count(*) filter (where o.satisfaction in ('satisfied', 'basically_satisfied')) as n_satisfied,
    count(*) filter (where o.satisfaction = 'dissatisfied') as n_dissatisfied
from hotline_orders as o
left join agg_community as c using (community_id)
group by all
order by day_on;

-- incremental: day_on
create or replace table agg_fault as
select
    -- ids
    o.community_id,
    c.district,
    c.wave,
    -- timestamps
    cast(o.received_at as date) as day_on,
    cast(date_trunc('month', o.received_at) as date) as month_on,
    -- categories
    coalesce(o.urban_rural, c.kind, 'urban') as urban_rural,
    o.satisfaction,
    -- numerics
    case when o.arrived_at >= o.received_at
        then epoch(o.arrived_at - o.received_at) / 60.0 end as arrival_min,
    case when o.restored_at >= o.received_at
        then epoch(o.restored_at - o.received_at) / 3600.0 end as restore_h
from hotline_orders as o
left join agg_community as c using (community_id)
where o.category = 'fault_repair'
order by day_on;

-- incremental: month_on
create or replace table agg_fault_month as
with

measures as (
    select month_on, urban_rural, 'arrival' as measure, arrival_min as value,
        cast(ceil(arrival_min) as integer) as value_bin
    from agg_fault
    union all
    select month_on, urban_rural, 'restore' as measure, restore_h as value,
        cast(ceil(restore_h * 60.0) as integer) as value_bin
    from agg_fault
)

select month_on, urban_rural, measure, value_bin, count(*) as n, sum(value) as sum_value
from measures
group by all
order by month_on, measure;

-- incremental: month_on
create or replace table agg_hotline_cell as
select
    cast(date_trunc('month', h.day_on) as date) as month_on,
    c.district,
    c.wave,
    case when c.community_id is not null
        then served_status(c.first_opened_on, date_trunc('month', h.day_on)) end as status,
    coalesce(c.households, 0) > 0 as in_units,
    h.category,
    sum(h.n_orders) as n_orders,
    sum(h.n_callback) as n_callback,
    sum(h.n_satisfied) as n_satisfied,
    sum(h.n_dissatisfied) as n_dissatisfied
from agg_hotline_day as h
left join agg_community as c using (community_id)
group by all
order by month_on, district, wave;

-- incremental: month_on
create or replace table agg_hotline_comm_month as
select
    community_id,
    cast(date_trunc('month', day_on) as date) as month_on,
    sum(n_orders) as n_orders,
    coalesce(sum(n_orders) filter (where category = 'fault_repair'), 0) as n_faults
from agg_hotline_day
where community_id is not null
group by all
order by community_id, month_on;

create or replace table agg_hotline_units as
with

months as (
    select distinct month_on from agg_hotline_cell
)

select
    m.month_on,
    c.district,
    c.wave,
    served_status(c.first_opened_on, m.month_on) as status,
    count(*) as n_communities,
    sum(c.households) as households
from agg_community as c
cross join months as m
where c.households > 0
group by all
order by month_on;
