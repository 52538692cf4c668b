-- Histogram of counter waits (served tickets) over every filter: one row per (hall_id, wait_bin).
-- Bins are 10 s wide, closed on the right (bin k: wait in (10(k-1), 10k] s; bin 0: 0 s;
-- bin 1441: over 240 min), see rollups/21_tickets.sql.
-- The full-dimension path: read when a wave or service-type filter is combined with a hall
-- or district filter (the rare view that needs every dimension at once).
-- Whole calendar months inside the date range come from
-- agg_wait_hist_month, the partial months at either end from agg_wait_hist_day (head and
-- tail read apart, so each touches only its own days), so the result is exact for any
-- range of days.
-- Params: as ticket_totals.sql.
with

full_months as (
    select t.hall_id, t.wait_bin, t.n
    from agg_wait_hist_month as t
    left join agg_hall as h using (hall_id)
    where month_in_range(t.month_on, $date_from, $date_to)
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
      and ($waves is null or t.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
),

-- the partial month the range starts in ...
head_days as (
    select t.hall_id, t.wait_bin, t.n
    from agg_wait_hist_day as t
    left join agg_hall as h using (hall_id)
    where day_in_head(t.day_on, $date_from, $date_to)
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
      and ($waves is null or t.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
),

-- ... and the one it ends in (unless head_days has it)
tail_days as (
    select t.hall_id, t.wait_bin, t.n
    from agg_wait_hist_day as t
    left join agg_hall as h using (hall_id)
    where day_in_tail(t.day_on, $date_from, $date_to)
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
      and ($waves is null or t.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
),

final as (
    select hall_id, wait_bin, sum(n) as n
    from (
        select * from full_months
        union all select * from head_days
        union all select * from tail_days
    )
    group by all
)

select * from final
order by hall_id, wait_bin
