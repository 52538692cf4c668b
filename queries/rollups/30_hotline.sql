-- 95598 work-order rollups.
--
-- agg_hotline_day: grain (community_id, day_on, category, urban_rural); orders and
-- callback satisfaction counts. Orders without a community keep community_id NULL
-- (they count in city-wide totals, not in any per-household rate).
-- agg_fault: grain one row per fault-repair order (category 'fault_repair'), slim and
-- sorted by day: arrival minutes (arrived_at - received_at) and restoration hours
-- (restored_at - received_at). Lateness is judged at query time against
-- settings.TARGETS (bound as $params), so changing a target needs no re-import.
create or replace table agg_hotline_day as
select
    o.community_id,
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

create or replace table agg_fault as
select
    -- ids
    o.community_id,
    -- timestamps
    cast(o.received_at as date) as day_on,
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

-- agg_hotline_month: grain (community_id, month_on, category); the same counts by month.
-- Per-household monthly rates and whole months of a range read this (~30x smaller than
-- the day grain at city scale); the day grain serves the partial months at range ends.
create or replace table agg_hotline_month as
select
    community_id,
    cast(date_trunc('month', day_on) as date) as month_on,
    category,
    sum(n_orders) as n_orders,
    sum(n_callback) as n_callback,
    sum(n_satisfied) as n_satisfied,
    sum(n_dissatisfied) as n_dissatisfied
from agg_hotline_day
group by all
order by month_on;
