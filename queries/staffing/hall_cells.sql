-- The queue of the selected halls by day and hour for the staffing table (rollup
-- hall_hour_cell, queries/rollups/12_hall_cells.sql), in whole calendar months.
--
-- Grain: one row per (hall_id, day_on, hour_of_day); key all three.
--   weekday      0 = Monday .. 6 = Sunday
--   the numerics as in hall_hour_cell: tickets issued in the hour (n_tickets), of those
--   the ones that took a counter (n_arrivals), served with a wait (n_waited,
--   sum_wait_min), served with a counter time (n_busy, sum_busy_min, sumsq_busy_min2:
--   call to finish, minutes), distinct counters that called (n_counters)
--
-- Params (NULL = all / open end)
--   $month_from, $month_to  first days of the first and last month (whole months)
--   $districts              business_halls.district
--   $hall_ids               the halls
with

final as (
    select
        -- ids
        k.hall_id,
        h.name as hall_name,
        k.day_on,
        cast(date_trunc('month', k.day_on) as date) as month_on,
        isodow(k.day_on) - 1 as weekday,
        k.hour_of_day,
        -- numerics
        k.n_tickets,
        k.n_arrivals,
        k.n_waited,
        k.sum_wait_min,
        k.n_busy,
        k.sum_busy_min,
        k.sumsq_busy_min2,
        k.n_counters
    from hall_hour_cell as k
    inner join business_halls as h using (hall_id)
    where ($districts is null or h.district = any($districts))
      and ($hall_ids is null or k.hall_id = any($hall_ids))
      and ($month_from is null or k.day_on >= cast($month_from as date))
      and ($month_to is null or k.day_on <= last_day(cast($month_to as date)))
)

select * from final
order by hall_id, day_on, hour_of_day
