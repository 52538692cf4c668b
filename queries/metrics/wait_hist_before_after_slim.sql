-- Fast path of wait_hist_before_after.sql for views without a wave or service-type filter (the
-- metric functions pick it): same output, read from the hall-level histograms.
-- Histogram of counter waits before / after a cut-off month (the first room opening in
-- scope): one row per (period 'before'|'after', wait_bin). Whole months only (the
-- comparison is between periods, not for an exact range). Source: agg_wait_hist_hall_month.
-- Params: $cutoff (date, first month of 'after'), $date_from, $date_to (months
-- overlapping the range), $districts, $hall_ids, .
with

filtered as (
    select t.*
    from agg_wait_hist_hall_month as t
    left join agg_hall as h using (hall_id)
    where ($date_from is null or t.month_on >= date_trunc('month', cast($date_from as date)))
      and ($date_to is null or t.month_on <= cast($date_to as date))
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or t.hall_id = any($hall_ids))
),

final as (
    select
        case when month_on < cast($cutoff as date) then 'before' else 'after' end as period,
        wait_bin,
        sum(n) as n
    from filtered
    group by all
)

select * from final
order by period, wait_bin
