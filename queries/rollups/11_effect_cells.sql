-- Effect-panel cells: community-month pre-aggregates the queries/effects panels read, so
-- an estimate never scans the raw counter_tickets (20M rows at city scale) or
-- hotline_orders. Rebuilt inside every write (docs/ARCHITECTURE.md "rollups").
--
-- eff_ticket_cell: grain (community_id, month_on, hall_id, service_type); key all four.
--   n_tickets      tickets of any outcome (a trip to the hall)
--   n_waited       served tickets with called_at >= issued_at
--   sum_wait_min   sum of their waits (called_at - issued_at; called_at = last call), min
-- eff_hotline_cell: grain (community_id, month_on, category); key all three (category
-- 'other' when the order has none).
--   n_orders         95598 orders of the category
--   n_restored       fault_repair orders with restored_at >= received_at
--   sum_restore_h    sum of their restoration times (restored_at - received_at), hours
--   n_arrived        fault_repair orders with arrived_at >= received_at
--   sum_arrival_min  sum of their arrival times (arrived_at - received_at), minutes
--   n_callback       orders with a callback (satisfaction other than 'no_callback')
--   n_satisfied      of those, 'satisfied' or 'basically_satisfied'
-- Rows without community_id cannot be placed in a community and are left out.
-- incremental: month_on
create or replace table eff_ticket_cell as
select
    -- ids
    community_id,
    cast(date_trunc('month', issued_at) as date) as month_on,
    hall_id,
    service_type,
    -- numerics
    count(*) as n_tickets,
    count(*) filter (where outcome = 'served' and called_at >= issued_at) as n_waited,
    coalesce(
        sum(epoch(called_at - issued_at) / 60.0)
            filter (where outcome = 'served' and called_at >= issued_at),
        0
    ) as sum_wait_min
from counter_tickets
where community_id is not null
group by all
order by month_on, community_id;

-- incremental: month_on
create or replace table eff_hotline_cell as
select
    -- ids
    community_id,
    cast(date_trunc('month', received_at) as date) as month_on,
    coalesce(category, 'other') as category,
    -- numerics
    count(*) as n_orders,
    count(*) filter (where category = 'fault_repair' and restored_at >= received_at) as n_restored,
    coalesce(
        sum(epoch(restored_at - received_at) / 3600.0)
            filter (where category = 'fault_repair' and restored_at >= received_at),
        0
    ) as sum_restore_h,
    count(*) filter (where category = 'fault_repair') as n_fault,
    count(*) filter (where category = 'fault_repair' and arrived_at >= received_at) as n_arrived,
    coalesce(
        sum(epoch(arrived_at - received_at) / 60.0)
            filter (where category = 'fault_repair' and arrived_at >= received_at),
        0
    ) as sum_arrival_min,
    count(*) filter (where satisfaction in ('satisfied', 'basically_satisfied', 'dissatisfied'))
        as n_callback,
    count(*) filter (where satisfaction in ('satisfied', 'basically_satisfied')) as n_satisfied
from hotline_orders
where community_id is not null
group by all
order by month_on, community_id;
