-- Fast path of wait_hist_by_hall.sql for views without a wave or service-type filter (the
-- metric functions pick it): same output, read from the hall-level histograms.
-- Histogram of counter waits (served tickets) over the filters: one row per (hall_id, wait_bin).
-- Bins are 10 s wide, closed on the right (bin k: wait in (10(k-1), 10k] s; bin 0: 0 s;
-- bin 1441: over 240 min), see rollups/21_tickets.sql. Whole calendar months inside the
-- date range come from agg_wait_hist_hall_month, the partial months at either end from
-- agg_wait_hist_hall_day, so the counts are exact for any range of days.
-- Params: as ticket_totals.sql.
with

full_months as (
    select t.hall_id, t.wait_bin, t.n
    from agg_wait_hist_hall_month as t
    left join agg_hall as h using (hall_id)
    where ($date_from is null or t.month_on >= cast($date_from as date))
      and ($date_to is null or last_day(t.month_on) <= cast($date_to as date))
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
),

edge_days as (
    select t.hall_id, t.wait_bin, t.n
    from agg_wait_hist_hall_day as t
    left join agg_hall as h using (hall_id)
    where ($date_from is null or t.day_on >= cast($date_from as date))
  and ($date_to is null or t.day_on <= cast($date_to as date))
  and ($districts is null or h.district = any($districts))
  and ($hall_ids is null or t.hall_id = any($hall_ids))
      and (
        ($date_from is not null
            and cast($date_from as date) > date_trunc('month', cast($date_from as date))
            and t.day_on < date_trunc('month', cast($date_from as date)) + interval 1 month)
        or ($date_to is not null
            and cast($date_to as date) < last_day(cast($date_to as date))
            and t.day_on >= date_trunc('month', cast($date_to as date)))
      )
),

final as (
    select hall_id, wait_bin, sum(n) as n
    from (select * from full_months union all select * from edge_days)
    group by all
)

select * from final
order by hall_id, wait_bin
