-- Histogram of counter waits (served tickets) for a wave or service-type filter without a
-- hall or district filter (the metric functions pick this path): one row per wait_bin.
-- Bins are 10 s wide, closed on the right (bin k: wait in (10(k-1), 10k] s; bin 0: 0 s;
-- bin 1441: over 240 min), see rollups/21_tickets.sql.
-- Whole months of the date range = C(hi) - C(lo) of the cumulative agg_wait_cum_wt (keyed
-- by wave and service type); the partial months at either end come from
-- agg_wait_hist_day (head and tail read apart). Exact for any range of days.
-- Source: agg_wait_cum_wt, agg_wait_cum_months, agg_wait_hist_day.
-- Params: $date_from, $date_to, $waves, $service_types (the district and hall filters are not
-- read: use wait_hist.sql when they are set).
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
    select t.wave, t.service_type, t.wait_bin, s.sign * t.n_cum as n
    from agg_wait_cum_wt as t
    join slices as s using (month_on)
    union all
    -- the partial month the range starts in ...
    select t.wave, t.service_type, t.wait_bin, t.n
    from agg_wait_hist_day as t
    where day_in_head(t.day_on, $date_from, $date_to)
    union all
    -- ... and the one it ends in (unless that is the same month)
    select t.wave, t.service_type, t.wait_bin, t.n
    from agg_wait_hist_day as t
    where day_in_tail(t.day_on, $date_from, $date_to)
),

final as (
    select wait_bin, sum(n) as n
    from rows as r
    where true
      and ($service_types is null or list_contains($service_types, r.service_type))
      and ($waves is null or list_contains($waves, r.wave))
    group by all
    having sum(n) <> 0
)

select * from final
order by wait_bin
