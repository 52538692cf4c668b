-- Histogram of counter waits (served tickets) without a wave or service-type filter (the
-- metric functions pick this path): one row per (hall_id, wait_bin).
-- Bins are 10 s wide, closed on the right (bin k: wait in (10(k-1), 10k] s; bin 0: 0 s;
-- bin 1441: over 240 min), see rollups/21_tickets.sql.
-- Whole months of the date range = C(hi) - C(lo) of the cumulative agg_wait_cum_hall (two
-- month slices, whatever the range's length); the partial months at either end come
-- from agg_wait_hist_hall_day (head and tail read apart). Exact for any range of days.
-- Source: agg_wait_cum_hall, agg_wait_cum_months, agg_wait_hist_hall_day, agg_hall.
-- Params: $date_from, $date_to, $districts, $hall_ids.
with

ends as (
    select
        max(month_on) filter (
            where $date_to is null or last_day(month_on) <= cast($date_to as date)) as hi,
        max(month_on) filter (
            where $date_from is not null and month_on < cast($date_from as date)) as lo
    from agg_wait_cum_months
),

slices as (
    select hi as month_on, 1 as sign from ends where hi > coalesce(lo, date '0001-01-01')
    union all
    select lo as month_on, -1 as sign from ends where hi > lo
),

rows as (
    -- whole months
    select t.hall_id, t.wait_bin, s.sign * t.n_cum as n
    from agg_wait_cum_hall as t
    join slices as s using (month_on)
    union all
    -- the partial month the range starts in ...
    select t.hall_id, t.wait_bin, t.n
    from agg_wait_hist_hall_day as t
    where day_in_head(t.day_on, $date_from, $date_to)
    union all
    -- ... and the one it ends in (unless that is the same month)
    select t.hall_id, t.wait_bin, t.n
    from agg_wait_hist_hall_day as t
    where day_in_tail(t.day_on, $date_from, $date_to)
),

final as (
    select hall_id, wait_bin, sum(n) as n
    from rows as r
    where ($districts is null
           or r.hall_id in (select hall_id from agg_hall where list_contains($districts, district)))
      and ($hall_ids is null or list_contains($hall_ids, r.hall_id))
    group by all
    having sum(n) <> 0
)

select * from final
order by hall_id, wait_bin
