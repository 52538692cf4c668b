-- Served-ticket wait histogram cells before / after a cut-off month (the first room opening
-- in scope), whole months overlapping the range only (the comparison is between periods,
-- not for an exact range): one row per (period 'before'|'after', wait_bin) piece, sum n
-- over the rows. p_cutoff is the first month of 'after'. Filters as wait_cells.sql.
--
-- wait_period_slices: for the cumulative rollups, each period is the difference of two
-- month slices C(mid) - C(lo) and C(hi) - C(mid) (a NULL month stands for C = 0), with mid
-- the last month before the cut-off kept inside [lo, hi].
-- wait_period_cells picks the rollup as wait_cells does: agg_wait_cum_hall without a wave
-- or service-type filter; agg_wait_cum_wt with one but without a hall or district filter;
-- else the full-dimension agg_wait_hist_month.

create or replace macro wait_period_slices(p_cutoff, p_from, p_to) as table
with

ends as (
    select
        max(month_on) filter (
            where p_to is null or month_on <= cast(p_to as date)) as hi,
        max(month_on) filter (
            where p_from is not null
              and month_on < date_trunc('month', cast(p_from as date))) as lo,
        max(month_on) filter (where month_on < cast(p_cutoff as date)) as mid_raw
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
)

select * from slices;

create or replace macro wait_period_cells(p_cutoff, p_from, p_to, p_districts, p_hall_ids, p_waves, p_service_types) as table
with

hall_path as (
    select s.period, t.wait_bin, s.sign * t.n_cum as n
    from agg_wait_cum_hall as t
    join wait_period_slices(p_cutoff, p_from, p_to) as s using (month_on)
    left join agg_hall as h using (hall_id)
    where (p_districts is null or h.district = any(p_districts))
      and (p_hall_ids is null or t.hall_id = any(p_hall_ids))
),

wt_path as (
    select s.period, t.wait_bin, s.sign * t.n_cum as n
    from agg_wait_cum_wt as t
    join wait_period_slices(p_cutoff, p_from, p_to) as s using (month_on)
    where (p_waves is null or t.wave = any(p_waves))
      and (p_service_types is null or t.service_type = any(p_service_types))
),

full_path as (
    select
        case when t.month_on < cast(p_cutoff as date) then 'before' else 'after' end as period,
        t.wait_bin,
        t.n
    from agg_wait_hist_month as t
    left join agg_hall as h using (hall_id)
    where (p_from is null or t.month_on >= date_trunc('month', cast(p_from as date)))
      and (p_to is null or t.month_on <= cast(p_to as date))
      and (p_districts is null or h.district = any(p_districts))
      and (p_hall_ids is null or t.hall_id = any(p_hall_ids))
      and (p_waves is null or t.wave = any(p_waves))
      and (p_service_types is null or t.service_type = any(p_service_types))
)

-- the parameters are constants when DuckDB plans a query: only the branch whose condition
-- holds is read (tests/test_macros.py checks the plans)
select * from hall_path
where p_waves is null and p_service_types is null
union all
select * from wt_path
where (p_waves is not null or p_service_types is not null) and p_districts is null and p_hall_ids is null
union all
select * from full_path
where (p_waves is not null or p_service_types is not null) and (p_districts is not null or p_hall_ids is not null);
