-- Served-ticket wait histogram cells of a range of days under the global filters, one row
-- per (hall_id, wait_bin) piece: sum n over the rows (the rows are not yet summed, and
-- for wait_cells_slim an n may be negative, see below). Bins are 10 s wide, closed on the
-- right (bin k: wait in (10(k-1), 10k] s; bin 0: 0 s; bin 1441: over 240 min), see
-- rollups/21_tickets.sql. Exact for any range of days.
--
-- wait_cells is what the named queries call: it reads the smallest rollup that answers
-- the view (p_per_hall: the caller groups by hall, so hall_id must be kept):
--
-- wait_cells_full: the full-dimension path (agg_wait_hist_month for whole months,
-- agg_wait_hist_day for the partial months at either end), for a wave or service-type
-- filter combined with a hall or district filter (or per hall). Filters (NULL = all):
-- p_districts (the hall's district), p_hall_ids, p_waves, p_service_types.
--
-- wait_cells_wt: a wave or service-type filter without a hall or district filter. Whole
-- months are C(hi) - C(lo) of the cumulative agg_wait_cum_wt (keyed by wave and service
-- type); the partial months at either end come from agg_wait_hist_day. hall_id is NULL.
--
-- wait_cells_slim: without wave or service-type filters. Whole months are C(hi) - C(lo)
-- of the cumulative agg_wait_cum_hall (two month slices whatever the range's length: the
-- lower slice comes with a negative n); the partial months at either end from
-- agg_wait_hist_hall_day. Filters: p_districts, p_hall_ids.

create or replace macro cum_slices(p_from, p_to) as table
-- The whole months of a range of days from a cumulative rollup: C(hi) with sign +1 and
-- C(lo) with sign -1, hi the last whole month within the range, lo the last month before
-- it (no lo row when the range starts before the data).
with

ends as (
    select
        max(month_on) filter (
            where p_to is null or last_day(month_on) <= cast(p_to as date)) as hi,
        max(month_on) filter (
            where p_from is not null and month_on < cast(p_from as date)) as lo
    from agg_wait_cum_months
),

slices as (
    select hi as month_on, 1 as sign from ends where hi > coalesce(lo, date '0001-01-01')
    union all
    select lo as month_on, -1 as sign from ends where hi > lo
)

select * from slices;

create or replace macro wait_cells_full(p_from, p_to, p_districts, p_hall_ids, p_waves, p_service_types) as table
with

cells as (
    select t.hall_id, t.wait_bin, t.n, t.wave, t.service_type
    from agg_wait_hist_month as t
    where month_in_range(t.month_on, p_from, p_to)
    union all
    select t.hall_id, t.wait_bin, t.n, t.wave, t.service_type
    from edge_days('agg_wait_hist_day', p_from, p_to) as t
)

select c.hall_id, c.wait_bin, c.n
from cells as c
left join agg_hall as h using (hall_id)
where (p_districts is null or h.district = any(p_districts))
  and (p_hall_ids is null or c.hall_id = any(p_hall_ids))
  and (p_waves is null or c.wave = any(p_waves))
  and (p_service_types is null or c.service_type = any(p_service_types));

create or replace macro wait_cells_slim(p_from, p_to, p_districts, p_hall_ids) as table
with

cells as (
    select t.hall_id, t.wait_bin, s.sign * t.n_cum as n
    from agg_wait_cum_hall as t
    join cum_slices(p_from, p_to) as s using (month_on)
    union all
    select t.hall_id, t.wait_bin, t.n
    from edge_days('agg_wait_hist_hall_day', p_from, p_to) as t
)

select c.*
from cells as c
where (p_districts is null
       or c.hall_id in (select hall_id from agg_hall where list_contains(p_districts, district)))
  and (p_hall_ids is null or list_contains(p_hall_ids, c.hall_id));

create or replace macro wait_cells_wt(p_from, p_to, p_waves, p_service_types) as table
with

cells as (
    -- whole months
    select t.wave, t.service_type, t.wait_bin, s.sign * t.n_cum as n
    from agg_wait_cum_wt as t
    join cum_slices(p_from, p_to) as s using (month_on)
    union all
    -- the partial months at either end
    select t.wave, t.service_type, t.wait_bin, t.n
    from edge_days('agg_wait_hist_day', p_from, p_to) as t
)

select cast(null as varchar) as hall_id, c.wait_bin, c.n
from cells as c
where (p_service_types is null or list_contains(p_service_types, c.service_type))
  and (p_waves is null or list_contains(p_waves, c.wave));

create or replace macro wait_cells(p_from, p_to, p_districts, p_hall_ids, p_waves, p_service_types, p_per_hall) as table
-- The parameters are constants when DuckDB plans a query, so only the branch whose
-- condition holds is read (tests/test_macros.py checks the plans).
select * from wait_cells_slim(p_from, p_to, p_districts, p_hall_ids)
where p_waves is null and p_service_types is null
union all
select * from wait_cells_wt(p_from, p_to, p_waves, p_service_types)
where (p_waves is not null or p_service_types is not null)
  and p_districts is null and p_hall_ids is null and not p_per_hall
union all
select * from wait_cells_full(p_from, p_to, p_districts, p_hall_ids, p_waves, p_service_types)
where (p_waves is not null or p_service_types is not null)
  and (p_districts is not null or p_hall_ids is not null or p_per_hall);
