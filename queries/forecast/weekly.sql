-- Weekly counts for the load forecast, per ISO week (Monday first): counter arrivals
-- (tickets issued, any outcome; $series = 'hall_arrivals') or 95598 work orders
-- ($series = 'hotline', orders without a community included).
-- Grain: one row per week_on (the week's Monday), with the span of the series' data
-- (first_day_on, last_day_on, whatever the filter) so that partial weeks at the ends can
-- be dropped; weeks without events inside the span are filled with 0 by the forecasting code.
-- Source: agg_ticket_ht_day or agg_hotline_day; the parameters are constants when DuckDB
-- plans the query, so only the chosen series' table is read.
-- Params: $series, $hall_ids (arrivals), $categories (hotline); NULL = all.
with

days as (
    select day_on, n_tickets as n
    from agg_ticket_ht_day
    where $series = 'hall_arrivals'
      and ($hall_ids is null or list_contains($hall_ids, hall_id))
    union all
    select day_on, n_orders as n
    from agg_hotline_day
    where $series = 'hotline'
      and ($categories is null or list_contains($categories, category))
),

span as (
    select min(day_on) as first_day_on, max(day_on) as last_day_on
    from (
        select day_on from agg_ticket_ht_day where $series = 'hall_arrivals'
        union all
        select day_on from agg_hotline_day where $series = 'hotline'
    )
),

final as (
    select
        cast(date_trunc('week', d.day_on) as date) as week_on,
        sum(d.n) as n,
        any_value(s.first_day_on) as first_day_on,
        any_value(s.last_day_on) as last_day_on
    from days as d
    cross join span as s
    group by 1
)

select * from final
order by week_on
