-- Histogram of counter waits before / after a cut-off month (the first room opening in
-- scope): one row per (period 'before'|'after', wait_bin). Whole months overlapping the
-- range only (the comparison is between periods, not for an exact range). Path for a wave
-- or service-type filter without a hall or district filter.
-- Read from the cumulative agg_wait_cum_wt: each period is the difference of two month slices.
-- Params: $cutoff (date, first month of 'after'), $date_from, $date_to, $waves, $service_types.
with

ends as (
    select
        max(month_on) filter (
            where $date_to is null or month_on <= cast($date_to as date)) as hi,
        max(month_on) filter (
            where $date_from is not null
              and month_on < date_trunc('month', cast($date_from as date))) as lo,
        max(month_on) filter (where month_on < cast($cutoff as date)) as mid_raw
    from agg_wait_cum_months
),

-- the last month before the cut-off, kept inside [lo, hi] (hi := lo when the range holds
-- no month, so both periods are empty)
clamped as (
    select lo, mid_raw, case when hi is null or hi < lo then lo else hi end as hi
    from ends
),

cut as (
    select
        hi,
        lo,
        case
            when hi is null or mid_raw is null or mid_raw < coalesce(lo, mid_raw) then lo
            when mid_raw > hi then hi
            else mid_raw
        end as mid
    from clamped
),

-- before = C(mid) - C(lo), after = C(hi) - C(mid); a NULL month stands for C = 0
slices as (
    select 'before' as period, mid as month_on, 1 as sign from cut
    union all select 'before', lo, -1 from cut
    union all select 'after', hi, 1 from cut
    union all select 'after', mid, -1 from cut
),

final as (
    select s.period, t.wait_bin, sum(s.sign * t.n_cum) as n
    from agg_wait_cum_wt as t
    join slices as s using (month_on)
    where true
      and ($waves is null or t.wave = any($waves))
      and ($service_types is null or t.service_type = any($service_types))
    group by all
    having sum(s.sign * t.n_cum) <> 0
)

select * from final
order by period, wait_bin
