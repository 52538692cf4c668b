-- Counter-ticket rollups: everything the hall pages read, so no page scans the raw
-- counter_tickets table (20M rows at city scale).
--
-- Wait = called_at - issued_at in seconds (called_at is the last call), over served
-- tickets with both times (called_at >= issued_at is enforced by the importer; a
-- negative difference is left out of the wait figures, never clipped).
-- Wave of a ticket = wave of its community (NULL when the ticket has no known community:
-- such tickets drop out only when a wave filter is set).
--
-- Wait bins are 10 s wide and closed on the right: bin k holds waits in (10(k-1), 10k]
-- seconds, bin 0 holds a wait of exactly 0 and bin 1441 every wait above 240 min. A
-- target that is a whole multiple of 10 s is therefore counted exactly (wait <= target
-- iff bin <= target/10), and a percentile read from the bins is within 10 s of exact.
--
-- Reading a range of days: whole calendar months come from a month-grain table (or, for
-- the histograms, from the difference of two month slices of a cumulative table), the
-- partial months at either end from the day-grain table of the same shape. Tables are
-- sorted by month or day so a range read skips row groups.

-- staging: one row per ticket, the columns the rollups need
-- incremental: day_on
create or replace temp table stg_ticket as
select
    -- ids
    k.hall_id,
    coalesce(k.service_type, 'other') as service_type,
    c.wave,
    -- timestamps
    cast(k.issued_at as date) as day_on,
    hour(k.issued_at) as hour_of_day,
    isodow(k.issued_at) as weekday,
    -- flags
    k.outcome = 'served' as is_served,
    k.outcome = 'no_show' as is_no_show,
    k.outcome = 'cancelled' as is_cancelled,
    coalesce(k.is_appointment, false) as is_appointment,
    -- numerics
    case
        when k.outcome = 'served' and k.called_at >= k.issued_at
        then epoch(k.called_at - k.issued_at)
    end as wait_s,
    case
        when k.finished_at >= k.started_at then epoch(k.finished_at - k.started_at)
    end as handle_s
from counter_tickets as k
left join agg_community as c using (community_id);

-- agg_ticket_day: grain (hall_id, day_on, service_type, wave); counts and wait sums;
-- n_appointment: tickets taken by appointment (is_appointment; NULL counts as not).
-- incremental: day_on
create or replace table agg_ticket_day as
select
    hall_id,
    day_on,
    service_type,
    wave,
    count(*) as n_tickets,
    count(*) filter (where is_served) as n_served,
    count(*) filter (where is_no_show) as n_no_show,
    count(*) filter (where is_cancelled) as n_cancelled,
    count(wait_s) as n_waited,
    coalesce(sum(wait_s), 0) as sum_wait_s,
    max(wait_s) as max_wait_s,
    count(handle_s) as n_handled,
    coalesce(sum(handle_s), 0) as sum_handle_s,
    count(*) filter (where is_appointment) as n_appointment
from stg_ticket
group by all
order by day_on, hall_id;

-- agg_ticket_month: grain (hall_id, month_on, service_type, wave); the same counts by
-- calendar month, plus the first and last day with a ticket in the cell. Whole months of
-- a range read this (~30x fewer rows than the day grain), the range's ends the day grain.
-- incremental: month_on
create or replace table agg_ticket_month as
select
    hall_id,
    cast(date_trunc('month', day_on) as date) as month_on,
    service_type,
    wave,
    sum(n_tickets) as n_tickets,
    sum(n_served) as n_served,
    sum(n_no_show) as n_no_show,
    sum(n_cancelled) as n_cancelled,
    sum(n_waited) as n_waited,
    sum(sum_wait_s) as sum_wait_s,
    max(max_wait_s) as max_wait_s,
    sum(n_handled) as n_handled,
    sum(sum_handle_s) as sum_handle_s,
    min(day_on) as first_day_on,
    max(day_on) as last_day_on
from agg_ticket_day
group by all
order by month_on, hall_id;

-- agg_ticket_ht_month / agg_ticket_ht_day: the same without the wave column, grain
-- (hall_id, month_on | day_on, service_type): what the pages read when no wave filter is
-- set (~10x fewer rows).
-- incremental: month_on
create or replace table agg_ticket_ht_month as
select
    hall_id, month_on, service_type,
    sum(n_tickets) as n_tickets,
    sum(n_served) as n_served,
    sum(n_no_show) as n_no_show,
    sum(n_cancelled) as n_cancelled,
    sum(n_waited) as n_waited,
    sum(sum_wait_s) as sum_wait_s,
    max(max_wait_s) as max_wait_s,
    min(first_day_on) as first_day_on,
    max(last_day_on) as last_day_on
from agg_ticket_month
group by all
order by month_on, hall_id;

-- incremental: day_on
create or replace table agg_ticket_ht_day as
select
    hall_id, day_on, service_type,
    sum(n_tickets) as n_tickets,
    sum(n_served) as n_served,
    sum(n_no_show) as n_no_show,
    sum(n_cancelled) as n_cancelled,
    sum(n_waited) as n_waited,
    sum(sum_wait_s) as sum_wait_s,
    max(max_wait_s) as max_wait_s
from agg_ticket_day
group by all
order by day_on, hall_id;

-- agg_wait_hist_month: grain (hall_id, month_on, service_type, wave, wait_bin); n served
-- tickets. Read only when a wave or service-type filter is combined with a hall or
-- district filter (sorted by month only: a sort by wave and type would let those filters
-- skip row groups but doubled this table's build time); whole months inside a date range
-- are read from here ...
-- incremental: month_on
create or replace table agg_wait_hist_month as
with binned as (
    select
        hall_id,
        cast(date_trunc('month', day_on) as date) as month_on,
        service_type,
        wave,
        cast(least(ceil(wait_s / 10.0), 1441) as smallint) as wait_bin
    from stg_ticket
    where wait_s is not null
)
select hall_id, month_on, service_type, wave, wait_bin, count(*) as n
from binned
group by all
order by month_on;

-- agg_wait_hist_day: grain (hall_id, day_on, service_type, wave, wait_bin); ... and the
-- partial months at the two ends of a range from here (sorted by day, so a range read
-- touches few row groups).
-- incremental: day_on
create or replace table agg_wait_hist_day as
select
    hall_id,
    day_on,
    service_type,
    wave,
    cast(least(ceil(wait_s / 10.0), 1441) as smallint) as wait_bin,
    count(*) as n
from stg_ticket
where wait_s is not null
group by all
order by day_on;

-- agg_ticket_weekday_hour: grain (hall_id, month_on, service_type, weekday 1=Mon..7,
-- hour_of_day); arrivals and wait sums for the weekday x hour heatmap. No wave column:
-- the heatmap is a property of the hall's queue (a wave filter does not apply). Read when
-- a service-type filter is set (sorted by type); agg_ticket_wdh_hall otherwise.
-- incremental: month_on
create or replace table agg_ticket_weekday_hour as
select
    hall_id,
    cast(date_trunc('month', day_on) as date) as month_on,
    service_type,
    weekday,
    hour_of_day,
    count(*) as n_tickets,
    count(wait_s) as n_waited,
    coalesce(sum(wait_s), 0) as sum_wait_s
from stg_ticket
group by all
order by service_type, month_on, hall_id;

-- agg_ticket_wdh_hall: grain (hall_id, month_on, weekday, hour_of_day); the heatmap
-- without the service-type column (~9x fewer rows).
-- incremental: month_on
create or replace table agg_ticket_wdh_hall as
select
    hall_id,
    month_on,
    weekday,
    hour_of_day,
    sum(n_tickets) as n_tickets,
    sum(n_waited) as n_waited,
    sum(sum_wait_s) as sum_wait_s
from agg_ticket_weekday_hour
group by all
order by month_on, hall_id;

-- agg_ticket_wdh_city: grain (month_on, weekday, hour_of_day); the heatmap without hall
-- or service type (no hall, district or type filter).
-- incremental: month_on
create or replace table agg_ticket_wdh_city as
select
    month_on, weekday, hour_of_day,
    sum(n_tickets) as n_tickets,
    sum(n_waited) as n_waited,
    sum(sum_wait_s) as sum_wait_s
from agg_ticket_wdh_hall
group by all
order by month_on;

-- agg_community_ticket_month: grain (community_id, month_on, service_type, hall_id);
-- counter tickets and counter transactions (served tickets) per community, from tickets
-- that name one. Read when a hall or service-type filter is set;
-- agg_community_ticket_month_all (grain community_id, month_on) otherwise.
-- incremental: month_on
create or replace table agg_community_ticket_month as
select
    community_id,
    cast(date_trunc('month', issued_at) as date) as month_on,
    coalesce(service_type, 'other') as service_type,
    hall_id,
    count(*) as n_tickets,
    count(*) filter (where outcome = 'served') as n_served
from counter_tickets
where community_id is not null
group by all
order by month_on;

-- incremental: month_on
create or replace table agg_community_ticket_month_all as
select community_id, month_on, sum(n_tickets) as n_tickets, sum(n_served) as n_served
from agg_community_ticket_month
group by all
order by community_id, month_on;

-- community_ticket_panel(p_from, p_to, p_districts, p_waves, p_hall_ids, p_service_types):
-- one row per community with households (agg_community; filters p_districts, p_waves) and
-- month with a ticket naming a community (months overlapping [p_from, p_to]): month_on,
-- community_id, district, wave, status (served_status), households, n_tickets and n_served
-- (tickets / counter transactions naming it, of the halls p_hall_ids and service types
-- p_service_types; 0 when none). NULL filters = all. Read by agg_community_ticket_cell
-- below (no filter) and by metrics/counter_per_1k_month.sql (hall or type filter).
create or replace macro community_ticket_panel(p_from, p_to, p_districts, p_waves, p_hall_ids, p_service_types) as table
with

months as (
    select distinct month_on
    from agg_community_ticket_month
    where (p_from is null or month_on >= date_trunc('month', cast(p_from as date)))
      and (p_to is null or month_on <= cast(p_to as date))
),

units as (
    select c.community_id, c.district, c.wave, c.households, c.first_opened_on
    from agg_community as c
    where c.households > 0
      and (p_districts is null or c.district = any(p_districts))
      and (p_waves is null or c.wave = any(p_waves))
),

counts as (
    select community_id, month_on, n_tickets, n_served
    from agg_community_ticket_month_all
    where p_hall_ids is null and p_service_types is null
    union all
    select community_id, month_on, sum(n_tickets) as n_tickets, sum(n_served) as n_served
    from agg_community_ticket_month
    where (p_hall_ids is not null or p_service_types is not null)
      and (p_hall_ids is null or hall_id = any(p_hall_ids))
      and (p_service_types is null or service_type = any(p_service_types))
    group by all
)

select
    m.month_on,
    u.community_id,
    u.district,
    u.wave,
    served_status(u.first_opened_on, m.month_on) as status,
    u.households,
    coalesce(k.n_tickets, 0) as n_tickets,
    coalesce(k.n_served, 0) as n_served
from units as u
cross join months as m
left join counts as k on k.community_id = u.community_id and k.month_on = m.month_on;

-- agg_community_ticket_cell: grain (month_on, district, wave, status); the per-1,000
-- household panel of counter tickets already summed: every community with households
-- (agg_community) in every month with a ticket naming a community, its status that month,
-- its households and its tickets / transactions (0 when none).
-- incremental: month_on
create or replace table agg_community_ticket_cell as
select
    month_on, district, wave, status,
    count(*) as n_communities,
    sum(households) as households,
    sum(n_tickets) as n_tickets,
    sum(n_served) as n_served
from community_ticket_panel(null, null, null, null, null, null)
group by all
order by month_on;

drop table stg_ticket;

-- Hall-level histograms (no service_type or wave column): what the pages read when no
-- wave or service-type filter is set (the default view).
-- agg_wait_hist_hall_day: grain (hall_id, day_on, wait_bin): the partial months at the
-- ends of a range.
-- incremental: day_on
create or replace table agg_wait_hist_hall_day as
select hall_id, day_on, wait_bin, sum(n) as n
from agg_wait_hist_day
group by all
order by day_on, hall_id;

-- Cumulative histograms: n_cum = served tickets with that bin in all months up to and
-- including month_on, so the whole months [m1, m2] of any range are the difference of
-- two month slices, C(m2) - C(m1 - 1): a page reads at most two slices (a few thousand
-- rows) whatever the range, instead of every month. A key appears in a month's slice
-- from its first month with data on (a missing row means 0). Months are those with any
-- served wait (agg_wait_cum_months); a reader takes the latest such month <= its bound.
-- agg_wait_cum_hall: grain (month_on, hall_id, wait_bin);
-- agg_wait_cum_wt: grain (month_on, wave, service_type, wait_bin) (wave/type filters
-- without a hall or district filter).
create or replace table agg_wait_cum_months as
select distinct month_on from agg_wait_hist_month order by month_on;

-- cumulative: month_on n_cum
create or replace table agg_wait_cum_hall as
with

cells as (
    select month_on, hall_id, wait_bin, sum(n) as n
    from agg_wait_hist_month
    group by all
),

keys as (
    select hall_id, wait_bin, min(month_on) as first_month_on
    from cells
    group by all
),

dense as (
    select m.month_on, k.hall_id, k.wait_bin, coalesce(c.n, 0) as n
    from keys as k
    join agg_wait_cum_months as m on m.month_on >= k.first_month_on
    left join cells as c
        on c.month_on = m.month_on and c.hall_id = k.hall_id and c.wait_bin = k.wait_bin
)

select
    month_on,
    hall_id,
    wait_bin,
    sum(n) over (partition by hall_id, wait_bin order by month_on) as n_cum
from dense
order by month_on, hall_id, wait_bin;

-- cumulative: month_on n_cum
create or replace table agg_wait_cum_wt as
with

cells as (
    select month_on, wave, service_type, wait_bin, sum(n) as n
    from agg_wait_hist_month
    group by all
),

keys as (
    select wave, service_type, wait_bin, min(month_on) as first_month_on
    from cells
    group by all
),

dense as (
    select m.month_on, k.wave, k.service_type, k.wait_bin, coalesce(c.n, 0) as n
    from keys as k
    join agg_wait_cum_months as m on m.month_on >= k.first_month_on
    left join cells as c
        on c.month_on = m.month_on and c.wave is not distinct from k.wave
       and c.service_type = k.service_type and c.wait_bin = k.wait_bin
)

select
    month_on,
    wave,
    service_type,
    wait_bin,
    sum(n) over (partition by wave, service_type, wait_bin order by month_on) as n_cum
from dense
order by month_on, wave, service_type, wait_bin;
