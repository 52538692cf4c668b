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

-- staging: one row per ticket, the columns the rollups need
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

-- agg_ticket_day: grain (hall_id, day_on, service_type, wave); counts and wait sums.
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
    coalesce(sum(handle_s), 0) as sum_handle_s
from stg_ticket
group by all
order by day_on, hall_id;

-- agg_wait_hist_month: grain (hall_id, month_on, service_type, wave, wait_bin); n served
-- tickets. Whole months inside a date range are read from here ...
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
order by month_on, hall_id;

-- agg_wait_hist_day: grain (hall_id, day_on, service_type, wave, wait_bin); ... and the
-- partial months at the two ends of a range from here (sorted by day, so a range read
-- touches few row groups).
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
order by day_on, hall_id;

-- agg_ticket_weekday_hour: grain (hall_id, month_on, service_type, weekday 1=Mon..7,
-- hour_of_day); arrivals and wait sums for the weekday x hour heatmap. No wave column:
-- the heatmap is a property of the hall's queue (a wave filter does not apply).
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
order by month_on, hall_id;

-- agg_community_type_month: grain (community_id, month_on, service_type); counter tickets
-- and counter transactions (served tickets) per community, from tickets that name one.
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

drop table stg_ticket;

-- The same histograms without the service_type and wave columns: what the pages read
-- when no wave or service-type filter is set (the default view), ~7x fewer rows.
-- agg_wait_hist_hall_month: grain (hall_id, month_on, wait_bin);
-- agg_wait_hist_hall_day: grain (hall_id, day_on, wait_bin).
create or replace table agg_wait_hist_hall_month as
select hall_id, month_on, wait_bin, sum(n) as n
from agg_wait_hist_month
group by all
order by month_on, hall_id;

create or replace table agg_wait_hist_hall_day as
select hall_id, day_on, wait_bin, sum(n) as n
from agg_wait_hist_day
group by all
order by day_on, hall_id;
