-- Counter arrivals (tickets issued, any outcome) per ISO week (Monday first), for the load
-- forecast. Grain: one row per week_on (the week's Monday); weeks with no ticket in the
-- span are filled with 0 by the forecasting code. Source: agg_ticket_ht_day.
-- Params: $hall_ids (NULL = every hall).
with

days as (
    select day_on, n_tickets
    from agg_ticket_ht_day
    where $hall_ids is null or list_contains($hall_ids, hall_id)
),

final as (
    select
        cast(date_trunc('week', day_on) as date) as week_on,
        sum(n_tickets) as n,
        -- the data's span (whatever the filter): weeks cut by it are partial
        (select min(day_on) from agg_ticket_ht_day) as first_day_on,
        (select max(day_on) from agg_ticket_ht_day) as last_day_on
    from days
    group by all
)

select * from final
order by week_on
