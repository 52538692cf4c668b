-- Hall-hour cells: the queue of every business hall by day and hour, for the hall-level
-- waiting-time effect (dashboard/analysis/hall_effects.py, queue-model method). Reads
-- counter_tickets once; rebuilt inside every write that changes it.
--
-- hall_hour_cell: grain (hall_id, day_on, hour_of_day); key all three.
--   n_tickets        tickets issued in the hour (any outcome)
--   n_arrivals       of those, tickets that took a counter (served or no-show)
--   n_waited         served tickets with called_at >= issued_at
--   sum_wait_min     sum of their waits (called_at - issued_at), minutes
--   n_busy           served tickets with finished_at >= called_at
--   sum_busy_min     sum of their counter time (finished_at - called_at: the walk to the
--                    counter and the handling), minutes
--   sumsq_busy_min2  sum of the squared counter times (for the service-time variance)
--   n_counters       distinct counter_no that called a ticket in the hour (counters open)
-- incremental: day_on
create or replace table hall_hour_cell as
with

arrivals as (
    select
        -- ids
        hall_id,
        cast(issued_at as date) as day_on,
        hour(issued_at) as hour_of_day,
        -- numerics
        count(*) as n_tickets,
        count(*) filter (where outcome in ('served', 'no_show')) as n_arrivals,
        count(*) filter (where outcome = 'served' and called_at >= issued_at) as n_waited,
        coalesce(sum(epoch(called_at - issued_at) / 60.0)
            filter (where outcome = 'served' and called_at >= issued_at), 0) as sum_wait_min,
        count(*) filter (where outcome = 'served' and finished_at >= called_at) as n_busy,
        coalesce(sum(epoch(finished_at - called_at) / 60.0)
            filter (where outcome = 'served' and finished_at >= called_at), 0) as sum_busy_min,
        coalesce(sum(power(epoch(finished_at - called_at) / 60.0, 2))
            filter (where outcome = 'served' and finished_at >= called_at), 0) as sumsq_busy_min2
    from counter_tickets
    group by all
),

counters as (
    select
        hall_id,
        cast(called_at as date) as day_on,
        hour(called_at) as hour_of_day,
        count(distinct counter_no) as n_counters
    from counter_tickets
    where called_at is not null and counter_no is not null
    group by all
),

final as (
    select
        -- ids
        hall_id,
        day_on,
        hour_of_day,
        -- numerics
        coalesce(a.n_tickets, 0) as n_tickets,
        coalesce(a.n_arrivals, 0) as n_arrivals,
        coalesce(a.n_waited, 0) as n_waited,
        coalesce(a.sum_wait_min, 0) as sum_wait_min,
        coalesce(a.n_busy, 0) as n_busy,
        coalesce(a.sum_busy_min, 0) as sum_busy_min,
        coalesce(a.sumsq_busy_min2, 0) as sumsq_busy_min2,
        coalesce(c.n_counters, 0) as n_counters
    from arrivals as a
    full outer join counters as c using (hall_id, day_on, hour_of_day)
)

select * from final
order by day_on, hall_id, hour_of_day;
