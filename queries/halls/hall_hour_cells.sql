-- The queue of the selected halls by day and hour (rollup hall_hour_cell, see
-- queries/rollups/12_hall_cells.sql), inside the date range widened to whole months.
--
-- Grain: one row per (hall_id, day_on, hour_of_day); key all three.
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months
--   $districts            business_halls.district
--   $hall_ids             the halls
with

final as (
    select
        -- ids
        k.hall_id,
        k.day_on,
        cast(date_trunc('month', k.day_on) as date) as month_on,
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
      and ($date_from is null or k.day_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or k.day_on <= last_day(cast($date_to as date)))
)

select * from final
order by hall_id, day_on, hour_of_day
