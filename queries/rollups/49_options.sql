-- What every page loads first: the sidebar's filter options and the data's span, in two
-- tiny tables (one read each instead of five scans).
--
-- agg_filter_options: grain one row per (kind, value); kind 'district' (districts of
-- communities and halls), 'hall' (name = hall name or id, district), 'wave' ('YYYYQn',
-- then 'none'; n = communities), 'service_type' (seen at counters or rooms); ord = the
-- display order within a kind.
-- agg_data_span: grain one row; first and last day with a counter ticket, 95598 order or
-- room visit.
create or replace table agg_filter_options as
with

districts as (
    select distinct district from agg_community where district is not null
    union
    select distinct district from agg_hall where district is not null
),

waves as (
    select wave, count(*) as n_communities
    from agg_community
    group by wave
),

types as (
    select distinct service_type from agg_ticket_month
    union
    select distinct service_type from agg_visit_month
),

final as (
    select 'district' as kind, district as value, null as name, null as district,
        null as n, row_number() over (order by district) as ord
    from districts
    union all
    select 'hall', hall_id, coalesce(name, hall_id), district, null,
        row_number() over (order by hall_id)
    from agg_hall
    union all
    select 'wave', wave, null, null, n_communities,
        row_number() over (order by wave = 'none', wave)
    from waves
    union all
    select 'service_type', service_type, null, null, null,
        row_number() over (order by service_type)
    from types
)

select * from final
order by kind, ord;

create or replace table agg_data_span as
select
    least(
        (select min(first_day_on) from agg_ticket_month),
        (select min(day_on) from agg_hotline_day),
        (select min(day_on) from agg_visit_day)) as first_on,
    greatest(
        (select max(last_day_on) from agg_ticket_month),
        (select max(day_on) from agg_hotline_day),
        (select max(day_on) from agg_visit_day)) as last_on;
